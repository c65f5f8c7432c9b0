/// Compiling the `include` extension's commands: `include`, `return` and `global`, and
/// the `global.` variable namespace.
///
/// How this implementation reads the RFC (Pigeonhole's choices where it leaves room):
/// - The script name must be a constant string (no variable references) and a valid
///   script name (`IncludeRules.isValidScriptName`). The compiler asks the loader for it
///   at once: a script that does not exist is a compile error unless `:optional`. A
///   loader that cannot know a location at all (`ScriptLoadError.locationUnknown`:
///   `sieve-check compile` without a global directory) gets a warning instead, and the
///   include is compiled as an optional one that is missing.
/// - `global` needs `variables` too. It may appear anywhere, any number of times; naming
///   a variable the script already used as a local one is an error. From the
///   declaration on, the name is the global variable, the same one `${global.NAME}`
///   names (RFC 6609 §3.5).
/// - `return` in the main script ends it, as `stop` does.
///
/// - SeeAlso: RFC 6609 §3.2 (include), §3.3 (return), §3.4 (global), §3.5 (namespace)
extension Validator {
    /// The per-script state of the include extension while validating.
    struct IncludeValidation {
        var loader: (any SieveScriptLoader)?
        /// The scripts this script includes, in order, with their text when found.
        var pending: [PendingInclude] = []
        /// Every (location, name) asked of the loader.
        var dependencies: [IncludeDependency] = []
        /// Lowercased names declared by `global`.
        var declaredGlobals: Set<String> = []
    }

    /// One `include` of a script, resolved after the including script validated.
    struct PendingInclude {
        let key: IncludeKey
        let once: Bool
        /// The included script's text; nil for a missing `:optional` script.
        let source: IncludedSource?
        /// Where the `include` command is.
        let location: SourceLocation
    }

    /// `include [:personal / :global] [:once] [:optional] <value: string>`
    ///
    /// - SeeAlso: RFC 6609 §3.2
    mutating func compileInclude(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        let tags = [TagSpec("personal", group: "location"), TagSpec("global", group: "location"), TagSpec("once"), TagSpec("optional")]
        guard let read = readArguments(node.arguments, of: "command", named: "include", at: location, tags: tags,
                                       positionals: [PositionalSpec(role: "script name", kind: .string)]),
              let literal = stringArgument(read.positionals[0])
        else { return nil }
        guard case .constant(let name) = compileString(literal) else {
            error("the script name of 'include' must be a constant string, without variable references", at: literal.range.start)
            return nil
        }
        guard IncludeRules.isValidScriptName(name) else {
            error("invalid script name \(quoted(name)) in include: a name may not be empty, contain \"/\" or control characters, "
                  + "or be longer than \(IncludeRules.maxScriptNameLength) characters", at: literal.range.start)
            return nil
        }
        let scriptLocation: ScriptLocation = read.has("global") ? .global : .personal
        let optional = read.has("optional")
        let found: IncludedSource?
        do {
            found = try include.loader?.loadScript(named: name, at: scriptLocation)
        } catch where error.locationUnknown {
            warning("included \(scriptLocation.rawValue) script \(quoted(name)) is not checked: \(error.message)", at: literal.range.start)
            let key = IncludeKey(location: scriptLocation, name: name)
            include.pending.append(PendingInclude(key: key, once: read.has("once"), source: nil, location: location))
            return .include(IncludeCommand(key: key, once: read.has("once"), optional: true))
        } catch {
            self.error("cannot read included \(scriptLocation.rawValue) script \(quoted(name)): \(error.message)", at: literal.range.start)
            return nil
        }
        include.dependencies.append(IncludeDependency(location: scriptLocation, name: name, found: found != nil))
        if found == nil && !optional {
            error("included \(scriptLocation.rawValue) script \(quoted(name)) does not exist", at: literal.range.start)
            return nil
        }
        let key = IncludeKey(location: scriptLocation, name: name)
        include.pending.append(PendingInclude(key: key, once: read.has("once"), source: found, location: location))
        return .include(IncludeCommand(key: key, once: read.has("once"), optional: optional))
    }

    /// `return`
    ///
    /// - SeeAlso: RFC 6609 §3.3
    mutating func compileReturn(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        guard readArguments(node.arguments, of: "command", named: "return", at: location, tags: [], positionals: []) != nil
        else { return nil }
        return .returnFromScript
    }

    /// `global <value: string-list>`: declares the names as global variables. Emits no
    /// command: the names' slots are the global ones from here on.
    ///
    /// - SeeAlso: RFC 6609 §3.4
    mutating func declareGlobals(_ node: CommandNode, location: SourceLocation) {
        guard capabilities.contains(.variables) else {
            error("command 'global' requires the \"variables\" extension as well; add require \"variables\";", at: location)
            return
        }
        guard let read = readArguments(node.arguments, of: "command", named: "global", at: location, tags: [],
                                       positionals: [PositionalSpec(role: "variable names", kind: .stringList)])
        else { return }
        for (name, at) in constantStrings(read.positionals[0]) {
            guard VariableTemplate.isIdentifier(name) else {
                error("'\(name)' is not a valid variable name for global (letters, digits and '_', not starting with a digit)", at: at)
                return
            }
            let key = name.lowercased()
            if include.declaredGlobals.contains(key) { continue }
            if slots[key] != nil {
                error("'global \(quoted(name))' comes after the script used \(quoted(name)) as a local variable; "
                      + "declare it global before its first use", at: at)
                return
            }
            include.declaredGlobals.insert(key)
        }
    }

    /// The slot a `global.NAME` reference or assignment names, or nil when `whole` is not
    /// in the global namespace (or `include` is not required). Reports a malformed name
    /// (`global.env.x`, `global.12`) and gives the slot -1 then.
    ///
    /// - SeeAlso: RFC 6609 §3.5
    mutating func globalNamespaceSlot(_ whole: String, at location: SourceLocation) -> Int? {
        let parts = whole.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count > 1, parts[0].lowercased() == "global", capabilities.contains(.include) else { return nil }
        guard parts.count == 2, VariableTemplate.isIdentifier(parts[1]) else {
            error("'\(whole)' is not a global variable: after 'global.' comes one variable name "
                  + "(letters, digits and '_', not starting with a digit)", at: location)
            return -1
        }
        return slot(for: "global." + parts[1].lowercased())
    }

    /// The slot key of a plain variable name: `global.NAME` once `global` declared it.
    func slotKey(for lowercasedName: String) -> String {
        include.declaredGlobals.contains(lowercasedName) ? "global." + lowercasedName : lowercasedName
    }
}

/// A compiled `include` command.
struct IncludeCommand: Sendable {
    let key: IncludeKey
    let once: Bool
    let optional: Bool
}

/// What kind of value an argument position or tag parameter takes.
enum ArgumentKind: Sendable {
    case string, stringList, number

    var phrase: String {
        switch self {
        case .string: return "a string"
        case .stringList: return "a string list"
        case .number: return "a number"
        }
    }
}

extension Argument {
    /// How the argument reads in an error message ("found a string list").
    var phrase: String {
        switch self {
        case .string: return "a string"
        case .stringList: return "a string list"
        case .number: return "a number"
        case .tag(let name, _): return "the tag ':\(name)'"
        }
    }
}

/// A tagged argument a command or test accepts.
struct TagSpec: Sendable {
    /// Lowercased, without the colon.
    let name: String
    let parameter: ArgumentKind?
    /// The capability that must be required to use the tag.
    let capability: SieveCapability?
    /// Tags of one group exclude each other ("match type", "comparator", ...).
    let group: String?

    init(_ name: String, _ parameter: ArgumentKind? = nil, capability: SieveCapability? = nil, group: String? = nil) {
        self.name = name
        self.parameter = parameter
        self.capability = capability
        self.group = group
    }

    static let matchTypes: [TagSpec] = [
        TagSpec("is", group: "match type"),
        TagSpec("contains", group: "match type"),
        TagSpec("matches", group: "match type"),
        TagSpec("value", .string, capability: .relational, group: "match type"),
        TagSpec("count", .string, capability: .relational, group: "match type"),
        TagSpec("regex", capability: .regex, group: "match type"),
        TagSpec("list", capability: .extlists, group: "match type"),
    ]
    static let comparator: [TagSpec] = [TagSpec("comparator", .string, group: "comparator")]
    static let addressParts: [TagSpec] = [
        TagSpec("all", group: "address part"),
        TagSpec("localpart", group: "address part"),
        TagSpec("domain", group: "address part"),
        TagSpec("user", capability: .subaddress, group: "address part"),
        TagSpec("detail", capability: .subaddress, group: "address part"),
    ]
}

/// A positional argument a command or test takes.
struct PositionalSpec: Sendable {
    /// What the argument is, for messages ("mailbox", "key list").
    let role: String
    let kind: ArgumentKind
}

/// The arguments of one command or test, sorted into tags and positionals.
struct ReadArguments {
    struct TagUse {
        let range: SourceRange
        let parameter: Argument?
    }

    var tags: [String: TagUse] = [:]
    /// Positional arguments matched to their specs (only when the count was right).
    var positionals: [Argument] = []

    func has(_ tag: String) -> Bool { tags[tag] != nil }
}

extension Validator {
    /// Sorts `arguments` into tags and positionals, reporting unknown or misused tags
    /// and missing, extra or mistyped positional arguments. `optionalLeading` is how
    /// many of the first positionals may be left out (hasflag, setflag...), `optionalTrailing`
    /// how many of the last (pipe's arguments list).
    /// Returns nil when any error was reported.
    mutating func readArguments(_ arguments: [Argument], of what: String, named name: String, at location: SourceLocation,
                                tags specs: [TagSpec], positionals: [PositionalSpec],
                                optionalLeading: Int = 0, optionalTrailing: Int = 0) -> ReadArguments? {
        var read = ReadArguments()
        var groupsUsed: [String: String] = [:]
        var positional: [Argument] = []
        var ok = true
        var skipPositionalCheck = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard case .tag(let written, let range) = argument else {
                positional.append(argument)
                continue
            }
            let tag = written.lowercased()
            guard let spec = specs.first(where: { $0.name == tag }) else {
                let accepted = specs.map { spec -> String in
                    guard let needed = spec.capability, !capabilities.contains(needed) else { return ":" + spec.name }
                    return ":\(spec.name) (with require \"\(needed.rawValue)\")"
                }
                let list = accepted.isEmpty ? "it takes no tagged arguments" : "it accepts " + accepted.joined(separator: ", ")
                // Once per script for each tag and command or test, like unknown names.
                if reportedUnknown.insert("\(name.lowercased()) :\(tag)").inserted {
                    error("unknown tag ':\(written)' for \(what) '\(name)'; \(list)", at: range.start)
                }
                ok = false
                skipPositionalCheck = true
                continue
            }
            if let first = positional.first {
                // Every command's and test's syntax (RFC 5228 §4, §5 and the extensions) puts
                // the tags before the positional arguments, and Pigeonhole rejects a tag after
                // them. After such a tag the count of positionals means nothing.
                error("tag ':\(written)' comes after the positional arguments of \(what) '\(name)' (which start at "
                      + "\(Parser.position(first.range.start))); tagged arguments go before them", at: range.start)
                ok = false
                skipPositionalCheck = true
                if spec.parameter != nil, index < arguments.count, !isTag(arguments[index]) { index += 1 }
                continue
            }
            if let capability = spec.capability, !capabilities.contains(capability) {
                error("tag ':\(tag)' requires the \"\(capability.rawValue)\" extension; add require \"\(capability.rawValue)\";", at: range.start)
                ok = false
            }
            if read.tags[tag] != nil {
                error("tag ':\(tag)' is given twice in \(what) '\(name)'", at: range.start)
                ok = false
            } else if let group = spec.group, let other = groupsUsed[group] {
                error("':\(tag)' conflicts with ':\(other)': only one \(group) may be given", at: range.start)
                ok = false
            }
            if let group = spec.group, groupsUsed[group] == nil { groupsUsed[group] = tag }
            var parameter: Argument?
            if let kind = spec.parameter {
                guard index < arguments.count, !isTag(arguments[index]) else {
                    // An unknown tag in the parameter's place gets its own error; one is enough.
                    if index < arguments.count, case .tag(let next, _) = arguments[index],
                       !specs.contains(where: { $0.name == next.lowercased() }) {
                        ok = false
                        skipPositionalCheck = true
                        continue
                    }
                    error("tag ':\(tag)' must be followed by \(kind.phrase)", at: range.end)
                    ok = false
                    skipPositionalCheck = true
                    continue
                }
                let value = arguments[index]
                index += 1
                if !fits(value, kind) {
                    error("tag ':\(tag)' expects \(kind.phrase), found \(value.phrase)", at: value.range.start)
                    ok = false
                    continue
                }
                parameter = value
            }
            if read.tags[tag] == nil { read.tags[tag] = ReadArguments.TagUse(range: range, parameter: parameter) }
        }

        // After an unknown tag or a missing tag parameter, counting positionals
        // would only add a confusing second error.
        if skipPositionalCheck { return nil }
        let required = positionals.count - optionalLeading - optionalTrailing
        if positional.count < required || positional.count > positionals.count {
            let names = positionals.map { "\($0.role) (\($0.kind.phrase))" }.joined(separator: ", ")
            let optional = optionalLeading + optionalTrailing
            let expected = optional > 0 ? "\(required) to \(positionals.count)" : "\(positionals.count)"
            let noun = positionals.count == 1 && optional == 0 ? "argument" : "arguments"
            if positionals.isEmpty {
                error("\(what) '\(name)' takes no positional arguments, found \(positional.count)", at: positional[0].range.start)
            } else {
                error("\(what) '\(name)' expects \(expected) positional \(noun) [\(names)], found \(positional.count)",
                      at: positional.count > positionals.count ? positional[positionals.count].range.start : location)
            }
            return nil
        }
        // Match the given positionals to the last specs when leading ones are left out.
        let specsUsed = optionalTrailing > 0 ? positionals.prefix(positional.count) : positionals.suffix(positional.count)
        for (argument, spec) in zip(positional, specsUsed) where !fits(argument, spec.kind) {
            error("\(what) '\(name)' expects \(spec.kind.phrase) for the \(spec.role), found \(argument.phrase)",
                  at: argument.range.start)
            ok = false
        }
        read.positionals = positional
        return ok ? read : nil
    }

    private func isTag(_ argument: Argument) -> Bool {
        if case .tag = argument { return true }
        return false
    }

    /// Whether `argument` can stand where `kind` is expected (a single string is a
    /// one-element string list, RFC 5228 §2.4.2.1).
    func fits(_ argument: Argument, _ kind: ArgumentKind) -> Bool {
        switch (argument, kind) {
        case (.string, .string), (.string, .stringList), (.stringList, .stringList), (.number, .number): return true
        default: return false
        }
    }
}

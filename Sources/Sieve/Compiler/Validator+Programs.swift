import MailCore

/// A compiled `pipe`, `filter` or `execute`: the program, its arguments and what goes in
/// and out.
struct ProgramCall: Sendable {
    enum Input: Sendable {
        /// Nothing on standard input (`execute` without `:input`/`:pipe`).
        case none
        /// The message (`pipe`, `filter`, `execute :pipe`).
        case message
        /// `execute :input <text>`.
        case text(Str)
    }

    let kind: ExternalProgramKind
    /// The program's name, validated (a constant: variables are not allowed in it).
    let name: String
    let arguments: StrList?
    let input: Input
    /// `execute :output <varname>`: the variable the output goes to.
    let outputSlot: Int?
    /// `pipe :copy`.
    let copy: Bool
    /// `pipe :try`.
    let isTry: Bool
}

extension Validator {
    /// `pipe [:copy] [:try] <program-name: string> [<arguments: string-list>]`,
    /// `filter <program-name: string> [<arguments: string-list>]`,
    /// `execute [:input <input-data: string> / :pipe] [:output <varname: string>]
    ///  <program-name: string> [<arguments: string-list>]`; `filter` and `execute` are also
    /// tests. Nil on error.
    ///
    /// - SeeAlso: Pigeonhole's spec-bosch-sieve-extprograms §2–§5
    mutating func compileProgramCall(_ kind: ExternalProgramKind, arguments: [Argument], of what: String,
                                     at location: SourceLocation) -> ProgramCall? {
        let name = kind.rawValue
        let tags: [TagSpec]
        switch kind {
        case .pipe: tags = [TagSpec("copy", capability: .copy), TagSpec("try")]
        case .filter: tags = []
        case .execute:
            tags = [TagSpec("input", .string, group: "input"), TagSpec("pipe", group: "input"), TagSpec("output", .string)]
        }
        // Like Pigeonhole, the first unknown tag ends the examination of the command.
        for argument in arguments {
            guard case .tag(let written, let range) = argument, !tags.contains(where: { $0.name == written.lowercased() })
            else { continue }
            let accepted = tags.isEmpty ? "it takes no tagged arguments" : "it accepts " + tags.map { ":" + $0.name }.joined(separator: ", ")
            if reportedUnknown.insert("\(name) :\(written.lowercased())").inserted {
                error("unknown tag ':\(written)' for \(what) '\(name)'; \(accepted)", at: range.start)
            } else if !hasErrors {
                error("unknown tag ':\(written)' for \(what) '\(name)'", at: range.start)
            }
            return nil
        }
        guard let read = readArguments(arguments, of: what, named: name, at: location, tags: tags,
                                       positionals: [PositionalSpec(role: "program name", kind: .string),
                                                     PositionalSpec(role: "arguments", kind: .stringList)],
                                       optionalTrailing: 1),
              let nameLiteral = stringArgument(read.positionals[0])
        else { return nil }

        let program = compileString(nameLiteral)
        guard case .constant(let programName) = program else {
            error("the program name of \(what) '\(name)' must be a constant string, without variables", at: nameLiteral.range.start)
            return nil
        }
        if let problem = ExternalProgramSettings.problem(withName: programName) {
            error("invalid program name \(quoted(DiagnosticText.printable(programName))) for \(what) '\(name)': \(problem)",
                  at: nameLiteral.range.start)
            return nil
        }
        var programArguments: StrList?
        if read.positionals.count == 2 {
            let list = compileStringList(read.positionals[1])
            for (index, item) in list.items.enumerated() {
                guard case .constant(let value) = item, let problem = ExternalProgramSettings.problem(withArgument: value) else { continue }
                let at = argumentLocation(read.positionals[1], index)
                error("invalid program argument \(quoted(DiagnosticText.printable(String(value.prefix(64))))) for \(what) '\(name)': "
                      + problem, at: at)
                return nil
            }
            programArguments = list
        }

        var input: ProgramCall.Input = kind == .execute ? .none : .message
        if let text = read.tags["input"]?.parameter.flatMap({ stringArgument($0) }) {
            input = .text(compileString(text))
        } else if read.has("pipe") {
            input = .message
        }
        var outputSlot: Int?
        if let use = read.tags["output"], let literal = use.parameter.flatMap({ stringArgument($0) }) {
            guard capabilities.contains(.variables) else {
                error("execute :output needs the \"variables\" extension to name its variable; add require \"variables\";",
                      at: use.range.start)
                return nil
            }
            let variable = decodedText(literal)
            guard VariableTemplate.isIdentifier(variable) else {
                error("'\(variable)' is not a valid variable name for execute :output (letters, digits and '_', not starting with a digit)",
                      at: literal.range.start)
                return nil
            }
            outputSlot = assignedSlot(for: variable, at: literal.range.start)
        }
        return ProgramCall(kind: kind, name: programName, arguments: programArguments, input: input, outputSlot: outputSlot,
                           copy: read.has("copy"), isTry: read.has("try"))
    }

    /// `debug_log <message: string>` (vnd.dovecot.debug).
    mutating func compileDebugLog(_ arguments: [Argument], at location: SourceLocation) -> Command.Kind? {
        guard let read = readArguments(arguments, of: "command", named: "debug_log", at: location, tags: [],
                                       positionals: [PositionalSpec(role: "message", kind: .string)]),
              let literal = stringArgument(read.positionals[0])
        else { return nil }
        return .debugLog(message: compileString(literal))
    }

    /// The reason a `require` of `name` is refused when the name is known but not enabled,
    /// for the extensions a site enables by configuration.
    static func disabledReason(_ capability: SieveCapability) -> String? {
        let settings: [SieveCapability: String] = [
            .vndDovecotPipe: "pipe_dir", .vndDovecotFilter: "filter_dir", .vndDovecotExecute: "execute_dir",
        ]
        guard let setting = settings[capability] else { return nil }
        return "extension \"\(capability.rawValue)\" is not enabled on this server: the administrator enables it by setting "
            + "\(setting) in the [programs] table of sluice.toml"
    }

    private func argumentLocation(_ argument: Argument, _ index: Int) -> SourceLocation {
        if case .stringList(let list, _) = argument, index < list.count { return list[index].range.start }
        return argument.range.start
    }
}

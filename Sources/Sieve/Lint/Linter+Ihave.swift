extension Linter {
    /// What an `ihave` branch may use: the capabilities the script requires and those the
    /// `ihave` tests guarding it (at any depth) name, lowercased.
    struct IhaveScope {
        var names: Set<String>
        /// The line of the innermost guarding `ihave`, for messages.
        var line: Int
    }

    /// The two `ihave` checks: a capability used inside an `ihave` branch that neither its
    /// `ihave` tests nor `require` name (it compiles here only because the branch is skipped, or
    /// fails on a server where the branch is compiled), and an `ihave` of a capability that is
    /// also required (always true).
    ///
    /// - SeeAlso: RFC 5463 §4
    mutating func checkIhave(_ commands: [CommandNode]) {
        var required: Set<String> = []
        for command in commands where command.name.lowercased() == "require" {
            for argument in command.arguments {
                for literal in strings(in: argument) { required.insert(literal.value.lowercased()) }
            }
        }
        checkIhave(commands, required: required, scope: nil)
    }

    private mutating func checkIhave(_ commands: [CommandNode], required: Set<String>, scope: IhaveScope?) {
        for command in commands {
            let name = command.name.lowercased()
            if let scope { checkNeeds(of: command, name: name, scope: scope) }
            var inner = scope
            if (name == "if" || name == "elsif"), !command.hasTestList, command.tests.count == 1 {
                var tested: [StringLiteral] = []
                collectIhave(command.tests[0], into: &tested)
                for literal in tested where required.contains(literal.value.lowercased()) {
                    warn(.ihaveOfRequired,
                         "ihave \(quoted(literal.value)) is always true: the script already requires it, and a script "
                             + "whose require fails does not run at all; drop the ihave or the require",
                         at: literal.range.start)
                }
                if !tested.isEmpty {
                    let names = (scope?.names ?? required).union(tested.map { $0.value.lowercased() })
                    inner = IhaveScope(names: names, line: command.tests[0].nameRange.start.line)
                }
            }
            if let inner { command.tests.forEach { checkNeeds(of: $0, scope: inner) } }
            if let block = command.block { checkIhave(block, required: required, scope: inner) }
        }
    }

    /// The capability literals of the `ihave` tests that guard a branch with this test (the test
    /// itself, or members of an `allof`).
    private func collectIhave(_ test: TestNode, into list: inout [StringLiteral]) {
        switch test.name.lowercased() {
        case "ihave":
            if test.arguments.count == 1 { list += strings(in: test.arguments[0]) }
        case "allof":
            test.tests.forEach { collectIhave($0, into: &list) }
        default:
            break
        }
    }

    private mutating func checkNeeds(of command: CommandNode, name: String, scope: IhaveScope) {
        if let capability = Validator.extensionOfCommand[name] {
            need(capability.rawValue, for: "'\(name)'", at: command.nameRange.start, scope: scope)
        }
        checkTags(command.arguments, of: name, scope: scope)
    }

    private mutating func checkNeeds(of test: TestNode, scope: IhaveScope) {
        let name = test.name.lowercased()
        if let capability = Validator.extensionOfTest[name] {
            need(capability.rawValue, for: "'\(name)'", at: test.nameRange.start, scope: scope)
        }
        checkTags(test.arguments, of: name, scope: scope)
        test.tests.forEach { checkNeeds(of: $0, scope: scope) }
    }

    /// Tags that belong to an extension (`:copy`, `:flags`, relational, subaddress,
    /// `vacation :seconds`, a comparator other than the two built in).
    private mutating func checkTags(_ arguments: [Argument], of owner: String, scope: IhaveScope) {
        let read = LintArguments(arguments)
        for tag in read.tags {
            var capability: String?
            switch tag.name {
            case "copy": capability = "copy"
            case "flags": capability = "imap4flags"
            case "value", "count": capability = "relational"
            case "regex", "quoteregex": capability = "regex"
            case "user", "detail": capability = "subaddress"
            case "index", "last": capability = "index"
            case "seconds" where owner == "vacation": capability = "vacation-seconds"
            case "comparator":
                if case .string(let literal)? = tag.parameter {
                    let comparator = literal.value.lowercased()
                    if comparator != "i;octet" && comparator != "i;ascii-casemap" { capability = "comparator-" + comparator }
                }
            default: break
            }
            if let capability { need(capability, for: ":\(tag.name)", at: tag.range.start, scope: scope) }
        }
    }

    private mutating func need(_ capability: String, for what: String, at location: SourceLocation, scope: IhaveScope) {
        if scope.names.contains(capability) { return }
        if capability == "vacation" && scope.names.contains("vacation-seconds") { return }
        warn(.capabilityNotTestedByIhave,
             "\(what) needs \(quoted(capability)), which neither the ihave at line \(scope.line) nor 'require' names: "
                 + "on a server where that ihave is true the script fails to compile; add \(quoted(capability)) to the ihave",
             at: location)
    }
}

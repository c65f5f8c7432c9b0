extension Validator {
    /// Compiles one command other than if/elsif/else/require; nil on error.
    mutating func compileCommand(_ node: CommandNode, name: String) -> Command? {
        let location = node.nameRange.start
        if TestSuiteNames.isTestSuiteName(name) { return compileTestSuiteCommand(node, name: name) }
        if Self.notifyCommandNames.contains(name) { return compileNotifyFamily(node, name: name) }
        if Self.coreCommands.contains(name) || Self.extensionOfCommand[name] != nil {
            guard checkRequired(Self.extensionOfCommand[name], kind: "command", name: name, at: location) else { return nil }
        } else if Self.coreTests.contains(name) || Self.extensionOfTest[name] != nil {
            error("'\(name)' is a test, not a command; use it in an if: if \(name) ... { ... }", at: location)
            return nil
        } else {
            reportUnknown("command", node.name, at: location)
            return nil
        }
        if name == "foreverypart" { return compileForEveryPart(node, location: location) }
        if node.block != nil || !node.tests.isEmpty || node.hasTestList {
            return compileWithSpuriousParts(node, name: name)
        }
        func make(_ kind: Command.Kind) -> Command { Command(kind: kind, name: name, location: location) }
        let flagsTag = TagSpec("flags", .stringList, capability: .imap4flags)

        switch name {
        case "stop", "discard":
            guard readArguments(node.arguments, of: "command", named: name, at: location, tags: [], positionals: []) != nil else { return nil }
            return make(name == "stop" ? .stop : .discard)
        case "keep":
            guard let read = readArguments(node.arguments, of: "command", named: name, at: location, tags: [flagsTag], positionals: [])
            else { return nil }
            return make(.keep(flags: read.tags["flags"]?.parameter.map { compileStringList($0) }))
        case "fileinto" where node.arguments.contains(where: FileintoSelection.isSelectingTag):
            return compileFileintoSelecting(node, location: location).map(make)
        case "fileinto":
            guard let read = readArguments(node.arguments, of: "command", named: name, at: location,
                                           tags: [TagSpec("copy", capability: .copy), TagSpec("create", capability: .mailbox),
                                                  flagsTag],
                                           positionals: [PositionalSpec(role: "mailbox", kind: .string)]),
                  let literal = stringArgument(read.positionals[0])
            else { return nil }
            let mailbox = compileString(literal)
            if mailbox.constantValue?.isEmpty == true {
                error("fileinto needs a mailbox name, found an empty string", at: literal.range.start)
                return nil
            }
            return make(.fileinto(mailbox: mailbox, flags: read.tags["flags"]?.parameter.map { compileStringList($0) },
                                  copy: read.has("copy"), create: read.has("create")))
        case "redirect":
            guard let read = readArguments(node.arguments, of: "command", named: name, at: location,
                                           tags: [TagSpec("copy", capability: .copy), Self.redirectListTag],
                                           positionals: [PositionalSpec(role: "address", kind: .string)]),
                  refuseRedirectList(read),
                  let literal = stringArgument(read.positionals[0])
            else { return nil }
            var address = compileString(literal)
            if case .constant(let text) = address {
                guard let mailbox = MailboxSyntax.mailbox(in: text) else {
                    error("redirect address \(quoted(text)) is not a valid mailbox (expected local@domain)", at: literal.range.start)
                    return nil
                }
                address = .constant(mailbox)
            }
            return make(.redirect(address: address, copy: read.has("copy")))
        case "reject", "ereject":
            guard let read = readArguments(node.arguments, of: "command", named: name, at: location, tags: [],
                                           positionals: [PositionalSpec(role: "reason", kind: .string)]),
                  let literal = stringArgument(read.positionals[0])
            else { return nil }
            return make(.reject(reason: compileString(literal), extended: name == "ereject"))
        case "error":
            guard let read = readArguments(node.arguments, of: "command", named: name, at: location, tags: [],
                                           positionals: [PositionalSpec(role: "message", kind: .string)]),
                  let literal = stringArgument(read.positionals[0])
            else { return nil }
            return make(.error(message: compileString(literal)))
        case "vacation":
            return compileVacation(node, location: location).map(make)
        case "include":
            return compileInclude(node, location: location).map(make)
        case "return":
            return compileReturn(node, location: location).map(make)
        case "global":
            declareGlobals(node, location: location)
            return nil
        case "pipe", "filter", "execute":
            guard let kind = ExternalProgramKind(rawValue: name),
                  let call = compileProgramCall(kind, arguments: node.arguments, of: "command", at: location) else { return nil }
            return make(.program(call))
        case "debug_log":
            return compileDebugLog(node.arguments, at: location).map(make)
        case "report":
            return compileReport(node, location: location).map(make)
        case "set":
            return compileSet(node, location: location).map(make)
        case "addheader", "deleteheader":
            return compileEditheader(node, name: name, location: location).map(make)
        case "mark", "unmark":
            guard readArguments(node.arguments, of: "command", named: name, at: location, tags: [], positionals: []) != nil
            else { return nil }
            return make(.flags(name == "mark" ? .add : .remove, slot: nil, flags: StrList([.constant("\\Flagged")])))
        case "setflag", "addflag", "removeflag":
            guard let read = readArguments(node.arguments, of: "command", named: name, at: location, tags: [],
                                           positionals: [PositionalSpec(role: "variable name", kind: .string),
                                                         PositionalSpec(role: "flag list", kind: .stringList)],
                                           optionalLeading: 1)
            else { return nil }
            var slot: Int?
            if read.positionals.count == 2 {
                guard !usesImapflagsDraft else {
                    error("the imapflags draft's '\(name)' takes only a flag list; a variable name needs require \"imap4flags\"",
                          at: read.positionals[0].range.start)
                    return nil
                }
                guard checkRequired(.variables, kind: "a variable name in command", name: name, at: location),
                      let literal = stringArgument(read.positionals[0]) else { return nil }
                let variable = decodedText(literal)
                guard VariableTemplate.isIdentifier(variable) else {
                    error("'\(variable)' is not a valid variable name (letters, digits and '_', not starting with a digit)",
                          at: literal.range.start)
                    return nil
                }
                slot = assignedSlot(for: variable, at: literal.range.start)
            }
            let operation: Command.FlagOperation = name == "setflag" ? .set : name == "addflag" ? .add : .remove
            return make(.flags(operation, slot: slot, flags: compileStringList(read.positionals[read.positionals.count - 1])))
        case "break":
            return compileBreak(node, location: location).map(make)
        case "extracttext":
            return compileExtractText(node, location: location).map(make)
        case "replace":
            return compileReplace(node, location: location).map(make)
        case "enclose":
            return compileEnclose(node, location: location).map(make)
        default:
            reportUnknown("command", node.name, at: location)
            return nil
        }
    }

    /// A command written with a test or a block it does not take: its arguments are checked
    /// first (as if they were all), then the test is reported, or else the block (when the
    /// arguments are right: one error per mistake, as Pigeonhole counts them).
    private mutating func compileWithSpuriousParts(_ node: CommandNode, name: String) -> Command? {
        var bare = node
        bare.block = nil
        bare.tests = []
        bare.hasTestList = false
        let errorsBefore = diagnostics.count
        _ = compileCommand(bare, name: name)
        if let test = node.tests.first, !node.tests.isEmpty || node.hasTestList {
            var message = "command '\(name)' does not take a test"
            let testName = test.name.lowercased()
            let isTest = Self.coreTests.contains(testName) || Self.extensionOfTest[testName] != nil
                || TestSuiteNames.tests.contains(testName)
            if !node.hasTestList, !isTest {
                // `fileinto "x"` then `keep;` on the next line reads as fileinto with a test 'keep'.
                message += "; is a ';' missing before '\(test.name)' at \(Parser.position(test.nameRange.start))?"
            }
            error(message, at: node.nameRange.start)
        } else if node.hasTestList {
            error("command '\(name)' does not take a test", at: node.nameRange.start)
        } else if diagnostics.count == errorsBefore {
            error("command '\(name)' does not take a block", at: node.nameRange.start)
        }
        return nil
    }

    /// `set [MODIFIER...] <name: string> <value: string>`
    /// - SeeAlso: RFC 5229 §4
    private mutating func compileSet(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        let modifierTags = VariableModifier.allCases.map { TagSpec($0.rawValue, capability: $0.capability) }
        guard let read = readArguments(node.arguments, of: "command", named: "set", at: location, tags: modifierTags,
                                       positionals: [PositionalSpec(role: "variable name", kind: .string),
                                                     PositionalSpec(role: "value", kind: .string)]),
              let nameLiteral = stringArgument(read.positionals[0]),
              let valueLiteral = stringArgument(read.positionals[1])
        else { return nil }
        guard let modifiers = variableModifiers(read, at: location) else { return nil }
        let variable = decodedText(nameLiteral)
        if variable.lowercased().hasPrefix("env."), capabilities.contains(.vndDovecotEnvironment) {
            error("cannot assign to environment variable \(quoted(variable)): the env. namespace is read-only", at: nameLiteral.range.start)
            return nil
        }
        let globalSlot = globalNamespaceSlot(variable, at: nameLiteral.range.start)
        if globalSlot == -1 { return nil }
        if globalSlot == nil, variable.contains("."), VariableTemplate.isIdentifier(variable.split(separator: ".").first ?? "") {
            error("unknown variable namespace '\(variable.split(separator: ".")[0])' in set \(quoted(variable))", at: nameLiteral.range.start)
            return nil
        }
        guard globalSlot != nil || VariableTemplate.isIdentifier(variable) else {
            error("'\(variable)' is not a valid variable name for set (letters, digits and '_', not starting with a digit)",
                  at: nameLiteral.range.start)
            return nil
        }
        let value = compileString(valueLiteral)
        if let constant = value.constantValue, modifiers.isEmpty, constant.utf8.count > options.limits.maxVariableSize {
            error("value for variable '\(variable)' is \(constant.utf8.count) bytes, the limit is \(options.limits.maxVariableSize)",
                  at: valueLiteral.range.start)
            return nil
        }
        return .set(slot: globalSlot ?? assignedSlot(for: variable, at: nameLiteral.range.start), value: value, modifiers: modifiers)
    }

    /// `vacation [:days number | :seconds number] [:subject string] [:from string]
    ///  [:addresses string-list] [:mime] [:handle string] <reason: string>`
    /// - SeeAlso: RFC 5230 §4, RFC 6131 §2
    private mutating func compileVacation(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        let tags = [
            TagSpec("days", .number, group: "response interval"),
            TagSpec("seconds", .number, capability: .vacationSeconds, group: "response interval"),
            TagSpec("subject", .string), TagSpec("from", .string), TagSpec("addresses", .stringList),
            TagSpec("mime"), TagSpec("handle", .string),
        ] + Self.fccTags
        guard let read = readArguments(node.arguments, of: "command", named: "vacation", at: location, tags: tags,
                                       positionals: [PositionalSpec(role: "reason", kind: .string)]),
              let reasonLiteral = stringArgument(read.positionals[0])
        else { return nil }
        let periods = options.vacationPeriods
        var seconds = periods.standard
        if case .number(let days, _)? = read.tags["days"]?.parameter {
            seconds = periods.clamp(VacationRules.seconds(fromDays: days), allowZero: false)
        } else if case .number(let value, _)? = read.tags["seconds"]?.parameter {
            seconds = periods.clamp(value, allowZero: true)
        }
        var from: Str?
        if let parameter = read.tags["from"]?.parameter, let literal = stringArgument(parameter) {
            let compiled = compileString(literal)
            if case .constant(let text) = compiled, MailboxSyntax.mailbox(in: text) == nil {
                error("vacation :from \(quoted(text)) is not a valid address (expected local@domain, optionally with a display name)",
                      at: literal.range.start)
                return nil
            }
            from = compiled
        }
        func string(_ tag: String) -> Str? {
            guard let parameter = read.tags[tag]?.parameter, let literal = stringArgument(parameter) else { return nil }
            return compileString(literal)
        }
        let subject = string("subject")
        let handle = string("handle")
        let addresses = read.tags["addresses"]?.parameter.map { compileStringList($0) }
        var fccFailed = false
        let fcc = compileFcc(read, command: "vacation", at: location, failed: &fccFailed)
        if fccFailed { return nil }
        return .vacation(Command.Vacation(seconds: seconds, subject: subject, from: from, addresses: addresses,
                                          isMime: read.has("mime"), handle: handle, reason: compileString(reasonLiteral), fcc: fcc))
    }
}

extension Validator {
    /// The variable modifiers among `read`'s tags (`set`, `extracttext`), in
    /// `VariableModifier` order; nil, with an error, when two share a precedence.
    ///
    /// - SeeAlso: RFC 5229 §4.1
    mutating func variableModifiers(_ read: ReadArguments, at location: SourceLocation) -> [VariableModifier]? {
        var modifiers: [VariableModifier] = []
        var byPrecedence: [Int: VariableModifier] = [:]
        for modifier in VariableModifier.allCases where read.has(modifier.rawValue) {
            if let other = byPrecedence[modifier.precedence] {
                error("modifiers ':\(other.rawValue)' and ':\(modifier.rawValue)' have the same precedence and cannot be used together",
                      at: read.tags[modifier.rawValue]?.range.start ?? location)
                return nil
            }
            byPrecedence[modifier.precedence] = modifier
            modifiers.append(modifier)
        }
        return modifiers
    }
}

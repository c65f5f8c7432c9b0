/// Compiling the `vnd.dovecot.testsuite` commands and tests.
extension Validator {
    /// Compiles a testsuite command; nil on error (reported).
    mutating func compileTestSuiteCommand(_ node: CommandNode, name: String) -> Command? {
        let location = node.nameRange.start
        if TestSuiteNames.unsupported.contains(name) {
            error("testsuite command '\(name)' is not supported by Sluice", at: location)
            return nil
        }
        guard TestSuiteNames.commands.contains(name) else {
            error("'\(name)' is a test, not a command; use it in an if: if \(name) ... { ... }", at: location)
            return nil
        }
        guard checkRequired(.testsuite, kind: "command", name: name, at: location) else { return nil }
        func make(_ kind: TestSuiteCommand) -> Command { Command(kind: .testSuite(kind), name: name, location: location) }
        func plain(_ positionals: [PositionalSpec], tags: [TagSpec] = []) -> ReadArguments? {
            readArguments(node.arguments, of: "command", named: name, at: location, tags: tags, positionals: positionals)
        }
        let string = { (role: String) in PositionalSpec(role: role, kind: .string) }

        if name == "test" {
            if !node.tests.isEmpty || node.hasTestList {
                error("command 'test' does not take a test", at: location)
            }
            guard let read = plain([string("test name")]), let literal = stringArgument(read.positionals[0]) else { return nil }
            guard let block = node.block else {
                error("command 'test' needs a block: test \"name\" { ... }", at: node.range.end)
                return nil
            }
            if let nested = Self.firstNestedTest(in: block) {
                error("test blocks cannot be nested: 'test' inside test \(quoted(literal.value))", at: nested)
                return nil
            }
            let body = compileBlock(block[...], topLevel: false)
            return make(.test(name: decodedText(literal), body: body))
        }
        checkSimple(node, name: name)
        switch name {
        case "test_fail":
            guard let read = plain([string("reason")]), let literal = stringArgument(read.positionals[0]) else { return nil }
            return make(.fail(reason: compileString(literal)))
        case "test_set":
            guard let read = plain([string("object name"), string("value")]),
                  let object = stringArgument(read.positionals[0]), let value = stringArgument(read.positionals[1])
            else { return nil }
            let objectName = decodedText(object)
            guard let target = TestSuiteObject(rawValue: objectName.lowercased()) else {
                let known = TestSuiteObject.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                error("test_set cannot set \(quoted(objectName)); expected one of \(known)", at: object.range.start)
                return nil
            }
            return make(.set(target, value: compileString(value)))
        case "test_config_set":
            guard let read = plain([string("setting"), string("value")]),
                  let key = stringArgument(read.positionals[0]), let value = stringArgument(read.positionals[1])
            else { return nil }
            return make(.configSet(key: compileString(key), value: compileString(value)))
        case "test_config_unset":
            guard let read = plain([string("setting")]), let key = stringArgument(read.positionals[0]) else { return nil }
            return make(.configUnset(key: compileString(key)))
        case "test_config_reload":
            guard plain([], tags: [TagSpec("extension", .string)]) != nil else { return nil }
            return make(.configReload)
        case "test_result_reset":
            guard plain([]) != nil else { return nil }
            return make(.resultReset)
        case "test_result_print":
            guard plain([]) != nil else { return nil }
            return make(.resultPrint)
        case "test_message":
            guard let selector = messageSelector(node.arguments, name: name, kind: "command", at: location) else { return nil }
            return make(.message(selector))
        case "test_mailbox_create":
            guard let read = plain([string("mailbox")]), let literal = stringArgument(read.positionals[0]) else { return nil }
            return make(.mailboxCreate(compileString(literal)))
        case "test_binary_save", "test_binary_load":
            guard let read = plain([string("binary name")]), let literal = stringArgument(read.positionals[0]) else { return nil }
            let binaryName = compileString(literal)
            return make(name == "test_binary_save" ? .binarySave(name: binaryName) : .binaryLoad(name: binaryName))
        case "test_imap_metadata_set":
            guard let read = plain([string("annotation name"), string("value")], tags: [TagSpec("mailbox", .string)]),
                  let entry = stringArgument(read.positionals[0]), let value = stringArgument(read.positionals[1])
            else { return nil }
            let mailbox = read.tags["mailbox"]?.parameter.flatMap { stringArgument($0) }.map { compileString($0) }
            return make(.imapMetadataSet(mailbox: mailbox, entry: compileString(entry), value: compileString(value)))
        default:
            error("unknown command '\(node.name)'", at: location)
            return nil
        }
    }

    /// Compiles a testsuite test; nil on error (reported).
    mutating func compileTestSuiteTest(_ node: TestNode, name: String) -> Test? {
        let location = node.nameRange.start
        if TestSuiteNames.unsupported.contains(name) {
            error("testsuite test '\(name)' is not supported by Sluice", at: location)
            return nil
        }
        guard TestSuiteNames.tests.contains(name) else {
            error("'\(name)' is a command, not a test", at: location)
            return nil
        }
        guard checkRequired(.testsuite, kind: "test", name: name, at: location) else { return nil }
        if !node.tests.isEmpty || node.hasTestList {
            error("test '\(name)' does not take nested tests", at: node.nameRange.end)
            return nil
        }
        func make(_ kind: TestSuiteTest) -> Test { Test(kind: .testSuite(kind), name: name, location: location) }
        func plain(_ positionals: [PositionalSpec], tags: [TagSpec] = []) -> ReadArguments? {
            readArguments(node.arguments, of: "test", named: name, at: location, tags: tags, positionals: positionals)
        }
        switch name {
        case "test_result_action", "test_result", "test_error":
            let role = name == "test_error" ? "error texts" : "action names"
            guard let read = plain([PositionalSpec(role: role, kind: .stringList)],
                                   tags: TagSpec.matchTypes + TagSpec.comparator + [TagSpec("index", .number)]),
                  let match = matchSpec(read, keys: read.positionals[0], defaultComparator: .octet)
            else { return nil }
            var index: Int?
            if case .number(let n, let range)? = read.tags["index"]?.parameter {
                guard n >= 1 else {
                    error(":index counts from 1, found \(n)", at: range.start)
                    return nil
                }
                index = n
            }
            return make(name == "test_error" ? .error(index: index, match: match) : .resultAction(index: index, match: match))
        case "test_result_execute":
            guard plain([]) != nil else { return nil }
            return make(.resultExecute)
        case "test_message":
            guard let selector = messageSelector(node.arguments, name: name, kind: "test", at: location) else { return nil }
            return make(.message(selector))
        case "test_script_compile":
            guard let read = plain([PositionalSpec(role: "script path", kind: .string)]),
                  let literal = stringArgument(read.positionals[0]) else { return nil }
            return make(.scriptCompile(path: compileString(literal)))
        case "test_script_run":
            // :append_result adds to the result of the scripts run before (a sequence,
            // as ScriptSequence runs it); without it the result starts afresh.
            guard let read = plain([], tags: [TagSpec("append_result")]) else { return nil }
            return make(.scriptRun(appendResult: read.tags["append_result"] != nil))
        case "test_multiscript":
            guard let read = plain([PositionalSpec(role: "script paths", kind: .stringList)]) else { return nil }
            return make(.multiscript(paths: compileStringList(read.positionals[0])))
        default:
            error("unknown test '\(node.name)'", at: location)
            return nil
        }
    }

    /// `(:smtp / :folder "name") <index: number>`.
    private mutating func messageSelector(_ arguments: [Argument], name: String, kind: String,
                                          at location: SourceLocation) -> TestSuiteMessageSelector? {
        guard let read = readArguments(arguments, of: kind, named: name, at: location,
                                       tags: [TagSpec("smtp", group: "message source"),
                                              TagSpec("folder", .string, group: "message source")],
                                       positionals: [PositionalSpec(role: "message index", kind: .number)]),
              case .number(let index, let range) = read.positionals[0]
        else { return nil }
        guard index >= 0 else {
            error("the message index counts from 0, found \(index)", at: range.start)
            return nil
        }
        if read.has("smtp") { return .smtp(index: index) }
        if let folder = read.tags["folder"]?.parameter, case .string(let literal) = folder {
            return .folder(compileString(literal), index: index)
        }
        error("\(kind) '\(name)' needs :smtp or :folder \"name\" before the message index", at: location)
        return nil
    }

    /// The location of a `test` command anywhere inside `block`, if any.
    static func firstNestedTest(in block: [CommandNode]) -> SourceLocation? {
        for node in block {
            if node.name.lowercased() == "test" { return node.nameRange.start }
            if let inner = node.block, let found = firstNestedTest(in: inner) { return found }
        }
        return nil
    }
}

extension Validator {
    /// `${tst.path}` in a test file: the folder of the file being compiled (Pigeonhole's
    /// test files name their helper folders relative to it). Nil for other names, and
    /// outside test files.
    func testSuiteVariable(_ name: String) -> String? {
        guard capabilities.contains(.testsuite), name.lowercased() == "tst.path" else { return nil }
        let folder = TestSuiteRunner.directory(of: file ?? "")
        return folder.isEmpty ? "." : folder
    }
}

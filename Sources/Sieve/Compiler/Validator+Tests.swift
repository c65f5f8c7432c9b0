extension Validator {
    /// Address headers the `address` test may examine (RFC 5228 §5.1: at least From,
    /// To, Cc, Bcc, Sender, Resent-From, Resent-To, plus any other address-list field).
    static let addressHeaders: Set<String> = [
        "from", "sender", "reply-to", "to", "cc", "bcc",
        "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc", "resent-reply-to",
        "return-path", "delivered-to", "envelope-to", "x-original-to", "errors-to",
        "disposition-notification-to", "mail-followup-to", "mail-reply-to", "original-recipient",
        "approved", "x-envelope-to", "x-envelope-from",
        // Further address fields Pigeonhole's address test accepts (RFC 2076 and common use).
        "for-approval", "for-handling", "for-comment", "apparently-to", "return-receipt-to", "x-admin",
        "read-receipt-to", "x-confirm-reading-to", "return-receipt-requested", "registered-mail-reply-requested-by",
        "abuse-reports-to", "x-complaints-to", "x-report-abuse-to", "x-beenthere", "x-original-from",
    ]

    /// Tag names that, written without their colon, read as a nested test.
    static let tagLikeNames: Set<String> = [
        "is", "contains", "matches", "value", "count", "comparator", "all", "localpart", "domain", "user", "detail",
        "over", "under",
    ]

    /// Compiles one test, reporting what is wrong with it; nil on error.
    mutating func compileTest(_ node: TestNode) -> Test? {
        let name = node.name.lowercased()
        let location = node.nameRange.start
        if TestSuiteNames.isTestSuiteName(name) { return compileTestSuiteTest(node, name: name) }
        if Self.coreTests.contains(name) || Self.extensionOfTest[name] != nil {
            guard checkRequired(Self.extensionOfTest[name], kind: "test", name: name, at: location) else { return nil }
        } else if Self.coreCommands.contains(name) || Self.extensionOfCommand[name] != nil {
            error("'\(name)' is a command, not a test", at: location)
            return nil
        } else {
            reportUnknown("test", node.name, at: location)
            return nil
        }
        if !["not", "allof", "anyof"].contains(name), !node.tests.isEmpty || node.hasTestList {
            // The arguments first (a tag missing its colon, `address matches ...`, turns into
            // a nested test and leaves the arguments short), then the nested test.
            var bare = node
            bare.tests = []
            bare.hasTestList = false
            _ = compileTest(bare)
            var message = "test '\(name)' does not take nested tests"
            if !node.hasTestList, let nested = node.tests.first, Self.tagLikeNames.contains(nested.name.lowercased()) {
                message += "; is the ':' missing before '\(nested.name)' at \(Parser.position(nested.nameRange.start))?"
            }
            error(message, at: node.nameRange.end)
            return nil
        }

        if ["header", "address", "exists"].contains(name), Self.usesMIMETags(node) {
            return compileMIMETest(node, name: name, location: location)
        }
        switch name {
        case "true", "false":
            guard noNested(node, name: name),
                  readArguments(node.arguments, of: "test", named: name, at: location, tags: [], positionals: []) != nil
            else { return nil }
            return Test(kind: .constant(name == "true"), name: name, location: location)
        case "not":
            guard readArguments(node.arguments, of: "test", named: name, at: location, tags: [], positionals: []) != nil else { return nil }
            guard !node.hasTestList, node.tests.count == 1 else {
                error("'not' takes exactly one test (not a test list)", at: node.nameRange.end)
                return nil
            }
            guard let inner = compileTest(node.tests[0]) else { return nil }
            return Test(kind: .not(inner), name: name, location: location)
        case "allof", "anyof":
            guard readArguments(node.arguments, of: "test", named: name, at: location, tags: [], positionals: []) != nil else { return nil }
            guard node.hasTestList else {
                error("'\(name)' takes a test list in parentheses: \(name)(test, test, ...)", at: node.nameRange.end)
                return nil
            }
            guard let tests = compileMembers(of: node, name: name) else { return nil }
            return Test(kind: name == "allof" ? .allof(tests) : .anyof(tests), name: name, location: location)
        case "header":
            guard noNested(node, name: name),
                  let read = readArguments(node.arguments, of: "test", named: name, at: location,
                                           tags: TagSpec.matchTypes + TagSpec.comparator + TagSpec.index,
                                           positionals: [PositionalSpec(role: "header names", kind: .stringList),
                                                         PositionalSpec(role: "key list", kind: .stringList)]),
                  let match = matchSpec(read, keys: read.positionals[1])
            else { return nil }
            let names = compileStringList(read.positionals[0]).mappingConstants { $0.lowercased() }
            let (indexOK, index) = fieldIndex(read)
            guard indexOK else { return nil }
            if let index { return Test(kind: .indexedHeader(names: names, index: index, match: match), name: name, location: location) }
            return Test(kind: .header(names: names, match: match), name: name, location: location)
        case "address":
            guard noNested(node, name: name),
                  let read = readArguments(node.arguments, of: "test", named: name, at: location,
                                           tags: TagSpec.matchTypes + TagSpec.comparator + TagSpec.addressParts + TagSpec.index,
                                           positionals: [PositionalSpec(role: "header list", kind: .stringList),
                                                         PositionalSpec(role: "key list", kind: .stringList)]),
                  let match = matchSpec(read, keys: read.positionals[1])
            else { return nil }
            let headers = compileStringList(read.positionals[0]).mappingConstants { $0.lowercased() }
            var ok = true
            for (index, item) in headers.items.enumerated() {
                guard case .constant(let header) = item, !Self.addressHeaders.contains(header) else { continue }
                error("header '\(header)' does not hold addresses; the address test accepts "
                      + Self.addressHeaders.sorted().joined(separator: ", "), at: listLocation(read.positionals[0], index))
                ok = false
            }
            let (indexOK, index) = fieldIndex(read)
            guard ok, indexOK else { return nil }
            if let index {
                return Test(kind: .indexedAddress(part: addressPart(read), headers: headers, index: index, match: match),
                            name: name, location: location)
            }
            return Test(kind: .address(part: addressPart(read), headers: headers, match: match), name: name, location: location)
        case "envelope":
            guard noNested(node, name: name),
                  let read = readArguments(node.arguments, of: "test", named: name, at: location,
                                           tags: TagSpec.matchTypes + TagSpec.comparator + TagSpec.addressParts,
                                           positionals: [PositionalSpec(role: "envelope part", kind: .stringList),
                                                         PositionalSpec(role: "key list", kind: .stringList)]),
                  let match = matchSpec(read, keys: read.positionals[1])
            else { return nil }
            let parts = compileStringList(read.positionals[0]).mappingConstants { $0.lowercased() }
            var ok = true
            for (index, item) in parts.items.enumerated() {
                guard case .constant(let part) = item, part != "from", part != "to", part != "auth" else { continue }
                error("unknown envelope part \"\(part)\"; expected \"from\" or \"to\" (or \"auth\", the authenticated sender)",
                      at: listLocation(read.positionals[0], index))
                ok = false
            }
            guard ok else { return nil }
            return Test(kind: .envelope(part: addressPart(read), parts: parts, match: match), name: name, location: location)
        case "exists":
            guard noNested(node, name: name),
                  let read = readArguments(node.arguments, of: "test", named: name, at: location, tags: [],
                                           positionals: [PositionalSpec(role: "header names", kind: .stringList)])
            else { return nil }
            let names = compileStringList(read.positionals[0]).mappingConstants { $0.lowercased() }
            return Test(kind: .exists(names: names), name: name, location: location)
        case "mailboxexists":
            guard noNested(node, name: name),
                  let read = readArguments(node.arguments, of: "test", named: name, at: location, tags: [],
                                           positionals: [PositionalSpec(role: "mailbox names", kind: .stringList)])
            else { return nil }
            return Test(kind: .mailboxExists(names: compileStringList(read.positionals[0])), name: name, location: location)
        case "size":
            guard noNested(node, name: name),
                  let read = readArguments(node.arguments, of: "test", named: name, at: location,
                                           tags: [TagSpec("over", group: "size comparison"), TagSpec("under", group: "size comparison")],
                                           positionals: [PositionalSpec(role: "limit", kind: .number)])
            else { return nil }
            guard read.has("over") || read.has("under") else {
                error("'size' needs :over or :under before its limit", at: location)
                return nil
            }
            guard case .number(let limit, _) = read.positionals[0] else { return nil }
            return Test(kind: .size(over: read.has("over"), limit: limit), name: name, location: location)
        case "string":
            guard noNested(node, name: name),
                  let read = readArguments(node.arguments, of: "test", named: name, at: location,
                                           tags: TagSpec.matchTypes + TagSpec.comparator,
                                           positionals: [PositionalSpec(role: "source strings", kind: .stringList),
                                                         PositionalSpec(role: "key list", kind: .stringList)]),
                  let match = matchSpec(read, keys: read.positionals[1])
            else { return nil }
            return Test(kind: .string(source: compileStringList(read.positionals[0]), match: match), name: name, location: location)
        case "hasflag":
            guard noNested(node, name: name),
                  let read = readArguments(node.arguments, of: "test", named: name, at: location,
                                           tags: TagSpec.matchTypes + TagSpec.comparator,
                                           positionals: [PositionalSpec(role: "variable list", kind: .stringList),
                                                         PositionalSpec(role: "flag list", kind: .stringList)],
                                           optionalLeading: 1),
                  let match = matchSpec(read, keys: read.positionals[read.positionals.count - 1])
            else { return nil }
            var variables: [Int]?
            if read.positionals.count == 2 {
                guard !usesImapflagsDraft else {
                    error("the imapflags draft's 'hasflag' takes only a flag list; a variable list needs require \"imap4flags\"",
                          at: read.positionals[0].range.start)
                    return nil
                }
                guard checkRequired(.variables, kind: "a variable list in test", name: name, at: location) else { return nil }
                var slots: [Int] = []
                for (variable, at) in constantStrings(read.positionals[0]) {
                    guard VariableTemplate.isIdentifier(variable) else {
                        error("'\(variable)' is not a valid variable name", at: at)
                        return nil
                    }
                    slots.append(slot(for: variable))
                }
                variables = slots
            }
            return Test(kind: .hasflag(variables: variables, match: match), name: name, location: location)
        case "body":
            guard noNested(node, name: name) else { return nil }
            return compileBody(node, location: location)
        case "ihave":
            guard noNested(node, name: name) else { return nil }
            return compileIhave(node, location: location)
        case "date", "currentdate":
            guard noNested(node, name: name) else { return nil }
            return compileDate(node, name: name, current: name == "currentdate", location: location)
        case "environment":
            guard noNested(node, name: name) else { return nil }
            return compileEnvironment(node, location: location)
        case "filter", "execute":
            guard noNested(node, name: name), let kind = ExternalProgramKind(rawValue: name),
                  let call = compileProgramCall(kind, arguments: node.arguments, of: "test", at: location) else { return nil }
            return Test(kind: .program(call), name: name, location: location)
        case "spamtest", "virustest":
            guard noNested(node, name: name) else { return nil }
            return compileScoreTest(node, name: name, location: location)
        case "duplicate":
            guard noNested(node, name: name) else { return nil }
            return compileDuplicate(node, location: location)
        case "specialuse_exists", "mailboxidexists", "metadata", "metadataexists", "servermetadata", "servermetadataexists":
            guard noNested(node, name: name) else { return nil }
            return compileMailboxAttributeTest(node, name: name, location: location)
        case "valid_notify_method":
            guard noNested(node, name: name) else { return nil }
            return compileValidNotifyMethod(node, location: location)
        case "notify_method_capability":
            guard noNested(node, name: name) else { return nil }
            return compileNotifyMethodCapability(node, location: location)
        case "valid_ext_list":
            guard noNested(node, name: name) else { return nil }
            return compileValidExtList(node, location: location)
        default:
            reportUnknown("test", node.name, at: location)
            return nil
        }
    }

    /// Reports nested tests on a test that takes none.
    private mutating func noNested(_ node: TestNode, name: String) -> Bool {
        guard node.tests.isEmpty, !node.hasTestList else {
            error("test '\(name)' does not take nested tests", at: node.nameRange.end)
            return false
        }
        return true
    }

    private func listLocation(_ argument: Argument, _ index: Int) -> SourceLocation {
        if case .stringList(let list, _) = argument, index < list.count { return list[index].range.start }
        return argument.range.start
    }

    private func addressPart(_ read: ReadArguments) -> AddressPart {
        for tag in ["localpart", "domain", "user", "detail", "all"] where read.has(tag) {
            if let part = AddressPart(tag: tag) { return part }
        }
        return .all
    }

    /// The match type, comparator and keys of a test; reports invalid combinations.
    /// - SeeAlso: RFC 5228 §2.7.1, §2.7.3; RFC 5231 §4
    mutating func matchSpec(_ read: ReadArguments, keys: Argument, defaultComparator: Comparator = .asciiCasemap) -> MatchSpec? {
        var type = MatchType.is
        if read.has("contains") { type = .contains }
        if read.has("matches") { type = .matches }
        if read.has("regex") { type = .regex }
        if read.has("list") { type = .list }
        for tag in ["value", "count"] {
            guard let use = read.tags[tag], let parameter = use.parameter else { continue }
            let opName = constantString(parameter)
            guard let op = RelationalOperator(name: opName) else {
                error("unknown relational operator \"\(opName)\" for :\(tag); expected one of \"gt\", \"ge\", \"lt\", \"le\", \"eq\", \"ne\"",
                      at: parameter.range.start)
                return nil
            }
            type = tag == "value" ? .value(op) : .count(op)
        }
        var comparator = defaultComparator
        if let use = read.tags["comparator"], let parameter = use.parameter {
            let name = constantString(parameter)
            guard let found = Comparator(name: name) else {
                error("unknown comparator \"\(name)\"; available: " + Comparator.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "),
                      at: parameter.range.start)
                return nil
            }
            // Pigeonhole's test files use i;unicode-casemap without require (it is built in
            // there); in that dialect only, so do we.
            let testSuiteBuiltIn = found == .unicodeCasemap && capabilities.contains(.testsuite)
            if found != .octet && found != .asciiCasemap && !testSuiteBuiltIn {
                let capability = "comparator-" + found.rawValue
                if !capabilities.contains(where: { $0.rawValue == capability }) {
                    error("comparator \"\(found.rawValue)\" requires the \"\(capability)\" extension; add require \"\(capability)\";",
                          at: parameter.range.start)
                    return nil
                }
            }
            comparator = found
        }
        if type == .list, let use = read.tags["comparator"] {
            // RFC 6134 §2.2 leaves comparing to the list; Pigeonhole refuses a comparator here.
            error("the :list match type takes no comparator (the list decides how entries compare)", at: use.range.start)
            return nil
        }
        if !comparator.supportsSubstringMatch, type == .contains || type == .matches {
            let tag = type == .contains ? ":contains" : ":matches"
            error("comparator \"\(comparator.rawValue)\" cannot be used with \(tag) (it has no substring match)",
                  at: read.tags["comparator"]?.range.start ?? keys.range.start)
            return nil
        }
        if type == .regex {
            guard comparator.regexCaseFolding != nil else {
                error("comparator \"\(comparator.rawValue)\" cannot be used with :regex; :regex works with \"i;octet\", \"i;ascii-casemap\" and \"i;unicode-casemap\"",
                      at: read.tags["comparator"]?.range.start ?? keys.range.start)
                return nil
            }
            guard checkRegexKeys(keys, comparator: comparator) else { return nil }
        }
        return MatchSpec(type: type, comparator: comparator, keys: compileStringList(keys))
    }

    /// Compiles each constant `:regex` key now, reporting an invalid one at its place in
    /// the script; keys with variable references are compiled when the test runs.
    /// - SeeAlso: draft-ietf-sieve-regex §3 ("SHOULD reject ... as a syntax error")
    private mutating func checkRegexKeys(_ keys: Argument, comparator: Comparator) -> Bool {
        let literals: [StringLiteral]
        switch keys {
        case .string(let s): literals = [s]
        case .stringList(let list, _): literals = list
        default: return true
        }
        var ok = true
        for literal in literals {
            guard case .constant(let pattern) = compileString(literal), let folding = comparator.regexCaseFolding else { continue }
            do {
                _ = try RegexPattern(pattern, folding: folding)
            } catch {
                var message = "invalid :regex key \(RegexPattern.quotedForMessage(pattern)): \(error)"
                if pattern.hasPrefix("*") || pattern.hasPrefix("?") {
                    message += "; this looks like a :matches wildcard pattern: in a regular expression \".*\" stands for any text and \".\" for one character"
                }
                self.error(message, at: literal.range.start)
                ok = false
            }
        }
        return ok
    }
}

/// Compiling `fileinto :specialuse` / `:mailboxid` and the mailbox-attribute tests.
extension Validator {
    /// `fileinto [:specialuse <use>] [:mailboxid <id>] [:create] [:copy] [:flags ...] <mailbox>`.
    /// A constant special use must be `\` and an atom, a constant id an object id.
    ///
    /// - SeeAlso: RFC 8579 §4, RFC 9042 §4
    mutating func compileFileintoSelecting(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        guard let read = readArguments(node.arguments, of: "command", named: "fileinto", at: location,
                                       tags: [TagSpec("copy", capability: .copy), TagSpec("create", capability: .mailbox),
                                              TagSpec("flags", .stringList, capability: .imap4flags),
                                              TagSpec("specialuse", .string, capability: .specialUse),
                                              TagSpec("mailboxid", .string, capability: .mailboxid)],
                                       positionals: [PositionalSpec(role: "mailbox", kind: .string)]),
              let literal = stringArgument(read.positionals[0])
        else { return nil }
        let mailbox = compileString(literal)
        var ok = true
        if mailbox.constantValue?.isEmpty == true {
            error("fileinto needs a mailbox name, found an empty string", at: literal.range.start)
            ok = false
        }
        var specialUse: Str?
        if let parameter = read.tags["specialuse"]?.parameter, let useLiteral = stringArgument(parameter) {
            let use = compileString(useLiteral)
            if let text = use.constantValue, !MailboxAttributeSyntax.isSpecialUse(text) {
                error("fileinto :specialuse \(quoted(text)) is not a special-use attribute; expected a backslash and an atom, "
                      + "such as \"\\\\Junk\" or \"\\\\Archive\"", at: parameter.range.start)
                ok = false
            }
            specialUse = use
        }
        var mailboxID: Str?
        if let parameter = read.tags["mailboxid"]?.parameter, let idLiteral = stringArgument(parameter) {
            let id = compileString(idLiteral)
            if let text = id.constantValue, !MailboxAttributeSyntax.isObjectID(text) {
                error("fileinto :mailboxid \(quoted(text)) is not a mailbox id; expected 1 to 255 letters, digits, \"-\" or \"_\"",
                      at: parameter.range.start)
                ok = false
            }
            mailboxID = id
        }
        guard ok else { return nil }
        return .fileintoSelecting(FileintoSelection(
            mailbox: mailbox, flags: read.tags["flags"]?.parameter.map { compileStringList($0) }, copy: read.has("copy"),
            create: read.has("create"), specialUse: specialUse, mailboxID: mailboxID))
    }

    /// `specialuse_exists`, `mailboxidexists`, `metadata`, `metadataexists`,
    /// `servermetadata` and `servermetadataexists`.
    ///
    /// - SeeAlso: RFC 8579 §5, RFC 9042 §5, RFC 5490 §3.2, §3.3, §4.1, §4.2
    mutating func compileMailboxAttributeTest(_ node: TestNode, name: String, location: SourceLocation) -> Test? {
        let string = { (role: String) in PositionalSpec(role: role, kind: .string) }
        let list = { (role: String) in PositionalSpec(role: role, kind: .stringList) }
        func make(_ test: MailboxAttributeTest) -> Test { Test(kind: .mailboxAttribute(test), name: name, location: location) }
        switch name {
        case "specialuse_exists":
            guard let read = readArguments(node.arguments, of: "test", named: name, at: location, tags: [],
                                           positionals: [string("mailbox"), list("special-use attributes")], optionalLeading: 1)
            else { return nil }
            let usesArgument = read.positionals[read.positionals.count - 1]
            let uses = compileStringList(usesArgument)
            var ok = true
            for (index, item) in uses.items.enumerated() {
                guard case .constant(let use) = item, !MailboxAttributeSyntax.isSpecialUse(use) else { continue }
                error("specialuse_exists: \(quoted(use)) is not a special-use attribute; expected a backslash and an atom, "
                      + "such as \"\\\\Junk\"", at: itemLocation(usesArgument, index))
                ok = false
            }
            guard ok else { return nil }
            let mailbox = read.positionals.count == 2 ? stringArgument(read.positionals[0]).map { compileString($0) } : nil
            return make(.specialUseExists(mailbox: mailbox, uses: uses))
        case "mailboxidexists":
            guard let read = readArguments(node.arguments, of: "test", named: name, at: location, tags: [],
                                           positionals: [list("mailbox ids")])
            else { return nil }
            let ids = compileStringList(read.positionals[0])
            for (index, item) in ids.items.enumerated() {
                guard case .constant(let id) = item, !MailboxAttributeSyntax.isObjectID(id) else { continue }
                warning("mailboxidexists: \(quoted(id)) is not a mailbox id (1 to 255 letters, digits, \"-\" or \"_\"); "
                        + "no mailbox has it", at: itemLocation(read.positionals[0], index))
            }
            return make(.mailboxIDExists(ids: ids))
        case "metadata", "servermetadata":
            let server = name == "servermetadata"
            let positionals = (server ? [] : [string("mailbox")]) + [string("annotation name"), list("key list")]
            guard let read = readArguments(node.arguments, of: "test", named: name, at: location,
                                           tags: TagSpec.matchTypes + TagSpec.comparator, positionals: positionals),
                  let match = matchSpec(read, keys: read.positionals[positionals.count - 1])
            else { return nil }
            let entryArgument = read.positionals[positionals.count - 2]
            guard let entryLiteral = stringArgument(entryArgument) else { return nil }
            let entry = compileString(entryLiteral)
            checkEntry(entry, of: name, at: entryArgument.range.start)
            let mailbox = server ? nil : stringArgument(read.positionals[0]).map { compileString($0) }
            return make(.metadata(mailbox: mailbox, entry: entry, match: match))
        default:  // metadataexists, servermetadataexists
            let server = name == "servermetadataexists"
            let positionals = (server ? [] : [string("mailbox")]) + [list("annotation names")]
            guard let read = readArguments(node.arguments, of: "test", named: name, at: location, tags: [],
                                           positionals: positionals)
            else { return nil }
            let entriesArgument = read.positionals[positionals.count - 1]
            let entries = compileStringList(entriesArgument)
            for (index, item) in entries.items.enumerated() {
                checkEntry(item, of: name, at: itemLocation(entriesArgument, index))
            }
            let mailbox = server ? nil : stringArgument(read.positionals[0]).map { compileString($0) }
            return make(.metadataExists(mailbox: mailbox, entries: entries))
        }
    }

    /// Warns about a constant annotation name that no mailbox can have (Pigeonhole
    /// compiles such a test too; it is always false).
    private mutating func checkEntry(_ entry: Str, of name: String, at location: SourceLocation) {
        guard case .constant(let text) = entry, let problem = MailboxAttributeSyntax.entryProblem(text) else { return }
        warning("\(name): \(quoted(text)) is not an annotation name (\(problem)); the test is false for it", at: location)
    }

    private func itemLocation(_ argument: Argument, _ index: Int) -> SourceLocation {
        if case .stringList(let list, _) = argument, index < list.count { return list[index].range.start }
        return argument.range.start
    }
}

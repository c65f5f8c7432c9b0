/// A compiled `notify` command (RFC 5435), or the deprecated draft's mapped onto it.
struct NotifyCommand: Sendable {
    let method: Str
    /// The URI taken apart at compile time when it is a constant.
    let constantURI: MailtoURI?
    let from: Str?
    /// 1 high, 2 normal, 3 low.
    let importance: Int
    let options: StrList?
    let message: Str?
    let fcc: FccCommand?
    /// The draft's `:id`.
    let id: Str?
}

/// The draft's `denotify [MATCH-TYPE id] [:low / :normal / :high]`.
struct DenotifyCommand: Sendable {
    /// Which `:id`s it cancels; nil: every notification.
    let id: MatchSpec?
    /// Cancels only notifications of this importance when given.
    let importance: Int?
}

/// A compiled RFC 8580 `:fcc` with its `:flags` and `:create`.
struct FccCommand: Sendable {
    let mailbox: Str
    let flags: StrList?
    let create: Bool
}

extension Validator {
    static let notifyCommandNames: Set<String> = ["notify", "denotify"]

    /// The tags `:fcc` brings to `vacation` and `notify`.
    ///
    /// - SeeAlso: RFC 8580 §3
    static let fccTags = [
        TagSpec("fcc", .string, capability: .fcc), TagSpec("create", capability: .mailbox),
        TagSpec("flags", .stringList, capability: .imap4flags),
    ]

    /// The `:fcc` of a command's arguments, nil without one; reports `:flags`/`:create`
    /// without `:fcc` and an empty folder name (`failed` is then set).
    mutating func compileFcc(_ read: ReadArguments, command: String, at location: SourceLocation, failed: inout Bool) -> FccCommand? {
        guard let parameter = read.tags["fcc"]?.parameter, let literal = stringArgument(parameter) else {
            for tag in ["flags", "create"] where read.has(tag) {
                error("\(command) :\(tag) needs :fcc (it applies to the copy :fcc stores)", at: read.tags[tag]?.range.start ?? location)
                failed = true
            }
            return nil
        }
        let mailbox = compileString(literal)
        if mailbox.constantValue?.isEmpty == true {
            error("\(command) :fcc needs a folder name, found an empty string", at: literal.range.start)
            failed = true
            return nil
        }
        return FccCommand(mailbox: mailbox, flags: read.tags["flags"]?.parameter.map { compileStringList($0) }, create: read.has("create"))
    }

    /// `notify` / `denotify`: the enotify command, or the deprecated draft's when the
    /// script requires "notify" and not "enotify".
    mutating func compileNotifyFamily(_ node: CommandNode, name: String) -> Command? {
        let location = node.nameRange.start
        let draft = capabilities.contains(.notify) && !capabilities.contains(.enotify)
        let needed: SieveCapability = name == "denotify" || draft ? .notify : .enotify
        guard checkRequired(needed, kind: "command", name: name, at: location) else { return nil }
        checkSimple(node, name: name)
        if node.block != nil || !node.tests.isEmpty || node.hasTestList { return nil }
        if name == "notify", options.limits.maxNotifications == 0 {
            error("local policy prohibits the use of a notify action (max_notifications = 0)", at: location)
            return nil
        }
        let kind: Command.Kind?
        if name == "denotify" {
            kind = compileDenotify(node, location: location)
        } else if draft {
            kind = compileDraftNotify(node, location: location)
        } else {
            kind = compileNotify(node, location: location)
        }
        return kind.map { Command(kind: $0, name: name, location: location) }
    }

    /// `notify [:from string] [:importance <"1" / "2" / "3">] [:options string-list]
    ///  [:message string] [:fcc ...] <method: string>`
    ///
    /// - SeeAlso: RFC 5435 §3, RFC 8580 §3
    private mutating func compileNotify(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        let tags = [TagSpec("from", .string), TagSpec("importance", .string), TagSpec("options", .stringList),
                    TagSpec("message", .string)] + Self.fccTags
        guard let read = readArguments(node.arguments, of: "command", named: "notify", at: location, tags: tags,
                                       positionals: [PositionalSpec(role: "method", kind: .string)]),
              let methodLiteral = stringArgument(read.positionals[0])
        else { return nil }
        var failed = false
        let method = compileString(methodLiteral)
        var constantURI: MailtoURI?
        if let text = method.constantValue {
            switch NotifyURI.parse(text) {
            case .success(let uri): constantURI = uri
            case .failure(let problem):
                error("notify method \(quoted(text)): \(problem.message)", at: methodLiteral.range.start)
                failed = true
            }
        }
        var from: Str?
        if let parameter = read.tags["from"]?.parameter, let literal = stringArgument(parameter) {
            from = compileString(literal)
            if let text = from?.constantValue, MailboxSyntax.mailbox(in: text) == nil {
                error("notify :from \(quoted(text)) is not a valid address (expected local@domain, optionally with a display name)",
                      at: literal.range.start)
                failed = true
            }
        }
        var importance = 2
        if let parameter = read.tags["importance"]?.parameter, let literal = stringArgument(parameter) {
            switch compileString(literal).constantValue {
            case "1": importance = 1
            case "2": importance = 2
            case "3": importance = 3
            default:
                error("notify :importance must be \"1\" (high), \"2\" (normal) or \"3\" (low), found \(quoted(literal.value))",
                      at: literal.range.start)
                failed = true
            }
        }
        var options: StrList?
        if let parameter = read.tags["options"]?.parameter {
            let list = compileStringList(parameter)
            for (index, item) in list.items.enumerated() {
                guard let text = item.constantValue, !NotifyURI.isValidOption(text) else { continue }
                error("notify :options item \(quoted(text)) is not of the form name=value (a name of letters, digits, '-', '.', '_' and a value on one line)",
                      at: Self.itemLocation(parameter, index) ?? parameter.range.start)
                failed = true
            }
            options = list
        }
        let message = read.tags["message"]?.parameter.flatMap { stringArgument($0) }.map { compileString($0) }
        let fcc = compileFcc(read, command: "notify", at: location, failed: &failed)
        if failed { return nil }
        return .notify(NotifyCommand(method: method, constantURI: constantURI, from: from, importance: importance,
                                     options: options, message: message, fcc: fcc, id: nil))
    }

    /// Where item `index` of a string-list argument starts.
    private static func itemLocation(_ argument: Argument, _ index: Int) -> SourceLocation? {
        if case .stringList(let items, _) = argument, index < items.count { return items[index].range.start }
        if case .string(let literal) = argument { return literal.range.start }
        return nil
    }

    /// `valid_notify_method <notification-uris: string-list>`
    ///
    /// - SeeAlso: RFC 5435 §5
    mutating func compileValidNotifyMethod(_ node: TestNode, location: SourceLocation) -> Test? {
        guard let read = readArguments(node.arguments, of: "test", named: "valid_notify_method", at: location, tags: [],
                                       positionals: [PositionalSpec(role: "notification URIs", kind: .stringList)])
        else { return nil }
        return Test(kind: .validNotifyMethod(uris: compileStringList(read.positionals[0])), name: "valid_notify_method",
                    location: location)
    }

    /// `notify_method_capability [COMPARATOR] [MATCH-TYPE] <notification-uri: string>
    ///  <notification-capability: string> <key-list: string-list>`
    ///
    /// - SeeAlso: RFC 5435 §4
    mutating func compileNotifyMethodCapability(_ node: TestNode, location: SourceLocation) -> Test? {
        guard let read = readArguments(node.arguments, of: "test", named: "notify_method_capability", at: location,
                                       tags: TagSpec.matchTypes + TagSpec.comparator,
                                       positionals: [PositionalSpec(role: "notification URI", kind: .string),
                                                     PositionalSpec(role: "capability name", kind: .string),
                                                     PositionalSpec(role: "key list", kind: .stringList)]),
              let uri = stringArgument(read.positionals[0]), let capability = stringArgument(read.positionals[1]),
              let match = matchSpec(read, keys: read.positionals[2])
        else { return nil }
        return Test(kind: .notifyMethodCapability(uri: compileString(uri), capability: compileString(capability), match: match),
                    name: "notify_method_capability", location: location)
    }
}

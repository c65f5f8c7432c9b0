/// The deprecated notify draft (draft-martin-sieve-notify-01), which old scripts
/// `require "notify"` for, compiled onto the enotify action: `:options` lists the
/// addresses to notify, `:message` the body (with `$from$`, `$env-from$`, `$subject$`,
/// `$text$` and `$text[N]$` replaced when the action is built), `:low`/`:normal`/`:high`
/// the importance, `:id` a name for `denotify`. Only the `mailto` method exists.
extension Validator {
    static let draftImportanceTags = [
        TagSpec("low", group: "importance"), TagSpec("normal", group: "importance"), TagSpec("high", group: "importance"),
    ]

    static func draftImportance(_ read: ReadArguments) -> Int? {
        if read.has("high") { return 1 }
        if read.has("normal") { return 2 }
        if read.has("low") { return 3 }
        return nil
    }

    /// `notify [:method string] [:id string] [:options string-list]
    ///  [<:low / :normal / :high>] [:message string]`
    mutating func compileDraftNotify(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        let tags = [TagSpec("method", .string), TagSpec("id", .string), TagSpec("options", .stringList),
                    TagSpec("message", .string)] + Self.draftImportanceTags
        guard let read = readArguments(node.arguments, of: "command", named: "notify", at: location, tags: tags, positionals: [])
        else { return nil }
        var failed = false
        if let parameter = read.tags["method"]?.parameter, let literal = stringArgument(parameter),
           let method = compileString(literal).constantValue, method.lowercased() != "mailto" {
            error("the deprecated notify extension's notify supports only the \"mailto\" method, found \(quoted(method)); "
                  + "use require \"enotify\" for other methods", at: literal.range.start)
            failed = true
        }
        var options: StrList?
        if let parameter = read.tags["options"]?.parameter {
            let list = compileStringList(parameter)
            for item in list.items {
                guard let text = item.constantValue, MailboxSyntax.mailbox(in: text) == nil else { continue }
                error("notify :options address \(quoted(text)) is not a valid address for the mailto method (expected local@domain)",
                      at: parameter.range.start)
                failed = true
            }
            options = list
        }
        if failed { return nil }
        let message = read.tags["message"]?.parameter.flatMap { stringArgument($0) }.map { compileString($0) }
        let id = read.tags["id"]?.parameter.flatMap { stringArgument($0) }.map { compileString($0) }
        // The method URI is built from :options when the action is made (`Run.draftNotifyAction`).
        return .notify(NotifyCommand(method: .constant("mailto:"), constantURI: nil, from: nil,
                                     importance: Self.draftImportance(read) ?? 2, options: options,
                                     message: message ?? .constant(DraftNotify.defaultMessage), fcc: nil, id: id ?? .constant("")))
    }

    /// `denotify [MATCH-TYPE string] [<:low / :normal / :high>]`: the id is the match
    /// type's own argument (`denotify :is "boss" :high`), compared with `i;ascii-casemap`.
    mutating func compileDenotify(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        let matchTags = ["is", "contains", "matches"].map { TagSpec($0, .string, group: "match type") }
        guard let read = readArguments(node.arguments, of: "command", named: "denotify", at: location,
                                       tags: matchTags + Self.draftImportanceTags, positionals: [])
        else { return nil }
        var id: MatchSpec?
        for (name, type) in [("is", MatchType.is), ("contains", .contains), ("matches", .matches)] {
            guard let parameter = read.tags[name]?.parameter, let literal = stringArgument(parameter) else { continue }
            id = MatchSpec(type: type, comparator: .asciiCasemap, keys: StrList([compileString(literal)]))
        }
        return .denotify(DenotifyCommand(id: id, importance: Self.draftImportance(read)))
    }
}

/// The draft's message template.
enum DraftNotify {
    /// The draft's default message.
    static let defaultMessage = "$from$: $subject$"
    /// The subject of a draft notification (the draft's message is its body).
    static let subject = "[SIEVE] New mail notification"
}

/// A `report` action (Pigeonhole's `vnd.dovecot.report`): send an abuse or feedback
/// report about this message (RFC 5965) to an address. The delivery agent composes the
/// `multipart/report` message and submits it through the outbound path once the script
/// has finished.
///
/// - SeeAlso: Pigeonhole's spec-bosch-sieve-report, RFC 5965 §2
public struct ReportAction: Sendable, Hashable {
    /// The feedback type (`abuse`, `fraud`, `virus`, `other`, `not-spam`, ...), a MIME
    /// token, lowercased.
    public var feedbackType: String
    /// The human-readable text of the report.
    public var message: String
    /// Where the report goes: a bare addr-spec.
    public var address: String
    /// `:headers_only`: the report carries the message's header section only, not the
    /// whole message.
    public var headersOnly: Bool

    public init(feedbackType: String, message: String, address: String, headersOnly: Bool) {
        self.feedbackType = feedbackType
        self.message = message
        self.address = address
        self.headersOnly = headersOnly
    }

    /// The feedback type `text` names, trimmed and lowercased; nil when it is not a MIME
    /// token (RFC 2045 §5.1: printable ASCII without spaces or `()<>@,;:\"/[]?=`).
    ///
    /// - SeeAlso: RFC 5965 §3.1 (Feedback-Type), §7.3 (registered types)
    public static func feedbackType(_ text: String) -> String? {
        let token = Substring(text).trimmingWhitespace()
        let specials: Set<UInt8> = Set("()<>@,;:\\\"/[]?=".utf8)
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !specials.contains($0) }) else { return nil }
        return token.lowercased()
    }
}

/// A compiled `report` command.
struct ReportCommand: Sendable {
    let feedbackType: Str
    let message: Str
    /// A constant is stored already reduced to its addr-spec.
    let address: Str
    let headersOnly: Bool
}

extension Validator {
    /// `report [:headers_only] <feedback-type: string> <message: string> <address: string>`.
    ///
    /// - SeeAlso: Pigeonhole's spec-bosch-sieve-report §3
    mutating func compileReport(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        guard let read = readArguments(node.arguments, of: "command", named: "report", at: location,
                                       tags: [TagSpec("headers_only")],
                                       positionals: [PositionalSpec(role: "feedback type", kind: .string),
                                                     PositionalSpec(role: "message", kind: .string),
                                                     PositionalSpec(role: "address", kind: .string)]),
              let typeLiteral = stringArgument(read.positionals[0]),
              let messageLiteral = stringArgument(read.positionals[1]),
              let addressLiteral = stringArgument(read.positionals[2])
        else { return nil }
        let type = compileString(typeLiteral)
        var ok = true
        if case .constant(let text) = type, ReportAction.feedbackType(text) == nil {
            error("report feedback type \(quoted(text)) is not a MIME token; expected a type such as \"abuse\", \"fraud\", "
                  + "\"virus\", \"other\" or \"not-spam\" (RFC 5965)", at: typeLiteral.range.start)
            ok = false
        }
        var address = compileString(addressLiteral)
        if case .constant(let text) = address {
            if let mailbox = MailboxSyntax.mailbox(in: text) {
                address = .constant(mailbox)
            } else {
                error("report address \(quoted(text)) is not a valid mailbox (expected local@domain)", at: addressLiteral.range.start)
                ok = false
            }
        }
        guard ok else { return nil }
        return .report(ReportCommand(feedbackType: type, message: compileString(messageLiteral), address: address,
                                     headersOnly: read.has("headers_only")))
    }
}

extension Run {
    /// Adds the report action, checking what only the run knows (values with variables).
    mutating func executeReport(_ report: ReportCommand, at location: SourceLocation) throws(Failure) {
        let typeText = expand(report.feedbackType)
        guard let type = ReportAction.feedbackType(typeText) else {
            throw Failure(message: "report feedback type \(quoted(typeText)) is not a MIME token (after variable expansion)",
                          location: location)
        }
        var address = expand(report.address)
        if case .template = report.address {
            guard let mailbox = MailboxSyntax.mailbox(in: address) else {
                throw Failure(message: "report address \(quoted(address)) is not a valid mailbox (expected local@domain)",
                              location: location)
            }
            address = mailbox
        }
        try add(.report(ReportAction(feedbackType: type, message: expand(report.message), address: address,
                                     headersOnly: report.headersOnly)), at: location)
    }
}

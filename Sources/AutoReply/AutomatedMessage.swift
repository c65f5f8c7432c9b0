import MailCore

/// The rules that tell a message no automatic mail should answer or announce: it came
/// from a mailing list, was sent automatically, is bulk mail, asks for no automatic
/// replies, or comes from a system sender. Vacation replies (`VacationPolicy`, checks
/// 4–8) and notifications (`NotificationPolicy`) both apply them.
///
/// - SeeAlso: RFC 3834 §2, RFC 5230 §4.5, RFC 5436 §2.7; RFC 2369, RFC 2919 (list headers)
public enum AutomatedMessage {
    /// The first rule that applies, in this order: a list header field, `Auto-Submitted`
    /// other than `no`, `Precedence: bulk/list/junk`, `X-Auto-Response-Suppress` with
    /// `All`, `OOF` or `AutoReply`, then (when the sender is known) a local part matching
    /// one of `systemSenderPatterns`. Nil: a message a person sent.
    public static func reason(_ message: Message, senderLocalPart: String?, systemSenderPatterns: [String])
        -> VacationSuppression?
    {
        for name in VacationPolicy.mailingListHeaderFields where !message.fields(named: name).isEmpty {
            return .mailingList(header: name)
        }
        for field in message.fields(named: "Auto-Submitted") {
            let keyword = VacationPolicy.leadingKeyword(field.value)
            if keyword != "no" { return .autoSubmitted(field.value.sanitizedForLog) }
        }
        for field in message.fields(named: "Precedence") {
            let keyword = VacationPolicy.leadingKeyword(field.value)
            if keyword == "bulk" || keyword == "list" || keyword == "junk" {
                return .precedence(field.value.sanitizedForLog)
            }
        }
        // X-Auto-Response-Suppress: a comma-separated list, Microsoft's convention.
        for field in message.fields(named: "X-Auto-Response-Suppress") {
            let values = field.value.split(separator: ",").map { String($0).trimmingASCIIWhitespace().lowercased() }
            if values.contains(where: { $0 == "all" || $0 == "oof" || $0 == "autoreply" }) {
                return .autoResponseSuppressed(field.value.sanitizedForLog)
            }
        }
        if let localPart = senderLocalPart,
           let pattern = systemSenderPatterns.first(where: { AddressMatching.globMatches($0, localPart) }) {
            return .systemSender(localPart: localPart.sanitizedForLog, pattern: pattern)
        }
        return nil
    }
}

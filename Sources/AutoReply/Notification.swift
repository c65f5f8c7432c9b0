import Foundation
import MailCore
import Sieve

/// One `notify` action to decide and compose: the script's action and the delivery it
/// came from.
///
/// - SeeAlso: RFC 5435 §3, RFC 5436 §2.7
public struct NotificationRequest: Sendable {
    /// The action the script produced (recipients already parsed from the URI).
    public var action: NotifyAction
    /// The message that triggered it.
    public var message: Message
    /// This delivery's envelope recipient: the script owner's address.
    public var recipient: String
    /// The triggering message's envelope sender ("" or `<>` for the null sender).
    public var envelopeSender: String

    /// Makes a request.
    public init(action: NotifyAction, message: Message, recipient: String, envelopeSender: String) {
        self.action = action
        self.message = message
        self.recipient = recipient
        self.envelopeSender = envelopeSender
    }
}

/// Decides whether a notification goes out: never for a message from a mailing list,
/// sent automatically (any `Auto-Submitted` but `no`, which also stops notification
/// loops), bulk mail, or from a system sender: the rules vacation replies follow
/// (`AutomatedMessage`). A null envelope sender does not stop a notification (RFC 5436
/// §2.7: such messages must be able to trigger one; the notification then goes out with
/// a null sender too).
///
/// - SeeAlso: RFC 5436 §2.7, RFC 3834 §2
public struct NotificationPolicy: Sendable {
    /// Glob patterns for the local parts of senders whose messages trigger nothing
    /// (the vacation setting of the same name).
    public var systemSenderPatterns: [String]

    /// A policy with these patterns (default: vacation's).
    public init(systemSenderPatterns: [String] = VacationPolicy.defaultSystemSenderPatterns) {
        self.systemSenderPatterns = systemSenderPatterns
    }

    /// `.respond` when the notification may go out, else why not.
    public func check(_ request: NotificationRequest) -> VacationDecision {
        let sender = AddressMatching.smtpMailbox(in: request.envelopeSender)
        if let reason = AutomatedMessage.reason(request.message, senderLocalPart: sender?.localPart,
                                                systemSenderPatterns: systemSenderPatterns) {
            return .suppress(reason)
        }
        return .respond
    }
}

/// Builds the `mailto` notification message (RFC 5436 §2.7): `From` the `:from` address
/// or the user's; `To`/`Cc` as the URI lists them; `Subject` the `:message`, else the
/// URI's `subject`, else "Notification: " and the message's subject (256 characters at
/// most); `Auto-Submitted: auto-notified; owner-email="user"`, `Precedence: bulk`,
/// `X-Priority`/`Importance` from `:importance`, the URI's other fields, and its `body`
/// (or a line naming the message) as text. The envelope sender is null when the
/// triggering message's was, else the `:from` address, else the user's.
public struct NotificationComposer: Sendable {
    /// Goes into Message-IDs.
    public var hostname: String
    /// Whose address a notification's envelope sender is, when the triggering message's
    /// sender was not null (then it is always null: RFC 5436 §2.7).
    public var envelopeSender: NotificationEnvelopeSender

    /// A composer for this host.
    public init(hostname: String, envelopeSender: NotificationEnvelopeSender = .from) {
        self.hostname = hostname
        self.envelopeSender = envelopeSender
    }

    /// The notification, ready for submission.
    ///
    /// - Throws: `AutoReplyError` when the user's address or `:from` is not an address,
    ///   or the action names no recipient.
    public func compose(_ request: NotificationRequest, now: Date) throws(AutoReplyError) -> OutboundMessage {
        var generator = SystemRandomNumberGenerator()
        let action = request.action
        guard !action.recipients.isEmpty else { throw AutoReplyError("the notification names no recipient") }
        guard let owner = AddressMatching.smtpMailbox(in: request.recipient) else {
            throw AutoReplyError("cannot compose a notification: the recipient \"\(request.recipient.sanitizedForLog)\" is not an address")
        }
        var from = owner
        if let text = action.from {
            guard let given = AddressMatching.mailbox(in: text), AddressMatching.isValidMailbox(given) else {
                throw AutoReplyError("notify :from \"\(text.sanitizedForLog)\" is not an address (expected local@domain)")
            }
            from = given
        }
        var header: [String] = []
        header.append("Date: " + RFC5322Date.format(now, utcOffsetSeconds: 0))
        header.append(Self.addressField("From", [from]))
        let to = action.recipients.filter { !$0.isCarbonCopy }.map(\.address)
        let cc = action.recipients.filter(\.isCarbonCopy).map(\.address)
        if !to.isEmpty { header.append(Self.addressField("To", to)) }
        if !cc.isEmpty { header.append(Self.addressField("Cc", cc)) }
        header.append(HeaderWriting.unstructuredField("Subject", subject(action, original: request.message),
                                                      limit: VacationReplyComposer.maximumSubjectLength))
        let time = String(UInt64(max(0, now.timeIntervalSince1970)), radix: 36)
        header.append("Message-ID: <sluice.notify." + time + "." + VacationReplyComposer.randomToken(length: 20, using: &generator)
                      + "@" + VacationReplyComposer.safeHostname(hostname) + ">")
        header.append("Auto-Submitted: auto-notified; owner-email=\"" + HeaderWriting.addrSpec(owner) + "\"")
        header.append("Precedence: bulk")
        header.append("X-Sieve: Sluice")
        switch action.importance {
        case 1: header += ["X-Priority: 1 (Highest)", "Importance: High"]
        case 3: header += ["X-Priority: 5 (Lowest)", "Importance: Low"]
        default: header += ["X-Priority: 3 (Normal)", "Importance: Normal"]
        }
        for field in action.headers where HeaderFieldWriter.isValidFieldName(field.name) {
            header.append(HeaderWriting.unstructuredField(field.name, field.value))
        }
        header.append("MIME-Version: 1.0")
        let text = action.body ?? defaultBody(request.message)
        let part = VacationReplyComposer.encodedPart(type: "text/plain; charset=utf-8", content: BodyEncoding.crlfLines(Array(text.utf8)))
        let bytes = Array(header.joined(separator: "\r\n").utf8) + [0x0D, 0x0A] + part.header + [0x0D, 0x0A] + part.body
        let triggeredByNull = AddressMatching.pathText(request.envelopeSender).isEmpty
        var envelopeSender = HeaderWriting.addrSpec(MailAddress(localPart: from.localPart, domain: from.domain))
        switch self.envelopeSender {
        case .from: break
        case .sender: envelopeSender = AddressMatching.pathText(request.envelopeSender)
        case .recipient: envelopeSender = HeaderWriting.addrSpec(owner)
        case .address(let address): envelopeSender = AddressMatching.pathText(address)
        }
        if triggeredByNull { envelopeSender = "" }
        return OutboundMessage(envelopeSender: envelopeSender,
                               recipients: action.recipients.map { HeaderWriting.addrSpec(MailAddress(localPart: $0.address.localPart,
                                                                                                      domain: $0.address.domain)) },
                               bytes: bytes)
    }

    private func subject(_ action: NotifyAction, original: Message) -> String {
        if let message = action.message, !HeaderWriting.sanitized(message).isEmpty { return message }
        if let subject = action.uriSubject, !HeaderWriting.sanitized(subject).isEmpty { return subject }
        let originalSubject = HeaderWriting.sanitized(original.fields(named: "Subject").first?.value ?? "", limit: Int.max)
        return "Notification: " + (originalSubject.isEmpty ? "(no subject)" : originalSubject)
    }

    private func defaultBody(_ original: Message) -> String {
        let from = HeaderWriting.sanitized(original.fields(named: "From").first?.value ?? "")
        let subject = HeaderWriting.sanitized(original.fields(named: "Subject").first?.value ?? "")
        return "Notification of new message.\r\n\r\nFrom: \(from.isEmpty ? "(unknown)" : from)\r\n"
            + "Subject: \(subject.isEmpty ? "(no subject)" : subject)\r\n"
    }

    private static func addressField(_ name: String, _ addresses: [MailAddress]) -> String {
        var words: [String] = []
        for (index, address) in addresses.enumerated() {
            var parts = HeaderWriting.mailbox(address, angleBrackets: address.displayName != nil).split(separator: " ").map(String.init)
            if index < addresses.count - 1, let last = parts.popLast() { parts.append(last + ",") }
            words += parts
        }
        return HeaderWriting.foldedWords(prefix: name + ": ", words: words)
            ?? name + ": " + addresses.map(HeaderWriting.addrSpec).joined(separator: ", ")
    }
}

/// The envelope sender of a notification whose triggering message had a sender (one
/// triggered by a null sender always goes out with a null sender, RFC 5436 §2.7).
///
/// - SeeAlso: RFC 5436 §2.3 (":from" may serve as the envelope sender)
public enum NotificationEnvelopeSender: Sendable, Hashable {
    /// The `:from` address, else the user's (the default).
    case from
    /// The triggering message's envelope sender.
    case sender
    /// The user's address (the triggering message's envelope recipient).
    case recipient
    /// A fixed address, such as a site's bounce mailbox.
    case address(String)

    /// `"from"`, `"sender"`, `"recipient"` or an address (`local@domain`); nil otherwise.
    public init?(setting: String) {
        switch setting.lowercased() {
        case "from": self = .from
        case "sender": self = .sender
        case "recipient": self = .recipient
        default:
            guard AddressMatching.smtpMailbox(in: setting) != nil else { return nil }
            self = .address(setting)
        }
    }
}

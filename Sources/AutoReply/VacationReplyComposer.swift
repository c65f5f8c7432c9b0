import Foundation
import MailCore
import Sieve

/// Builds the bytes of a vacation reply. Pure apart from the clock and randomness
/// passed in.
///
/// The reply has:
/// - envelope sender `<>` and one recipient: the original envelope sender;
/// - `Date` (RFC 5322 format), `From` (`:from`, else the recipient address), `To`
///   (the original envelope sender), `Subject` (`:subject`, else `Auto: ` and the
///   original subject, else `Automated reply`; RFC 2047-encoded when not ASCII),
///   `Message-ID` (`<sluice.…@hostname>`), `In-Reply-To` (the original Message-ID),
///   `References` (the original References, or its In-Reply-To when it has a single
///   identifier, then its Message-ID; at most 21 identifiers: the first and the last
///   20), `Auto-Submitted: auto-replied (vacation)`, `Precedence: bulk`,
///   `MIME-Version: 1.0`;
/// - a body: the reason as `text/plain; charset=utf-8` (`7bit` when it is short-lined
///   ASCII, else quoted-printable), inside `multipart/alternative` with a `text/html`
///   part when an HTML renderer is given and returns something; or, for `:mime`, the
///   reason's own MIME entity (its `Content-*` fields after the top-level fields, its
///   body as written).
///
/// No CR or LF from `:subject`, `:from`, the original message or the host name ends up
/// in a header: values are sanitised and re-encoded, identifiers re-parsed.
///
/// - SeeAlso: RFC 5230 §5 (the reply), §4.3 (subject), §4.4 (from); RFC 3834 §3, §5;
///   RFC 5322 §3.6.4 (In-Reply-To, References); RFC 2046 §5.1.4 (alternative)
public struct VacationReplyComposer: Sendable {
    /// Renders the reason text as an HTML document (UTF-8 bytes); nil to send no HTML
    /// part. The Reports module provides one built on libxml2.
    public typealias HTMLRenderer = @Sendable (String) -> [UInt8]?

    /// The host name in generated Message-IDs; a name that is not a valid domain is
    /// replaced by `localhost`.
    public var hostname: String
    /// The optional HTML renderer for a `text/html` alternative.
    public var htmlRenderer: HTMLRenderer?
    /// The time zone of the `Date` field, in seconds east of UTC. Default 0 (`+0000`).
    public var utcOffsetSeconds: Int
    /// The site's choices about the reply's fields and sender.
    public var settings: Settings

    /// How a site shapes vacation replies (sluice.toml `[vacation]`).
    public struct Settings: Sendable, Hashable {
        /// The subject when the script gives none and the original has none. Default
        /// `Automated reply`.
        public var defaultSubject: String
        /// The subject when the script gives none and the original has one: `%{subject}`
        /// stands for the original subject. Default `Auto: %{subject}`.
        public var subjectTemplate: String
        /// Send the reply from the user's address (the one the original was addressed
        /// to) instead of the null sender `<>`. Default false (RFC 5230 §5.1: `<>`
        /// SHOULD be used).
        public var sendFromRecipient: Bool
        /// Take the reply's `To` from the original's `Sender`, `Resent-From` or `From`
        /// even when that address is not the envelope sender (for forwarders that
        /// rewrite the envelope, such as SRS). The reply still goes to the envelope
        /// sender. Default false: `To` shows the envelope sender, with the display name
        /// of a header field that carries the same address.
        public var toHeaderIgnoresEnvelope: Bool

        /// The defaults documented on each field.
        public init(defaultSubject: String = "Automated reply", subjectTemplate: String = "Auto: %{subject}",
                    sendFromRecipient: Bool = false, toHeaderIgnoresEnvelope: Bool = false) {
            self.defaultSubject = defaultSubject
            self.subjectTemplate = subjectTemplate
            self.sendFromRecipient = sendFromRecipient
            self.toHeaderIgnoresEnvelope = toHeaderIgnoresEnvelope
        }
    }

    /// The longest subject written, in Unicode scalars; a longer one is cut and ends with
    /// `…` (Pigeonhole's limit).
    public static let maximumSubjectLength = 256

    /// Makes a composer.
    public init(hostname: String, htmlRenderer: HTMLRenderer? = nil, utcOffsetSeconds: Int = 0, settings: Settings = Settings()) {
        self.hostname = hostname
        self.htmlRenderer = htmlRenderer
        self.utcOffsetSeconds = utcOffsetSeconds
        self.settings = settings
    }

    /// Composes the reply to `request` at time `now`, with system randomness.
    public func compose(_ request: VacationRequest, now: Date) throws(AutoReplyError) -> OutboundMessage {
        var generator = SystemRandomNumberGenerator()
        return try compose(request, now: now, using: &generator)
    }

    /// Composes the reply to `request` at time `now`; Message-ID and MIME boundary
    /// come from `generator`.
    ///
    /// - Throws: `AutoReplyError` when the sender is null or not a mailbox, `:from` is
    ///   not an address, or a `:mime` reason has a line longer than 998 octets.
    public func compose(
        _ request: VacationRequest, now: Date, using generator: inout some RandomNumberGenerator
    ) throws(AutoReplyError) -> OutboundMessage {
        let action = request.action
        if AddressMatching.pathText(action.to).isEmpty {
            throw AutoReplyError("cannot compose a vacation reply: the envelope sender is null (<>)")
        }
        guard let sender = AddressMatching.smtpMailbox(in: action.to) else {
            throw AutoReplyError(
                "cannot compose a vacation reply to \"\(action.to.sanitizedForLog)\": expected a mailbox local@domain")
        }
        let addressedAs = request.addressedAs()
        let from = try fromAddress(request, addressedAs: addressedAs)
        let original = request.message

        var header: [String] = []
        header.append("Date: " + RFC5322Date.format(now, utcOffsetSeconds: utcOffsetSeconds))
        header.append(HeaderWriting.foldedWords(prefix: "From: ", words: HeaderWriting.mailbox(from).split(separator: " ").map(String.init))
            ?? "From: " + HeaderWriting.addrSpec(from))
        header.append(HeaderWriting.foldedWords(prefix: "To: ", words: toAddress(sender, original: original)) ?? "To: <" + HeaderWriting.addrSpec(sender) + ">")
        header.append(HeaderWriting.unstructuredField("Subject", subject(action: action, original: original),
                                                      limit: Self.maximumSubjectLength))
        header.append("Message-ID: " + messageID(now: now, using: &generator))
        header += HeaderWriting.replyThreading(to: original).fields
        header.append("Auto-Submitted: auto-replied (vacation)")
        header.append("Precedence: bulk")
        header.append("MIME-Version: 1.0")

        var bytes = Array(header.joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
        if action.isMime {
            bytes += try mimeEntity(action.reason)
        } else {
            bytes += textBody(action.reason, using: &generator)
        }
        var envelopeSender = ""
        if settings.sendFromRecipient {
            let own = addressedAs ?? AddressMatching.mailbox(in: request.recipient)
            if let own, AddressMatching.isValidMailbox(own) { envelopeSender = own.addrSpec }
        }
        return OutboundMessage(envelopeSender: envelopeSender, recipients: [HeaderWriting.addrSpec(sender)], bytes: bytes)
    }

    /// The words of the `To` field: the mailbox of the original's `Sender`, `Resent-From`
    /// or `From` (the first field with the envelope sender's address, or with any address
    /// when `toHeaderIgnoresEnvelope`), display name kept; else `<envelope sender>`.
    private func toAddress(_ sender: MailAddress, original: Message) -> [String] {
        let senderKey = sender.addrSpec.lowercased()
        for name in ["Sender", "Resent-From", "From"] {
            guard let field = original.fields(named: name).first else { continue }
            for mailbox in field.addresses.mailboxes where mailbox.domain != nil && AddressMatching.isValidMailbox(mailbox) {
                if settings.toHeaderIgnoresEnvelope || mailbox.addrSpec.lowercased() == senderKey {
                    return HeaderWriting.mailbox(mailbox, angleBrackets: true).split(separator: " ").map(String.init)
                }
            }
        }
        return ["<" + HeaderWriting.addrSpec(MailAddress(localPart: sender.localPart, domain: sender.domain)) + ">"]
    }

    /// `:from` parsed (display name kept), else the user's address the original was sent
    /// to (`addressedAs`), else the recipient address.
    private func fromAddress(_ request: VacationRequest, addressedAs: MailAddress?) throws(AutoReplyError) -> MailAddress {
        if let text = request.action.from {
            guard let address = AddressMatching.mailbox(in: text), AddressMatching.isValidMailbox(address) else {
                throw AutoReplyError("vacation :from \"\(text.sanitizedForLog)\" is not an address (expected local@domain)")
            }
            return address
        }
        if let addressedAs, AddressMatching.isValidMailbox(addressedAs) { return addressedAs }
        guard var address = AddressMatching.mailbox(in: request.recipient),
            AddressMatching.isValidMailbox(address)
        else {
            throw AutoReplyError(
                "cannot compose a vacation reply: the recipient \"\(request.recipient.sanitizedForLog)\" is not an address")
        }
        address.displayName = nil
        return address
    }

    /// The reply's subject text, before encoding (RFC 5230 §4.3). Encoded words in
    /// `:subject` are decoded first (they are re-encoded as needed), as Pigeonhole does.
    private func subject(action: VacationAction, original: Message) -> String {
        if let given = action.subject, !HeaderWriting.sanitized(given).isEmpty { return EncodedWords.decode(given) }
        let originalSubject = HeaderWriting.sanitized(original.fields(named: "Subject").first?.value ?? "", limit: Int.max)
        if originalSubject.isEmpty { return settings.defaultSubject.isEmpty ? "Automated reply" : settings.defaultSubject }
        let template = settings.subjectTemplate.isEmpty ? "Auto: %{subject}" : settings.subjectTemplate
        return template.replacingOccurrences(of: "%{subject}", with: originalSubject)
    }

    /// A new unique Message-ID: time, 96 random bits, host.
    private func messageID(now: Date, using generator: inout some RandomNumberGenerator) -> String {
        let time = String(UInt64(max(0, now.timeIntervalSince1970)), radix: 36)
        let random = Self.randomToken(length: 20, using: &generator)
        return "<sluice." + time + "." + random + "@" + Self.safeHostname(hostname) + ">"
    }

    /// `name` when it is a valid domain name, else `localhost`.
    static func safeHostname(_ name: String) -> String {
        AddressMatching.isValidMailbox("x@" + name) && !name.hasPrefix("[") ? name : "localhost"
    }

    /// Random letters and digits.
    static func randomToken(length: Int, using generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        var bytes: [UInt8] = []
        for _ in 0..<length { bytes.append(alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

import Foundation
import MailCore

/// A Sieve rejection to be sent as a message disposition notification: who rejected
/// which message, and why.
///
/// - SeeAlso: RFC 5429 §2.2.1 (rejecting by sending an MDN)
public struct RejectNotice: Sendable {
    /// The original envelope sender (reverse-path without angle brackets); the notice
    /// goes there. `""` is the null sender, to which nothing is ever sent.
    public var envelopeSender: String
    /// The recipient whose script rejected the message (`local@domain`).
    public var recipient: String
    /// The script's reason, as the human-readable explanation.
    public var reason: String
    /// The rejected message (only its header section is used).
    public var original: Message

    /// A notice, fields as documented above.
    public init(envelopeSender: String, recipient: String, reason: String, original: Message) {
        self.envelopeSender = envelopeSender
        self.recipient = recipient
        self.reason = reason
        self.original = original
    }
}

/// Builds the bytes of a rejection MDN. Pure apart from the clock and randomness passed in.
///
/// The notice is a `multipart/report; report-type=disposition-notification` with three
/// parts:
/// 1. the human-readable explanation (with the reason) as `text/plain; charset=utf-8`,
///    inside `multipart/alternative` with a `text/html` rendering when an HTML renderer
///    is given and returns something;
/// 2. `message/disposition-notification` with `Reporting-UA: <host>; Sluice`,
///    `Final-Recipient: rfc822; <recipient>`, `Original-Message-ID` (when the original
///    has one) and `Disposition: automatic-action/MDN-sent-automatically; deleted`;
/// 3. the original header section as `text/rfc822-headers` (not the whole message, so a
///    large message is never copied back to its sender).
///
/// Its header: `Date`, `From` (the recipient), `To` (the original envelope sender),
/// `Subject` (`Rejected: ` and the original subject, else `Rejected message`; RFC 2047
/// encoded when not ASCII), `Message-ID`, `In-Reply-To` and `References` from the
/// original, `Auto-Submitted: auto-replied`, `MIME-Version: 1.0`. The envelope sender is
/// `<>`, the one envelope recipient the original envelope sender.
///
/// No CR or LF from the reason, the original message or the host name reaches a header:
/// values are sanitised and re-encoded, identifiers re-parsed.
///
/// - SeeAlso: RFC 5429 §2.2.1; RFC 8098 §3 (format of an MDN), §3.2.1 (Reporting-UA),
///   §3.2.4 (Final-Recipient), §3.2.5 (Original-Message-ID), §3.2.6 (Disposition);
///   RFC 6522 §3 (multipart/report), §4 (text/rfc822-headers);
///   RFC 3834 §5 (Auto-Submitted)
public struct RejectNoticeComposer: Sendable {
    /// Renders the explanation as an HTML document (UTF-8 bytes); nil to send no HTML
    /// part. The Reports module provides one built on libxml2.
    public typealias HTMLRenderer = @Sendable (String) -> [UInt8]?

    /// The host name in `Reporting-UA` and generated Message-IDs; a name that is not a
    /// valid domain is replaced by `localhost`.
    public var hostname: String
    /// The optional HTML renderer for a `text/html` alternative.
    public var htmlRenderer: HTMLRenderer?
    /// The time zone of the `Date` field, in seconds east of UTC. Default 0 (`+0000`).
    public var utcOffsetSeconds: Int
    /// Longest original header section copied into the third part, in octets; a longer
    /// one is cut at a line end. Default 64 KiB.
    public var maximumOriginalHeaderBytes: Int

    /// Makes a composer.
    public init(hostname: String, htmlRenderer: HTMLRenderer? = nil, utcOffsetSeconds: Int = 0,
                maximumOriginalHeaderBytes: Int = 64 * 1024) {
        self.hostname = hostname
        self.htmlRenderer = htmlRenderer
        self.utcOffsetSeconds = utcOffsetSeconds
        self.maximumOriginalHeaderBytes = maximumOriginalHeaderBytes
    }

    /// Composes the notice at time `now`, with system randomness.
    public func compose(_ notice: RejectNotice, now: Date) throws(AutoReplyError) -> OutboundMessage {
        var generator = SystemRandomNumberGenerator()
        return try compose(notice, now: now, using: &generator)
    }

    /// Composes the notice at time `now`; Message-ID and MIME boundaries come from
    /// `generator`.
    ///
    /// - Throws: `AutoReplyError` when the envelope sender is null or not a mailbox, or
    ///   the recipient is not an address.
    public func compose(
        _ notice: RejectNotice, now: Date, using generator: inout some RandomNumberGenerator
    ) throws(AutoReplyError) -> OutboundMessage {
        if AddressMatching.pathText(notice.envelopeSender).isEmpty {
            throw AutoReplyError("no rejection notice is sent to the null sender (<>)")
        }
        guard let sender = AddressMatching.smtpMailbox(in: notice.envelopeSender) else {
            throw AutoReplyError(
                "cannot send a rejection notice to \"\(notice.envelopeSender.sanitizedForLog)\": expected a mailbox local@domain")
        }
        guard var recipient = AddressMatching.mailbox(in: notice.recipient), AddressMatching.isValidMailbox(recipient) else {
            throw AutoReplyError(
                "cannot compose a rejection notice: the recipient \"\(notice.recipient.sanitizedForLog)\" is not an address")
        }
        recipient.displayName = nil
        let original = notice.original
        let host = VacationReplyComposer.safeHostname(hostname)
        let recipientSpec = HeaderWriting.addrSpec(recipient)
        let senderSpec = HeaderWriting.addrSpec(MailAddress(localPart: sender.localPart, domain: sender.domain))

        var header: [String] = []
        header.append("Date: " + RFC5322Date.format(now, utcOffsetSeconds: utcOffsetSeconds))
        header.append("From: " + recipientSpec)
        header.append("To: " + senderSpec)
        header.append(HeaderWriting.unstructuredField("Subject", Self.subject(of: original)))
        let time = String(UInt64(max(0, now.timeIntervalSince1970)), radix: 36)
        header.append("Message-ID: <sluice.mdn." + time + "."
                      + VacationReplyComposer.randomToken(length: 20, using: &generator) + "@" + host + ">")
        let threading = HeaderWriting.replyThreading(to: original)
        let originalID = threading.originalID
        header += threading.fields
        header.append("Auto-Submitted: auto-replied")
        header.append("MIME-Version: 1.0")

        let explanation = Self.explanation(recipient: recipientSpec, reason: notice.reason)
        let human = humanReadablePart(explanation, using: &generator)
        let report = Self.dispositionPart(host: host, recipient: recipientSpec, originalID: originalID)
        let headers = Self.originalHeaderPart(original, limit: maximumOriginalHeaderBytes)
        let bytes = Array(header.joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
            + VacationReplyComposer.multipart(
                "multipart/report; report-type=disposition-notification;",
                preamble: "This is a message disposition notification (RFC 8098): your message was rejected.",
                parts: [human, report, headers], using: &generator)
        return OutboundMessage(envelopeSender: "", recipients: [senderSpec], bytes: bytes)
    }

    /// `Rejected: ` and the original subject, else `Rejected message`.
    static func subject(of original: Message) -> String {
        let subject = HeaderWriting.sanitized(original.fields(named: "Subject").first?.value ?? "")
        return subject.isEmpty ? "Rejected message" : "Rejected: " + subject
    }

    /// The human-readable text: who rejected it, then the reason as the script gave it.
    static func explanation(recipient: String, reason: String) -> String {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        var text = "Your message to <\(recipient)> was rejected by the recipient's mail filter and was not delivered.\n\n"
        text += trimmed.isEmpty ? "No reason was given.\n" : "The reason given:\n\n" + trimmed + "\n"
        text += "\nThe header of your message is attached.\n"
        return text
    }

    /// Part 1: the explanation as text, or as text and HTML alternatives. Header lines,
    /// blank line, body; ends with CRLF.
    func humanReadablePart(_ text: String, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        let plain = VacationReplyComposer.encodedPart(type: "text/plain; charset=utf-8",
                                                     content: BodyEncoding.crlfLines(Array(text.utf8)))
        guard let renderer = htmlRenderer, let html = renderer(text) else {
            return plain.header + [0x0D, 0x0A] + plain.body
        }
        let htmlPart = VacationReplyComposer.encodedPart(type: "text/html; charset=utf-8",
                                                        content: BodyEncoding.crlfLines(html))
        let alternatives = [plain, htmlPart]
        let boundary = VacationReplyComposer.boundary(avoiding: alternatives.map(\.body), using: &generator)
        var output = Array("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n".utf8)
        for part in alternatives {
            output += Array("--\(boundary)\r\n".utf8)
            output += part.header + [0x0D, 0x0A] + part.body
        }
        output += Array("--\(boundary)--\r\n".utf8)
        return output
    }

    /// Part 2: the machine-readable report.
    ///
    /// - SeeAlso: RFC 8098 §3.1, §3.2; RFC 5429 §2.2.1 (the disposition to use)
    static func dispositionPart(host: String, recipient: String, originalID: String?) -> [UInt8] {
        var lines = ["Content-Type: message/disposition-notification", ""]
        lines.append("Reporting-UA: \(host); Sluice")
        lines.append("Final-Recipient: rfc822; \(recipient)")
        if let originalID { lines.append("Original-Message-ID: \(originalID)") }
        lines.append("Disposition: automatic-action/MDN-sent-automatically; deleted")
        let sevenBit = recipient.utf8.allSatisfy { $0 < 0x80 }
        if !sevenBit { lines.insert("Content-Transfer-Encoding: 8bit", at: 1) }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// Part 3: the original header section, with CRLF line ends, NUL octets as spaces,
    /// lines cut at 998 octets and the whole cut at a line end past `limit` octets.
    static func originalHeaderPart(_ original: Message, limit: Int) -> [UInt8] {
        var section = Array(original.bytes[..<min(original.bodyOffset, original.bytes.count)])
        section = BodyEncoding.crlfLines(section.map { $0 == 0 ? UInt8(ascii: " ") : $0 })
        var kept: [UInt8] = []
        for line in BodyEncoding.lines(section) where !line.isEmpty {
            if kept.count + line.count + 2 > limit { break }
            kept += line.prefix(998) + [0x0D, 0x0A]
        }
        var output = Array("Content-Type: text/rfc822-headers\r\n".utf8)
        if kept.contains(where: { $0 >= 0x80 }) { output += Array("Content-Transfer-Encoding: 8bit\r\n".utf8) }
        return output + [0x0D, 0x0A] + kept
    }
}

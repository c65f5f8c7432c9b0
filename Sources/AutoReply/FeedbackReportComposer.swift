import Foundation
import MailCore
import Sieve

/// Who a feedback report (`report`, vnd.dovecot.report) says it is from: sluice.toml
/// `[report] from`, Pigeonhole's `sieve_report_from`.
public enum ReportSender: Sendable, Hashable {
    /// The site's postmaster address (the default).
    case postmaster
    /// The envelope sender of the reported message.
    case sender
    /// This recipient (the final recipient).
    case recipient
    /// The original recipient (ORCPT), else the recipient.
    case originalRecipient
    /// The user's own address (`sieve_user_email`), else the recipient.
    case userEmail
    /// Always this address.
    case address(String)

    /// Reads the setting: `postmaster`, `sender`, `recipient`, `orig_recipient`,
    /// `user_email`, or an address in angle brackets (`<abuse-desk@example.com>`); nil
    /// for anything else.
    public init?(setting: String) {
        let text = setting.trimmingCharacters(in: .whitespaces)
        switch text.lowercased() {
        case "postmaster", "": self = .postmaster
        case "sender": self = .sender
        case "recipient": self = .recipient
        case "orig_recipient": self = .originalRecipient
        case "user_email": self = .userEmail
        default:
            guard text.hasPrefix("<"), text.hasSuffix(">"), let mailbox = AddressMatching.smtpMailbox(in: text) else {
                return nil
            }
            self = .address(HeaderWriting.addrSpec(mailbox))
        }
    }
}

/// One feedback report to compose: the script's `report` action and what the delivery
/// knows about the reported message.
public struct FeedbackReport: Sendable {
    /// The script's action (feedback type, text, target, `:headers_only`).
    public var action: ReportAction
    /// The reported message.
    public var original: Message
    /// Its envelope sender (`""` for the null sender): `Original-Mail-From`.
    public var envelopeSender: String
    /// This recipient (`local@domain`).
    public var recipient: String
    /// The original recipient (ORCPT), when the MTA passed one: `Original-Rcpt-To`.
    public var originalRecipient: String?
    /// The user's own address, when the site knows one apart from the recipient.
    public var userEmail: String?
    /// The address of the client that handed the message over: `Source-IP`.
    public var sourceIP: String?
    /// When the message arrived: `Arrival-Date`.
    public var arrival: Date?

    /// A report, fields as documented above.
    public init(action: ReportAction, original: Message, envelopeSender: String, recipient: String,
                originalRecipient: String? = nil, userEmail: String? = nil, sourceIP: String? = nil, arrival: Date? = nil) {
        self.action = action
        self.original = original
        self.envelopeSender = envelopeSender
        self.recipient = recipient
        self.originalRecipient = originalRecipient
        self.userEmail = userEmail
        self.sourceIP = sourceIP
        self.arrival = arrival
    }
}

/// Builds an RFC 5965 feedback report. Pure apart from the clock and randomness passed in.
///
/// The report is a `multipart/report; report-type=feedback-report` with three parts:
/// 1. the script's text as `text/plain` (`charset=us-ascii` and `7bit` when it is ASCII,
///    else `charset=utf-8` and quoted-printable), `Content-Disposition: inline`;
/// 2. `message/feedback-report`: `Feedback-Type`, `User-Agent: Sluice/VERSION`,
///    `Version: 1`, `Original-Mail-From`, `Original-Rcpt-To` (when known),
///    `Arrival-Date`, `Reporting-MTA: dns; HOST`, `Source-IP` (when known), and
///    `Dovecot-Reporting-User` (the user's address), the field Pigeonhole's reports
///    carry, for consumers that read it;
/// 3. the reported message as `message/rfc822`, or its header section as
///    `text/rfc822-headers` for `:headers_only`, `Content-Disposition: attachment`.
///
/// Its header: `Date`, `From` (per `ReportSender`), `To` (the target), `Subject`
/// (`Report: ` and the original subject, else `Report: (message without subject)`),
/// `Message-ID`, `Auto-Submitted: auto-generated`, `MIME-Version: 1.0`. The envelope
/// sender is `<>` (a report is never answered with a bounce loop), the one recipient the
/// target.
///
/// - SeeAlso: RFC 5965 §2 (format), §3.1 (required fields), §3.2 (optional fields);
///   RFC 6522 §3 (multipart/report); RFC 3834 §5 (Auto-Submitted)
public struct FeedbackReportComposer: Sendable {
    /// The host name in `Reporting-MTA` and Message-IDs; a name that is not a valid domain
    /// is replaced by `localhost`.
    public var hostname: String
    /// Who the report is from.
    public var from: ReportSender
    /// The postmaster address `.postmaster` stands for; nil: `postmaster@HOSTNAME`.
    public var postmaster: String?
    /// The time zone of `Date` and `Arrival-Date`, seconds east of UTC. Default 0.
    public var utcOffsetSeconds: Int

    /// Makes a composer.
    public init(hostname: String, from: ReportSender = .postmaster, postmaster: String? = nil, utcOffsetSeconds: Int = 0) {
        self.hostname = hostname
        self.from = from
        self.postmaster = postmaster
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Composes the report at time `now`, with system randomness.
    public func compose(_ report: FeedbackReport, now: Date) throws(AutoReplyError) -> OutboundMessage {
        var generator = SystemRandomNumberGenerator()
        return try compose(report, now: now, using: &generator)
    }

    /// Composes the report at time `now`; Message-ID and boundary come from `generator`.
    ///
    /// - Throws: `AutoReplyError` when the target or the chosen sender is not an address.
    public func compose(_ report: FeedbackReport, now: Date,
                        using generator: inout some RandomNumberGenerator) throws(AutoReplyError) -> OutboundMessage {
        guard let target = AddressMatching.smtpMailbox(in: report.action.address) else {
            throw AutoReplyError("cannot send a report to \"\(report.action.address.sanitizedForLog)\": expected a mailbox local@domain")
        }
        guard let type = ReportAction.feedbackType(report.action.feedbackType) else {
            throw AutoReplyError("report feedback type \"\(report.action.feedbackType.sanitizedForLog)\" is not a MIME token")
        }
        let host = VacationReplyComposer.safeHostname(hostname)
        let targetSpec = HeaderWriting.addrSpec(target)
        let fromSpec = try sender(report, host: host)
        let user = report.userEmail ?? report.originalRecipient ?? report.recipient

        var header: [String] = []
        header.append("Date: " + RFC5322Date.format(now, utcOffsetSeconds: utcOffsetSeconds))
        header.append("From: " + fromSpec)
        header.append("To: " + targetSpec)
        let subject = HeaderWriting.sanitized(report.original.fields(named: "Subject").first?.value ?? "")
        header.append(HeaderWriting.unstructuredField("Subject", "Report: " + (subject.isEmpty ? "(message without subject)" : subject)))
        let time = String(UInt64(max(0, now.timeIntervalSince1970)), radix: 36)
        header.append("Message-ID: <sluice.report." + time + "." + VacationReplyComposer.randomToken(length: 20, using: &generator)
                      + "@" + host + ">")
        header.append("Auto-Submitted: auto-generated")
        header.append("MIME-Version: 1.0")

        let text = BodyEncoding.crlfLines(Array(report.action.message.utf8))
        let ascii = text.allSatisfy { $0 < 0x80 }
        let human = VacationReplyComposer.encodedPart(type: ascii ? "text/plain; charset=us-ascii" : "text/plain; charset=utf-8",
                                                      content: text)
        var fields = ["Feedback-Type: " + type, "User-Agent: Sluice/" + SluiceVersion.current, "Version: 1"]
        fields.append("Original-Mail-From: <" + Self.pathSpec(report.envelopeSender) + ">")
        if let original = report.originalRecipient.flatMap(AddressMatching.smtpMailbox(in:)) {
            fields.append("Original-Rcpt-To: <" + HeaderWriting.addrSpec(original) + ">")
        }
        fields.append("Arrival-Date: " + RFC5322Date.format(report.arrival ?? now, utcOffsetSeconds: utcOffsetSeconds))
        fields.append("Reporting-MTA: dns; " + host)
        if let ip = report.sourceIP.map({ HeaderWriting.sanitized($0, limit: 64) }), !ip.isEmpty, !ip.contains(" ") {
            fields.append("Source-IP: " + ip)
        }
        if let user = AddressMatching.smtpMailbox(in: user) {
            fields.append("Dovecot-Reporting-User: <" + HeaderWriting.addrSpec(user) + ">")
        }
        let machine = Array(fields.joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
        let originalBytes = BodyEncoding.crlfLines(report.action.headersOnly ? Self.headerSection(report.original)
                                                                             : Array(RedirectComposer.withoutMboxLine(report.original.bytes)))
        var parts: [[UInt8]] = []
        parts.append(human.header + Array("Content-Disposition: inline\r\n\r\n".utf8) + human.body)
        parts.append(Array("Content-Type: message/feedback-report\r\n\r\n".utf8) + machine)
        let originalType = report.action.headersOnly ? "text/rfc822-headers" : "message/rfc822"
        parts.append(Array("Content-Type: \(originalType)\r\nContent-Disposition: attachment\r\n\r\n".utf8) + originalBytes)
        let bytes = Array(header.joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
            + VacationReplyComposer.multipart("multipart/report; report-type=feedback-report;",
                                              preamble: "This is an email abuse report (RFC 5965) in MIME format.",
                                              parts: parts, using: &generator)
        return OutboundMessage(envelopeSender: "", recipients: [targetSpec], bytes: bytes)
    }

    /// The `From` address for `report`.
    private func sender(_ report: FeedbackReport, host: String) throws(AutoReplyError) -> String {
        let chosen: String
        switch from {
        case .postmaster: chosen = postmaster ?? "postmaster@" + host
        case .sender: chosen = report.envelopeSender
        case .recipient: chosen = report.recipient
        case .originalRecipient: chosen = report.originalRecipient ?? report.recipient
        case .userEmail: chosen = report.userEmail ?? report.recipient
        case .address(let address): chosen = address
        }
        // A null or broken sender falls back to the postmaster, as a report needs a From.
        if let mailbox = AddressMatching.smtpMailbox(in: chosen) { return HeaderWriting.addrSpec(mailbox) }
        guard let postmaster = AddressMatching.smtpMailbox(in: postmaster ?? "postmaster@" + host) else {
            throw AutoReplyError("cannot compose a report: no valid From address (\"\(chosen.sanitizedForLog)\")")
        }
        return HeaderWriting.addrSpec(postmaster)
    }

    /// A reverse-path's addr-spec ("" for the null sender).
    private static func pathSpec(_ path: String) -> String {
        guard let mailbox = AddressMatching.smtpMailbox(in: path) else { return "" }
        return HeaderWriting.addrSpec(mailbox)
    }

    /// The header section of `message`, with the blank line that ends it.
    static func headerSection(_ message: Message) -> [UInt8] {
        Array(RedirectComposer.withoutMboxLine(Array(message.bytes[..<min(message.bodyOffset, message.bytes.count)])))
    }
}

import AutoReply
import Delivery
import Foundation
import Logging
import MailCore
import Reports
import SluiceConfig
import Submission
import TrackingSQLite

/// The exit statuses of `sluice deliver`, from `<sysexits.h>`, which MTAs (Postfix's
/// `local` and `pipe`, sendmail) map to "delivered", "retry later" or "bounce".
public enum DeliverExitStatus: Int32, Sendable, Hashable {
    /// Every recipient's copy was delivered (stored, discarded, or rejected by MDN).
    case ok = 0
    /// The message is unusable (it holds a NUL octet or is over the size limit): bounce.
    case dataError = 65
    /// A recipient is not a user here: bounce ("user unknown").
    case noUser = 67
    /// A permanent failure other than a rejection (e.g. over quota when configured permanent): bounce.
    case unavailable = 69
    /// A temporary failure: the MTA keeps the message and retries.
    case temporaryFailure = 75
    /// A script rejected the message: bounce, with the reason from standard error.
    case noPermission = 77
    /// The configuration cannot be used: the MTA retries (Postfix treats it as temporary).
    case configurationError = 78
}

/// The result of one `sluice deliver` run: the exit status and what to print on
/// standard error (the line that decided the status first).
public struct LocalDeliveryReport: Sendable {
    /// The exit status.
    public var status: DeliverExitStatus
    /// Lines for standard error; the first explains `status` and starts with the
    /// enhanced status code (Postfix's `pipe` and `local` take a leading `4.X.X` or
    /// `5.X.X` as the delivery status).
    public var diagnostics: [String]
    /// One outcome per recipient, in the order given.
    public var outcomes: [Delivery.RecipientOutcome]

    /// A report, fields as documented above.
    public init(status: DeliverExitStatus, diagnostics: [String], outcomes: [Delivery.RecipientOutcome] = []) {
        self.status = status
        self.diagnostics = diagnostics
        self.outcomes = outcomes
    }
}

/// `sluice deliver`: one message, read from standard input, delivered to the recipients
/// named on the command line through the same delivery agent as the LMTP server, the way
/// an MTA calls a local delivery agent (Postfix `mailbox_command`, a `pipe` transport).
///
/// Exit status when several recipients end differently (the worst class wins):
/// temporary failure (75) > rejection (77) > unknown user (67) > other permanent failure
/// (69) > success (0). An MTA applies one exit status to every recipient of the call, so a
/// temporary failure makes it retry them all, including those already stored (a
/// duplicate is better than a lost message); run one recipient per call (Postfix's
/// `local` does; for `pipe`, set `<transport>_destination_recipient_limit = 1`) to avoid
/// it.
///
/// Rejections with `reject_action = "mdn"`: an RFC 5429 MDN goes to the envelope sender
/// and the recipient counts as delivered. With a null sender no notice is sent (RFC 3834
/// §2: nothing answers `<>`) and the message is dropped, logged. When the notice cannot be
/// submitted, the rejection falls back to exit 77 so the MTA's bounce tells the sender.
public struct LocalDelivery: Sendable {
    private let agent: DeliveryAgent
    private let configuration: SluiceConfiguration
    private let submitter: (any MessageSubmitter)?
    private let logger: Logger

    /// Builds the delivery agent from `configuration`; `submitter` sends rejection MDNs
    /// (needed only with `reject_action = "mdn"`).
    public init(configuration: SluiceConfiguration, submitter: (any MessageSubmitter)?, logger: Logger)
        throws(ConfigurationError)
    {
        do {
            agent = try DeliveryAgent(configuration: configuration.delivery, logger: logger,
                                      trackingStore: SQLiteTrackingStore(path: configuration.delivery.vacation.trackingDatabase))
        } catch {
            throw ConfigurationError("invalid delivery configuration: \(error)")
        }
        self.configuration = configuration
        self.submitter = submitter
        self.logger = logger
    }

    /// Delivers `message` from `sender` (`""` or `"<>"` is the null sender) to
    /// `recipients` (bare addresses or in angle brackets).
    public func deliver(sender: String, recipients: [String], message: SpooledMessage) async -> LocalDeliveryReport {
        let envelopeSender = Self.bare(sender)
        let transaction = DeliveryTransaction(
            id: Self.transactionID(), sender: envelopeSender, recipients: recipients.map(Self.bare),
            heloName: "localhost", message: .spooled(message))
        var outcomes = await agent.deliver(transaction)
        var extra: [String] = []
        if configuration.deliver.rejectAction == .mdn {
            for index in outcomes.indices where outcomes[index].disposition == .rejected {
                if let note = await sendNotice(for: &outcomes[index], sender: envelopeSender, message: message) {
                    extra.append(note)
                }
            }
        }
        var report = Self.report(for: outcomes)
        report.diagnostics += extra
        return report
    }

    /// Replaces a rejected outcome by "delivered" once its MDN is sent (or dropped for a
    /// null sender); returns a line for standard error when the notice failed.
    private func sendNotice(for outcome: inout Delivery.RecipientOutcome, sender: String,
                            message: SpooledMessage) async -> String? {
        // The script's own words (any language); the reply lines are their ASCII-safe form.
        let reason = outcome.rejectionReason ?? outcome.reply.lines.joined(separator: "\n")
        let recipient = outcome.recipient
        if sender.isEmpty {
            logger.notice("rejection not sent: the envelope sender is null; the message is dropped",
                          metadata: ["rcpt": "\(recipient)"])
            outcome.disposition = .discarded
            outcome.reply = DeliveryReply(code: 250, status: .ok, text: "Rejected; no notice to the null sender")
            return nil
        }
        guard let submitter else { return "no outbound relay for the rejection notice to <\(recipient)>'s sender" }
        let notice: OutboundMessage
        do {
            // The notice carries only the original header section: a bounded prefix is enough,
            // and a large message is not read into memory again.
            let header = try message.read(offset: 0, count: Self.noticeSourcePrefix)
            let composer = RejectNoticeComposer(hostname: configuration.delivery.hostname) { text in
                try? HTMLNotification.render(paragraphs: text, title: "Message rejected")
            }
            notice = try composer.compose(
                RejectNotice(envelopeSender: sender, recipient: recipient, reason: reason,
                             original: Message(bytes: header)),
                now: Date())
        } catch {
            logger.warning("rejection notice not composed", metadata: ["rcpt": "\(recipient)", "error": "\(error)"])
            return "rejection notice for <\(recipient)> not composed: \(error); the MTA bounces the message instead"
        }
        do {
            let receipt = try await submitter.submit(envelopeFrom: notice.envelopeSender, recipients: notice.recipients,
                                                     message: notice.bytes)
            guard !receipt.accepted.isEmpty else {
                return "rejection notice for <\(recipient)> refused by the relay; the MTA bounces the message instead"
            }
        } catch {
            logger.warning("rejection notice not sent", metadata: ["rcpt": "\(recipient)", "error": "\(error)"])
            return "rejection notice for <\(recipient)> not sent: \(error); the MTA bounces the message instead"
        }
        logger.info("rejection notice sent", metadata: ["rcpt": "\(recipient)", "to": "\(sender)"])
        outcome.disposition = .discarded
        outcome.reply = DeliveryReply(code: 250, status: .ok, text: "Rejected; notice sent to <\(sender)>")
        return nil
    }

    /// How much of the message is read to compose a rejection notice (its header section).
    static let noticeSourcePrefix = 256 * 1024

    /// The exit status and standard-error lines for a set of outcomes (see the type's
    /// documentation for the precedence).
    public static func report(for outcomes: [Delivery.RecipientOutcome]) -> LocalDeliveryReport {
        func rank(_ outcome: Delivery.RecipientOutcome) -> (Int, DeliverExitStatus) {
            if outcome.reply.isTemporaryFailure { return (4, .temporaryFailure) }
            switch outcome.disposition {
            case .rejected: return (3, .noPermission)
            case .unknownUser: return (2, .noUser)
            default: return outcome.reply.isPermanentFailure ? (1, .unavailable) : (0, .ok)
            }
        }
        let ranks = outcomes.map(rank)
        // The first recipient of the worst class decides.
        guard let decider = ranks.indices.max(by: { ranks[$0].0 < ranks[$1].0 || (ranks[$0].0 == ranks[$1].0 && $0 > $1) }),
            ranks[decider].0 > 0
        else {
            return LocalDeliveryReport(status: .ok, diagnostics: [], outcomes: outcomes)
        }
        // The deciding recipient's line first, then the other failures in order.
        var lines = [line(outcomes[decider])]
        for index in outcomes.indices where ranks[index].0 > 0 && index != decider {
            lines.append(line(outcomes[index]))
        }
        return LocalDeliveryReport(status: ranks[decider].1, diagnostics: lines, outcomes: outcomes)
    }

    /// `5.7.1 <rcpt>: text / text` (the reply lines are printable ASCII already).
    static func line(_ outcome: Delivery.RecipientOutcome) -> String {
        "\(outcome.reply.status) <\(ReplyText.lines(outcome.recipient).joined())>: "
            + outcome.reply.lines.joined(separator: " / ")
    }

    /// The address in the message's first `Return-Path:` field (`""` when there is none,
    /// or it is `<>` or unreadable): the envelope sender when the MTA gave none.
    public static func returnPath(of message: SpooledMessage) -> String {
        guard let head = try? message.read(offset: 0, count: 64 * 1024),
            let field = Message(bytes: head).fields(named: "Return-Path").first
        else { return "" }
        let text = field.value.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("<"), let close = text.firstIndex(of: ">") else { return "" }
        let inner = text[text.index(after: text.startIndex)..<close]
        return inner.contains(where: { $0.isWhitespace || $0 == "<" }) ? "" : String(inner)
    }

    /// An address without angle brackets; `<>` becomes `""`.
    static func bare(_ address: String) -> String {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("<") && trimmed.hasSuffix(">") && trimmed.count >= 2 {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }

    /// A transaction id for the log and `Received:`: `D` and random base-36 digits.
    static func transactionID() -> String {
        "D" + String(UInt64.random(in: 0...UInt64.max), radix: 36).uppercased()
    }
}

extension LocalDelivery {
    /// The submitter the configured `[outbound]` path gives (SMTP relay or sendmail
    /// command): rejection notices go out the way vacation replies and redirects do.
    public static func outboundSubmitter(for configuration: SluiceConfiguration) throws(ConfigurationError)
        -> any MessageSubmitter
    {
        do {
            return try OutboundServices.submitter(configuration.delivery)
        } catch {
            throw ConfigurationError("invalid outbound configuration: \(error)")
        }
    }
}

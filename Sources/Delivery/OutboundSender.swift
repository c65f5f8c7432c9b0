import AutoReply
import Foundation
import MailCore
import Reports
import Sieve
import Submission
import Tracking

/// What the agent sends with: the site's MTA and the tracking store.
public struct OutboundServices: Sendable {
    /// Where vacation replies and redirects are submitted.
    public var submitter: any MessageSubmitter
    /// Who was answered when, which message went where (vacation periods, duplicate
    /// redirects).
    public var trackingStore: any TrackingStore

    /// Services made of these parts.
    public init(submitter: any MessageSubmitter, trackingStore: any TrackingStore) {
        self.submitter = submitter
        self.trackingStore = trackingStore
    }

    /// The services a configuration describes: the SMTP client or sendmail command of
    /// `configuration.outbound`, and `trackingStore` (the process opens the configured
    /// database; the SQLite store opens it on first use, so a delivery that sends nothing
    /// never needs it: `sluice deliver` may run as a user who cannot write it; when it
    /// cannot be opened, vacation replies fail (logged) and redirects count as failed).
    public static func configured(_ configuration: DeliveryConfiguration, trackingStore: any TrackingStore)
        throws(DeliveryConfigurationError) -> OutboundServices
    {
        OutboundServices(submitter: try submitter(configuration), trackingStore: trackingStore)
    }

    /// The SMTP client or sendmail command of `configuration.outbound`.
    public static func submitter(_ configuration: DeliveryConfiguration) throws(DeliveryConfigurationError)
        -> any MessageSubmitter
    {
        let outbound = configuration.outbound
        let submitter: any MessageSubmitter
        switch outbound.method {
        case .smtp:
            submitter = SMTPSubmissionClient(configuration: SMTPSubmissionClient.Configuration(
                host: outbound.relayHost, port: outbound.relayPort,
                heloName: outbound.heloName ?? configuration.hostname,
                connectTimeout: outbound.connectTimeout, replyTimeout: outbound.replyTimeout,
                messageTimeout: outbound.submissionTimeout, totalTimeout: outbound.submissionTimeout))
        case .sendmail:
            guard let path = outbound.sendmailCommand.first, path.hasPrefix("/") else {
                throw .outbound("sendmail command \(outbound.sendmailCommand): expected an absolute path first")
            }
            submitter = SendmailSubmission(configuration: SendmailSubmission.Configuration(
                executablePath: path, fixedArguments: Array(outbound.sendmailCommand.dropFirst()),
                timeout: outbound.submissionTimeout))
        }
        return submitter
    }

    /// Services that submit nothing (every submission fails, so redirects fall back to
    /// the implicit keep) and track in memory. For embedding and tests.
    public static var unavailable: OutboundServices {
        OutboundServices(submitter: UnavailableSubmitter(), trackingStore: InMemoryTrackingStore())
    }
}

/// A submitter that refuses every message: no MTA is configured.
struct UnavailableSubmitter: MessageSubmitter {
    func submit(envelopeFrom: String, recipients: [String], message: [UInt8]) async throws(SubmissionError)
        -> SubmissionReceipt
    {
        throw SubmissionError(stage: .connect, code: .invalidConfiguration, isTransient: true,
                              detail: "no outbound MTA is configured for this delivery agent")
    }
}

/// Sends one recipient's vacation reply and redirects, after its own copy was stored.
struct OutboundSender: Sendable {
    let services: OutboundServices
    let responder: VacationResponder
    let redirectPolicy: RedirectPolicy
    /// Whose address notifications go out from (`[outbound] notify_envelope_sender`).
    var notifyEnvelopeSender: NotificationEnvelopeSender = .from
    /// Composes `report` messages (vnd.dovecot.report).
    let reportComposer: FeedbackReportComposer

    init(configuration: DeliveryConfiguration, services: OutboundServices) {
        self.reportComposer = FeedbackReportComposer(hostname: configuration.hostname, from: configuration.report.from,
                                                     postmaster: configuration.report.postmaster)
        self.services = services
        self.notifyEnvelopeSender = configuration.outbound.notifyEnvelopeSender
        let policy = VacationPolicy(configuration: VacationPolicy.Configuration(
            systemSenderPatterns: configuration.vacation.systemSenderPatterns,
            requireUserAddressed: configuration.vacation.requireUserAddressed))
        let composer = VacationReplyComposer(hostname: configuration.hostname, htmlRenderer: { reason in
            try? HTMLNotification.render(paragraphs: reason)
        }, settings: configuration.vacation.reply)
        self.responder = VacationResponder(policy: policy, composer: composer)
        self.redirectPolicy = RedirectPolicy()
    }

    /// How one redirect went.
    struct RedirectResult: Sendable {
        enum Status: Sendable, Equatable {
            /// Submitted to the MTA, or suppressed as a recent duplicate (already sent).
            case done(String)
            /// Refused for good (loop, invalid address, a permanent refusal by the MTA):
            /// a retry cannot help.
            case refused(String)
            /// Submission or tracking failed; a retry may succeed.
            case failed(String)
        }
        var request: RedirectRequest
        var status: Status

        var isFailure: Bool {
            if case .done = status { return false }
            return true
        }

        /// The line for the log: `<target>: sent`, `<target>: failed: why`.
        var summary: String {
            switch status {
            case .done(let text): "<\(request.address)> \(text)"
            case .refused(let why): "<\(request.address)> refused: \(why)"
            case .failed(let why): "<\(request.address)> failed: \(why)"
            }
        }
    }

    /// Sends the vacation reply (if any) and every redirect, all at once; returns the
    /// vacation status for the log and each redirect's result, in request order.
    func send(vacation: VacationAction?, redirects: [RedirectRequest], user: DeliveryUser, sender: String,
              message: Message, wholeMessage: @escaping @Sendable () async -> Result<Message, DeliveryAgent.MessageUnreadable>,
              storeCopy: CopyStorer? = nil)
        async -> (vacation: String?, redirects: [RedirectResult])
    {
        await withTaskGroup(of: (Int, String?, RedirectResult?).self) { group in
            if let vacation {
                group.addTask {
                    let (status, reply) = await self.sendVacationReply(vacation, user: user, message: message)
                    // RFC 8580: a copy of the reply that went out, in the :fcc folder.
                    guard let reply, let fcc = vacation.fcc, let storeCopy else { return (-1, status, nil) }
                    return (-1, status + "; " + (await storeCopy(reply.bytes, fcc)), nil)
                }
            }
            if !redirects.isEmpty {
                let whole = await wholeMessage()
                for (index, redirect) in redirects.enumerated() {
                    group.addTask {
                        switch whole {
                        case .failure(let error):
                            return (index, nil, RedirectResult(request: redirect, status: .failed(error.message)))
                        case .success(let full):
                            return (index, nil, await self.sendRedirect(redirect, user: user, sender: sender, message: full))
                        }
                    }
                }
            }
            var vacationStatus: String?
            var results = [RedirectResult?](repeating: nil, count: redirects.count)
            for await (index, status, result) in group {
                if index < 0 { vacationStatus = status } else { results[index] = result }
            }
            return (vacationStatus, results.compactMap { $0 })
        }
    }

    /// Decides, composes, records and submits the vacation reply. Never fails the
    /// delivery: every problem becomes the returned status.
    func sendVacation(_ action: VacationAction, user: DeliveryUser, message: Message) async -> String {
        await sendVacationReply(action, user: user, message: message).status
    }

    /// As `sendVacation`, with the reply when it was submitted (for `:fcc`).
    func sendVacationReply(_ action: VacationAction, user: DeliveryUser, message: Message) async
        -> (status: String, sent: OutboundMessage?)
    {
        let request = VacationRequest(action: action, message: message, recipient: user.recipient,
                                      aliases: [user.address] + user.aliases, user: user.address)
        let store = services.trackingStore
        let reply: OutboundMessage
        do {
            switch try await responder.respond(to: request, store: store, now: Date()) {
            case .suppressed(let reason): return ("not sent: \(reason)", nil)
            case .send(let composed): reply = composed
            }
        } catch {
            return ("failed: \(error)", nil)
        }
        do throws(SubmissionError) {
            _ = try await services.submitter.submit(envelopeFrom: reply.envelopeSender, recipients: reply.recipients,
                                                    message: reply.bytes)
            return ("sent to <\(reply.recipients.joined(separator: ">, <"))>", reply)
        } catch {
            // Forget the record, so the sender's next message may get the reply.
            try? await responder.policy.forget(request, store: store)
            return ("failed: \(error)", nil)
        }
    }

    /// Checks, records and submits one redirect.
    func sendRedirect(_ redirect: RedirectRequest, user: DeliveryUser, sender: String, message: Message) async
        -> RedirectResult
    {
        let request = AutoReply.RedirectRequest(target: redirect.address, message: message, envelopeSender: sender,
                                                userAddress: user.address)
        let store = services.trackingStore
        let outbound: OutboundMessage
        do {
            switch try await redirectPolicy.decide(request, store: store, now: Date()) {
            case .send(let message): outbound = message
            case .suppressed(let reason): return RedirectResult(request: redirect, status: .done("not sent again: \(reason)"))
            case .refused(let reason): return RedirectResult(request: redirect, status: .refused("\(reason)"))
            }
        } catch {
            return RedirectResult(request: redirect, status: .failed("tracking store: \(error)"))
        }
        do throws(SubmissionError) {
            _ = try await services.submitter.submit(envelopeFrom: outbound.envelopeSender,
                                                    recipients: outbound.recipients, message: outbound.bytes)
            return RedirectResult(request: redirect, status: .done("sent"))
        } catch {
            try? await redirectPolicy.forget(request, store: store)
            // A permanent refusal by the MTA would be refused again on a retry.
            return RedirectResult(request: redirect, status: error.isTransient ? .failed("\(error)") : .refused("\(error)"))
        }
    }
}

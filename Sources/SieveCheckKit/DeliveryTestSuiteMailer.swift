import AutoReply
import Foundation
import MailCore
import Reports
import Sieve

/// `test_result_execute` with the delivery agent's own rules, so that a test file sees what
/// `sluice serve` would send: redirects through `RedirectPolicy` (loop header, addresses)
/// and `RedirectComposer`; vacation replies only when `VacationPolicy` lets them go (RFC 3834:
/// no reply to lists, bulk or automatic mail, system senders, or when the user is not
/// addressed), composed by `VacationReplyComposer` with every header the server writes.
/// The once-per-period memory is the one thing left out: a test file runs in memory.
public struct DeliveryTestSuiteMailer: TestSuiteMailer {
    /// The vacation checks (the server's defaults unless given).
    public var vacationPolicy: VacationPolicy
    /// The redirect checks.
    public var redirectPolicy: RedirectPolicy
    /// Composes vacation replies.
    public var composer: VacationReplyComposer

    /// A mailer with the server's default policies; `hostname` goes into Message-IDs.
    public init(vacationPolicy: VacationPolicy = VacationPolicy(), redirectPolicy: RedirectPolicy = RedirectPolicy(),
                hostname: String = "localhost") {
        self.vacationPolicy = vacationPolicy
        self.redirectPolicy = redirectPolicy
        // The text/html alternative as the server writes it (libxml2).
        self.composer = VacationReplyComposer(hostname: hostname) { reason in
            try? HTMLNotification.render(paragraphs: reason)
        }
    }

    public func redirect(_ message: Message, to address: String, envelope: SieveEnvelope) -> TestSuiteSentMessage? {
        let request = RedirectRequest(target: address, message: message, envelopeSender: envelope.from, userAddress: envelope.to)
        guard case .success(let outbound) = redirectPolicy.check(request) else { return nil }
        return Self.sent(outbound, fallbackRecipient: address)
    }

    /// The test file's settings (`test_config_set`) override the policy's and the
    /// composer's, as the same sluice.toml `[vacation]` settings would.
    public func vacation(_ action: VacationAction, replyingTo message: Message, envelope: SieveEnvelope,
                         settings: TestSuiteDeliverySettings) -> TestSuiteSentMessage? {
        let original = settings.vacationUseOriginalRecipient == true ? envelope.origTo : nil
        let request = VacationRequest(action: action, message: message, recipient: envelope.to,
                                      aliases: settings.userEmail.map { [$0] } ?? [], originalRecipient: original)
        var policy = self.vacationPolicy
        if let check = settings.vacationCheckRecipient { policy.configuration.requireUserAddressed = check }
        var composer = self.composer
        if let subject = settings.vacationDefaultSubject { composer.settings.defaultSubject = subject }
        if let template = settings.vacationSubjectTemplate { composer.settings.subjectTemplate = template }
        if let send = settings.vacationSendFromRecipient { composer.settings.sendFromRecipient = send }
        if let ignore = settings.vacationToHeaderIgnoresEnvelope { composer.settings.toHeaderIgnoresEnvelope = ignore }
        guard policy.check(request) == .respond, let outbound = try? composer.compose(request, now: Date()) else {
            return nil
        }
        return Self.sent(outbound, fallbackRecipient: action.to)
    }

    /// Notifications as the server sends them: `NotificationPolicy` (the vacation rules
    /// for lists, automatic and bulk mail, system senders) and `NotificationComposer`;
    /// one copy per envelope recipient, as `test_message :smtp` reads them.
    public func notify(_ action: NotifyAction, triggeredBy message: Message, envelope: SieveEnvelope,
                       settings: TestSuiteDeliverySettings) -> [TestSuiteSentMessage] {
        let request = NotificationRequest(action: action, message: message, recipient: envelope.to, envelopeSender: envelope.from)
        let policy = NotificationPolicy(systemSenderPatterns: vacationPolicy.configuration.systemSenderPatterns)
        var rule = NotificationEnvelopeSender.from
        switch settings.notifyEnvelopeSender?.lowercased() {
        case nil: break
        case "user_email": rule = settings.userEmail.map { .address($0) } ?? .recipient
        case "postmaster": rule = .address("postmaster@" + composer.hostname)
        case let text?: rule = NotificationEnvelopeSender(setting: text) ?? .from
        }
        guard policy.check(request) == .respond,
              let outbound = try? NotificationComposer(hostname: composer.hostname, envelopeSender: rule).compose(request, now: Date())
        else { return [] }
        return outbound.recipients.map {
            TestSuiteSentMessage(envelopeFrom: outbound.envelopeSender, envelopeTo: $0, bytes: outbound.bytes)
        }
    }

    /// The report as `FeedbackReportComposer` writes it, from the address the test file's
    /// `sieve_report_from` names (the postmaster by default).
    public func report(_ action: ReportAction, about message: Message, envelope: SieveEnvelope,
                       settings: TestSuiteDeliverySettings) -> TestSuiteSentMessage? {
        let from = settings.reportFrom.flatMap { ReportSender(setting: $0) } ?? .postmaster
        let composer = FeedbackReportComposer(hostname: composer.hostname, from: from)
        let report = FeedbackReport(action: action, original: message, envelopeSender: envelope.from, recipient: envelope.to,
                                    originalRecipient: envelope.origTo, userEmail: settings.userEmail)
        guard let outbound = try? composer.compose(report, now: Date()) else { return nil }
        return Self.sent(outbound, fallbackRecipient: action.address)
    }

    private static func sent(_ outbound: OutboundMessage, fallbackRecipient: String) -> TestSuiteSentMessage {
        TestSuiteSentMessage(envelopeFrom: outbound.envelopeSender, envelopeTo: outbound.recipients.first ?? fallbackRecipient,
                             bytes: outbound.bytes)
    }
}

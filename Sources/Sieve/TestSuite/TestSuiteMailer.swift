import MailCore

/// A message an executed `redirect` or `vacation` sent, as `test_message :smtp` reads it.
public struct TestSuiteSentMessage: Sendable {
    /// The envelope sender (`""` for the null sender).
    public var envelopeFrom: String
    /// The envelope recipient.
    public var envelopeTo: String
    /// The message as it would go to the MTA.
    public var bytes: [UInt8]

    /// A sent message, fields as documented above.
    public init(envelopeFrom: String, envelopeTo: String, bytes: [UInt8]) {
        self.envelopeFrom = envelopeFrom
        self.envelopeTo = envelopeTo
        self.bytes = bytes
    }
}

/// Delivery settings a test file sets with `test_config_set` (Pigeonhole's names in
/// brackets) that shape what `test_result_execute` sends. Nil leaves the mailer's own
/// default; each maps onto a sluice.toml `[vacation]` or `[users]` setting.
public struct TestSuiteDeliverySettings: Sendable, Hashable {
    /// The vacation subject when the original has none (`sieve_vacation_default_subject`).
    public var vacationDefaultSubject: String?
    /// The vacation subject when the original has one, `%{subject}` standing for it
    /// (`sieve_vacation_default_subject_template`).
    public var vacationSubjectTemplate: String?
    /// Whether the envelope's original recipient counts as the user's address
    /// (`sieve_vacation_use_original_recipient`).
    public var vacationUseOriginalRecipient: Bool?
    /// Whether a reply needs the user in `To`, `Cc`, ... (`sieve_vacation_check_recipient`;
    /// the inverse of the older `sieve_vacation_dont_check_recipient`).
    public var vacationCheckRecipient: Bool?
    /// Whether the reply's envelope sender is the user's address instead of `<>`
    /// (`sieve_vacation_send_from_recipient`).
    public var vacationSendFromRecipient: Bool?
    /// Whether the reply's `To` comes from `Sender`/`From` even when it is not the envelope
    /// sender (`sieve_vacation_to_header_ignore_envelope`).
    public var vacationToHeaderIgnoresEnvelope: Bool?
    /// Another address of the user, as a user table's `aliases` (`sieve_user_email`).
    public var userEmail: String?
    /// Whose address notifications go out from (`sieve_notify_mailto_envelope_from`:
    /// `sender`, `recipient`, `user_email`, `postmaster` or an address), as `[outbound]
    /// notify_envelope_sender`.
    public var notifyEnvelopeSender: String?
    /// Who `report` messages are from: `postmaster`, `sender`, `recipient`,
    /// `orig_recipient`, `user_email` or `<address>` (`sieve_report_from`; sluice.toml
    /// `[report] from`).
    public var reportFrom: String?

    /// No settings: every mailer default applies.
    public init() {}
}

/// What `test_result_execute` sends for `redirect` and `vacation`: whether a message goes
/// out at all, and what it looks like. A program with the delivery agent's policies
/// (`sieve-check`) passes its own, so that test files see what delivery would send.
public protocol TestSuiteMailer: Sendable {
    /// The redirected copy, or nil when none is sent.
    func redirect(_ message: Message, to address: String, envelope: SieveEnvelope) -> TestSuiteSentMessage?
    /// The auto-reply, or nil when none is sent; `settings` are the test file's.
    func vacation(_ action: VacationAction, replyingTo message: Message, envelope: SieveEnvelope,
                  settings: TestSuiteDeliverySettings) -> TestSuiteSentMessage?
    /// The notification as each of its recipients gets it (one per envelope recipient),
    /// none when it is not sent.
    func notify(_ action: NotifyAction, triggeredBy message: Message, envelope: SieveEnvelope,
                settings: TestSuiteDeliverySettings) -> [TestSuiteSentMessage]
    /// The feedback report (vnd.dovecot.report), or nil when none is sent (the default:
    /// the composer lives with the delivery agent's, which `sieve-check` plugs in).
    func report(_ action: ReportAction, about message: Message, envelope: SieveEnvelope,
                settings: TestSuiteDeliverySettings) -> TestSuiteSentMessage?
}

extension TestSuiteMailer {
    public func report(_ action: ReportAction, about message: Message, envelope: SieveEnvelope,
                       settings: TestSuiteDeliverySettings) -> TestSuiteSentMessage? { nil }
}

/// The Sieve module's own mailer: a redirect is refused only when this recipient already
/// redirected the message (`X-Sieve-Redirected-From`); a vacation reply goes to every
/// sender but the null one, as plain text. It knows none of RFC 3834's suppression rules
/// (mailing lists, automatic senders, the user not addressed): those live with the
/// delivery agent's policy, which `sieve-check` plugs in.
public struct BasicTestSuiteMailer: TestSuiteMailer {
    /// The basic mailer.
    public init() {}

    public func redirect(_ message: Message, to address: String, envelope: SieveEnvelope) -> TestSuiteSentMessage? {
        let me = envelope.to.lowercased()
        let looped = message.headerFields.contains { field in
            field.name.lowercased() == "x-sieve-redirected-from"
                && Substring(field.value).trimmingWhitespace().lowercased() == me
        }
        if looped { return nil }
        return TestSuiteSentMessage(envelopeFrom: envelope.from, envelopeTo: address,
                                    bytes: Array("X-Sieve-Redirected-From: \(envelope.to)\r\n".utf8) + message.bytes)
    }

    public func vacation(_ action: VacationAction, replyingTo message: Message, envelope: SieveEnvelope,
                         settings: TestSuiteDeliverySettings) -> TestSuiteSentMessage? {
        // RFC 5230 §5: never answer the null sender.
        guard !action.to.isEmpty else { return nil }
        let original = message.headerFields.first { $0.name.lowercased() == "subject" }?.value
        let subject = action.subject
            ?? original.map { (settings.vacationSubjectTemplate ?? "Auto: %{subject}").replacing("%{subject}", with: $0) }
            ?? settings.vacationDefaultSubject ?? "Automated reply"
        var lines = [
            "From: " + (action.from ?? envelope.to),
            "To: " + action.to,
            "Subject: " + subject,
            "Auto-Submitted: auto-replied",
        ]
        if let id = message.headerFields.first(where: { $0.name.lowercased() == "message-id" })?.value {
            lines.append("In-Reply-To: " + id)
        }
        // With :mime the reason is a MIME entity whose header fields join ours.
        let text = action.isMime
            ? lines.joined(separator: "\r\n") + "\r\n" + action.reason
            : (lines + ["Content-Type: text/plain; charset=utf-8"]).joined(separator: "\r\n") + "\r\n\r\n" + action.reason
        let sender = settings.vacationSendFromRecipient == true ? envelope.to : ""
        return TestSuiteSentMessage(envelopeFrom: sender, envelopeTo: action.to, bytes: Array(text.utf8))
    }
}

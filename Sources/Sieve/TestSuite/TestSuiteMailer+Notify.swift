import MailCore

extension TestSuiteMailer {
    /// The Sieve module's own notification: none for a message with `Auto-Submitted`
    /// other than `no` (RFC 5436 §2.7); otherwise a plain-text message with the
    /// `Auto-Submitted: auto-notified` field, one copy per recipient. The delivery agent's
    /// mailer (in `sieve-check`) adds the vacation rules (lists, robots) and its composer.
    public func notify(_ action: NotifyAction, triggeredBy message: Message, envelope: SieveEnvelope,
                       settings: TestSuiteDeliverySettings) -> [TestSuiteSentMessage] {
        for field in message.fields(named: "auto-submitted") {
            if field.value.split(separator: ";").first?.trimmingWhitespace().lowercased() != "no" { return [] }
        }
        let to = action.recipients.filter { !$0.isCarbonCopy }.map(\.address.addrSpec)
        let cc = action.recipients.filter(\.isCarbonCopy).map(\.address.addrSpec)
        let original = message.fields(named: "subject").first?.value
        var lines = [
            "From: " + (action.from ?? envelope.to),
            "Subject: " + (action.message ?? action.uriSubject ?? "Notification: " + (original ?? "(no subject)")),
            "Auto-Submitted: auto-notified; owner-email=\"\(envelope.to)\"",
        ]
        if !to.isEmpty { lines.append("To: " + to.joined(separator: ", ")) }
        if !cc.isEmpty { lines.append("Cc: " + cc.joined(separator: ", ")) }
        lines += action.headers.map { $0.name + ": " + $0.value }
        let text = (lines + ["Content-Type: text/plain; charset=utf-8"]).joined(separator: "\r\n") + "\r\n\r\n"
            + (action.body ?? "Notification of new message.") + "\r\n"
        let null = envelope.from.isEmpty || envelope.from == "<>"
        let sender = null ? "" : MailboxSyntax.mailbox(in: action.from ?? "") ?? envelope.to
        return action.recipients.map { TestSuiteSentMessage(envelopeFrom: sender, envelopeTo: $0.address.addrSpec, bytes: Array(text.utf8)) }
    }
}

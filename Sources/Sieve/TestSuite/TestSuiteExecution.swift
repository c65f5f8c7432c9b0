import MailCore

/// Executes a result for `test_result_execute`: stores into the in-memory mail store and
/// sends into the in-memory outbox, mirroring what Sluice's delivery does with the same
/// actions (missing folders created by default, redirect loops refused, vacation replies
/// from the null sender).
enum TestSuiteExecution {
    static func execute(_ actions: [SieveAction], message: Message, envelope: SieveEnvelope, into state: inout TestSuiteState) {
        for action in actions {
            switch action {
            case .keep(let flags, _):
                state.mailStore.store(message, in: "INBOX", flags: flags, create: true)
            case .fileinto(let mailbox, let flags, _, let create):
                state.mailStore.store(message, in: mailbox, flags: flags, create: create)
            case .redirect(let address, _):
                if isLoop(message, recipient: envelope.to) { continue }
                var bytes = Array("X-Sieve-Redirected-From: \(envelope.to)\r\n".utf8)
                bytes += message.bytes
                state.outbox.append(TestSentMessage(envelopeFrom: envelope.from, envelopeTo: address, message: Message(bytes: bytes)))
            case .vacation(let vacation):
                // RFC 5230 §5: never answer the null sender.
                guard !vacation.to.isEmpty else { continue }
                state.outbox.append(TestSentMessage(envelopeFrom: "", envelopeTo: vacation.to,
                                                    message: vacationReply(vacation, to: message, envelope: envelope)))
            case .reject(let reason), .ereject(let reason):
                state.rejections.append(reason)
            case .discard:
                break
            }
        }
    }

    /// Whether this recipient already redirected this message (an
    /// `X-Sieve-Redirected-From` field naming it).
    static func isLoop(_ message: Message, recipient: String) -> Bool {
        let me = recipient.lowercased()
        return message.headerFields.contains { field in
            field.name.lowercased() == "x-sieve-redirected-from"
                && Substring(field.value).trimmingWhitespace().lowercased() == me
        }
    }

    /// A plain-text auto-reply (RFC 5230 §5, RFC 3834 §3).
    static func vacationReply(_ vacation: VacationAction, to message: Message, envelope: SieveEnvelope) -> Message {
        let original = message.headerFields.first { $0.name.lowercased() == "subject" }?.value ?? ""
        let subject = vacation.subject ?? "Auto: " + original
        var lines = [
            "From: " + (vacation.from ?? envelope.to),
            "To: " + vacation.to,
            "Subject: " + subject,
            "Auto-Submitted: auto-replied",
        ]
        if let id = message.headerFields.first(where: { $0.name.lowercased() == "message-id" })?.value {
            lines.append("In-Reply-To: " + id)
        }
        // With :mime the reason is a MIME entity whose header fields join ours.
        if vacation.isMime { return Message(lines.joined(separator: "\r\n") + "\r\n" + vacation.reason) }
        lines.append("Content-Type: text/plain; charset=utf-8")
        return Message(lines.joined(separator: "\r\n") + "\r\n\r\n" + vacation.reason)
    }
}

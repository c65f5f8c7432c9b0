import MailCore
import NIOCore

/// A submission checked and encoded before any connection is opened: safe addresses, what the
/// envelope needs from the server, and the exact DATA octets.
struct SubmissionPlan {
    var heloName: String
    var envelopeFrom: String
    var recipients: [String]
    /// Some address is not ASCII: `MAIL FROM` needs the SMTPUTF8 parameter.
    var needsSMTPUTF8: Bool
    /// The message has octets above 127: ask for `BODY=8BITMIME` where offered.
    var hasEightBitContent: Bool
    var data: DataEncoding.Encoded

    init(heloName: String, envelopeFrom: String, recipients: [String], message: [UInt8]) throws(SubmissionError) {
        let heloBytes = Array(heloName.utf8)
        guard !heloBytes.isEmpty, heloBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SubmissionError(
                stage: .ehlo, code: .invalidConfiguration, isTransient: false,
                detail: "the EHLO name \(DiagnosticText.quoted(heloName)) must be a non-empty ASCII host name without spaces or control characters")
        }
        guard !recipients.isEmpty else {
            throw SubmissionError(
                stage: .envelope, code: .invalidAddress, isTransient: false,
                detail: "a submission needs at least one recipient; none was given")
        }
        var needsSMTPUTF8 = try EnvelopeAddress.check(envelopeFrom, as: .sender)
        for recipient in recipients {
            if try EnvelopeAddress.check(recipient, as: .recipient) { needsSMTPUTF8 = true }
        }
        self.heloName = heloName
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
        self.needsSMTPUTF8 = needsSMTPUTF8
        self.hasEightBitContent = DataEncoding.hasEightBitOctets(message)
        self.data = DataEncoding.encode(message)
    }

    /// `MAIL FROM:<sender>` with the parameters the server's extensions allow and the message needs.
    // mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF
    func mailCommand(extensions: SMTPExtensions) -> String {
        var command = "MAIL FROM:<\(envelopeFrom)>"
        if extensions.size { command += " SIZE=\(data.messageSize)" }
        if hasEightBitContent && extensions.eightBitMIME { command += " BODY=8BITMIME" }
        if needsSMTPUTF8 { command += " SMTPUTF8" }
        return command + "\r\n"
    }

    // rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path ) CRLF
    func recipientCommand(_ recipient: String) -> String { "RCPT TO:<\(recipient)>\r\n" }
}

/// The steps of one SMTP mail transaction over an open connection.
struct SMTPTransaction {
    let plan: SubmissionPlan
    let conversation: SMTPConversation
    let configuration: SMTPSubmissionClient.Configuration

    private var replyTimeout: TimeAmount { TimeAmount(configuration.replyTimeout) }
    private var quitTimeout: TimeAmount { min(replyTimeout, .seconds(5)) }

    func run() async throws(SubmissionError) -> SubmissionReceipt {
        let greeting = try await conversation.readReply(
            stage: .greeting, timeout: replyTimeout, waitingFor: "the greeting")
        guard greeting.code == 220 else {
            await conversation.quitQuietly(timeout: quitTimeout)
            throw refusal(.greeting, greeting, expected: "a 220 greeting")
        }
        let extensions = try await hello()
        try await checkCapabilities(extensions)

        let recipients = try await envelope(extensions: extensions)
        guard recipients.contains(where: \.isAccepted) else {
            await conversation.quitQuietly(timeout: quitTimeout)
            let first = recipients.first?.reply
            let transient = recipients.contains { $0.status == .refusedTransiently }
            throw SubmissionError(
                stage: .rcpt, code: .allRecipientsRefused, isTransient: transient, reply: first,
                detail: "\(conversation.peer) refused every recipient: "
                    + recipients.map { "\($0.address) (\($0.reply?.description ?? "no reply"))" }.joined(separator: ", "),
                recipients: recipients)
        }

        try await send("DATA\r\n", stage: .data)
        let dataReply = try await conversation.readReply(
            stage: .data, timeout: replyTimeout, waitingFor: "the reply to DATA")
        guard dataReply.code == 354 else {
            await conversation.quitQuietly(timeout: quitTimeout)
            throw refusal(.data, dataReply, expected: "354", recipients: recipients)
        }

        let messageTimeout = TimeAmount(configuration.messageTimeout)
        try await conversation.send(plan.data.wire, stage: .message, timeout: messageTimeout, what: "the message")
        let final = try await conversation.readReply(
            stage: .message, timeout: messageTimeout, waitingFor: "the reply to the end of the message")
        guard final.isPositiveCompletion else {
            await conversation.quitQuietly(timeout: quitTimeout)
            throw refusal(.message, final, expected: "250", recipients: recipients)
        }
        await conversation.quitQuietly(timeout: quitTimeout)
        return SubmissionReceipt(recipients: recipients, finalReply: final)
    }

    /// `EHLO`, or `HELO` when the server answers `EHLO` with a 5xx (it does not know ESMTP).
    ///
    /// - SeeAlso: RFC 5321 §4.1.4 (HELO fallback), §3.2.
    private func hello() async throws(SubmissionError) -> SMTPExtensions {
        try await send("EHLO \(plan.heloName)\r\n", stage: .ehlo)
        let ehlo = try await conversation.readReply(stage: .ehlo, timeout: replyTimeout, waitingFor: "the reply to EHLO")
        if ehlo.isPositiveCompletion { return SMTPExtensions(ehloReply: ehlo) }
        guard ehlo.isPermanentFailure else {
            await conversation.quitQuietly(timeout: quitTimeout)
            throw refusal(.ehlo, ehlo, expected: "250 to EHLO")
        }
        try await send("HELO \(plan.heloName)\r\n", stage: .ehlo)
        let helo = try await conversation.readReply(stage: .ehlo, timeout: replyTimeout, waitingFor: "the reply to HELO")
        guard helo.isPositiveCompletion else {
            await conversation.quitQuietly(timeout: quitTimeout)
            throw refusal(.ehlo, helo, expected: "250 to HELO (after EHLO got \(ehlo.code))")
        }
        return SMTPExtensions()
    }

    /// Refuses, before `MAIL FROM`, what the server said it cannot take.
    private func checkCapabilities(_ extensions: SMTPExtensions) async throws(SubmissionError) {
        if plan.needsSMTPUTF8 && !extensions.smtpUTF8 {
            await conversation.quitQuietly(timeout: quitTimeout)
            throw SubmissionError(
                stage: .mail, code: .unsupportedExtension, isTransient: false,
                detail: "the envelope has non-ASCII addresses, which need SMTPUTF8, and \(conversation.peer) does not offer it")
        }
        if let limit = extensions.maximumSize, plan.data.messageSize > limit {
            await conversation.quitQuietly(timeout: quitTimeout)
            throw SubmissionError(
                stage: .mail, code: .messageTooLarge, isTransient: false,
                detail: "the message is \(plan.data.messageSize) octets and \(conversation.peer) accepts at most \(limit) (SIZE)")
        }
    }

    /// `MAIL FROM` and the `RCPT TO`s, pipelined when the server allows it; returns each recipient's outcome.
    ///
    /// - SeeAlso: RFC 2920 §3.1 (MAIL and RCPT may be grouped; replies come back in order).
    private func envelope(extensions: SMTPExtensions) async throws(SubmissionError) -> [RecipientOutcome] {
        let mail = plan.mailCommand(extensions: extensions)
        var outcomes: [RecipientOutcome] = []
        if extensions.pipelining {
            let group = plan.recipients.reduce(mail) { $0 + plan.recipientCommand($1) }
            try await send(group, stage: .mail)
            let mailReply = try await conversation.readReply(
                stage: .mail, timeout: replyTimeout, waitingFor: "the reply to MAIL FROM")
            var recipientError: SubmissionError?
            for recipient in plan.recipients {
                do {
                    let reply = try await conversation.readReply(
                        stage: .rcpt, timeout: replyTimeout, waitingFor: "the reply to RCPT TO:<\(recipient)>")
                    outcomes.append(Self.outcome(recipient, reply))
                } catch {
                    recipientError = error
                    break
                }
            }
            // A refused MAIL FROM explains everything after it (often 503s, or a hang-up after 421).
            guard mailReply.isPositiveCompletion else {
                await conversation.quitQuietly(timeout: quitTimeout)
                throw refusal(.mail, mailReply, expected: "250 to MAIL FROM")
            }
            if var recipientError {
                recipientError.recipients = outcomes
                throw recipientError
            }
            return outcomes
        }
        try await send(mail, stage: .mail)
        let mailReply = try await conversation.readReply(
            stage: .mail, timeout: replyTimeout, waitingFor: "the reply to MAIL FROM")
        guard mailReply.isPositiveCompletion else {
            await conversation.quitQuietly(timeout: quitTimeout)
            throw refusal(.mail, mailReply, expected: "250 to MAIL FROM")
        }
        for recipient in plan.recipients {
            try await send(plan.recipientCommand(recipient), stage: .rcpt)
            let reply = try await conversation.readReply(
                stage: .rcpt, timeout: replyTimeout, waitingFor: "the reply to RCPT TO:<\(recipient)>")
            outcomes.append(Self.outcome(recipient, reply))
        }
        return outcomes
    }

    private static func outcome(_ recipient: String, _ reply: SMTPReply) -> RecipientOutcome {
        let status: RecipientOutcome.Status =
            reply.isPositiveCompletion ? .accepted : reply.isPermanentFailure ? .refusedPermanently : .refusedTransiently
        return RecipientOutcome(address: recipient, status: status, reply: reply)
    }

    private func send(_ command: String, stage: SubmissionError.Stage) async throws(SubmissionError) {
        let name = command.prefix { $0 != " " && $0 != "\r" }
        try await conversation.send(Array(command.utf8), stage: stage, timeout: replyTimeout, what: "the \(name) command")
    }

    /// An error for a reply that is not the one the step needs; 5xx is permanent, anything else transient.
    private func refusal(
        _ stage: SubmissionError.Stage, _ reply: SMTPReply, expected: String, recipients: [RecipientOutcome] = []
    ) -> SubmissionError {
        SubmissionError(
            stage: stage, code: .rejected, isTransient: !reply.isPermanentFailure, reply: reply,
            detail: "\(conversation.peer) answered \(reply) at \(stage), expected \(expected)",
            recipients: recipients)
    }
}

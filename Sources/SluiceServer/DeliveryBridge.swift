import Delivery
import LMTP
import Logging
import MailCore

/// Connects the LMTP server to the delivery agent: `RCPT TO` asks the user database,
/// a finished transaction is delivered, and each recipient's outcome becomes its reply.
///
/// The LMTP module knows nothing of Sieve and the Delivery module nothing of LMTP; this
/// is the one place that translates between them.
public struct DeliveryBridge: DeliveryHandler {
    let agent: DeliveryAgent
    let logger: Logger

    public init(agent: DeliveryAgent, logger: Logger) {
        self.agent = agent
        self.logger = logger
    }

    public func checkRecipient(_ recipient: MailPath) async -> RecipientVerdict {
        switch await agent.lookup(recipient.description) {
        case .user:
            return .accept
        case .unknownUser(let reason):
            logger.info("recipient refused", metadata: ["rcpt": "\(recipient)", "reason": "\(reason)"])
            return .unknownUser
        case .temporaryFailure(let reason):
            logger.warning("user lookup failed", metadata: ["rcpt": "\(recipient)", "reason": "\(reason)"])
            return .temporaryFailure(reason)
        }
    }

    public func deliver(_ transaction: Transaction) async -> [LMTPReply] {
        let sender = Self.sender(transaction.envelope.mailFrom)
        var request = DeliveryTransaction(
            id: transaction.id,
            sender: sender,
            recipients: transaction.envelope.recipients.map(\.description),
            heloName: transaction.envelope.clientName,
            clientAddress: transaction.envelope.clientAddress,
            message: .spooled(transaction.message),
            // The date the spool's preamble carries, so that it matches the trace fields.
            receivedAt: transaction.message.preamble?.createdAt
        )
        // RFC 3030: a binary body's CR and LF octets may be data; store it byte for byte.
        request.keepsLineEnds = transaction.envelope.parameters.body == .binaryMIME
        let outcomes = await agent.deliver(request)
        return outcomes.map { Self.reply(for: $0.reply) }
    }

    /// For a transaction with one recipient, that recipient's trace fields, so the spool
    /// file can become the stored copy (`DeliveryAgent.spoolPreamble`). With several
    /// recipients each copy needs its own fields, and every copy is written.
    public func spoolPreamble(transactionID: String, envelope: Envelope) -> SpoolPreamble? {
        guard envelope.recipients.count == 1, let recipient = envelope.recipients.first else { return nil }
        return agent.spoolPreamble(transactionID: transactionID, sender: Self.sender(envelope.mailFrom),
                                   recipient: recipient.description, heloName: envelope.clientName,
                                   clientAddress: envelope.clientAddress)
    }

    static func sender(_ path: ReversePath) -> String {
        switch path {
        case .null: ""
        case .path(let path): path.description
        }
    }

    /// The LMTP form of a delivery reply.
    static func reply(for reply: DeliveryReply) -> LMTPReply {
        LMTPReply(code: reply.code, reply.status, lines: reply.lines)
    }
}

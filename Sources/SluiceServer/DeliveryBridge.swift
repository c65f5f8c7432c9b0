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
        let sender: String
        switch transaction.envelope.mailFrom {
        case .null: sender = ""
        case .path(let path): sender = path.description
        }
        let request = DeliveryTransaction(
            id: transaction.id,
            sender: sender,
            recipients: transaction.envelope.recipients.map(\.description),
            heloName: transaction.envelope.clientName,
            clientAddress: transaction.envelope.clientAddress,
            message: .spooled(transaction.message)
        )
        let outcomes = await agent.deliver(request)
        return outcomes.map { Self.reply(for: $0.reply) }
    }

    /// The LMTP form of a delivery reply.
    static func reply(for reply: DeliveryReply) -> LMTPReply {
        LMTPReply(code: reply.code, reply.status, lines: reply.lines)
    }
}

import MailCore
import Testing

@testable import LMTP

/// Drives an ``LMTPSession`` with command lines, as the server's driver would.
struct SessionHarness {
    var session: LMTPSession

    init(_ configuration: LMTPSession.Configuration = .init(serverName: "mx.test", maximumMessageSize: 1000, maximumRecipients: 3, maximumBadCommands: 5)) {
        session = LMTPSession(configuration: configuration, connectionID: "c1")
    }

    /// Parses a line and feeds it (or its parse error) to the session.
    mutating func send(_ line: String) -> [LMTPSession.Output] {
        do {
            return session.receive(.command(try LMTPCommandParser.parse(Array(line.utf8))))
        } catch {
            return session.receive(.commandError(error))
        }
    }

    mutating func feed(_ event: LMTPSession.Event) -> [LMTPSession.Output] {
        session.receive(event)
    }

    /// LHLO + MAIL + accepted recipients.
    mutating func openTransaction(recipients: [String], mail: String = "MAIL FROM:<s@x>") {
        _ = send("LHLO client.test")
        _ = send(mail)
        for recipient in recipients {
            _ = send("RCPT TO:<\(recipient)>")
            _ = feed(.recipientChecked(.accept))
        }
    }
}

extension Array where Element == LMTPSession.Output {
    /// The replies among the outputs, as `code enhanced` strings (`"250 2.1.5"`).
    var codes: [String] {
        compactMap {
            guard case .reply(let reply) = $0 else { return nil }
            return reply.enhancedCode.map { "\(reply.code) \($0)" } ?? "\(reply.code)"
        }
    }

    var replies: [LMTPReply] {
        compactMap {
            guard case .reply(let reply) = $0 else { return nil }
            return reply
        }
    }

    var closes: Bool {
        contains {
            if case .close = $0 { return true }
            return false
        }
    }

    var reception: DataReception? {
        for output in self { if case .receiveData(let reception) = output { return reception } }
        return nil
    }

    var transaction: Transaction? {
        for output in self { if case .deliver(let transaction) = output { return transaction } }
        return nil
    }

    var checkedRecipient: MailPath? {
        for output in self { if case .checkRecipient(let path) = output { return path } }
        return nil
    }
}

import MailCore
import Testing

@testable import LMTP

/// A small deterministic generator (SplitMix64), so each seed replays the same run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("RFC 2033 §4.2 property: one reply per accepted recipient, in order")
struct PostDataPropertyTests {
    @Test(arguments: Array(UInt64(1)...UInt64(40)))
    func randomTransactions(seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        var session = LMTPSession(
            configuration: .init(serverName: "p.test", maximumMessageSize: 500, maximumRecipients: 5, maximumBadCommands: 1000),
            connectionID: "p")
        _ = session.receive(.command(.lhlo("client")))

        for _ in 0..<5 {
            _ = session.receive(.command(.mail(.null, MailParameters())))
            var accepted: [MailPath] = []
            let names = ["a", "b", "c"]
            for _ in 0..<Int.random(in: 0...8, using: &random) {
                let path = MailPath(localPart: names.randomElement(using: &random) ?? "a", domain: "x")
                let asked = session.receive(.command(.rcpt(path)))
                guard asked.checkedRecipient != nil else {
                    #expect(accepted.count == 5)
                    #expect(asked.codes == ["452 4.5.3"])
                    continue
                }
                let verdicts: [RecipientVerdict] = [.accept, .accept, .unknownUser, .temporaryFailure("x")]
                let verdict = verdicts.randomElement(using: &random) ?? .accept
                let answer = session.receive(.recipientChecked(verdict))
                #expect(answer.replies.count == 1)
                if verdict == .accept { accepted.append(path) }
            }

            let useBDAT = Bool.random(using: &random)
            if useBDAT {
                for _ in 0..<Int.random(in: 0...2, using: &random) {
                    let chunk = session.receive(.command(.bdat(size: 3, last: false)))
                    if accepted.isEmpty {
                        #expect(chunk.codes == ["503 5.5.1"])
                        #expect(chunk.reception?.discard == true)
                    } else {
                        #expect(chunk.replies.isEmpty)
                        #expect(session.receive(.chunkReceived(octets: 3)).codes == ["250 2.0.0"])
                    }
                }
            }
            let start = session.receive(.command(useBDAT ? .bdat(size: 3, last: true) : .data))
            if accepted.isEmpty {
                #expect(start.codes == ["503 5.5.1"], "no accepted recipient: exactly one 503")
                _ = session.receive(.command(.rset))
                continue
            }
            #expect(start.reception != nil)

            let expected: [LMTPReply]
            let after: [LMTPSession.Output]
            switch Int.random(in: 0..<5, using: &random) {
            case 0:
                let failure = [DataFailure.tooBig(maximum: 500), .nulByte, .spoolFailed("io")].randomElement(using: &random) ?? .nulByte
                after = session.receive(.messageReceived(.failed(failure)))
                expected = Array(repeating: failure.reply, count: accepted.count)
            default:
                let delivery = session.receive(.messageReceived(.complete(SpooledMessage(bytes: []))))
                let transaction = try #require(delivery.transaction)
                #expect(transaction.envelope.recipients == accepted)
                let given = (0..<Int.random(in: 0...(accepted.count + 2), using: &random)).map {
                    LMTPReply(code: Bool.random(using: &random) ? 250 : 550, nil, "r\($0)")
                }
                after = session.receive(.delivered(given))
                expected = accepted.indices.map { index in
                    index < given.count ? given[index]
                        : LMTPReply(code: 451, .temporarySystemFailure, "<\(accepted[index])>: no delivery result, try again later")
                }
            }
            #expect(after.replies == expected)
            #expect(after.replies.count == accepted.count)
            #expect(session.phase == .ready(inTransaction: false))
        }
    }
}

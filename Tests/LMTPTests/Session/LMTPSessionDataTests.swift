import MailCore
import Testing

@testable import LMTP

@Suite("RFC 2033 §4.2 DATA and per-recipient replies")
struct SessionDataTests {
    @Test func dataDeliversAndRepliesPerRecipientInOrder() throws {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x", "b@x", "a@x"])
        let start = harness.send("DATA")
        #expect(start.replies.map(\.code) == [354])
        let reception = try #require(start.reception)
        #expect(reception.framing == .dotTerminated)
        #expect(reception.maximumSize == 1000)
        #expect(reception.rejectsNUL)
        #expect(!reception.discard)

        let deliver = harness.feed(.messageReceived(.complete(SpooledMessage(bytes: Array("hi\r\n".utf8)))))
        let transaction = try #require(deliver.transaction)
        #expect(transaction.id == "c1.1")
        #expect(transaction.envelope.recipients.map(\.description) == ["a@x", "b@x", "a@x"])
        #expect(transaction.envelope.clientName == "client.test")
        #expect(try transaction.message.bytes() == Array("hi\r\n".utf8))

        let answers = [
            LMTPReply(code: 250, .ok, "a stored"), LMTPReply(code: 550, .badDestinationMailbox, "b rejected"),
            LMTPReply(code: 250, .ok, "a again"),
        ]
        #expect(harness.feed(.delivered(answers)).replies == answers)
        #expect(harness.session.phase == .ready(inTransaction: false))
    }

    @Test func manyTransactionsPerConnection() throws {
        var harness = SessionHarness()
        _ = harness.send("LHLO client.test")
        for number in 1...3 {
            #expect(harness.send("MAIL FROM:<s@x>").codes == ["250 2.1.0"])
            _ = harness.send("RCPT TO:<a@x>")
            _ = harness.feed(.recipientChecked(.accept))
            _ = harness.send("DATA")
            let transaction = try #require(harness.feed(.messageReceived(.complete(SpooledMessage(bytes: [])))).transaction)
            #expect(transaction.id == "c1.\(number)")
            #expect(harness.feed(.delivered([LMTPReply(code: 250, .ok, "ok")])).codes == ["250 2.0.0"])
        }
        #expect(harness.session.badCommands == 0)
    }

    @Test("the message about to be received names the transaction it will be delivered as, failed ones included")
    func receptionNamesTheUpcomingTransaction() throws {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x"])
        let first = try #require(harness.send("DATA").reception?.transaction)
        #expect(first.id == "c1.1")
        #expect(first.envelope.recipients.map(\.description) == ["a@x"])
        #expect(first.envelope.clientName == "client.test")
        // A message that fails does not use up its id: the next message gets it.
        _ = harness.feed(.messageReceived(.failed(.nulByte)))
        _ = harness.send("MAIL FROM:<s@x>")
        _ = harness.send("RCPT TO:<b@x>")
        _ = harness.feed(.recipientChecked(.accept))
        let second = try #require(harness.send("BDAT 2").reception)
        #expect(second.transaction?.id == "c1.1")
        #expect(second.transaction?.envelope.recipients.map(\.description) == ["b@x"])
        _ = harness.feed(.chunkReceived(octets: 2))
        // Later chunks of the same message do not start it.
        let later = try #require(harness.send("BDAT 2 LAST").reception)
        #expect(later.transaction == nil)
        let delivered = try #require(harness.feed(.messageReceived(.complete(SpooledMessage(bytes: Array("hi".utf8))))).transaction)
        #expect(delivered.id == second.transaction?.id)
    }

    @Test(arguments: [
        (DataFailure.tooBig(maximum: 1000), "552 5.2.3"),
        (.nulByte, "554 5.6.0"),
        (.lineTooLong(maximum: 998), "554 5.6.0"),
        (.spoolFailed("disk full"), "451 4.3.0"),
    ])
    func dataFailuresGiveOneReplyPerRecipient(failure: DataFailure, expected: String) {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x", "b@x", "a@x"])
        _ = harness.send("DATA")
        let outputs = harness.feed(.messageReceived(.failed(failure)))
        #expect(outputs.codes == [expected, expected, expected])
        #expect(outputs.transaction == nil)
        #expect(harness.session.phase == .ready(inTransaction: false))
    }

    @Test(arguments: [0, 1, 2, 4])
    func wrongReplyCountFromHandlerIsRepaired(count: Int) {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x", "b@x"])
        _ = harness.send("DATA")
        _ = harness.feed(.messageReceived(.complete(SpooledMessage(bytes: []))))
        let given = Array(repeating: LMTPReply(code: 250, .ok, "ok"), count: count)
        let codes = harness.feed(.delivered(given)).codes
        #expect(codes.count == 2)
        for index in 0..<2 { #expect(codes[index] == (index < count ? "250 2.0.0" : "451 4.3.0")) }
    }

    @Test func intermediateHandlerReplyIsRepaired() {
        let replies = LMTPSession.postDataReplies(
            recipients: [MailPath(localPart: "a", domain: "x")], result: .delivered([LMTPReply(code: 354, nil, "go on")]))
        #expect(replies.map(\.code) == [451])
    }

    @Test func binaryMIMERefusesDataAndKeepsNUL() throws {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x"], mail: "MAIL FROM:<s@x> BODY=BINARYMIME")
        #expect(harness.send("DATA").codes == ["503 5.5.1"])
        let reception = try #require(harness.send("BDAT 5 LAST").reception)
        #expect(!reception.rejectsNUL)
    }
}

@Suite("RFC 3030 §2 BDAT")
struct SessionChunkingTests {
    @Test func chunksThenLastDeliver() throws {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x", "b@x"])
        let first = harness.send("BDAT 10")
        #expect(first.replies.isEmpty)
        let upcoming = try #require(first.reception?.transaction)
        #expect(upcoming.id == "c1.1")
        #expect(first.reception == DataReception(
            framing: .chunk(size: 10, last: false), discard: false, startsMessage: true, maximumSize: 1000,
            rejectsNUL: true, maximumLineLength: nil, transaction: upcoming))
        #expect(harness.feed(.chunkReceived(octets: 10)).codes == ["250 2.0.0"])
        let last = harness.send("BDAT 3 LAST")
        #expect(last.reception?.startsMessage == false)
        #expect(last.reception?.framing == .chunk(size: 3, last: true))
        let transaction = try #require(harness.feed(.messageReceived(.complete(SpooledMessage(bytes: [])))).transaction)
        #expect(transaction.envelope.recipients.count == 2)
        let answers = harness.feed(.delivered([LMTPReply(code: 250, .ok, "1"), LMTPReply(code: 250, .ok, "2")]))
        #expect(answers.replies.map(\.lines) == [["1"], ["2"]])
    }

    @Test(arguments: ["BDAT 7", "BDAT 7 LAST"])
    func bdatWithoutRecipientsIsOne503AndTheChunkIsDiscarded(line: String) throws {
        var harness = SessionHarness()
        harness.openTransaction(recipients: [])
        let outputs = harness.send(line)
        #expect(outputs.codes == ["503 5.5.1"])
        let reception = try #require(outputs.reception)
        #expect(reception.discard)
        #expect(reception.framing == .chunk(size: 7, last: line.hasSuffix("LAST")))
        #expect(harness.session.phase == .ready(inTransaction: true))
    }

    @Test func bdatWithoutMailIsDiscarded() {
        var harness = SessionHarness()
        _ = harness.send("LHLO c")
        let outputs = harness.send("BDAT 4 LAST")
        #expect(outputs.codes == ["503 5.5.1"])
        #expect(outputs.reception?.discard == true)
    }

    @Test func dataAfterBDATIsRefused() {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x"])
        _ = harness.send("BDAT 2")
        _ = harness.feed(.chunkReceived(octets: 2))
        #expect(harness.send("DATA").codes == ["503 5.5.1"])
        #expect(harness.send("RCPT TO:<b@x>").codes == ["503 5.5.1"])
    }

    @Test func rsetBetweenChunksStartsOver() {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x"])
        _ = harness.send("BDAT 2")
        _ = harness.feed(.chunkReceived(octets: 2))
        _ = harness.send("RSET")
        harness.openTransaction(recipients: ["a@x"])
        #expect(harness.send("BDAT 2 LAST").reception?.startsMessage == true)
    }

    @Test func failedLastChunkGivesPerRecipientReplies() {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x", "a@x"])
        _ = harness.send("BDAT 2000 LAST")
        #expect(harness.feed(.messageReceived(.failed(.tooBig(maximum: 1000)))).codes == ["552 5.2.3", "552 5.2.3"])
    }
}

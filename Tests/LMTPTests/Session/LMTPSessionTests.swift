import MailCore
import Testing

@testable import LMTP

@Suite("RFC 2033 §4 session: greeting and LHLO")
struct SessionGreetingTests {
    @Test func greetingHasNoEnhancedCode() {
        let harness = SessionHarness()
        #expect(harness.session.start().replies == [LMTPReply(code: 220, nil, "mx.test LMTP ready")])
    }

    @Test func lhloAdvertisesExactlyTheSupportedExtensions() {
        var harness = SessionHarness()
        let reply = harness.send("LHLO client.test").replies
        #expect(reply.count == 1)
        #expect(reply.first?.lines == [
            "mx.test", "PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "SIZE 1000", "CHUNKING", "BINARYMIME", "SMTPUTF8",
        ])
        #expect(reply.first?.description.contains("DSN") == false)
    }

    @Test(arguments: ["HELO client.test", "EHLO client.test"])
    func heloAndEhloAreRefused(line: String) {
        var harness = SessionHarness()
        let replies = harness.send(line).replies
        #expect(replies.map(\.code) == [500])
        #expect(replies.first?.enhancedCode == .invalidCommand)
        #expect(replies.first?.lines.first?.contains("use LHLO") == true)
    }
}

@Suite("RFC 5321 §4.1.4 command order")
struct SessionOrderTests {
    @Test(arguments: ["MAIL FROM:<a@b>", "RCPT TO:<a@b>", "DATA"])
    func transactionCommandsNeedLHLO(line: String) {
        var harness = SessionHarness()
        #expect(harness.send(line).codes == ["503 5.5.1"])
    }

    @Test(arguments: ["RSET", "NOOP", "VRFY x", "HELP"])
    func sessionCommandsWorkBeforeLHLO(line: String) {
        var harness = SessionHarness()
        #expect(harness.send(line).replies.first?.isPositiveCompletion == true)
    }

    @Test func rcptNeedsMail() {
        var harness = SessionHarness()
        _ = harness.send("LHLO c")
        #expect(harness.send("RCPT TO:<a@b>").codes == ["503 5.5.1"])
    }

    @Test func dataNeedsMail() {
        var harness = SessionHarness()
        _ = harness.send("LHLO c")
        #expect(harness.send("DATA").codes == ["503 5.5.1"])
    }

    @Test func dataWithNoAcceptedRecipientIs503() {
        var harness = SessionHarness()
        _ = harness.send("LHLO c")
        _ = harness.send("MAIL FROM:<a@b>")
        _ = harness.send("RCPT TO:<nobody@b>")
        #expect(harness.feed(.recipientChecked(.unknownUser)).codes == ["550 5.1.1"])
        let outputs = harness.send("DATA")
        #expect(outputs.codes == ["503 5.5.1"])
        #expect(outputs.reception == nil)
    }

    @Test func nestedMailIs503() {
        var harness = SessionHarness()
        harness.openTransaction(recipients: [])
        #expect(harness.send("MAIL FROM:<x@y>").codes == ["503 5.5.1"])
    }

    @Test func rsetClearsTheTransaction() {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x"])
        #expect(harness.send("RSET").codes == ["250 2.0.0"])
        #expect(harness.send("DATA").codes == ["503 5.5.1"])
        #expect(harness.send("MAIL FROM:<x@y>").codes == ["250 2.1.0"])
    }

    @Test func lhloAgainResetsTheTransaction() {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x"])
        _ = harness.send("LHLO again")
        #expect(harness.session.phase == .ready(inTransaction: false))
    }

    @Test func quitReplies221AndCloses() {
        var harness = SessionHarness()
        let outputs = harness.send("QUIT")
        #expect(outputs.codes == ["221 2.0.0"])
        #expect(outputs.closes)
        #expect(harness.send("NOOP").isEmpty)
    }

    @Test func vrfyAnswers252() {
        var harness = SessionHarness()
        #expect(harness.send("VRFY someone").replies.map(\.code) == [252])
    }
}

@Suite("RFC 2033 §4.2 / RFC 1870 MAIL and RCPT")
struct SessionEnvelopeTests {
    @Test func declaredSizeOverMaximumIs552() {
        var harness = SessionHarness()
        _ = harness.send("LHLO c")
        #expect(harness.send("MAIL FROM:<a@b> SIZE=1001").codes == ["552 5.2.3"])
        #expect(harness.send("MAIL FROM:<a@b> SIZE=1000").codes == ["250 2.1.0"])
    }

    @Test(arguments: [
        (RecipientVerdict.accept, "250 2.1.5"),
        (.unknownUser, "550 5.1.1"),
        (.temporaryFailure("userdb down"), "451 4.3.0"),
        (.refuse(LMTPReply(code: 452, EnhancedStatusCode(.persistentTransientFailure, 2, 2), "over quota")), "452 4.2.2"),
        (.refuse(LMTPReply(code: 250, .ok, "not a refusal")), "451 4.3.0"),
    ])
    func recipientVerdictsBecomeReplies(verdict: RecipientVerdict, expected: String) {
        var harness = SessionHarness()
        harness.openTransaction(recipients: [])
        let ask = harness.send("RCPT TO:<u@x>")
        #expect(ask.checkedRecipient == MailPath(localPart: "u", domain: "x"))
        #expect(ask.replies.isEmpty)
        #expect(harness.feed(.recipientChecked(verdict)).codes == [expected])
    }

    @Test func recipientLimitIs452() {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x", "b@x", "a@x"])
        let outputs = harness.send("RCPT TO:<d@x>")
        #expect(outputs.codes == ["452 4.5.3"])
        #expect(outputs.checkedRecipient == nil)
    }

    @Test func nonASCIIAddressesNeedSMTPUTF8() {
        var harness = SessionHarness()
        _ = harness.send("LHLO c")
        #expect(harness.send("MAIL FROM:<josé@x>").codes == ["553 5.6.7"])
        _ = harness.send("MAIL FROM:<a@x>")
        #expect(harness.send("RCPT TO:<用户@x>").codes == ["553 5.6.7"])
        _ = harness.send("RSET")
        _ = harness.send("MAIL FROM:<josé@x> SMTPUTF8")
        #expect(harness.send("RCPT TO:<用户@x>").checkedRecipient?.localPart == "用户")
    }

    @Test func parseErrorsAreReplied() {
        var harness = SessionHarness()
        _ = harness.send("LHLO c")
        #expect(harness.send("MAIL FROM:<a@b> FOO=1").codes == ["555 5.5.4"])
        #expect(harness.send("FROB").codes == ["500 5.5.1"])
    }

    @Test func badCommandLimitCloses421() {
        var harness = SessionHarness()
        for _ in 0..<4 { #expect(harness.send("FROB").codes == ["500 5.5.1"]) }
        let outputs = harness.send("FROB")
        #expect(outputs.codes == ["500 5.5.1", "421 4.7.0"])
        #expect(outputs.closes)
        #expect(harness.session.phase == .closed)
    }

    @Test func lineTooLongCountsAsBadCommand() {
        var harness = SessionHarness()
        let error = LMTPCommandError(.lineTooLong, verb: nil, "line too long")
        #expect(harness.feed(.commandError(error)).codes == ["500 5.5.2"])
        #expect(harness.session.badCommands == 1)
    }
}

@Suite("Session timeouts, shutdown and driver mistakes")
struct SessionLifecycleTests {
    @Test func timeoutCloses421() {
        var harness = SessionHarness()
        harness.openTransaction(recipients: ["a@x"])
        let outputs = harness.feed(.timeout)
        #expect(outputs.codes == ["421 4.4.2"])
        #expect(outputs.closes)
        #expect(harness.feed(.timeout).isEmpty)
    }

    @Test func shutdownCloses421() {
        var harness = SessionHarness()
        _ = harness.send("LHLO c")
        let outputs = harness.feed(.shutdown)
        #expect(outputs.codes == ["421 4.3.2"])
        #expect(outputs.closes)
    }

    @Test func unexpectedEventClosesInsteadOfGuessing() {
        var harness = SessionHarness()
        _ = harness.send("LHLO c")
        let outputs = harness.feed(.delivered([]))
        #expect(outputs.codes == ["421 4.3.0"])
        #expect(outputs.closes)
    }
}

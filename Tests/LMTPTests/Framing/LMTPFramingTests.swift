import MailCore
import NIOCore
import NIOEmbedded
import Testing

@testable import LMTP

struct FramingFixture: Sendable, CustomTestStringConvertible {
    let name: String
    let input: String
    let expected: [String]
    var refuseData = false
    var maximumLineLength = 4096
    var testDescription: String { name }
}

@Suite("RFC 5321 §4.1.1.4 / §4.5.2 / RFC 3030 §2 framing, whole and trickled")
struct LMTPFramingTests {
    static let fixtures: [FramingFixture] = [
        .init(name: "commands with CRLF and bare LF", input: "LHLO x\r\nNOOP\nQUIT\r\n", expected: ["cmd:LHLO x", "cmd:NOOP", "cmd:QUIT"]),
        .init(name: "incomplete line is held", input: "LHLO x\r\nNOO", expected: ["cmd:LHLO x"]),
        .init(
            name: "pipelined transaction",
            input: "LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n",
            expected: [
                "cmd:LHLO x", "cmd:MAIL FROM:<a@b>", "cmd:RCPT TO:<c@d>", "cmd:DATA", "msg:Subject: x\r\n\r\nbody\r\n", "end",
                "cmd:QUIT",
            ]),
        .init(name: "empty message", input: "DATA\r\n.\r\nNOOP\r\n", expected: ["cmd:DATA", "end", "cmd:NOOP"]),
        .init(
            name: "dot-unstuffing", input: "DATA\r\n..leading\r\n...\r\nx.y\r\n.\r\n",
            expected: ["cmd:DATA", "msg:.leading\r\n..\r\nx.y\r\n", "end"]),
        .init(
            name: "bare LF never ends data", input: "data\r\nA\n.\nB\r\n.\r\n",
            expected: ["cmd:data", "msg:A\n.\nB\r\n", "end"]),
        .init(
            name: "bare CR never ends data", input: "DATA\r\nA\r.\rB\r\n.\r\n",
            expected: ["cmd:DATA", "msg:A\r.\rB\r\n", "end"]),
        .init(
            name: "LF.CRLF cannot smuggle a second message",
            input: "DATA\r\nhello\n.\r\nMAIL FROM:<evil@x>\r\n.\r\nRSET\r\n",
            expected: ["cmd:DATA", "msg:hello\n.\r\nMAIL FROM:<evil@x>\r\n", "end", "cmd:RSET"]),
        .init(
            name: "CRLF.LF is a stuffed dot, not the end", input: "DATA\r\nx\r\n.\ny\r\n.\r\n",
            expected: ["cmd:DATA", "msg:x\r\n\ny\r\n", "end"]),
        .init(
            name: "8-bit and NUL bytes kept", input: "DATA\r\ncaf\u{E9}\u{0}\r\n.\r\n",
            expected: ["cmd:DATA", "msg:caf\u{E9}\u{0}\r\n", "end"]),
        .init(
            name: "refused DATA: the next lines are commands", input: "DATA\r\nRSET\r\n.\r\n",
            expected: ["cmd:DATA", "cmd:RSET", "cmd:."], refuseData: true),
        .init(
            name: "BDAT chunks are exact and not unstuffed",
            input: "BDAT 6\r\n.a\r\n.\rBDAT 3 LAST\r\nxyzQUIT\r\n",
            expected: ["cmd:BDAT 6", "msg:.a\r\n.\r", "end", "cmd:BDAT 3 LAST", "msg:xyz", "end", "cmd:QUIT"]),
        .init(name: "BDAT 0 LAST", input: "BDAT 0 LAST\r\nQUIT\r\n", expected: ["cmd:BDAT 0 LAST", "end", "cmd:QUIT"]),
        .init(
            name: "unparseable BDAT resumes commands", input: "BDAT lots\r\nNOOP\r\n",
            expected: ["cmd:BDAT lots", "cmd:NOOP"]),
        .init(
            name: "line too long is reported once and resyncs", input: "NOOP " + String(repeating: "x", count: 40) + "\r\nNOOP\r\n",
            expected: ["toolong", "cmd:NOOP"], maximumLineLength: 16),
        .init(
            name: "line at the limit passes", input: "NOOP 0123456789a\r\n",
            expected: ["cmd:NOOP 0123456789a"], maximumLineLength: 16),
        .init(
            name: "DATA-like verbs do not pause", input: "DATAX\r\nBDATE\r\nNOOP\r\n",
            expected: ["cmd:DATAX", "cmd:BDATE", "cmd:NOOP"]),
    ]

    @Test(arguments: fixtures, [false, true])
    func frames(_ fixture: FramingFixture, trickle: Bool) throws {
        let harness = FramingHarness(refuseData: fixture.refuseData)
        let events = try harness.run(fixture.input, trickle: trickle, maximumLineLength: fixture.maximumLineLength)
        #expect(events == fixture.expected)
    }

    @Test func bytesAfterDataWaitForTheSessionsDecision() throws {
        let channel = EmbeddedChannel(handler: LMTPFramingHandler())
        try channel.writeInbound(ByteBuffer(string: "DATA\r\nRSET\r\n"))
        #expect(try channel.readInbound(as: LMTPFrame.self) == .command(ByteBuffer(string: "DATA")))
        #expect(try channel.readInbound(as: LMTPFrame.self) == nil)
        try channel.writeOutbound(LMTPOutbound.resume(.commands))
        #expect(try channel.readInbound(as: LMTPFrame.self) == .command(ByteBuffer(string: "RSET")))
        #expect(try channel.finish().isClean)
    }

    @Test func repliesAreEncodedInOrder() throws {
        let channel = EmbeddedChannel(handler: LMTPFramingHandler())
        try channel.writeOutbound(LMTPOutbound.replies([
            LMTPReply(code: 250, .ok, "one"), LMTPReply(code: 550, .badDestinationMailbox, "two"),
        ]))
        let bytes = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: bytes) == "250 2.0.0 one\r\n550 5.1.1 two\r\n")
        #expect(try channel.finish().isClean)
    }

    @Test func largeMessageStreamsInPieces() throws {
        let body = String(repeating: "0123456789abcdef\r\n", count: 4000)
        let events = try FramingHarness().run("DATA\r\n" + body + ".\r\n", trickle: false)
        #expect(events == ["cmd:DATA", "msg:" + body, "end"])
    }
}

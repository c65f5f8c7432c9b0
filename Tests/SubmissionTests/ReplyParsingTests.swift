import Testing

@testable import Submission

/// A reply-assembly case: the lines fed in, and the reply expected after the last one.
struct ReplyCase: CustomTestStringConvertible, Sendable {
    var lines: [String]
    var code: Int
    var enhanced: String?
    var texts: [String]
    var testDescription: String { lines.joined(separator: " | ") }
}

@Suite("RFC 5321 §4.2 reply syntax")
struct ReplyParsingTests {
    static let replies: [ReplyCase] = [
        ReplyCase(lines: ["250 OK"], code: 250, enhanced: nil, texts: ["OK"]),
        ReplyCase(lines: ["250"], code: 250, enhanced: nil, texts: [""]),
        ReplyCase(lines: ["250-mx.example", "250-PIPELINING", "250 SIZE 1000"], code: 250, enhanced: nil,
                  texts: ["mx.example", "PIPELINING", "SIZE 1000"]),
        ReplyCase(lines: ["550 5.1.1 No such user"], code: 550, enhanced: "5.1.1", texts: ["5.1.1 No such user"]),
        ReplyCase(lines: ["451-4.3.0 try", "451 4.3.0 later"], code: 451, enhanced: "4.3.0",
                  texts: ["4.3.0 try", "4.3.0 later"]),
        // RFC 3463: the enhanced code's class must match the reply's class, else it is plain text.
        ReplyCase(lines: ["550 4.1.1 mismatched class"], code: 550, enhanced: nil, texts: ["4.1.1 mismatched class"]),
        ReplyCase(lines: ["250 2.0.0"], code: 250, enhanced: "2.0.0", texts: ["2.0.0"]),
        ReplyCase(lines: ["554 5.7.999 policy"], code: 554, enhanced: "5.7.999", texts: ["5.7.999 policy"]),
        ReplyCase(lines: ["554 5.7.1000 too long detail"], code: 554, enhanced: nil, texts: ["5.7.1000 too long detail"]),
    ]

    @Test("complete replies", arguments: replies)
    func assemble(_ example: ReplyCase) throws {
        var assembler = SMTPReplyAssembler()
        var reply: SMTPReply?
        for (index, line) in example.lines.enumerated() {
            reply = try assembler.consume(line: Array(line.utf8))
            if index < example.lines.count - 1 { #expect(reply == nil, "reply completed early at \(line)") }
        }
        let complete = try #require(reply)
        #expect(complete.code == example.code)
        #expect(complete.enhancedStatus?.description == example.enhanced)
        #expect(complete.lines == example.texts)
    }

    @Test("text drops the enhanced code; description is one line")
    func summary() throws {
        var assembler = SMTPReplyAssembler()
        _ = try assembler.consume(line: Array("550-5.1.1 The mailbox".utf8))
        let reply = try #require(try assembler.consume(line: Array("550 5.1.1 does not exist".utf8)))
        #expect(reply.text == "The mailbox does not exist")
        #expect(reply.description == "550 5.1.1 The mailbox does not exist")
        #expect(reply.isPermanentFailure && !reply.isTransientFailure)
    }

    static let malformed: [String] = ["", "25", "OK", "2500 x", "250x", "650 out of range", "199 low", "2a0 x", "260 bad second digit"]

    @Test("malformed lines are protocol violations", arguments: malformed)
    func malformedLine(_ line: String) {
        var assembler = SMTPReplyAssembler()
        #expect(throws: SMTPReplyAssembler.Violation.self) { try assembler.consume(line: Array(line.utf8)) }
    }

    @Test("a multi-line reply must keep its code")
    func codeChange() throws {
        var assembler = SMTPReplyAssembler()
        _ = try assembler.consume(line: Array("250-first".utf8))
        #expect(throws: SMTPReplyAssembler.Violation.self) { try assembler.consume(line: Array("251 second".utf8)) }
    }

    @Test("an endless multi-line reply is cut off")
    func endless() throws {
        var assembler = SMTPReplyAssembler()
        let error = #expect(throws: SMTPReplyAssembler.Violation.self) {
            for _ in 0..<(SMTPReplyAssembler.maximumLines + 1) { _ = try assembler.consume(line: Array("250-more".utf8)) }
        }
        #expect(error?.message.contains("\(SMTPReplyAssembler.maximumLines) lines") == true)
    }

    @Test("control characters in reply text are made visible")
    func controlCharacters() throws {
        var assembler = SMTPReplyAssembler()
        let reply = try #require(try assembler.consume(line: Array("550 bad\u{1B}[31m\rtext".utf8)))
        #expect(reply.lines == ["bad?[31m?text"])
    }
}

@Suite("RFC 5321 §4.1.1.1 EHLO extensions")
struct ExtensionParsingTests {
    @Test("keywords are case-insensitive and the first line is not a keyword")
    func keywords() {
        let reply = SMTPReply(code: 250, lines: ["pipelining.example greets you", "pipelining", "Size 2048", "SMTPUTF8", "8BITMIME"])
        let extensions = SMTPExtensions(ehloReply: reply)
        #expect(extensions.pipelining)
        #expect(extensions.maximumSize == 2048)
        #expect(extensions.smtpUTF8)
        #expect(extensions.eightBitMIME)
        #expect(!extensions.supports("PIPELINING.EXAMPLE"))
    }

    @Test("SIZE without a limit, or 0, means no limit (RFC 1870 §4)", arguments: [["SIZE"], ["SIZE 0"]])
    func sizeWithoutLimit(_ lines: [String]) {
        let extensions = SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["mx"] + lines))
        #expect(extensions.size)
        #expect(extensions.maximumSize == nil)
    }

    @Test("a one-line EHLO reply offers nothing")
    func nothing() {
        let extensions = SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["mx.example"]))
        #expect(!extensions.pipelining && !extensions.size && !extensions.smtpUTF8)
    }
}

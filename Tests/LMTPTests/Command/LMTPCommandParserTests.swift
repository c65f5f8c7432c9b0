import Testing

@testable import LMTP

/// One parser fixture: a command line and the command it must give.
struct ParseFixture: Sendable, CustomTestStringConvertible {
    let line: String
    let expected: LMTPCommand
    var testDescription: String { line }
}

/// One failing fixture: a command line and the reply it must earn.
struct FailureFixture: Sendable, CustomTestStringConvertible {
    let line: String
    let code: Int
    let enhanced: String
    let kind: LMTPCommandError.Kind
    var testDescription: String { line }
}

private func path(_ local: String, _ domain: String?) -> MailPath { MailPath(localPart: local, domain: domain) }

@Suite("RFC 2033 §4.1 / RFC 5321 §4.1.1 command lines")
struct LMTPCommandParserTests {
    static let valid: [ParseFixture] = [
        .init(line: "LHLO mx.example.org", expected: .lhlo("mx.example.org")),
        .init(line: "lhlo localhost", expected: .lhlo("localhost")),
        .init(line: "LhLo [192.0.2.1]", expected: .lhlo("[192.0.2.1]")),
        .init(line: "LHLO [IPv6:2001:db8::1]  ", expected: .lhlo("[IPv6:2001:db8::1]")),
        .init(line: "HELO x", expected: .helo),
        .init(line: "ehlo", expected: .ehlo),
        .init(line: "MAIL FROM:<a@b.example>", expected: .mail(.path(path("a", "b.example")), MailParameters())),
        .init(line: "mail from:<>", expected: .mail(.null, MailParameters())),
        .init(line: "MAIL FROM: <a@b>", expected: .mail(.path(path("a", "b")), MailParameters())),
        .init(line: "MAIL FROM:<a@b> SIZE=1000", expected: .mail(.path(path("a", "b")), MailParameters(size: 1000))),
        .init(
            line: "MAIL FROM:<a@b> size=12 body=8bitmime smtputf8",
            expected: .mail(.path(path("a", "b")), MailParameters(size: 12, body: .eightBitMIME, smtpUTF8: true))),
        .init(line: "MAIL FROM:<> BODY=BINARYMIME", expected: .mail(.null, MailParameters(body: .binaryMIME))),
        .init(line: "MAIL FROM:<> BODY=7BIT", expected: .mail(.null, MailParameters(body: .sevenBit))),
        .init(
            line: "MAIL FROM:<a@b> SIZE=99999999999999999999999",
            expected: .mail(.path(path("a", "b")), MailParameters(size: Int.max))),
        .init(line: "MAIL FROM:<@relay.example,@r2.example:joe@x.example>", expected: .mail(.path(path("joe", "x.example")), MailParameters())),
        .init(line: "RCPT TO:<john.doe@example.org>", expected: .rcpt(path("john.doe", "example.org"))),
        .init(line: "rcpt to:<\"john doe\"@example.org>", expected: .rcpt(path("john doe", "example.org"))),
        .init(line: "RCPT TO:<\"a\\\"b\\\\c\"@x>", expected: .rcpt(path("a\"b\\c", "x"))),
        .init(line: "RCPT TO:<postmaster>", expected: .rcpt(path("Postmaster", nil))),
        .init(line: "RCPT TO:<Postmaster@example.org>", expected: .rcpt(path("Postmaster", "example.org"))),
        .init(line: "RCPT TO:<user@[192.0.2.7]>", expected: .rcpt(path("user", "[192.0.2.7]"))),
        .init(line: "RCPT TO:<用户@例子.广告>", expected: .rcpt(path("用户", "例子.广告"))),
        .init(line: "RCPT TO:<a+tag@b-c.d> ", expected: .rcpt(path("a+tag", "b-c.d"))),
        .init(line: "DATA", expected: .data),
        .init(line: "data  ", expected: .data),
        .init(line: "BDAT 0 LAST", expected: .bdat(size: 0, last: true)),
        .init(line: "bdat 4096", expected: .bdat(size: 4096, last: false)),
        .init(line: "BDAT 10 last", expected: .bdat(size: 10, last: true)),
        .init(line: "RSET", expected: .rset),
        .init(line: "NOOP", expected: .noop),
        .init(line: "NOOP anything at all", expected: .noop),
        .init(line: "QUIT", expected: .quit),
        .init(line: "VRFY someone", expected: .vrfy("someone")),
        .init(line: "HELP", expected: .help(nil)),
        .init(line: "HELP DATA", expected: .help("DATA")),
    ]

    @Test(arguments: valid)
    func parses(_ fixture: ParseFixture) throws {
        #expect(try LMTPCommandParser.parse(Array(fixture.line.utf8)) == fixture.expected)
    }

    static let invalid: [FailureFixture] = [
        .init(line: "", code: 500, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "XYZZY", code: 500, enhanced: "5.5.1", kind: .unknownCommand),
        .init(line: "EXPN list", code: 500, enhanced: "5.5.1", kind: .unknownCommand),
        .init(line: "DATAX", code: 500, enhanced: "5.5.1", kind: .unknownCommand),
        .init(line: "LHLO", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "LHLO -bad-", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "LHLO a.example extra", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "LHLO [unclosed", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "MAIL", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "MAIL TO:<a@b>", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "MAIL FROM:a@b", code: 501, enhanced: "5.1.7", kind: .badAddress),
        .init(line: "MAIL FROM:<a@b", code: 501, enhanced: "5.1.7", kind: .badAddress),
        .init(line: "MAIL FROM:<a@>", code: 501, enhanced: "5.1.7", kind: .badAddress),
        .init(line: "MAIL FROM:<a..b@c>", code: 501, enhanced: "5.1.7", kind: .badAddress),
        .init(line: "MAIL FROM:<@x.example>", code: 501, enhanced: "5.1.7", kind: .badAddress),
        .init(line: "MAIL FROM:<a@b>SIZE=1", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "MAIL FROM:<a@b> SIZE=abc", code: 501, enhanced: "5.5.4", kind: .invalidParameter),
        .init(line: "MAIL FROM:<a@b> SIZE", code: 501, enhanced: "5.5.4", kind: .invalidParameter),
        .init(line: "MAIL FROM:<a@b> SIZE=1 SIZE=2", code: 501, enhanced: "5.5.4", kind: .invalidParameter),
        .init(line: "MAIL FROM:<a@b> BODY=9BIT", code: 501, enhanced: "5.5.4", kind: .invalidParameter),
        .init(line: "MAIL FROM:<a@b> SMTPUTF8=yes", code: 501, enhanced: "5.5.4", kind: .invalidParameter),
        .init(line: "MAIL FROM:<a@b> =x", code: 501, enhanced: "5.5.4", kind: .invalidParameter),
        .init(line: "MAIL FROM:<a@b> RET=FULL", code: 555, enhanced: "5.5.4", kind: .unknownParameter),
        .init(line: "MAIL FROM:<a@b> AUTH=<>", code: 555, enhanced: "5.5.4", kind: .unknownParameter),
        .init(line: "RCPT TO:<a@b> NOTIFY=NEVER", code: 555, enhanced: "5.5.4", kind: .unknownParameter),
        .init(line: "RCPT TO:<>", code: 501, enhanced: "5.1.3", kind: .badAddress),
        .init(line: "RCPT TO:<a b@c>", code: 501, enhanced: "5.1.3", kind: .badAddress),
        .init(line: "RCPT TO:<\"unterminated@c>", code: 501, enhanced: "5.1.3", kind: .badAddress),
        .init(line: "RCPT TO:<\"bad\u{01}\"@c>", code: 501, enhanced: "5.1.3", kind: .badAddress),
        .init(line: "RCPT TO:<a@-b.c>", code: 501, enhanced: "5.1.3", kind: .badAddress),
        .init(line: "RCPT TO:<a@b.c->", code: 501, enhanced: "5.1.3", kind: .badAddress),
        .init(line: "RCPT FROM:<a@b>", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "DATA now", code: 501, enhanced: "5.5.4", kind: .invalidParameter),
        .init(line: "RSET x", code: 501, enhanced: "5.5.4", kind: .invalidParameter),
        .init(line: "QUIT now", code: 501, enhanced: "5.5.4", kind: .invalidParameter),
        .init(line: "BDAT", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "BDAT x", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "BDAT 10 FIRST", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "BDAT 10 LAST x", code: 501, enhanced: "5.5.2", kind: .syntaxError),
        .init(line: "BDAT 9999999999999999999999", code: 501, enhanced: "5.5.4", kind: .invalidParameter),
        .init(line: "VRFY", code: 501, enhanced: "5.5.2", kind: .syntaxError),
    ]

    @Test(arguments: invalid)
    func refuses(_ fixture: FailureFixture) {
        #expect {
            try LMTPCommandParser.parse(Array(fixture.line.utf8))
        } throws: { error in
            guard let error = error as? LMTPCommandError else { return false }
            return error.kind == fixture.kind && error.reply.code == fixture.code
                && error.reply.enhancedCode?.description == fixture.enhanced
        }
    }

    @Test func invalidUTF8InLocalPartIsRefused() {
        let line = Array("RCPT TO:<".utf8) + [0xC3, 0x28] + Array("@x>".utf8)
        #expect(throws: LMTPCommandError.self) { try LMTPCommandParser.parse(line) }
    }

    @Test func errorMessagesSayWhatWasFound() throws {
        let error = try #require(throws: LMTPCommandError.self) {
            try LMTPCommandParser.parse(Array("MAIL FROM:<a@b> BODY=9BIT".utf8))
        }
        #expect(error.message.contains("9BIT"))
        #expect(error.message.contains("8BITMIME"))
        let unknown = try #require(throws: LMTPCommandError.self) {
            try LMTPCommandParser.parse(Array("FROB\u{1}".utf8))
        }
        #expect(unknown.message == "unknown command \"FROB\\x01\"")
    }

    @Test func verbIsReportedForKnownCommands() throws {
        let error = try #require(throws: LMTPCommandError.self) {
            try LMTPCommandParser.parse(Array("BDAT lots".utf8))
        }
        #expect(error.verb == .bdat)
    }

    @Test func pathsRoundTripThroughDescription() {
        #expect(path("john doe", "x").description == "\"john doe\"@x")
        #expect(path("a.b", "x").description == "a.b@x")
        #expect(path("a..b", "x").description == "\"a..b\"@x")
        #expect(ReversePath.null.description == "<>")
        #expect(path("Postmaster", nil).description == "Postmaster")
        #expect(!path("用户", "x").isASCII)
    }
}

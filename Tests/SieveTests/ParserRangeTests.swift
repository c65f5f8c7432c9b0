import Testing
@testable import Sieve

/// `line:column` of a location, offsets aside.
private func lc(_ location: Sieve.SourceLocation) -> String { "\(location.line):\(location.column)" }

/// `start-end` of a range as `line:column` pairs with byte offsets: `1:1@0-1:5@4`.
private func span(_ range: SourceRange) -> String {
    "\(lc(range.start))@\(range.start.offset)-\(lc(range.end))@\(range.end.offset)"
}

@Suite("Parser source ranges")
struct ParserRangeTests {
    @Test func commandTestAndArgumentRanges() throws {
        let source = "if anyof(a :x, b [\"s\"]) {\n  fileinto \"\u{E9}t\u{E9}\" 12K;\n}\n"
        let result = SieveParser.parse(source)
        #expect(result.diagnostics.isEmpty)
        let command = try #require(result.script.commands.first)
        #expect(span(command.range) == "1:1@0-3:2@51")
        #expect(span(command.nameRange) == "1:1@0-1:3@2")
        let anyof = try #require(command.tests.first)
        #expect(span(anyof.range) == "1:4@3-1:24@23")
        #expect(span(anyof.tests[0].range) == "1:10@9-1:14@13")
        #expect(span(anyof.tests[0].arguments[0].range) == "1:12@11-1:14@13")
        #expect(span(anyof.tests[1].arguments[0].range) == "1:18@17-1:23@22")
        let fileinto = try #require(command.block?.first)
        // "été" is 3 scalars but 5 bytes: columns count scalars, offsets count bytes.
        #expect(span(fileinto.arguments[0].range) == "2:12@37-2:17@44")
        #expect(span(fileinto.arguments[1].range) == "2:18@45-2:21@48")
        #expect(span(fileinto.range) == "2:3@28-2:22@49")
    }

    @Test func multilineStringRangeCoversTerminator() throws {
        let result = SieveParser.parse("x text:\r\nhi\r\n.\r\n;")
        let argument = try #require(result.script.commands.first?.arguments.first)
        #expect(span(argument.range) == "1:3@2-4:1@16")
    }

    @Test func crlfAndLfGiveTheSameLinesAndColumns() {
        let lf = SieveParser.parse("keep;\n\n  x\n")
        let crlf = SieveParser.parse("keep;\r\n\r\n  x\r\n")
        #expect(lf.diagnostics.map { lc($0.location) } == ["4:1"])
        #expect(crlf.diagnostics.map { lc($0.location) } == ["4:1"])
    }

    @Test func diagnosticCarriesFileName() {
        let result = SieveParser.parse("keep", file: "user.sieve")
        #expect(result.diagnostics.map(\.description)
            == ["user.sieve:1:5: error: expected ';' or '{' after command 'keep', found end of script"])
    }
}

@Suite("RFC 5228 §2.4.2.4 UTF-8 and raw bytes")
struct ParserByteTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var line: Int
        var column: Int
        var fragment: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "lone continuation byte in string", bytes: Array("x \"a".utf8) + [0x80] + Array("\";".utf8),
              line: 1, column: 5, fragment: "invalid UTF-8 byte 0x80"),
        .init(name: "overlong encoding in string", bytes: Array("x \"".utf8) + [0xC0, 0xAF] + Array("\";".utf8),
              line: 1, column: 4, fragment: "invalid UTF-8 byte 0xC0"),
        .init(name: "surrogate in multi-line string", bytes: Array("x text:\n".utf8) + [0xED, 0xA0, 0x80] + Array("\n.\n;".utf8),
              line: 2, column: 1, fragment: "invalid UTF-8 byte 0xED"),
        .init(name: "truncated sequence at end", bytes: Array("x \"".utf8) + [0xE2, 0x82],
              line: 1, column: 4, fragment: "invalid UTF-8 byte 0xE2"),
        .init(name: "invalid byte between tokens", bytes: Array("keep;\n  ".utf8) + [0xFF] + Array("stop;".utf8),
              line: 2, column: 3, fragment: "invalid UTF-8 byte 0xFF"),
        .init(name: "lone CR", bytes: Array("keep;\rstop;".utf8),
              line: 1, column: 6, fragment: "carriage return (CR) not followed by line feed"),
        .init(name: "lone CR in string", bytes: Array("x \"a\rb\";".utf8),
              line: 1, column: 5, fragment: "carriage return (CR) not followed by line feed"),
        .init(name: "NUL between tokens", bytes: Array("keep;".utf8) + [0] + Array("stop;".utf8),
              line: 1, column: 6, fragment: "NUL character"),
    ]

    @Test(arguments: cases)
    func invalidBytesAreReportedWithTheirLocation(_ testCase: Case) {
        let result = SieveParser.parse(testCase.bytes)
        #expect(result.hasErrors)
        let first = result.diagnostics.first
        #expect(first?.location.line == testCase.line)
        #expect(first?.location.column == testCase.column)
        #expect(first?.message.contains(testCase.fragment) == true, "got \(result.diagnostics)")
    }

    @Test func validFourByteScalarsCountAsOneColumn() {
        let result = SieveParser.parse(Array("x \"\u{1F600}\u{1F600}\" @".utf8))
        #expect(result.diagnostics.first.map { lc($0.location) } == "1:8")
        #expect(result.diagnostics.first?.location.offset == 13)
    }
}

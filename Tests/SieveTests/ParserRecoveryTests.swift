import Testing
@testable import Sieve

/// A broken script, the diagnostics it must give (in order), and the shape of what
/// survives recovery (broken commands are left out, the rest is kept).
struct RecoveryFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var source: String
    var errors: [ExpectedDiagnostic]
    var survivors: String
    var testDescription: String { name }

    init(_ name: String, _ source: String, _ errors: [ExpectedDiagnostic], survivors: String) {
        self.name = name
        self.source = source
        self.errors = errors
        self.survivors = survivors
    }
}

@Suite("Parser error recovery")
struct ParserRecoveryTests {
    @Test(arguments: LineEnding.allCases)
    func threeSeparateErrorsGiveThreeDiagnostics(_ ending: LineEnding) {
        let source = """
            require ["fileinto" "reject"];
            if header :contains "subject" "x" {
                fileinto "Junk"
            }
            if anyof(size :over 1M, ) {
                discard;
            }
            redirect "a@example.com";
            keep;
            """
        let result = SieveParser.parse(ending.apply(source), file: "three.sieve")
        #expect(result.diagnostics.map(\.description) == [
            #"three.sieve:1:21: error: expected ',' between strings in string list opened at 1:9, found string "reject""#,
            "three.sieve:4:1: error: expected ';' or '{' after arguments of command 'fileinto', found '}'",
            "three.sieve:5:25: error: expected a test after ',' in test list opened at 5:9, found ')'",
        ])
        #expect(Shape.of(result.script) == #"if header :contains "subject" "x" {} redirect "a@example.com"; keep;"#)
    }

    static let fixtures: [RecoveryFixture] = [
        .init("error inside a block keeps the rest of the block", "if a {\n  x [;\n  keep;\n}\nstop;",
              [.init(2, 6, "expected a string after '['")], survivors: "if a { keep; } stop;"),
        .init("stray closing parenthesis", "keep);\nstop;",
              [.init(1, 5, "expected ';' or '{' after command 'keep', found ')'")], survivors: "stop;"),
        .init("unclosed test list ends at the semicolon", "if anyof(a, b;\nkeep;",
              [.init(1, 14, "missing ')' to close test list opened at 1:9, found ';'")], survivors: "keep;"),
        .init("unclosed string list ends at the semicolon", "fileinto [\"a\", \"b\";\nkeep;",
              [.init(1, 19, "missing ']' to close string list opened at 1:10, found ';'")], survivors: "keep;"),
        .init("broken test skips the whole block", "if header :is \"a\" [\"b\" {\n  stop;\n}\nkeep;",
              [.init(1, 24, "missing ']' to close string list opened at 1:19, found '{'")], survivors: "keep;"),
        .init("lexical error is reported once", "fileinto @ \"x\";\nkeep;",
              [.init(1, 10, "unexpected character '@'")], survivors: "keep;"),
        .init("unterminated string inside a block is the only error", "if a {\n  fileinto \"x;\n}\n",
              [.init(2, 12, "unterminated quoted string starting at line 2")], survivors: "if a {}"),
        .init("unterminated comment inside a block is the only error", "if a {\n  keep; /* x;\n}\n",
              [.init(2, 9, "unterminated comment")], survivors: "if a { keep; }"),
        .init("three errors on one line", "x [; y [; z [;",
              [.init(1, 4, "found ';'"), .init(1, 9, "found ';'"), .init(1, 14, "found ';'")], survivors: ""),
        .init("stray closing brace at top level", "}\nkeep;",
              [.init(1, 1, "unexpected '}' with no open block")], survivors: "keep;"),
        .init("errors in nested blocks", "if a {\n  if b {\n    x 1x;\n  }\n  y :;\n}\nz;",
              [.init(3, 7, "invalid number '1x'"), .init(5, 5, "expected a tag name")],
              survivors: "if a { if b {} } z;"),
        .init("missing brace at end reports the opening", "if a {\n  keep;\nif b {\n  stop;\n}\n",
              [.init(6, 1, "missing '}' to close block opened at 1:6, found end of script")],
              survivors: "if a { keep; if b { stop; } }"),
        .init("text: junk keeps the string", "x text: junk\nhello\n.\n;\nkeep;",
              [.init(1, 9, "expected the end of the line after 'text:'")],
              survivors: #"x text"hello\r\n"; keep;"#),
    ]

    @Test(arguments: fixtures, LineEnding.allCases)
    func recovery(_ fixture: RecoveryFixture, _ ending: LineEnding) {
        let result = SieveParser.parse(ending.apply(fixture.source))
        let got = result.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.message)" }
        #expect(result.diagnostics.count == fixture.errors.count, "got \(got)")
        for (diagnostic, wanted) in zip(result.diagnostics, fixture.errors) {
            #expect(wanted.matches(diagnostic), "wanted \(wanted), got \(got)")
        }
        #expect(Shape.of(result.script) == fixture.survivors)
    }
}

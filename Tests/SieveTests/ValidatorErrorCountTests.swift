import Testing
@testable import Sieve

/// One compile reports every error it can find, each once, at its own place: a script with
/// several mistakes gives one diagnostic per mistake (the counts Pigeonhole's test files
/// expect where the two agree).
@Suite("Several errors per compile, one per mistake")
struct ValidatorErrorCountTests {
    /// A script and its errors as `line:column` plus a piece of the message, in order.
    static let cases: [(String, String, [String])] = [
        ("test with arguments and a nested test", "if address matches \"from\" \"*x*\" { stop; }",
         ["1:4 expects 2 positional arguments",
          "1:11 test 'address' does not take nested tests; is the ':' missing before 'matches' at 1:12?"]),
        ("a real nested test gets no colon hint", "if header \"a\" \"b\" true { stop; }",
         ["1:10 test 'header' does not take nested tests"]),
        ("command with a wrong argument and a test: no block error",
         "stop \"x\" true { }", ["1:6 takes no positional arguments", "1:1 command 'stop' does not take a test"]),
        ("command with right arguments and a block", "stop { }", ["1:1 command 'stop' does not take a block"]),
        ("command with wrong arguments and a block: the arguments only", "keep \"x\" { }", ["1:6 takes no positional arguments"]),
        ("missing semicolon reads the next command as a test",
         "require \"fileinto\";\nfileinto \"a\"\nkeep;", ["2:1 is a ';' missing before 'keep' at 3:1?"]),
        ("a real test after a command is not called a missing semicolon",
         "require \"fileinto\";\nfileinto \"a\" true;", ["2:1 command 'fileinto' does not take a test"]),
        ("unknown command reported at its first use only", "frob;\nfrob;\nif true { frob; }\nfrob2;",
         ["1:1 unknown command 'frob'", "4:1 unknown command 'frob2'"]),
        ("unknown test reported at its first use only", "if frobtest { }\nif frobtest { }",
         ["1:4 unknown test 'frobtest'"]),
        ("unknown tag reported once per command or test", "keep :x;\nkeep :x;\ndiscard :x;",
         ["1:6 unknown tag ':x' for command 'keep'", "3:9 unknown tag ':x' for command 'discard'"]),
        ("a tag after the positional arguments", "if size 34M :over { }",
         ["1:13 tag ':over' comes after the positional arguments of test 'size' (which start at 1:9)"]),
        ("an unknown tag where a tag wants its parameter is one error",
         "if address :comparator :frop \"from\" \"x\" { }", ["1:24 unknown tag ':frop' for test 'address'"]),
        ("a known tag where a tag wants its parameter", "if address :comparator :all \"from\" \"x\" { }",
         ["1:23 tag ':comparator' must be followed by a string"]),
        ("require with a test: its names are not looked at", "require \"no-such\" true;",
         ["1:1 'require' does not take a test"]),
        ("require with a block", "require \"no-such\" { keep; }", ["1:1 'require' does not take a block"]),
        ("elsif without if, then more of the chain: one error",
         "elsif true { keep; }\nelsif true { keep; }\nelse { }", ["1:1 'elsif' must follow 'if' or 'elsif'"]),
        ("else after else is still an error", "if true { } else { } else { }", ["1:22 'else' must follow"]),
        ("too many variables is reported once",
         "require \"variables\";\n" + (1...130).map { "set \"v\($0)\" \"x\";" }.joined(separator: "\n"),
         ["130:5 too many variables: 'v129' is one more than the limit of 128"]),
        ("an unterminated encoded character is text", "require [\"encoded-character\", \"fileinto\"];\n"
            + "fileinto \"a${unicode:200000\";\nfileinto \"b${unicode:200000}\";",
         ["3:10 invalid Unicode code point '200000'"]),
    ]

    @Test(arguments: cases)
    func errors(_ name: String, _ source: String, _ expected: [String]) {
        let found = SieveCompiler.compile(source).diagnostics
        let shown = found.map { "\($0.location.line):\($0.location.column) \($0.message)" }
        #expect(found.count == expected.count, "\(name): \(shown)")
        for (diagnostic, wanted) in zip(shown, expected) {
            let (position, text) = (wanted.prefix { $0 != " " }, wanted.drop { $0 != " " }.dropFirst())
            #expect(diagnostic.hasPrefix(position + " ") && diagnostic.contains(text), "\(name): \(shown)")
        }
    }

    /// Lexical limits: numbers as large as 2^64 - 1, identifiers of at most 32 characters,
    /// one error for a run of stray characters, at most 32 arguments.
    static let lexical: [(String, String, [String])] = [
        ("largest number", "if size :under 18446744073709551615 { }", []),
        ("largest number with a quantifier", "if size :under 17179869183G { }", []),
        ("one past the largest", "if size :under 18446744073709551616 { stop; }\nif size :over 1x { }",
         ["1:16 number 18446744073709551616 is too large (the largest is 18446744073709551615)", "2:15 invalid number '1x'"]),
        ("quantifier past the largest", "if size :over 17179869184G { }", ["1:15 number 17179869184G is too large"]),
        ("32-character identifier", "if abcdefghijklmnopqrstuvwxyz_12345 { }", []),
        ("33-character identifier", "if abcdefghijklmnopqrstuvwxyz_123456 { }\nkeep :abcdefghijklmnopqrstuvwxyz_123456;",
         ["1:4 identifier 'abcdefghijklmnopqrstuvwxyz_12345...' is longer than 32 characters",
          "2:6 tag ':abcdefghijklmnopqrstuvwxyz_12345...' is longer than 32 characters"]),
        ("a run of stray characters", "keep $$$$;\nkeep $;", ["1:6 unexpected characters '$$$$'", "2:6 unexpected character '$'"]),
        ("33 arguments", "x " + String(repeating: "\"a\" ", count: 33) + ";\nkeep :y :z;",
         ["1:131 more than 32 arguments"]),
    ]

    @Test(arguments: lexical)
    func lexicalErrors(_ name: String, _ source: String, _ expected: [String]) {
        let found = SieveParser.parse(source).diagnostics
        let shown = found.map { "\($0.location.line):\($0.location.column) \($0.message)" }
        #expect(found.count == expected.count, "\(name): \(shown)")
        for (diagnostic, wanted) in zip(shown, expected) {
            let (position, text) = (wanted.prefix { $0 != " " }, wanted.drop { $0 != " " }.dropFirst())
            #expect(diagnostic.hasPrefix(position + " ") && diagnostic.contains(text), "\(name): \(shown)")
        }
    }

    @Test func numbersPastIntMaxCountAsIntMax() throws {
        let parsed = SieveParser.parse("x 18446744073709551615;")
        #expect(parsed.script.commands.first?.arguments.first == .number(Int.max, range: parsed.script.commands[0].arguments[0].range))
    }
}

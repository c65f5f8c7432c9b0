import Testing
@testable import Sieve

/// Runs one fixture with the given line ends and checks the result.
func check(_ fixture: ParseFixture, _ ending: LineEnding) {
    let result = SieveParser.parse(ending.apply(fixture.source))
    switch fixture.expected {
    case .shape(let shape):
        #expect(result.diagnostics.map(\.description) == [])
        #expect(!result.hasErrors)
        #expect(Shape.of(result.script) == shape)
    case .errors(let expected):
        #expect(result.hasErrors)
        let got = result.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.message)" }
        #expect(result.diagnostics.count == expected.count, "got \(got)")
        for (diagnostic, wanted) in zip(result.diagnostics, expected) {
            #expect(wanted.matches(diagnostic), "wanted \(wanted), got \(got)")
        }
    }
}

@Suite("RFC 5228 §2.2 white space and comments")
struct WhitespaceAndCommentFixtures {
    static let fixtures: [ParseFixture] = [
        .init("bare command", "keep;", "keep;"),
        .init("blank lines and tabs", "keep;\t\n\n  stop ;\n", "keep; stop;"),
        .init("hash comment line", "# a comment\nkeep;", "keep;"),
        .init("hash comment at end without line end", "keep; # trailing", "keep;"),
        .init("hash comment holds anything", "keep; # \"[{/* é\nstop;", "keep; stop;"),
        .init("bracket comment across lines", "/* one\ntwo */ keep;", "keep;"),
        .init("bracket comment between tokens", "keep/**/;", "keep;"),
        .init("bracket comment with stars", "/*** x * / **/keep;", "keep;"),
        .init("bracket comments do not nest", "/* a /* b */ keep;", "keep;"),
        .init("RFC example: hash comment",
              "if size :over 100k { # this is a comment\n    discard;\n}\n",
              "if size :over 102400 { discard; }"),
        .init("RFC example: bracket comments",
              "if size :over 100K { /* this is a comment\n    this is still a comment */ discard /* this is a comment\n    */ ;\n}\n",
              "if size :over 102400 { discard; }"),
        .init("second close of a would-be nested comment", "/* a /* b */ */ keep;",
              errors: .init(1, 14, "unexpected character '*'"), .init(1, 15, "unexpected character '/'")),
        .init("unterminated bracket comment", "keep;\n  /* open\nstop;",
              errors: .init(2, 3, "unterminated comment")),
        .init("lone slash", "keep; / stop;", errors: .init(1, 7, "unexpected character '/'")),
        .init("NUL in a comment", "# a\u{0}b\nkeep;", errors: .init(1, 4, "NUL character")),
        .init("empty script", "", ""),
        .init("only comments", "# one\n/* two */\n", ""),
    ]

    @Test(arguments: fixtures, LineEnding.allCases)
    func fixture(_ fixture: ParseFixture, _ ending: LineEnding) { check(fixture, ending) }
}

@Suite("RFC 5228 §2.3 identifiers and §2.6.2 tags")
struct IdentifierFixtures {
    static let fixtures: [ParseFixture] = [
        .init("case kept as written", "KeEp;", "KeEp;"),
        .init("underscores and digits", "_a1_B2;", "_a1_B2;"),
        .init("tag", "x :Is :over_2;", "x :Is :over_2;"),
        .init("identifier after tag needs space", "x :is:over;", "x :is :over;"),
        .init("digit cannot start an identifier", "1abc;",
              errors: .init(1, 1, "invalid number '1abc'")),
        .init("hyphen is not part of an identifier", "a-b;", errors: .init(1, 2, "unexpected character '-'")),
        .init("colon without a name", "x : is;", errors: .init(1, 3, "expected a tag name")),
        .init("non-ASCII identifier", "k\u{E9}ep;", errors: .init(1, 2, "unexpected character U+00E9 'é'")),
    ]

    @Test(arguments: fixtures, LineEnding.allCases)
    func fixture(_ fixture: ParseFixture, _ ending: LineEnding) { check(fixture, ending) }
}

@Suite("RFC 5228 §2.4.1 numbers")
struct NumberFixtures {
    static let fixtures: [ParseFixture] = [
        .init("plain", "x 0 42 007;", "x 0 42 7;"),
        .init("K is 2^10", "x 1K 3k;", "x 1024 3072;"),
        .init("M is 2^20", "x 1M 2m;", "x 1048576 2097152;"),
        .init("G is 2^30", "x 1G 2g;", "x 1073741824 2147483648;"),
        .init("largest plain number", "x 9223372036854775807;", "x 9223372036854775807;"),
        .init("largest G number", "x 8589934591G;", "x 9223372035781033984;"),
        .init("past Int.max counts as Int.max", "x 9223372036854775808 8589934592G;", "x 9223372036854775807 9223372036854775807;"),
        .init("plain overflow", "x 18446744073709551616;",
              errors: .init(1, 3, "number 18446744073709551616 is too large")),
        .init("quantifier overflow", "x 99999999999G;", errors: .init(1, 3, "number 99999999999G is too large")),
        .init("just past the G bound", "x 17179869184G;", errors: .init(1, 3, "number 17179869184G is too large")),
        .init("unit typo", "if size :over 10MB { discard; }", errors: .init(1, 15, "invalid number '10MB'")),
    ]

    @Test(arguments: fixtures, LineEnding.allCases)
    func fixture(_ fixture: ParseFixture, _ ending: LineEnding) { check(fixture, ending) }
}

@Suite("RFC 5228 §2.4.2 strings")
struct StringFixtures {
    static let fixtures: [ParseFixture] = [
        .init("simple", #"x "abc";"#, #"x "abc";"#),
        .init("empty", #"x "";"#, #"x "";"#),
        .init("escaped backslash", #"x "a\\b";"#, #"x "a\\b";"#),
        .init("escaped quote", #"x "say \"hi\"";"#, #"x "say \"hi\"";"#),
        .init("undefined escapes drop the backslash", #"x "\a\b\n\t";"#, #"x "abnt";"#),
        .init("RFC example: escapes",
              #"x "A Quoted String with \"quoted text\" and a backslash \\ here";"#,
              #"x "A Quoted String with \"quoted text\" and a backslash \\ here";"#),
        .init("line end inside is CRLF", "x \"two\nlines\";", #"x "two\r\nlines";"#),
        .init("UTF-8 text", "x \"caf\u{E9} \u{1F600}\";", "x \"caf\u{E9} \u{1F600}\";"),
        .init("tab inside", "x \"a\tb\";", #"x "a\tb";"#),
        .init("unterminated", "keep;\nx \"abc;\nstop;\n",
              errors: .init(2, 3, "unterminated quoted string starting at line 2")),
        .init("backslash at end of script", "x \"abc\\", errors: .init(1, 3, "unterminated quoted string")),
        .init("NUL inside", "x \"a\u{0}b\";", errors: .init(1, 5, "NUL character")),
        .init("multi-line", "x text:\nline 1\nline 2\n.\n;", #"x text"line 1\r\nline 2\r\n";"#),
        .init("multi-line empty", "x text:\n.\n;", #"x text"";"#),
        .init("multi-line upper case TEXT:", "x TEXT:\nhi\n.\n;", #"x text"hi\r\n";"#),
        .init("multi-line with comment and blanks after text:", "x text: \t# note\nhi\n.\n;",
              #"x text"hi\r\n";"#),
        .init("dot-stuffing removes one dot", "x text:\n..\n...x\n.\n;", #"x text".\r\n..x\r\n";"#),
        .init("a single leading dot before text stays", "x text:\n.x\n .\n.\n;", #"x text".x\r\n .\r\n";"#),
        .init("escapes are not special in multi-line", "x text:\n\\\" \"\n.\n;", #"x text"\\\" \"\r\n";"#),
        .init("empty lines kept", "x text:\n\n\n.\n;", #"x text"\r\n\r\n";"#),
        .init("terminator at end of script", "x text:\na\n.", errors: .init(3, 2, "expected ';' or '{' after arguments of command 'x', found end of script")),
        .init("multi-line in a list", "x [text:\na\n.\n, \"b\"];", #"x [text"a\r\n", "b"];"#),
        .init("unterminated multi-line", "x text:\nabc\n", errors: .init(1, 3, "unterminated multi-line string")),
        .init("text: then junk", "x text: y\nabc\n.\n;",
              errors: .init(1, 9, "expected the end of the line after 'text:', found 'y'")),
        .init("text as a plain identifier", "text;", "text;"),
    ]

    @Test(arguments: fixtures, LineEnding.allCases)
    func fixture(_ fixture: ParseFixture, _ ending: LineEnding) { check(fixture, ending) }
}

@Suite("RFC 5228 §2.5–§2.9 commands, arguments, tests, blocks")
struct SyntaxFixtures {
    static let fixtures: [ParseFixture] = [
        .init("argument kinds", #"a 1 :t "s" ["l1", "l2"];"#, #"a 1 :t "s" ["l1", "l2"];"#),
        .init("one-element list stays a list", #"a ["x"];"#, #"a ["x"];"#),
        .init("block", "if true { keep; stop; }", "if true { keep; stop; }"),
        .init("empty block", "if true {}", "if true {}"),
        .init("if / elsif / else are plain commands",
              "if a { keep; } elsif b { discard; } else { stop; }",
              "if a { keep; } elsif b { discard; } else { stop; }"),
        .init("test list", "if anyof (not exists [\"From\",\"Date\"], header :is \"x\" \"y\") { stop; }",
              #"if anyof (not exists ["From", "Date"], header :is "x" "y") { stop; }"#),
        .init("single-test list", "if allof(true) {}", "if allof (true) {}"),
        .init("tests nest without parentheses", "if not not a b;", "if not not a b;"),
        .init("nested blocks", "if a { if b { if c { keep; } } }", "if a { if b { if c { keep; } } }"),
        .init("no space needed between tokens", "if anyof(a,b){keep;}fileinto\"x\";",
              #"if anyof (a, b) { keep; } fileinto "x";"#),
        .init("RFC §3.1 example",
              """
              if header :contains "from" "coyote" {
                 discard;
              } elsif header :contains ["subject"] ["$$$"] {
                 discard;
              } else {
                 fileinto "INBOX";
              }
              """,
              #"if header :contains "from" "coyote" { discard; } elsif header :contains ["subject"] ["$$$"] { discard; } else { fileinto "INBOX"; }"#),
        .init("RFC §2.9 require example", #"require ["fileinto", "reject"];"#, #"require ["fileinto", "reject"];"#),
        .init("missing semicolon at end", "keep", errors: .init(1, 5, "expected ';' or '{' after command 'keep', found end of script")),
        .init("missing semicolon before closing brace", "if true {\n  fileinto \"a\"\n}",
              errors: .init(3, 1, "expected ';' or '{' after arguments of command 'fileinto', found '}'")),
        .init("a missing semicolon can make the next command a test", "fileinto \"a\"\nkeep;",
              #"fileinto "a" keep;"#),
        .init("stray closing brace", "keep; }", errors: .init(1, 7, "unexpected '}' with no open block")),
        .init("block never closed", "if true {\n keep;\n",
              errors: .init(3, 1, "missing '}' to close block opened at 1:9, found end of script")),
        .init("string list missing comma", #"x ["a" "b"];"#,
              errors: .init(1, 8, "expected ',' between strings in string list opened at 1:3")),
        .init("string list missing bracket", "x [\"a\";",
              errors: .init(1, 7, "missing ']' to close string list opened at 1:3, found ';'")),
        .init("empty string list", "x [];", errors: .init(1, 4, "expected a string after '[' in string list opened at 1:3, found ']'")),
        .init("number in string list", "x [\"a\", 1];", errors: .init(1, 9, "expected a string after ','")),
        .init("empty test list", "if anyof() {}", errors: .init(1, 10, "expected a test after '(' in test list opened at 1:9, found ')'")),
        .init("trailing comma in test list", "if anyof(a, ) {}", errors: .init(1, 13, "expected a test after ','")),
        .init("test list with a stray bracket", "if anyof(a \"y\"] {}", errors: .init(1, 15, "missing ')' to close test list opened at 1:9, found ']'")),
        .init("test list not closed", "if anyof(a, b { keep; }",
              errors: .init(1, 15, "missing ')' to close test list opened at 1:9, found '{'")),
        .init("semicolon alone", ";", errors: .init(1, 1, "expected a command name, found ';'")),
        .init("string where a command goes", "\"x\";", errors: .init(1, 1, "expected a command name, found string \"x\"")),
        .init("tag before command", ":is keep;", errors: .init(1, 1, "expected a command name, found tag ':is'")),
        .init("arguments after a test list", "if true (a) \"x\";", errors: .init(1, 13, "expected ';' or '{' after arguments of command 'if', found string \"x\"")),
    ]

    @Test(arguments: fixtures, LineEnding.allCases)
    func fixture(_ fixture: ParseFixture, _ ending: LineEnding) { check(fixture, ending) }
}

import Testing
@testable import Sieve

/// The `:regex` engine on its own: syntax, matches and groups (expected values checked
/// against glibc's `regcomp(REG_EXTENDED)`/`regexec`, which Pigeonhole uses), case
/// folding, limits, and linear work.
@Suite("Regex engine")
struct RegexTests {
    /// What a match reports: the whole match, then each group's text (nil: unset).
    static func texts(_ pattern: String, _ value: String, caseInsensitive: Bool = false) throws -> [String?]? {
        let regex = try RegexPattern(pattern, folding: caseInsensitive ? .ascii : .none)
        guard let found = regex.firstMatch(in: value) else { return nil }
        let bytes = Array(value.utf8)
        return found.ranges.prefix(regex.groupCount + 1).map { range in
            range.map { String(decoding: bytes[$0], as: UTF8.self) }
        }
    }

    @Test(arguments: [
        ("abc", "xxabcxx", false, ["abc"]),
        ("a.c", "abc", false, ["abc"]),
        ("a.c", "a\nc", false, ["a\nc"]),
        ("^abc", "xabc", false, nil),
        ("abc$", "abcx", false, nil),
        ("^$", "", false, [""]),
        ("a*", "bbb", false, [""]),
        ("(a|ab)(c|bcd)(d*)", "abcd", false, ["abcd", "a", "bcd", ""]),
        ("(a*)*b", "aaab", false, ["aaab", "aaa"]),
        ("(a|aa)*c", "aaaac", false, ["aaaac", "a"]),
        ("(a*)+", "b", false, ["", ""]),
        ("(a*|b)*", "ab", false, ["ab", "b"]),
        ("x(a|b)*y", "xabbay", false, ["xabbay", "a"]),
        ("(a+)(b+)?", "aab", false, ["aab", "aa", "b"]),
        ("([^-@]*)-([^-@]*)(-bounces)?@ant", "antlr-interest-bounces@ant", false, ["antlr-interest-bounces@ant", "antlr", "interest", "-bounces"]),
        ("(.*>[ \t]*,?[ \t]*)?([^-@]*)-([^-@]*)(-bounces)?@ant", "antlr-interest-bounces@ant", false, ["antlr-interest-bounces@ant", nil, "antlr", "interest", "-bounces"]),
        ("the (.*) jumps off the (.*)", "the cat jumps off the table", false, ["the cat jumps off the table", "cat", "table"]),
        ("(a)|b", "b", false, ["b", nil]),
        ("(a)|(b)", "b", false, ["b", nil, "b"]),
        ("[[:digit:]]+", "abc123def", false, ["123"]),
        ("[[:alpha:]]+", "12ab34", false, ["ab"]),
        ("[[:space:]]", "a b", false, [" "]),
        ("[]a]+", "x]a]b", false, ["]a]"]),
        ("[^]a]+", "]]bcd", false, ["bcd"]),
        ("[a-]+", "x-a-", false, ["-a-"]),
        ("a{2}", "aaa", false, ["aa"]),
        ("a{2,}", "aaaaa", false, ["aaaaa"]),
        ("a{1,2}b", "aaab", false, ["aab"]),
        ("a{,2}b", "aaab", false, ["aab"]),
        ("(ab){2}", "ababab", false, ["abab", "ab"]),
        ("a|b|c", "xxc", false, ["c"]),
        ("(a|b)*c", "abac", false, ["abac", "a"]),
        ("\\.", "a.b", false, ["."]),
        ("\\(x\\)", "(x)", false, ["(x)"]),
        ("a\\|b", "a|b", false, ["a|b"]),
        (")", "a)", false, [")"]),
        ("()", "a", false, ["", ""]),
        ("a|", "b", false, [""]),
        ("(.)(.)", "xy", false, ["xy", "x", "y"]),
        ("(a*)(a*)", "aaa", false, ["aaa", "aaa", ""]),
        ("(a*)(a)", "aaa", false, ["aaa", "aa", "a"]),
        ("(a?)(a?)(a?)", "aa", false, ["aa", "a", "a", ""]),
        ("(.*)(.*)", "abc", false, ["abc", "abc", ""]),
        ("(a|ab)(bc|c)", "abc", false, ["abc", "a", "bc"]),
        ("(ab|a)(bc|c)", "abc", false, ["abc", "ab", "c"]),
        ("(a+|b+)*", "ab", false, ["ab", "b"]),
        ("([ab]*)(b*)", "abab", false, ["abab", "abab", ""]),
        ("(x|xy)(yz|z)?", "xyz", false, ["xyz", "x", "yz"]),
        ("[[:upper:]]+", "abCDe", false, ["CD"]),
        ("[[:punct:]]+", "ab!?c", false, ["!?"]),
        ("[[:xdigit:]]+", "zzBeEfzz", false, ["BeEf"]),
        ("b*", "abbb", false, [""]),
        ("(^a|b)", "ba", false, ["b", "b"]),
        ("a$|b", "ab", false, ["b"]),
        ("[[.a.]]", "bab", false, ["a"]),
        ("[[=b=]]", "bab", false, ["b"]),
        ("a+?", "aaa", false, ["aaa"]),
        ("a**", "aa", false, ["aa"]),
        ("(a{0,2}){2}", "aaaa", false, ["aaaa", "aa"]),
        ("(wee|week)(knights|night)", "weeknights", false, ["weeknights", "wee", "knights"]),
        ("(.+)@(.+)\\.com", "john@example.com", false, ["john@example.com", "john", "example"]),
        ("^(.*)\\+(.*)@", "me+tag@x", false, ["me+tag@", "me", "tag"]),
        ("ABC", "xabcx", true, ["abc"]),
        ("[a-c]+", "xABCx", true, ["ABC"]),
        ("[^a]", "A", true, nil),
        ("[[:lower:]]+", "ABc", true, ["ABc"]),
        ("stephan(\\+.*)?@friep", "Stephan+sieve@friep", true, ["Stephan+sieve@friep", "+sieve"]),
    ] as [(String, String, Bool, [String?]?)])
    func matchesLikeGlibc(_ pattern: String, _ value: String, _ caseInsensitive: Bool, _ expected: [String?]?) throws {
        #expect(try Self.texts(pattern, value, caseInsensitive: caseInsensitive) == expected)
    }

    @Test(arguments: [
        // Groups that glibc reports the same way (the last iteration, earlier groups kept).
        ("((a)|b)+", "ab", ["ab", "b", "a"]),
        ("(a*)(b|abc)", "abc", ["abc", "", "abc"]),
        ("(a|b)*(b)", "abab", ["abab", "a", "b"]),
        ("(a)*", "ba", ["", nil]),
        ("(.?)(.?)*", "abcd", ["abcd", "a", "d"]),
    ] as [(String, String, [String?])])
    func groupsLikeGlibc(_ pattern: String, _ value: String, _ expected: [String?]) throws {
        #expect(try Self.texts(pattern, value) == expected)
    }

    @Test(arguments: [
        "a**", "a+?", "a{1}{2}", ")", "a)", "()", "a|", "|a", "a{,2}", "[]a]", "[^]a]", "[a-]", "[[.a.]]", "[[=a=]]",
        "\\{", "\\]", "\\}", "\\@", "a^b", "[[:alnum:][:blank:][:cntrl:][:graph:][:print:][:punct:]]", "\\.\\*\\+\\?\\|\\^\\$",
    ])
    func acceptedLikeGlibc(_ pattern: String) {
        #expect(throws: Never.self) { try RegexPattern(pattern) }
    }

    @Test(arguments: [
        ("*a", "'*' has nothing to repeat", 0),
        ("(*a)", "'*' has nothing to repeat", 1),
        ("a|+b", "'+' has nothing to repeat", 2),
        ("{1}", "'{' has nothing to repeat", 0),
        ("^*", "'*' cannot repeat the anchor '^'", 1),
        ("(ab", "missing ')' to close the group opened at character 1", 3),
        ("a{", "missing '}' to close the interval opened", 1),
        ("a{1", "missing '}' to close the interval opened", 1),
        ("a{x}", "invalid interval: expected a number, found 'x'", 2),
        ("a{2,1}", "invalid interval {2,1}: the minimum is greater than the maximum", 1),
        ("[a", "missing ']' to close the bracket expression opened at character 1", 2),
        ("[]", "missing ']' to close the bracket expression opened at character 1", 2),
        ("x[z-a]", "invalid range: its end comes before its start", 2),
        ("[[:foo:]]", "unknown character class '[:foo:]'", 1),
        ("[[:alpha:]", "missing ']' to close the bracket expression", 10),
        ("[[.ab.]]", "invalid collating element", 1),
        ("ab\\", "trailing backslash", 2),
        ("(a)\\1", "back-references such as '\\1' are not supported", 3),
        ("\\d+", "'\\d' is not a POSIX extended regular expression escape", 0),
        ("a{1001}", "repetition count 1001 exceeds the limit of 1000", 2),
        ("(a{1000}){1000}", "more than 10000 instructions", 0),
    ])
    func rejected(_ pattern: String, _ message: String, _ offset: Int) {
        #expect {
            try RegexPattern(pattern)
        } throws: { error in
            guard let error = error as? RegexSyntaxError else { return false }
            return error.message.contains(message) && error.offset == offset
        }
    }

    @Test func limitsAreSettable() throws {
        let tight = RegexLimits(maxInstructions: 50, maxRepetition: 10)
        #expect(throws: RegexSyntaxError.self) { try RegexPattern("a{11}", limits: tight) }
        #expect(throws: RegexSyntaxError.self) { try RegexPattern("(abcdefgh){10}", limits: tight) }
        #expect(try RegexPattern("a{10}", limits: tight).instructionCount == 13)
    }

    @Test func groupsPastTheCaptureLimitStillGroupButReportNothing() throws {
        let regex = try RegexPattern("(a)(b)(c)", limits: RegexLimits(maxCapturedGroups: 2))
        let found = try #require(regex.firstMatch(in: "xabc"))
        #expect(regex.groupCount == 3)
        #expect(found.ranges == [1..<4, 1..<2, 2..<3])
    }

    @Test func aDotIsOneCharacterNotOneOctet() throws {
        #expect(try Self.texts("^(.)(.)$", "é€") == ["é€", "é", "€"])
        #expect(try Self.texts("[^a]", "é") == ["é"])
        #expect(try Self.texts("[[:alpha:]]+", "1Ünïcode2") == ["Ünïcode"])
        #expect(try Self.texts("[à-ç]+", "xäbç") == ["ä"])
        #expect(try Self.texts("^.{3}$", "a😀b") == ["a😀b"])
    }

    @Test func asciiCaseFoldingLeavesOtherLettersAlone() throws {
        #expect(try Self.texts("É", "é", caseInsensitive: true) == nil)
        #expect(try Self.texts("[[:upper:]]+", "abc", caseInsensitive: true) == ["abc"])
        #expect(try Self.texts("[^[:lower:]]+", "aBc1", caseInsensitive: true) == ["1"])
        #expect(try Self.texts("ABC", "abc") == nil)
    }

    @Test func withoutCapturesOnlyTheWholeMatchIsTracked() throws {
        let regex = try RegexPattern("(a+)(b)")
        let found = UTF8Bytes.with("xaab") { regex.run($0, captures: false).match }
        #expect(found?.ranges == [1..<4])
    }

    /// The work (thread visits) of the machine grows linearly with the value, for the
    /// patterns that make backtracking engines exponential; no clock involved.
    @Test(arguments: ["(a|aa)*c", "(a*)*b", "(x+x+)+y", "^(.*)*@"])
    func workIsLinearInTheValue(_ pattern: String) throws {
        let regex = try RegexPattern(pattern)
        func work(_ n: Int) -> Int {
            UTF8Bytes.with(String(repeating: "a", count: n)) { regex.run($0, captures: true).work }
        }
        let small = work(4_096), large = work(16_384)
        #expect(large <= 4 * small + 64, "work \(small) for 4 KiB, \(large) for 16 KiB")
        #expect(large <= (regex.instructionCount + 1) * (16_384 + 1))
    }
}

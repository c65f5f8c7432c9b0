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
}

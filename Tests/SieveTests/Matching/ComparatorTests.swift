import Testing
@testable import Sieve

@Suite("RFC 5228 §2.7.3 comparator names")
struct ComparatorNameTests {
    @Test(arguments: [
        ("i;octet", Comparator.octet), ("I;OCTET", .octet),
        ("i;ascii-casemap", .asciiCasemap), ("i;ASCII-Casemap", .asciiCasemap),
        ("i;ascii-numeric", .asciiNumeric),
    ])
    func lookupIgnoresCase(name: String, expected: Comparator) {
        #expect(Comparator(name: name) == expected)
    }

    @Test(arguments: ["i;unknown", "", "octet", "i;octet "])
    func unknownNamesAreRejected(name: String) {
        #expect(Comparator(name: name) == nil)
    }

    @Test func onlyNumericLacksSubstringMatching() {
        #expect(Comparator.octet.supportsSubstringMatch)
        #expect(Comparator.asciiCasemap.supportsSubstringMatch)
        #expect(!Comparator.asciiNumeric.supportsSubstringMatch)
    }
}

@Suite("RFC 4790 §9.3 i;octet")
struct OctetComparatorTests {
    @Test(arguments: [
        ("abc", "abc", true), ("abc", "ABC", false), ("", "", true), ("a", "", false),
        // Canonically equivalent but different octets: not equal under i;octet.
        ("\u{E9}", "e\u{301}", false),
        ("日本", "日本", true),
    ])
    func equality(a: String, b: String, equal: Bool) {
        #expect(Comparator.octet.isEqual(a, b) == equal)
    }

    @Test(arguments: [
        ("hello world", "lo w", true), ("hello", "", true), ("", "", true), ("", "a", false),
        ("hello", "HELLO", false), ("aaab", "aab", true), ("ab", "abc", false),
        ("Grüße", "üß", true),
    ])
    func substring(haystack: String, needle: String, found: Bool) {
        #expect(Comparator.octet.contains(haystack, needle) == found)
    }

    @Test(arguments: [
        ("a", "b", Ordering.less), ("b", "a", .greater), ("abc", "abc", .equal),
        ("ab", "abc", .less), ("", "a", .less), ("B", "a", .less),
        // UTF-8 octet order: U+00E9 (C3 A9) sorts after "z" (7A).
        ("\u{E9}", "z", .greater),
    ])
    func ordering(a: String, b: String, expected: Ordering) {
        #expect(Comparator.octet.order(a, b) == expected)
    }
}

@Suite("RFC 4790 §9.2 i;ascii-casemap")
struct AsciiCasemapComparatorTests {
    @Test(arguments: [
        ("Hello", "hELLO", true), ("abc", "abd", false), ("", "", true),
        // Only ASCII letters fold; non-ASCII compares as octets.
        ("\u{C9}", "\u{E9}", false), ("Straße", "STRAßE", true), ("Straße", "STRASSE", false),
    ])
    func equality(a: String, b: String, equal: Bool) {
        #expect(Comparator.asciiCasemap.isEqual(a, b) == equal)
    }

    @Test(arguments: [
        ("Hello World", "o w", true), ("Hello", "LL", true), ("ÄBC", "äbc", false), ("x", "xy", false),
    ])
    func substring(haystack: String, needle: String, found: Bool) {
        #expect(Comparator.asciiCasemap.contains(haystack, needle) == found)
    }

    @Test(arguments: [
        ("a", "B", Ordering.less), ("ABC", "abc", .equal), ("abd", "ABC", .greater),
        // Letters map to upper case before comparing: "_" (5F) sorts after "A" (41) but before "a" (61) raw.
        ("_", "a", .greater),
    ])
    func ordering(a: String, b: String, expected: Ordering) {
        #expect(Comparator.asciiCasemap.order(a, b) == expected)
    }
}

@Suite("RFC 4790 §9.1 i;ascii-numeric")
struct AsciiNumericComparatorTests {
    static let huge1 = String(repeating: "9", count: 200)
    static let huge2 = "1" + String(repeating: "0", count: 200)

    @Test(arguments: [
        ("10", "9", Ordering.greater), ("9", "10", .less), ("007", "7", .equal), ("0", "000", .equal),
        ("12abc", "12", .equal), ("12abc", "13", .less), ("3 apples", "20 pears", .less),
        ("abc", "xyz", .equal), ("", "abc", .equal), ("abc", "99999999999999999999", .greater),
        ("5", "x5", .less), ("-1", "1", .greater),
        (huge1, huge2, .less), (huge2, huge1, .greater), ("000" + huge1, huge1, .equal),
        ("18446744073709551616", "18446744073709551615", .greater),
    ])
    func ordering(a: String, b: String, expected: Ordering) {
        #expect(Comparator.asciiNumeric.order(a, b) == expected)
    }

    @Test(arguments: [
        ("42", "042", true), ("42", "43", false), ("none", "other", true), ("1", "one", false),
    ])
    func equality(a: String, b: String, equal: Bool) {
        #expect(Comparator.asciiNumeric.isEqual(a, b) == equal)
    }

    @Test func hasNoSubstringOperation() {
        #expect(!Comparator.asciiNumeric.contains("123", "2"))
        #expect(Matcher.glob("123", pattern: "*", comparator: .asciiNumeric) == nil)
    }
}

@Suite("RFC 5231 §4 relational operators")
struct RelationalOperatorTests {
    @Test(arguments: [
        (RelationalOperator.gt, [false, false, true]), (.ge, [false, true, true]),
        (.lt, [true, false, false]), (.le, [true, true, false]),
        (.eq, [false, true, false]), (.ne, [true, false, true]),
    ])
    func truthTable(op: RelationalOperator, expected: [Bool]) {
        #expect([Ordering.less, .equal, .greater].map(op.holds) == expected)
    }

    @Test func namesIgnoreCase() {
        #expect(RelationalOperator(name: "GE") == .ge)
        #expect(RelationalOperator(name: "ne") == .ne)
        #expect(RelationalOperator(name: "gte") == nil)
    }
}

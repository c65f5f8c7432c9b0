import Testing
@testable import Sieve

@Suite("RFC 5228 §2.7.1 :matches wildcards")
struct GlobTests {
    @Test(arguments: [
        // (value, pattern, matches)
        ("", "", true), ("", "*", true), ("", "?", false), ("a", "", false),
        ("abc", "abc", true), ("abc", "ab", false), ("abc", "a*", true), ("abc", "*c", true),
        ("abc", "*b*", true), ("abc", "*d*", false), ("abc", "???", true), ("abc", "??", false),
        ("abc", "????", false), ("abc", "a?c", true), ("abc", "**", true), ("abc", "*?*", true),
        ("", "**", true), ("", "*?*", false), ("ab", "?*?", true), ("a", "?*?", false),
        // Escapes: literal star, question mark and backslash.
        ("a*c", "a\\*c", true), ("abc", "a\\*c", false), ("a?c", "a\\?c", true), ("abc", "a\\?c", false),
        ("a\\c", "a\\\\c", true), ("a\\c", "a?c", true), ("ab\\", "ab\\", true),
        ("x*", "*\\*", true), ("x", "*\\*", false),
        // Multi-byte UTF-8: `?` is one Unicode character, not one octet.
        ("日本", "??", true), ("日本", "?", false), ("é", "?", true), ("naïve", "na?ve", true),
        ("😀!", "?!", true),
        // Case: octet is exact.
        ("ABC", "abc", false), ("ABC", "a*", false),
    ])
    func octetMatching(value: String, pattern: String, matches: Bool) {
        #expect((Matcher.glob(value, pattern: pattern, comparator: .octet) != nil) == matches)
    }

    @Test(arguments: [
        ("ABC", "abc", true), ("Coyote@ACME.Example.COM", "*@*.com", true),
        ("ABC", "a?C", true), ("ABC", "*b*", true), ("ÉCOLE", "é*", false), ("xYz", "X\\Y?", true),
    ])
    func casemapAppliesToWildcardMatching(value: String, pattern: String, matches: Bool) {
        #expect((Matcher.glob(value, pattern: pattern, comparator: .asciiCasemap) != nil) == matches)
    }

    @Test func pathologicalPatternTerminates() {
        let value = String(repeating: "a", count: 10_000)
        let pattern = String(repeating: "*a", count: 30) + "*b"
        #expect(Matcher.glob(value, pattern: pattern, comparator: .octet) == nil)
        #expect(Matcher.glob(value + "b", pattern: pattern, comparator: .octet) != nil)
        let stars = String(repeating: "*", count: 30) + "?b"
        #expect(Matcher.glob(value, pattern: stars, comparator: .asciiCasemap) == nil)
    }
}

@Suite("RFC 5229 §3.2 match variables")
struct GlobCaptureTests {
    @Test(arguments: [
        // (value, pattern, [${0}, ${1}, ...])
        ("[acme-users] [fwd] version 1.0 is out", "[*] *",
         ["[acme-users] [fwd] version 1.0 is out", "acme-users", "[fwd] version 1.0 is out"]),
        ("coyote@ACME.Example.COM", "coyote@**.com",
         ["coyote@ACME.Example.COM", "", "ACME.Example"]),
        ("List <list@example.org>", "*<*@*", ["List <list@example.org>", "List ", "list", "example.org>"]),
        ("abc", "*", ["abc", "abc"]),
        ("abc", "?*", ["abc", "a", "bc"]),
        ("abc", "*?", ["abc", "ab", "c"]),
        ("abc", "*?*", ["abc", "", "a", "bc"]),
        ("a.b.c", "*.*", ["a.b.c", "a", "b.c"]),
        ("a*b", "*\\**", ["a*b", "a", "b"]),
        ("x?y", "?\\??", ["x?y", "x", "y"]),
        ("日本語", "?*", ["日本語", "日", "本語"]),
        ("", "*", ["", ""]),
        ("aXbXc", "*x*", ["aXbXc", "a", "bXc"]),
    ])
    func capturesLeftmostShortest(value: String, pattern: String, expected: [String]) {
        // i;ascii-casemap (the default comparator) so that "COM" matches "com".
        #expect(Matcher.glob(value, pattern: pattern, comparator: .asciiCasemap) == expected)
    }

    @Test func capturesComeFromTheValueNotThePattern() {
        #expect(Matcher.glob("HELLO", pattern: "h*o", comparator: .asciiCasemap) == ["HELLO", "ELL"])
    }
}

@Suite("RFC 5228 §2.7.1 match types over lists")
struct MatcherListTests {
    @Test(arguments: [
        (["a", "b"], ["x", "b"], MatchType.is, true), (["a", "b"], ["x", "y"], .is, false),
        ([], ["x"], .is, false), (["a"], [], .is, false), ([""], [""], .is, true),
        (["hello"], ["ell"], .contains, true), (["hello"], ["xyz", "lo"], .contains, true),
        (["hello"], ["*ll*"], .matches, true), (["hello"], ["h?"], .matches, false),
        (["Hello"], ["hello"], .is, false),
    ])
    func anyValueAnyKey(values: [String], keys: [String], type: MatchType, expected: Bool) {
        #expect(Matcher.match(values: values, keys: keys, type: type, comparator: .octet).matched == expected)
    }

    @Test func capturesComeFromFirstMatchingPairValuesOuterKeysInner() {
        let outcome = Matcher.match(values: ["first@a.com", "second@b.org"],
                                    keys: ["*@b.*", "*@*"], type: .matches, comparator: .octet)
        #expect(outcome.matched)
        // The first value is tried against every key before the second value is looked at.
        #expect(outcome.captures == ["first@a.com", "first", "a.com"])
    }

    @Test func onlyMatchesSetsCaptures() {
        #expect(Matcher.match(values: ["a"], keys: ["a"], type: .is, comparator: .octet).captures == nil)
        #expect(Matcher.match(values: ["a"], keys: ["a"], type: .contains, comparator: .octet).captures == nil)
        #expect(Matcher.match(values: ["a"], keys: ["b*"], type: .matches, comparator: .octet).captures == nil)
    }

    @Test func substringTypesNeverMatchUnderNumeric() {
        #expect(!Matcher.match(values: ["12"], keys: ["1"], type: .contains, comparator: .asciiNumeric).matched)
        #expect(!Matcher.match(values: ["12"], keys: ["*"], type: .matches, comparator: .asciiNumeric).matched)
        #expect(Matcher.match(values: ["012"], keys: ["12"], type: .is, comparator: .asciiNumeric).matched)
    }
}

@Suite("RFC 5231 relational :value and :count")
struct RelationalMatchTests {
    @Test(arguments: [
        // (values, keys, type, comparator, expected)
        (["10"], ["9"], MatchType.value(.gt), Comparator.asciiNumeric, true),
        (["10"], ["9"], .value(.gt), .octet, false),  // "1" < "9" as octets
        (["b"], ["a"], .value(.gt), .octet, true),
        (["B"], ["a"], .value(.gt), .asciiCasemap, true),
        (["5"], ["5"], .value(.ge), .asciiNumeric, true),
        (["5"], ["5"], .value(.lt), .asciiNumeric, false),
        (["1", "9"], ["5"], .value(.lt), .asciiNumeric, true),
        (["x"], ["5"], .value(.gt), .asciiNumeric, true),  // no digits: positive infinity
        (["x"], ["y"], .value(.eq), .asciiNumeric, true),
        // ne is true as soon as one pair differs.
        (["a"], ["a", "b"], .value(.ne), .octet, true),
        (["a"], ["a"], .value(.ne), .octet, false),
        (["a", "a"], ["a"], .value(.ne), .octet, false),
        ([], ["0"], .value(.eq), .asciiNumeric, false),
        // :count compares the number of values.
        (["a", "b", "c"], ["2"], .count(.gt), .asciiNumeric, true),
        (["a", "b", "c"], ["3"], .count(.eq), .asciiNumeric, true),
        (["a", "b", "c"], ["3"], .count(.ne), .asciiNumeric, false),
        ([], ["0"], .count(.eq), .asciiNumeric, true),
        ([], ["1"], .count(.lt), .asciiNumeric, true),
        (["a"], ["5", "0"], .count(.le), .asciiNumeric, true),
        (["a", "b"], ["10"], .count(.lt), .octet, false),  // "2" > "10" as octets
        (Array(repeating: "v", count: 12), ["9"], .count(.gt), .asciiNumeric, true),
    ])
    func table(values: [String], keys: [String], type: MatchType, comparator: Comparator, expected: Bool) {
        #expect(Matcher.match(values: values, keys: keys, type: type, comparator: comparator).matched == expected)
    }

    // Modelled on RFC 5231 §6: three Received fields; To and Cc holding three addresses
    // between them; an X-Priority compared numerically.
    @Test func rfc5231StyleExamples() {
        let received = ["by one", "by two", "by three"]
        #expect(Matcher.match(values: received, keys: ["3"], type: .count(.ge), comparator: .asciiNumeric).matched)
        #expect(!Matcher.match(values: received, keys: ["3"], type: .count(.gt), comparator: .asciiNumeric).matched)
        let addresses = ["a@example.com", "b@example.com", "c@example.com"]
        #expect(Matcher.match(values: addresses, keys: ["2"], type: .count(.ge), comparator: .asciiNumeric).matched)
        #expect(Matcher.match(values: ["1"], keys: ["3"], type: .value(.lt), comparator: .asciiNumeric).matched)
        #expect(!Matcher.match(values: ["5"], keys: ["3"], type: .value(.lt), comparator: .asciiNumeric).matched)
        #expect(Matcher.match(values: ["Ab"], keys: ["ab"], type: .value(.eq), comparator: .asciiCasemap).matched)
    }
}

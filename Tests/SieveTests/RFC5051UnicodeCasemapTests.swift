import Testing
@testable import Sieve

@Suite("RFC 5051 i;unicode-casemap")
struct RFC5051UnicodeCasemapTests {
    @Test("§2: titlecase each character, then NFKD", arguments: [
        ("hello", "HELLO"),                       // ASCII: upper case, nothing else
        ("TÈST", "TE\u{300}ST"),                  // precomposed split by NFKD
        ("tèst", "TE\u{300}ST"),
        ("ǳ", "Dz"),                              // titlecase ǲ (not upper case Ǳ), then NFKD
        ("Ǳ", "Dz"),
        ("ﬁ", "fi"),                              // no simple titlecase; NFKD splits the ligature
        ("Ⅻ", "XII"),                             // compatibility decomposition
        ("Ａ", "A"),                              // full-width letter
        ("ß", "ß"),                               // only a multi-character titlecase (Ss): kept
        ("ı", "I"),                               // dotless i
        ("İ", "I\u{307}"),                        // dotted capital I decomposes
        ("ς", "Σ"), ("σ", "Σ"),                   // both Greek sigmas
        ("привет", "ПРИВЕТ"),
        ("日本", "日本"),
    ])
    func mapping(input: String, mapped: String) {
        #expect(Array(UnicodeCasemap.fold(input).utf8) == Array(mapped.utf8))
    }

    @Test("one scalar's mapping, for engines that step through a value", arguments: [
        ("a", "A"), ("\u{E9}", "E\u{301}"), ("ǆ", "Dz\u{30C}"), ("ﬀ", "ff"), ("7", "7"),
    ])
    func scalar(input: String, mapped: String) throws {
        let scalar = try #require(input.unicodeScalars.first)
        #expect(UnicodeCasemap.fold(scalar) == Array(mapped.unicodeScalars))
    }

    @Test("§3: equality, substring and order compare the mappings", arguments: [
        ("Hello World", "hELLO wORLD", true),
        ("\u{E9}t\u{E9}", "E\u{301}TE\u{301}", true),    // precomposed against decomposed
        ("ΣΊΣΥΦΟΣ", "σίσυφος", true),
        ("Straße", "STRASSE", false),
        ("fine", "ﬁne", false),                        // ﬁ becomes lower-case "fi": F ≠ f
        ("FINE", "ﬁne", false),
        ("ﬁne", "ﬁNE", true),
        ("Ⅻ", "xii", true),
    ])
    func equality(a: String, b: String, equal: Bool) {
        #expect(Comparator.unicodeCasemap.isEqual(a, b) == equal)
        #expect((Comparator.unicodeCasemap.order(a, b) == .equal) == equal)
        #expect(Comparator.unicodeCasemap.contains("[" + a + "]", b) == equal || !equal)
    }

    @Test("through the match engine: :is, :contains, :value, :count and :matches with captures", arguments: [
        (["Crème Brûlée"], ["CRÈME BRÛLÉE"], MatchType.is, true, nil as [String]?),
        (["Crème Brûlée"], ["cre\u{300}me"], .contains, true, nil),
        (["Crème Brûlée"], ["creme"], .contains, false, nil),
        (["Ça va?"], ["ç*"], .matches, true, ["Ça va?", "a va?"]),
        (["Ça va?"], ["?A *"], .matches, true, ["Ça va?", "Ç", "va?"]),
        // `?` is one scalar of the value, as with the other comparators: "e" + U+0301 is two.
        (["e\u{301}t\u{E9}"], ["??T?"], .matches, true, ["e\u{301}t\u{E9}", "e", "\u{301}", "\u{E9}"]),
        (["\u{E9}"], ["e*"], .matches, false, nil),     // a wildcard cannot split a character
        (["\u{E9}"], ["e\u{301}"], .matches, true, ["\u{E9}"]),
        (["élan"], ["ÉLAN"], .value(.eq), true, nil),
        (["élan"], ["ZEBRA"], .value(.lt), true, nil),  // É maps to E + mark: before Z
        (["élan"], ["ELAN"], .value(.gt), true, nil),   // ... and after plain ELAN
        (["a", "b"], ["2"], .count(.eq), true, nil),
    ])
    func engine(values: [String], keys: [String], type: MatchType, matched: Bool, captures: [String]?) {
        let outcome = Matcher.match(values: values, keys: keys, type: type, comparator: .unicodeCasemap)
        #expect(outcome.matched == matched)
        #expect(outcome.captures == captures)
    }

    @Test("in a script: it must be required, then works with every match type")
    func script() throws {
        let missing = diagnostics(#"if header :is :comparator "i;unicode-casemap" "subject" "x" { keep; }"#)
        #expect(missing.first?.contains(#"comparator "i;unicode-casemap" requires the "comparator-i;unicode-casemap" extension"#) == true,
                "\(missing)")
        let message = makeMessage(["Subject: Réunion DE FIN D’ANNÉE"])
        let require = ["comparator-i;unicode-casemap", "variables", "relational"]
        #expect(try holds(#"header :contains :comparator "i;unicode-casemap" "subject" "année""#, require: require, message: message))
        #expect(try !holds(#"header :contains "subject" "année""#, require: require, message: message))
        #expect(try holds(#"header :matches :comparator "i;unicode-casemap" "subject" "réunion * fin*""#,
                          require: require, message: message))
        #expect(try holds(#"header :value "gt" :comparator "i;unicode-casemap" "subject" "reunion""#, require: require, message: message))
    }
}

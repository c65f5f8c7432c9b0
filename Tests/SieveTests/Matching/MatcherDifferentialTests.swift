import Testing
@testable import Sieve

/// The octet-level matcher (strings read in place, keys prepared once) must give exactly
/// what the straightforward scalar-array matcher gave, for every comparator and match
/// type: compared on generated strings that mix ASCII letters of both cases, the octets
/// next to `a`–`z` and `A`–`Z`, digits, wildcards and escapes, and multi-byte scalars
/// (two, three and four octets, combining marks). Fixed seeds, so a failure reproduces.
@Suite("RFC 5228 §2.7.1, RFC 4790 §9: fast matcher against the reference matcher")
struct MatcherDifferentialTests {
    /// Deterministic 64-bit LCG.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let alphabet: [String] = [
        "a", "A", "b", "B", "z", "Z", "m",
        "@", "[", "`", "{", "_", ".", " ",       // just outside the ASCII letter ranges
        "0", "0", "1", "7", "9",                 // digits for i;ascii-numeric
        "*", "?", "\\",                          // wildcards and escape
        "é", "É", "e\u{301}", "ß", "ı", "日", "😀", "\u{7F}", "\u{80}",
    ]

    static func randomString(_ rng: inout Generator, maxLength: Int) -> String {
        (0..<rng.next(maxLength + 1)).map { _ in alphabet[rng.next(alphabet.count)] }.joined()
    }

    static let comparators = Comparator.allCases
    static let types: [MatchType] = [.is, .contains, .matches]
        + RelationalOperator.allCases.map { .value($0) }
        + RelationalOperator.allCases.map { .count($0) }

    @Test(arguments: comparators)
    func matchAgreesWithReference(comparator: Comparator) {
        var rng = Generator(state: 0xC0FFEE &+ UInt64(comparator.rawValue.utf8.count))
        for _ in 0..<4000 {
            let values = (0..<rng.next(4)).map { _ in Self.randomString(&rng, maxLength: 8) }
            let keys = (0..<rng.next(4)).map { _ in Self.randomString(&rng, maxLength: 5) }
            let type = Self.types[rng.next(Self.types.count)]
            let expected = ReferenceMatcher.match(values: values, keys: keys, type: type, comparator: comparator)
            let actual = Matcher.match(values: values, keys: keys, type: type, comparator: comparator)
            #expect(actual == expected, "values \(values) keys \(keys) \(type) \(comparator.rawValue)")
        }
    }

    @Test(arguments: comparators)
    func comparatorOperationsAgreeWithReference(comparator: Comparator) {
        var rng = Generator(state: 0xBEEF &+ UInt64(comparator.rawValue.utf8.count))
        for _ in 0..<4000 {
            let a = Self.randomString(&rng, maxLength: 6)
            // Half the time a variant of `a` that differs only in case, so equality is exercised.
            let b = rng.next(2) == 0 ? Self.randomString(&rng, maxLength: 6) : Self.swappingCase(a)
            #expect(comparator.isEqual(a, b) == ReferenceMatcher.isEqual(a, b, comparator), "\(a) \(b)")
            #expect(comparator.contains(a, b) == ReferenceMatcher.contains(a, b, comparator), "\(a) \(b)")
            #expect(comparator.order(a, b) == ReferenceMatcher.order(a, b, comparator), "\(a) \(b)")
        }
    }

    @Test(arguments: [Comparator.octet, .asciiCasemap, .unicodeCasemap])
    func globCapturesAgreeWithReference(comparator: Comparator) {
        var rng = Generator(state: 0x61_0B + UInt64(comparator.rawValue.utf8.count))
        for _ in 0..<6000 {
            let value = Self.randomString(&rng, maxLength: 10)
            // Patterns built from pieces of the value match more often than random ones.
            let pattern = rng.next(2) == 0 ? Self.randomString(&rng, maxLength: 6) : Self.patternLike(value, &rng)
            let expected = ReferenceMatcher.glob(value, pattern: pattern, comparator: comparator)
            let actual = Matcher.glob(value, pattern: pattern, comparator: comparator)
            #expect(actual == expected, "value \(value) pattern \(pattern)")
            // Captures must be the same octets, not merely canonically equivalent strings.
            #expect(actual.map { $0.map { Array($0.utf8) } } == expected.map { $0.map { Array($0.utf8) } })
        }
    }

    /// `value` with some scalars replaced by `*` or `?` and ASCII letters' case flipped.
    static func patternLike(_ value: String, _ rng: inout Generator) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch rng.next(6) {
            case 0: out += "*"
            case 1: out += "?"
            case 2: out += swappingCase(String(scalar))
            case 3: out += "*" + String(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func swappingCase(_ s: String) -> String {
        String(decoding: s.utf8.map { byte in
            switch byte {
            case 0x41...0x5A: byte + 0x20
            case 0x61...0x7A: byte - 0x20
            default: byte
            }
        }, as: UTF8.self)
    }

    @Test("Prepared keys give the same outcome as keys prepared per call")
    func preparedKeysMatchUnprepared() {
        var rng = Generator(state: 0xFACADE)
        for _ in 0..<1000 {
            let comparator = Self.comparators[rng.next(Self.comparators.count)]
            let type = Self.types[rng.next(Self.types.count)]
            let keys = (0..<rng.next(4)).map { _ in Self.randomString(&rng, maxLength: 5) }
            let prepared = PreparedKeys(keys, type: type, comparator: comparator)
            for _ in 0..<3 {
                let values = (0..<rng.next(4)).map { _ in Self.randomString(&rng, maxLength: 8) }
                #expect(Matcher.match(values: values, keys: prepared)
                        == ReferenceMatcher.match(values: values, keys: keys, type: type, comparator: comparator))
            }
        }
    }

    @Test("Long values (heap-allocated strings) match like short ones")
    func longValues() {
        let long = String(repeating: "Xy-é日", count: 40) + "Needle😀" + String(repeating: "z", count: 100)
        for comparator in [Comparator.octet, .asciiCasemap] {
            for key in ["needle😀", "Needle😀", "*needle?*", "*Needle?z*", "xy-é日*", "XY-É日*", "*zzz", "?*"] {
                for type in [MatchType.is, .contains, .matches, .value(.gt), .value(.lt)] {
                    #expect(Matcher.match(values: [long], keys: [key], type: type, comparator: comparator)
                            == ReferenceMatcher.match(values: [long], keys: [key], type: type, comparator: comparator),
                            "\(key) \(type) \(comparator.rawValue)")
                }
            }
        }
    }
}

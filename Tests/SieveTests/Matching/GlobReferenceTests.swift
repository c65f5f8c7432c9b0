import Testing
@testable import Sieve

/// Checks the linear-time glob against an obviously correct exponential reference on
/// thousands of small generated cases (fixed seed, so a failure reproduces).
@Suite("RFC 5229 §3.2 glob against a reference matcher")
struct GlobReferenceTests {
    /// Tries every split, each `*` shortest first, leftmost first: the rule `Matcher.glob` documents.
    static func reference(_ text: [Character], _ pattern: [Character]) -> [String]? {
        func go(_ t: Int, _ p: Int, _ caps: [String]) -> [String]? {
            if p == pattern.count { return t == text.count ? caps : nil }
            switch pattern[p] {
            case "*":
                for end in t...text.count {
                    if let r = go(end, p + 1, caps + [String(text[t..<end])]) { return r }
                }
                return nil
            case "?":
                guard t < text.count else { return nil }
                return go(t + 1, p + 1, caps + [String(text[t])])
            default:
                guard t < text.count, text[t] == pattern[p] else { return nil }
                return go(t + 1, p + 1, caps)
            }
        }
        return go(0, 0, []).map { [String(text)] + $0 }
    }

    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test func agreesWithReference() {
        var rng = Generator(state: 0x5EED)
        for _ in 0..<3000 {
            let text = (0..<rng.next(9)).map { _ in Array("ab")[rng.next(2)] }
            let pattern = (0..<rng.next(7)).map { _ in Array("ab*?")[rng.next(4)] }
            let expected = Self.reference(text, pattern)
            let actual = Matcher.glob(String(text), pattern: String(pattern), comparator: .octet)
            #expect(actual == expected, "text \(String(text)) pattern \(String(pattern))")
        }
    }
}

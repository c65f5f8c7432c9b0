/// How a test compares the values it extracts with the keys in the script.
///
/// - SeeAlso: RFC 5228 §2.7.1 (`:is`, `:contains`, `:matches`), RFC 5231 (`:value`, `:count`)
public enum MatchType: Sendable, Hashable {
    case `is`
    case contains
    case matches
    /// Relational comparison of each value against each key: `value OP key`.
    case value(RelationalOperator)
    /// Relational comparison of the number of values against each key: `count OP key`.
    case count(RelationalOperator)
}

/// The outcome of a match: whether it succeeded and, for `:matches`, the match variables.
public struct MatchOutcome: Sendable, Hashable {
    /// Whether any value matched any key.
    public var matched: Bool
    /// For a successful `:matches` only: `${0}` (the whole matched value) followed by the
    /// text each wildcard matched, in pattern order. Nil otherwise.
    ///
    /// - SeeAlso: RFC 5229 §3.2 (only `:matches` sets match variables)
    public var captures: [String]?

    public init(matched: Bool, captures: [String]? = nil) {
        self.matched = matched
        self.captures = captures
    }
}

/// The match engine shared by every test that compares values against keys.
public enum Matcher {
    /// Matches a list of values against a list of keys.
    ///
    /// True if any value matches any key (for `:count`, if the number of values compared
    /// with any key holds). Values are tried in order, and for each value the keys in
    /// order; the first successful pair ends the search, and for `:matches` its captures
    /// become the outcome's match variables. `:value ne` is true when some pair is not
    /// equal, like every relational operator under "any of" semantics.
    ///
    /// With a comparator that has no substring operation (`i;ascii-numeric`), `:contains`
    /// and `:matches` never match; the validator rejects such scripts up front.
    ///
    /// - SeeAlso: RFC 5228 §2.7.1, RFC 5229 §3.2, RFC 5231 §4–§5
    public static func match(values: [String], keys: [String], type: MatchType,
                             comparator: Comparator) -> MatchOutcome {
        switch type {
        case .count(let op):
            let count = String(values.count)
            let hit = keys.contains { op.holds(comparator.order(count, $0)) }
            return MatchOutcome(matched: hit)
        case .matches:
            guard comparator.supportsSubstringMatch else { return MatchOutcome(matched: false) }
            let patterns = keys.map(GlobPattern.init)
            for value in values {
                let scalars = Array(value.unicodeScalars)
                for pattern in patterns {
                    if let captures = pattern.match(scalars, comparator: comparator) {
                        return MatchOutcome(matched: true, captures: captures)
                    }
                }
            }
            return MatchOutcome(matched: false)
        case .is, .contains, .value:
            for value in values {
                for key in keys where matchesOne(value, key, type: type, comparator: comparator) {
                    return MatchOutcome(matched: true)
                }
            }
            return MatchOutcome(matched: false)
        }
    }

    /// Matches `value` against a `:matches` pattern and returns the match variables.
    ///
    /// In the pattern `*` matches any run of characters (possibly empty), `?` exactly one
    /// Unicode scalar, and a backslash makes the next character literal (`\*`, `\?`, `\\`;
    /// a trailing lone backslash stands for itself). Characters compare under the
    /// comparator, so `i;ascii-casemap` matches `*@EXAMPLE.com` against `a@example.COM`.
    ///
    /// The result is nil when the pattern does not match (or the comparator has no
    /// substring operation); otherwise `[${0}, ${1}, ...]`: the whole value, then what each
    /// `*` and `?` matched, left to right, taken from the value (not the pattern).
    ///
    /// When several splits are possible, each `*` matches as little as possible, the
    /// leftmost first: `"[*] *"` against `"[acme-users] [fwd] version 1.0"` gives
    /// `${1} = "acme-users"`, and in `"coyote@**.com"` the first `*` is always empty.
    /// This follows RFC 5229 §3.2's examples and Pigeonhole's behaviour.
    ///
    /// The search keeps only the most recent `*` as a backtracking point (earlier stars
    /// never need to grow again), so the work is bounded by value length × pattern length
    /// whatever the pattern: no exponential blow-up on `*a*a*a*b`.
    ///
    /// - SeeAlso: RFC 5228 §2.7.1, RFC 5229 §3.2
    public static func glob(_ value: String, pattern: String, comparator: Comparator) -> [String]? {
        guard comparator.supportsSubstringMatch else { return nil }
        return GlobPattern(pattern).match(Array(value.unicodeScalars), comparator: comparator)
    }

    static func matchesOne(_ value: String, _ key: String, type: MatchType, comparator: Comparator) -> Bool {
        switch type {
        case .is: return comparator.isEqual(value, key)
        case .contains: return comparator.contains(value, key)
        case .matches: return glob(value, pattern: key, comparator: comparator) != nil
        case .value(let op): return op.holds(comparator.order(value, key))
        case .count: return false  // Not a per-pair test; handled over the whole list in `match`.
        }
    }
}

/// A parsed `:matches` pattern.
struct GlobPattern: Sendable {
    enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case one    // `?`
        case many   // `*`
    }

    let tokens: [Token]
    /// How many `?` and `*` the pattern holds (the number of match variables after `${0}`).
    let wildcardCount: Int

    init(_ pattern: String) {
        var tokens: [Token] = []
        var iterator = pattern.unicodeScalars.makeIterator()
        while let s = iterator.next() {
            switch s {
            case "*": tokens.append(.many)
            case "?": tokens.append(.one)
            case "\\": tokens.append(.literal(iterator.next() ?? "\\"))
            default: tokens.append(.literal(s))
            }
        }
        self.tokens = tokens
        self.wildcardCount = tokens.count { $0 == .many || $0 == .one }
    }

    /// Runs the leftmost-shortest, single-backtrack-point match; see `Matcher.glob`.
    func match(_ text: [Unicode.Scalar], comparator: Comparator) -> [String]? {
        // For each wildcard token: where in `text` its match starts and ends.
        var starts = [Int](repeating: 0, count: tokens.count)
        var ends = [Int](repeating: 0, count: tokens.count)
        var p = 0, t = 0
        var lastStar = -1
        while t < text.count {
            if p < tokens.count {
                switch tokens[p] {
                case .many:
                    lastStar = p
                    starts[p] = t
                    ends[p] = t
                    p += 1
                    continue
                case .one:
                    starts[p] = t
                    ends[p] = t + 1
                    p += 1
                    t += 1
                    continue
                case .literal(let c) where comparator.scalarsEqual(c, text[t]):
                    p += 1
                    t += 1
                    continue
                case .literal:
                    break
                }
            }
            // Mismatch, or pattern used up before the text: let the last `*` take one more.
            guard lastStar >= 0 else { return nil }
            ends[lastStar] += 1
            t = ends[lastStar]
            p = lastStar + 1
        }
        while p < tokens.count, tokens[p] == .many {
            starts[p] = t
            ends[p] = t
            p += 1
        }
        guard p == tokens.count else { return nil }

        var captures: [String] = []
        captures.reserveCapacity(wildcardCount + 1)
        captures.append(Self.string(text[...]))
        for (i, token) in tokens.enumerated() where token == .many || token == .one {
            captures.append(Self.string(text[starts[i]..<ends[i]]))
        }
        return captures
    }

    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars)
        return String(s)
    }
}

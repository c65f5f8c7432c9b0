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
    /// Each key is a POSIX extended regular expression that must match somewhere in the value.
    ///
    /// - SeeAlso: draft-ietf-sieve-regex §3
    case regex
    /// Each key names a list of the site; a value matches when it is on one of them. Only
    /// a run can answer (it asks its context); `Matcher.match` never matches it.
    ///
    /// - SeeAlso: RFC 6134 §2.2
    case list
}

/// The outcome of a match: whether it succeeded and, for `:matches`, the match variables.
public struct MatchOutcome: Sendable, Hashable {
    /// Whether any value matched any key.
    public var matched: Bool
    /// For a successful `:matches`: `${0}` (the whole matched value) followed by the
    /// text each wildcard matched, in pattern order. For a successful `:regex`: `${0}`
    /// the text the expression matched, then each group's text (empty for a group that
    /// took no part). Nil otherwise.
    ///
    /// - SeeAlso: RFC 5229 §3.2 (only `:matches` sets match variables), draft-ietf-sieve-regex
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
        match(values: values, keys: PreparedKeys(keys, type: type, comparator: comparator))
    }

    /// `match(values:keys:type:comparator:)` with keys prepared beforehand (at compile time
    /// when they are constant). Reads each value's UTF-8 in place: no allocation unless a
    /// `:matches` succeeds and builds its match variables.
    static func match(values: [String], keys prepared: PreparedKeys) -> MatchOutcome {
        let comparator = prepared.comparator
        if comparator == .unicodeCasemap, let outcome = matchCasemapped(values: values, keys: prepared) { return outcome }
        switch prepared.type {
        case .count(let op):
            let count = String(values.count)
            let hit = UTF8Bytes.with(count) { count in
                prepared.keyBytes.contains { key in key.withUnsafeBufferPointer { op.holds(comparator.order(count, $0)) } }
            }
            return MatchOutcome(matched: hit)
        case .matches:
            guard comparator.supportsSubstringMatch else { return MatchOutcome(matched: false) }
            for value in values {
                let captures = UTF8Bytes.with(value) { text -> [String]? in
                    for pattern in prepared.patterns {
                        if let captures = pattern.captures(in: text, whole: value, comparator: comparator) { return captures }
                    }
                    return nil
                }
                if let captures { return MatchOutcome(matched: true, captures: captures) }
            }
            return MatchOutcome(matched: false)
        case .regex:
            return matchRegex(values: values, keys: prepared)
        case .list:
            return MatchOutcome(matched: false)  // lists live with the run's context (`Run.compareList`)
        case .is, .contains, .value:
            let type = prepared.type
            for value in values {
                let hit = UTF8Bytes.with(value) { text in
                    prepared.keyBytes.contains { key in
                        key.withUnsafeBufferPointer { key in
                            switch type {
                            case .is: return comparator.isEqual(text, key)
                            case .contains: return comparator.contains(text, key)
                            case .value(let op): return op.holds(comparator.order(text, key))
                            case .matches, .count, .regex, .list: return false  // handled above
                            }
                        }
                    }
                }
                if hit { return MatchOutcome(matched: true) }
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
        if comparator == .unicodeCasemap { return CasemapGlob(pattern).captures(in: CasemapText(value), whole: value) }
        let glob = GlobPattern(pattern)
        return UTF8Bytes.with(value) { glob.captures(in: $0, whole: value, comparator: comparator) }
    }
}

/// Match keys made ready for one match type and comparator: their UTF-8 octets, and for
/// `:matches` their parsed patterns. Built once per constant key list at compile time,
/// or per run for keys that hold variables. A class, so that passing it around costs one
/// reference count, not one per array it holds.
final class PreparedKeys: Sendable {
    let type: MatchType
    let comparator: Comparator
    /// The keys as written (after variable expansion).
    let keys: [String]
    /// Each key's UTF-8 octets, in key order.
    let keyBytes: [[UInt8]]
    /// For `:matches`, each key parsed as a pattern, in key order; empty otherwise.
    let patterns: [GlobPattern]
    /// For `:regex`, each key compiled, in key order (nil for a key that is not a valid
    /// expression: it never matches, and `regexErrors` says why); empty otherwise.
    let regexes: [RegexPattern?]
    /// For `:regex`, the keys that failed to compile and why, in key order.
    let regexErrors: [(key: String, error: RegexSyntaxError)]
    /// For `:matches` under `i;unicode-casemap`, each key parsed with its literals mapped;
    /// empty otherwise.
    let casemapPatterns: [CasemapGlob]

    init(_ keys: [String], type: MatchType, comparator: Comparator) {
        if case .regex = type {
            self.type = type
            self.comparator = comparator
            self.keys = keys
            self.keyBytes = []
            self.patterns = []
            var errors: [(key: String, error: RegexSyntaxError)] = []
            self.regexes = keys.map { key -> RegexPattern? in
                guard let folding = comparator.regexCaseFolding else { return nil }
                do throws(RegexSyntaxError) {
                    return try RegexPattern(key, folding: folding)
                } catch {
                    errors.append((key, error))
                    return nil
                }
            }
            self.regexErrors = errors
            self.casemapPatterns = []
            return
        }
        self.type = type
        self.comparator = comparator
        self.keys = keys
        self.regexes = []
        self.regexErrors = []
        if comparator == .unicodeCasemap {
            // Keys are mapped once here; `Matcher` maps each value.
            if case .matches = type {
                self.keyBytes = []
                self.casemapPatterns = keys.map(CasemapGlob.init)
            } else {
                self.keyBytes = keys.map { Array(UnicodeCasemap.fold($0).utf8) }
                self.casemapPatterns = []
            }
            self.patterns = []
            return
        }
        self.casemapPatterns = []
        if case .matches = type {
            self.keyBytes = []
            self.patterns = keys.map(GlobPattern.init)
        } else {
            self.keyBytes = keys.map { Array($0.utf8) }
            self.patterns = []
        }
    }
}

/// A parsed `:matches` pattern, run over UTF-8 octets.
///
/// Literal characters are kept as their UTF-8 octets, so a run compares octets; every
/// position where a wildcard starts or ends is a scalar boundary, because `?` and the
/// growth of a `*` step over a whole scalar and a literal scalar only matches whole.
/// That makes the result the same as matching scalar by scalar.
struct GlobPattern: Sendable {
    enum Token: Sendable, Equatable {
        /// One octet of a literal character's UTF-8 encoding.
        case literal(UInt8)
        case one    // `?`
        case many   // `*`
    }

    let tokens: [Token]
    /// How many `?` and `*` the pattern holds (the number of match variables after `${0}`).
    let wildcardCount: Int

    init(_ pattern: String) {
        var tokens: [Token] = []
        tokens.reserveCapacity(pattern.utf8.count)
        var iterator = pattern.unicodeScalars.makeIterator()
        while let s = iterator.next() {
            switch s {
            case "*": tokens.append(.many)
            case "?": tokens.append(.one)
            case "\\": tokens.append(contentsOf: Self.literal(iterator.next() ?? "\\"))
            default: tokens.append(contentsOf: Self.literal(s))
            }
        }
        self.tokens = tokens
        self.wildcardCount = tokens.count { $0 == .many || $0 == .one }
    }

    private static func literal(_ scalar: Unicode.Scalar) -> [Token] {
        String(scalar).utf8.map { .literal($0) }
    }

    /// `[${0}, ${1}, ...]` when `text` (the UTF-8 of `whole`) matches, else nil; see `Matcher.glob`.
    func captures(in text: UnsafeBufferPointer<UInt8>, whole: String, comparator: Comparator) -> [String]? {
        // For each token: where in `text` its match starts and ends (used for wildcards).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * tokens.count) { bounds -> [String]? in
            let matched = comparator == .asciiCasemap
                ? run(text, bounds: bounds, ASCIIUppercaseFold.self)
                : run(text, bounds: bounds, OctetFold.self)
            guard matched else { return nil }
            var captures: [String] = []
            captures.reserveCapacity(wildcardCount + 1)
            captures.append(whole)
            for (i, token) in tokens.enumerated() where token == .many || token == .one {
                captures.append(String(decoding: UnsafeBufferPointer(rebasing: text[bounds[2 * i]..<bounds[2 * i + 1]]),
                                       as: UTF8.self))
            }
            return captures
        }
    }

    /// Runs the leftmost-shortest, single-backtrack-point match; fills `bounds` with each
    /// wildcard's start and end (at `2i` and `2i + 1` for token `i`).
    private func run<F: ByteFold>(_ text: UnsafeBufferPointer<UInt8>, bounds: UnsafeMutableBufferPointer<Int>,
                                  _: F.Type) -> Bool {
        var p = 0, t = 0
        var lastStar = -1
        while t < text.count {
            if p < tokens.count {
                switch tokens[p] {
                case .many:
                    lastStar = p
                    bounds[2 * p] = t
                    bounds[2 * p + 1] = t
                    p += 1
                    continue
                case .one:
                    bounds[2 * p] = t
                    t = Self.scalarEnd(text, after: t)
                    bounds[2 * p + 1] = t
                    p += 1
                    continue
                case .literal(let c) where F.fold(c) == F.fold(text[t]):
                    p += 1
                    t += 1
                    continue
                case .literal:
                    break
                }
            }
            // Mismatch, or pattern used up before the text: let the last `*` take one more scalar.
            guard lastStar >= 0 else { return false }
            t = Self.scalarEnd(text, after: bounds[2 * lastStar + 1])
            bounds[2 * lastStar + 1] = t
            p = lastStar + 1
        }
        while p < tokens.count, tokens[p] == .many {
            bounds[2 * p] = t
            bounds[2 * p + 1] = t
            p += 1
        }
        return p == tokens.count
    }

    /// The index just past the scalar that starts at `index` (UTF-8 continuation octets
    /// are `10xxxxxx`).
    @inline(__always)
    private static func scalarEnd(_ text: UnsafeBufferPointer<UInt8>, after index: Int) -> Int {
        var end = index + 1
        while end < text.count && text[end] & 0xC0 == 0x80 { end += 1 }
        return end
    }
}

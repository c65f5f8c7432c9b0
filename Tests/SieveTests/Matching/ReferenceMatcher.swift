@testable import Sieve

/// The match engine as it was before the octet-level fast paths: strings turned into
/// octet arrays and scalar arrays on every comparison, patterns parsed on every call.
/// Slow, but short and plainly right; kept here only as the reference that
/// `MatcherDifferentialTests` checks `Matcher` and `Comparator` against.
enum ReferenceMatcher {
    static func match(values: [String], keys: [String], type: MatchType, comparator: Comparator) -> MatchOutcome {
        switch type {
        case .count(let op):
            let count = String(values.count)
            return MatchOutcome(matched: keys.contains { op.holds(order(count, $0, comparator)) })
        case .matches:
            guard comparator.supportsSubstringMatch else { return MatchOutcome(matched: false) }
            for value in values {
                for key in keys {
                    if let captures = glob(value, pattern: key, comparator: comparator) {
                        return MatchOutcome(matched: true, captures: captures)
                    }
                }
            }
            return MatchOutcome(matched: false)
        case .regex:
            preconditionFailure("the reference covers :is, :contains, :matches, :value and :count; RegexTests covers :regex")
        case .list:
            preconditionFailure("the reference covers :is, :contains, :matches, :value and :count; RFC6134ExtlistsTests covers :list")
        case .is, .contains, .value:
            for value in values {
                for key in keys {
                    let hit: Bool
                    switch type {
                    case .is: hit = isEqual(value, key, comparator)
                    case .contains: hit = contains(value, key, comparator)
                    case .value(let op): hit = op.holds(order(value, key, comparator))
                    case .matches, .count, .regex, .list: hit = false
                    }
                    if hit { return MatchOutcome(matched: true) }
                }
            }
            return MatchOutcome(matched: false)
        }
    }

    // MARK: comparator

    static func mapped(_ s: String, _ comparator: Comparator) -> [UInt8] {
        if comparator == .unicodeCasemap { return Array(ReferenceCasemap.map(s).utf8) }
        return comparator == .asciiCasemap ? s.utf8.map(upper) : Array(s.utf8)
    }

    /// `:matches` under i;unicode-casemap by exhaustive search: each wildcard takes whole
    /// characters of the value, literals compare mapped scalars, and of all ways to match
    /// the first found trying each wildcard shortest-first, left to right, wins.
    static func casemapGlob(_ value: String, pattern: String) -> [String]? {
        var tokens: [Token] = []
        var iterator = pattern.unicodeScalars.makeIterator()
        while let s = iterator.next() {
            switch s {
            case "*": tokens.append(.many)
            case "?": tokens.append(.one)
            default:
                let literal = s == "\\" ? (iterator.next() ?? "\\") : s
                tokens += ReferenceCasemap.map(String(literal)).unicodeScalars.map { .literal($0) }
            }
        }
        let characters = Array(value.unicodeScalars)
        // The mapped stream, and for each of its positions the character it starts (or nil inside one).
        var stream: [Unicode.Scalar] = []
        var startOf: [Int?] = []
        for (index, scalar) in characters.enumerated() {
            let mapped = Array(ReferenceCasemap.map(String(scalar)).unicodeScalars)
            for (k, m) in mapped.enumerated() {
                stream.append(m)
                startOf.append(k == 0 ? index : nil)
            }
        }
        startOf.append(characters.count)
        func character(at position: Int) -> Int? { startOf[position] }
        func next(after position: Int) -> Int {
            var p = position + 1
            while p < stream.count && startOf[p] == nil { p += 1 }
            return p
        }
        var captures: [(Int, Int)] = []
        func search(_ p: Int, _ t: Int) -> Bool {
            if p == tokens.count { return t == stream.count }
            switch tokens[p] {
            case .literal(let c):
                return t < stream.count && stream[t] == c && search(p + 1, t + 1)
            case .one:
                guard t < stream.count, character(at: t) != nil else { return false }
                let end = next(after: t)
                captures.append((t, end))
                if search(p + 1, end) { return true }
                captures.removeLast()
                return false
            case .many:
                guard character(at: t) != nil else { return false }
                var end = t
                while true {
                    captures.append((t, end))
                    if search(p + 1, end) { return true }
                    captures.removeLast()
                    if end >= stream.count { return false }
                    end = next(after: end)
                }
            }
        }
        guard search(0, 0) else { return nil }
        func text(_ range: (Int, Int)) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: characters[character(at: range.0)!..<character(at: range.1)!])
            return String(s)
        }
        return [value] + captures.map(text)
    }

    static func upper(_ byte: UInt8) -> UInt8 {
        (byte >= 0x61 && byte <= 0x7A) ? byte - 0x20 : byte
    }

    static func isEqual(_ a: String, _ b: String, _ comparator: Comparator) -> Bool {
        if comparator == .asciiNumeric { return order(a, b, comparator) == .equal }
        return mapped(a, comparator) == mapped(b, comparator)
    }

    static func contains(_ haystack: String, _ needle: String, _ comparator: Comparator) -> Bool {
        if comparator == .asciiNumeric { return false }
        let h = mapped(haystack, comparator), n = mapped(needle, comparator)
        if n.isEmpty { return true }
        if n.count > h.count { return false }
        return (0...(h.count - n.count)).contains { h[$0..<($0 + n.count)].elementsEqual(n) }
    }

    static func order(_ a: String, _ b: String, _ comparator: Comparator) -> Ordering {
        if comparator == .asciiNumeric { return orderNumeric(a, b) }
        return orderBytes(mapped(a, comparator)[...], mapped(b, comparator)[...])
    }

    static func orderBytes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Ordering {
        for (x, y) in zip(a, b) where x != y { return x < y ? .less : .greater }
        if a.count == b.count { return .equal }
        return a.count < b.count ? .less : .greater
    }

    static func orderNumeric(_ a: String, _ b: String) -> Ordering {
        func digits(_ s: String) -> ArraySlice<UInt8>? {
            let run = Array(s.utf8).prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard !run.isEmpty else { return nil }
            let significant = run.drop { $0 == 0x30 }
            return significant.isEmpty ? run.suffix(1) : significant
        }
        switch (digits(a), digits(b)) {
        case (nil, nil): return .equal
        case (nil, _): return .greater
        case (_, nil): return .less
        case let (x?, y?):
            if x.count != y.count { return x.count < y.count ? .less : .greater }
            return orderBytes(x, y)
        }
    }

    // MARK: glob

    enum Token: Equatable {
        case literal(Unicode.Scalar), one, many
    }

    /// Leftmost-shortest match over Unicode scalars with a single backtracking point.
    static func glob(_ value: String, pattern: String, comparator: Comparator) -> [String]? {
        guard comparator.supportsSubstringMatch else { return nil }
        if comparator == .unicodeCasemap { return casemapGlob(value, pattern: pattern) }
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
        func same(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
            guard comparator == .asciiCasemap else { return a == b }
            func up(_ s: Unicode.Scalar) -> UInt32 { (0x61...0x7A).contains(s.value) ? s.value - 0x20 : s.value }
            return up(a) == up(b)
        }
        let text = Array(value.unicodeScalars)
        var starts = [Int](repeating: 0, count: tokens.count)
        var ends = [Int](repeating: 0, count: tokens.count)
        var p = 0, t = 0, lastStar = -1
        while t < text.count {
            if p < tokens.count {
                switch tokens[p] {
                case .many:
                    lastStar = p; starts[p] = t; ends[p] = t; p += 1
                    continue
                case .one:
                    starts[p] = t; ends[p] = t + 1; p += 1; t += 1
                    continue
                case .literal(let c) where same(c, text[t]):
                    p += 1; t += 1
                    continue
                case .literal:
                    break
                }
            }
            guard lastStar >= 0 else { return nil }
            ends[lastStar] += 1
            t = ends[lastStar]
            p = lastStar + 1
        }
        while p < tokens.count, tokens[p] == .many {
            starts[p] = t; ends[p] = t; p += 1
        }
        guard p == tokens.count else { return nil }
        func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars)
            return String(s)
        }
        var captures = [string(text[...])]
        for (i, token) in tokens.enumerated() where token.isWildcard {
            captures.append(string(text[starts[i]..<ends[i]]))
        }
        return captures
    }
}

extension ReferenceMatcher.Token {
    var isWildcard: Bool { self == .one || self == .many }
}

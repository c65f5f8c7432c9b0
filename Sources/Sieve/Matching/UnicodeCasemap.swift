import Foundation

/// The `i;unicode-casemap` mapping: each character to its titlecase form, then the whole
/// string to Unicode Normalization Form KD. Two strings are equal under the comparator
/// when their mappings are equal octet for octet (in UTF-8), and they order as their
/// mappings' octets order.
///
/// The titlecase step uses a character's simple (one-to-one) titlecase mapping, as the
/// Unicode Character Database's `UnicodeData.txt` gives it: `ǳ` → `ǲ`, `é` → `É`; a
/// character whose only titlecase mapping is a longer string (`ß` → `Ss`, `ﬁ` → `Fi`, from
/// `SpecialCasing.txt`) is left as it is. NFKD then splits compatibility and precomposed
/// characters: `É` → `E` + U+0301, `ﬁ` → `fi`, `Ⅻ` → `XII`.
///
/// A string that is all ASCII maps to its ASCII upper case with no other work, so this
/// costs little for the common case. Other strings go through Foundation's NFKD (the
/// standard library has no public normalisation); only this comparator pays for it.
///
/// For engines that step through a value character by character (`:matches`, and later
/// `:regex`), `fold(_:)` on a scalar gives what that one scalar maps to. Mapping a string
/// scalar by scalar equals mapping it whole except where combining marks are not in
/// canonical order (NFKD reorders them across scalars).
///
/// - SeeAlso: RFC 5051 §2 (the mapping), §3 (the collation), RFC 4790 §3.4
public enum UnicodeCasemap {
    /// The mapped form of `string`: titlecase per character, then NFKD.
    public static func fold(_ string: String) -> String {
        if string.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: string.utf8.map(ASCIIUppercaseFold.fold), as: UTF8.self)
        }
        var titled = String.UnicodeScalarView()
        for scalar in string.unicodeScalars { titled.append(titlecase(scalar)) }
        return String(titled).decomposedStringWithCompatibilityMapping
    }

    /// What one scalar maps to: its titlecase form, decomposed (one or more scalars).
    public static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if scalar.isASCII { return [Unicode.Scalar(ASCIIUppercaseFold.fold(UInt8(scalar.value)))] }
        let titled = titlecase(scalar)
        return Array(String(titled).decomposedStringWithCompatibilityMapping.unicodeScalars)
    }

    /// The simple titlecase mapping of `scalar` (itself when it has none).
    public static func titlecase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII { return Unicode.Scalar(ASCIIUppercaseFold.fold(UInt8(scalar.value))) }
        let mapped = scalar.properties.titlecaseMapping.unicodeScalars
        guard mapped.count == 1, let single = mapped.first else { return scalar }
        return single
    }
}

/// A value prepared for `:matches` under `i;unicode-casemap`: its mapped scalars, and
/// where each original character's mapping starts (a wildcard may only start or end
/// there, so that match variables hold whole characters of the original value).
struct CasemapText {
    /// The mapped scalars, in order.
    var folded: [Unicode.Scalar] = []
    /// For each position 0...folded.count: the UTF-8 offset in the original value when a
    /// character's mapping starts there, -1 inside a character's mapping.
    var offsets: [Int] = []

    init(_ value: String) {
        folded.reserveCapacity(value.utf8.count)
        offsets.reserveCapacity(value.utf8.count + 1)
        var offset = 0
        for scalar in value.unicodeScalars {
            let mapped = UnicodeCasemap.fold(scalar)
            offsets.append(offset)
            for _ in 1..<max(mapped.count, 1) { offsets.append(-1) }
            folded += mapped
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
    }

    func isBoundary(_ index: Int) -> Bool { offsets[index] >= 0 }

    /// The next character boundary after `index`.
    func boundary(after index: Int) -> Int {
        var next = index + 1
        while next < folded.count && offsets[next] < 0 { next += 1 }
        return next
    }
}

/// A `:matches` pattern under `i;unicode-casemap`: literal characters mapped scalar by
/// scalar; `?` takes one whole character of the value, `*` any run of whole characters.
struct CasemapGlob: Sendable {
    enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case one
        case many
    }

    let tokens: [Token]

    init(_ pattern: String) {
        var tokens: [Token] = []
        var iterator = pattern.unicodeScalars.makeIterator()
        while let s = iterator.next() {
            switch s {
            case "*": tokens.append(.many)
            case "?": tokens.append(.one)
            case "\\": tokens += UnicodeCasemap.fold(iterator.next() ?? "\\").map { .literal($0) }
            default: tokens += UnicodeCasemap.fold(s).map { .literal($0) }
            }
        }
        self.tokens = tokens
    }

    /// `[${0}, ${1}, ...]` when `text` (prepared from `whole`) matches, else nil; the same
    /// leftmost-shortest rules as `Matcher.glob`.
    func captures(in text: CasemapText, whole: String) -> [String]? {
        var bounds = [Int](repeating: 0, count: 2 * tokens.count)
        var p = 0, t = 0
        var lastStar = -1
        let count = text.folded.count
        while t < count {
            if p < tokens.count {
                switch tokens[p] {
                case .many where text.isBoundary(t):
                    lastStar = p
                    bounds[2 * p] = t
                    bounds[2 * p + 1] = t
                    p += 1
                    continue
                case .one where text.isBoundary(t):
                    bounds[2 * p] = t
                    t = text.boundary(after: t)
                    bounds[2 * p + 1] = t
                    p += 1
                    continue
                case .literal(let c) where c == text.folded[t]:
                    p += 1
                    t += 1
                    continue
                default:
                    break
                }
            }
            guard lastStar >= 0 else { return nil }
            t = text.boundary(after: bounds[2 * lastStar + 1])
            bounds[2 * lastStar + 1] = t
            p = lastStar + 1
        }
        while p < tokens.count, tokens[p] == .many {
            bounds[2 * p] = t
            bounds[2 * p + 1] = t
            p += 1
        }
        guard p == tokens.count else { return nil }
        let utf8 = Array(whole.utf8)
        var captures = [whole]
        for (i, token) in tokens.enumerated() where token == .many || token == .one {
            captures.append(String(decoding: utf8[text.offsets[bounds[2 * i]]..<text.offsets[bounds[2 * i + 1]]], as: UTF8.self))
        }
        return captures
    }
}

extension Matcher {
    /// `:is`, `:contains`, `:value` and `:matches` under `i;unicode-casemap`, against keys
    /// already mapped (`PreparedKeys`): each value is mapped once, then compared octet by
    /// octet. Nil for `:count`, which compares a number, and `:regex`, which folds each
    /// character in its own engine: both take the general path.
    ///
    /// - SeeAlso: RFC 5051 §3, RFC 5228 §2.7.1
    static func matchCasemapped(values: [String], keys prepared: PreparedKeys) -> MatchOutcome? {
        switch prepared.type {
        case .count, .regex, .list:
            return nil
        case .matches:
            for value in values {
                let text = CasemapText(value)
                for pattern in prepared.casemapPatterns {
                    if let captures = pattern.captures(in: text, whole: value) { return MatchOutcome(matched: true, captures: captures) }
                }
            }
            return MatchOutcome(matched: false)
        case .is, .contains, .value:
            let type = prepared.type
            for value in values {
                let hit = UTF8Bytes.with(UnicodeCasemap.fold(value)) { text in
                    prepared.keyBytes.contains { key in
                        key.withUnsafeBufferPointer { key in
                            switch type {
                            case .is: return Comparator.equalBytes(text, key, OctetFold.self)
                            case .contains: return Comparator.containsBytes(text, key, OctetFold.self)
                            case .value(let op): return op.holds(Comparator.orderBytes(text, key, OctetFold.self))
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
}

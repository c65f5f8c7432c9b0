/// How a regular expression compares characters: exactly, or after folding case.
///
/// The fold maps one Unicode scalar to one scalar. Literal characters of a pattern are
/// folded when it is compiled, each character of the value once as the match reads it,
/// and bracket expressions get the folded form of their members added; so a comparator
/// with another per-scalar fold (such as `i;unicode-casemap`) plugs in by adding a case here.
///
/// - SeeAlso: draft-ietf-sieve-regex §3 (`:regex` with `i;octet` and `i;ascii-casemap`)
public enum RegexCaseFolding: Sendable, Hashable {
    /// `i;octet`: characters compare as they are.
    case none
    /// `i;ascii-casemap`: `a`–`z` compare equal to `A`–`Z`; other characters as they are.
    case ascii
    /// `i;unicode-casemap`: characters compare by their simple titlecase mapping
    /// (`é` equals `É`, `ǆ` equals `ǅ`). The NFKD step of RFC 5051 is left out here: it can
    /// turn one character into several, and a regular expression counts characters.
    case unicode

    /// The folded form of one scalar value.
    @inline(__always)
    func fold(_ scalar: UInt32) -> UInt32 {
        switch self {
        case .none: return scalar
        case .ascii: return scalar &- 0x61 < 26 ? scalar &- 0x20 : scalar
        case .unicode:
            if scalar < 0x80 { return scalar &- 0x61 < 26 ? scalar &- 0x20 : scalar }
            guard let unicodeScalar = Unicode.Scalar(scalar) else { return scalar }
            return UnicodeCasemap.titlecase(unicodeScalar).value
        }
    }
}

extension Comparator {
    /// How `:regex` compares characters under this comparator; nil when the comparator
    /// cannot be used with `:regex` (a compile error, as in Pigeonhole).
    ///
    /// - SeeAlso: draft-ietf-sieve-regex §3
    public var regexCaseFolding: RegexCaseFolding? {
        switch self {
        case .octet: return RegexCaseFolding.none
        case .asciiCasemap: return .ascii
        case .unicodeCasemap: return .unicode
        case .asciiNumeric: return nil
        }
    }
}

/// A POSIX character class name, as in `[[:alpha:]]`.
///
/// ASCII characters belong to the classes of the POSIX locale. Other characters follow
/// their Unicode properties (`é` is `alpha` and `lower`); `digit` and `xdigit` hold ASCII
/// digits only, as POSIX defines them.
///
/// - SeeAlso: POSIX.1-2017 XBD §7.3.1 (LC_CTYPE classes)
enum RegexCharacterClass: String, Sendable, CaseIterable {
    case alnum, alpha, blank, cntrl, digit, graph, lower, print, punct, space, upper, xdigit

    func contains(_ value: UInt32) -> Bool {
        if value < 0x80 { return containsASCII(UInt8(value)) }
        guard let scalar = Unicode.Scalar(value) else { return false }
        let properties = scalar.properties
        switch self {
        case .alnum: return properties.isAlphabetic || properties.numericType != nil
        case .alpha: return properties.isAlphabetic
        case .blank: return properties.generalCategory == .spaceSeparator
        case .cntrl: return properties.generalCategory == .control
        case .digit, .xdigit: return false
        case .graph: return Self.isPrintable(properties) && !properties.isWhitespace
        case .lower: return properties.isLowercase
        case .print: return Self.isPrintable(properties)
        case .punct:
            switch properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                 .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
                return true
            default: return false
            }
        case .space: return properties.isWhitespace
        case .upper: return properties.isUppercase
        }
    }

    private static func isPrintable(_ properties: Unicode.Scalar.Properties) -> Bool {
        switch properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: return false
        default: return true
        }
    }

    private func containsASCII(_ c: UInt8) -> Bool {
        let isUpper = c >= 0x41 && c <= 0x5A, isLower = c >= 0x61 && c <= 0x7A, isDigit = c >= 0x30 && c <= 0x39
        switch self {
        case .alnum: return isUpper || isLower || isDigit
        case .alpha: return isUpper || isLower
        case .blank: return c == 0x20 || c == 0x09
        case .cntrl: return c < 0x20 || c == 0x7F
        case .digit: return isDigit
        case .graph: return c > 0x20 && c < 0x7F
        case .lower: return isLower
        case .print: return c >= 0x20 && c < 0x7F
        case .punct: return c > 0x20 && c < 0x7F && !(isUpper || isLower || isDigit)
        case .space: return c == 0x20 || (c >= 0x09 && c <= 0x0D)
        case .upper: return isUpper
        case .xdigit: return isDigit || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
        }
    }
}

/// The characters a bracket expression matches: an ASCII bitmap for speed, sorted
/// ranges and classes for the rest.
struct RegexCharacterSet: Sendable, Equatable {
    /// Bit `c` set when ASCII character `c` is a member.
    private var ascii: (UInt64, UInt64) = (0, 0)
    /// Ranges of members at or above U+0080 (unsorted; few in practice).
    private var ranges: [ClosedRange<UInt32>] = []
    /// Classes whose non-ASCII members belong to the set.
    private var classes: [RegexCharacterClass] = []
    /// `[^...]`: the set matches the characters that are not members.
    var negated = false

    static func == (a: Self, b: Self) -> Bool {
        a.ascii == b.ascii && a.ranges == b.ranges && a.classes == b.classes && a.negated == b.negated
    }

    mutating func addRange(_ low: UInt32, _ high: UInt32) {
        var c = low
        while c <= high && c < 0x80 {
            setASCII(c)
            c += 1
        }
        if high >= 0x80 { ranges.append(max(low, 0x80)...high) }
    }

    mutating func addClass(_ cls: RegexCharacterClass) {
        for c in UInt32(0)..<0x80 where cls.contains(c) { setASCII(c) }
        classes.append(cls)
    }

    /// Adds, for every ASCII member, the characters that fold like it, so that testing
    /// a value character or its folded form finds members of either case.
    mutating func addCaseVariants(_ folding: RegexCaseFolding) {
        guard folding != .none else { return }
        for c in UInt32(0)..<0x80 where containsASCII(c) {
            setASCII(folding.fold(c))
            // The inverse of the ASCII fold: the lower-case letter of an upper-case member.
            if c >= 0x41 && c <= 0x5A { setASCII(c + 0x20) }
        }
    }

    private mutating func setASCII(_ c: UInt32) {
        if c < 64 { ascii.0 |= 1 << UInt64(c) } else { ascii.1 |= 1 << UInt64(c - 64) }
    }

    @inline(__always)
    private func containsASCII(_ c: UInt32) -> Bool {
        c < 64 ? ascii.0 & (1 << UInt64(c)) != 0 : ascii.1 & (1 << UInt64(c - 64)) != 0
    }

    private func isMember(_ c: UInt32) -> Bool {
        if c < 0x80 { return containsASCII(c) }
        return ranges.contains { $0.contains(c) } || classes.contains { $0.contains(c) }
    }

    /// Whether the value character `c` (and `folded`, its folded form) matches the set.
    @inline(__always)
    func matches(_ c: UInt32, folded: UInt32) -> Bool {
        (isMember(c) || (folded != c && isMember(folded))) != negated
    }
}

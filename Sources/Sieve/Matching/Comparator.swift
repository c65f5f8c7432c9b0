/// The result of comparing two strings under a comparator's ordering.
///
/// - SeeAlso: RFC 4790 §4.2 (ordering operation)
public enum Ordering: Sendable, Hashable {
    case less, equal, greater
}

/// A Sieve comparator: the rules by which two strings are equal, contain one another, or order.
///
/// Every comparator here works on the UTF-8 octets of the strings, never on Swift's
/// canonical-equivalence `==`: `"é"` precomposed and `"e\u{301}"` are different strings
/// to `i;octet`, as RFC 4790 requires.
///
/// `i;unicode-casemap` (RFC 5051) is not offered: it needs Unicode normalisation (NFKD),
/// which the standard library does not expose.
///
/// - SeeAlso: RFC 5228 §2.7.3, RFC 4790 §9.1–§9.3
public enum Comparator: String, Sendable, CaseIterable {
    /// Octet-by-octet comparison of the UTF-8 encoding.
    case octet = "i;octet"
    /// Like `i;octet` after mapping ASCII `a`–`z` to `A`–`Z`; other octets compare as they are.
    case asciiCasemap = "i;ascii-casemap"
    /// Compares the numbers the strings start with; a string without a leading digit is
    /// positive infinity.
    case asciiNumeric = "i;ascii-numeric"

    /// Looks a comparator up by its IANA name, ignoring ASCII case (`"I;OCTET"` works).
    public init?(name: String) {
        let folded = String(decoding: name.utf8.map(Self.asciiUppercase), as: UTF8.self)
        guard let found = Self.allCases.first(where: {
            String(decoding: $0.rawValue.utf8.map(Self.asciiUppercase), as: UTF8.self) == folded
        }) else { return nil }
        self = found
    }

    /// Whether `:contains` and `:matches` may be used with this comparator.
    ///
    /// - SeeAlso: RFC 4790 §9.1 (`i;ascii-numeric` has no substring operation),
    ///   RFC 5228 §2.7.3 (a comparator that cannot do substrings rejects those match types)
    public var supportsSubstringMatch: Bool { self != .asciiNumeric }

    /// Whether `a` and `b` are equal under this comparator.
    ///
    /// For `i;ascii-numeric` two strings that do not start with a digit are equal (both
    /// are positive infinity), and `"007"` equals `"7"`.
    public func isEqual(_ a: String, _ b: String) -> Bool {
        switch self {
        case .octet: return a.utf8.elementsEqual(b.utf8)
        case .asciiCasemap:
            return a.utf8.lazy.map(Self.asciiUppercase).elementsEqual(b.utf8.lazy.map(Self.asciiUppercase))
        case .asciiNumeric: return order(a, b) == .equal
        }
    }

    /// Whether `needle` occurs in `haystack` under this comparator (the empty needle always does).
    ///
    /// Always false for `i;ascii-numeric`, which defines no substring operation; the
    /// validator rejects `:contains` with it before a script runs.
    public func contains(_ haystack: String, _ needle: String) -> Bool {
        switch self {
        case .octet: return Self.containsBytes(Array(haystack.utf8), Array(needle.utf8))
        case .asciiCasemap:
            return Self.containsBytes(haystack.utf8.map(Self.asciiUppercase), needle.utf8.map(Self.asciiUppercase))
        case .asciiNumeric: return false
        }
    }

    /// How `a` orders against `b` under this comparator (used by relational `:value` and `:count`).
    ///
    /// `i;octet` and `i;ascii-casemap` order by the (mapped) UTF-8 octets, a proper prefix
    /// ordering first. `i;ascii-numeric` orders by the value of the leading digit run, with
    /// leading zeros ignored and no limit on length; a string with no leading digit is
    /// positive infinity, greater than every number and equal to every other such string.
    ///
    /// - SeeAlso: RFC 4790 §9.1 (i;ascii-numeric), §9.2 (i;ascii-casemap), §9.3 (i;octet)
    public func order(_ a: String, _ b: String) -> Ordering {
        switch self {
        case .octet: return Self.orderBytes(a.utf8, b.utf8)
        case .asciiCasemap:
            return Self.orderBytes(a.utf8.lazy.map(Self.asciiUppercase), b.utf8.lazy.map(Self.asciiUppercase))
        case .asciiNumeric: return Self.orderNumeric(a, b)
        }
    }

    // MARK: - Internals

    static func asciiUppercase(_ byte: UInt8) -> UInt8 {
        (byte >= 0x61 && byte <= 0x7A) ? byte - 0x20 : byte
    }

    static func asciiUppercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let v = scalar.value
        guard v >= 0x61 && v <= 0x7A, let upper = Unicode.Scalar(v - 0x20) else { return scalar }
        return upper
    }

    /// Whether two scalars are the same character under this comparator (used by the glob).
    func scalarsEqual(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
        switch self {
        case .asciiCasemap: return Self.asciiUppercase(a) == Self.asciiUppercase(b)
        case .octet, .asciiNumeric: return a == b
        }
    }

    static func orderBytes<A: Sequence<UInt8>, B: Sequence<UInt8>>(_ a: A, _ b: B) -> Ordering {
        var ia = a.makeIterator()
        var ib = b.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return .equal
            case (nil, _): return .less
            case (_, nil): return .greater
            case let (x?, y?):
                if x < y { return .less }
                if x > y { return .greater }
            }
        }
    }

    /// Plain substring search; O(n·m) at worst, which is bounded by header and key sizes.
    static func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        if needle.count > haystack.count { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    /// The significant digits of the leading digit run (leading zeros dropped), or nil
    /// when the string does not start with a digit (positive infinity).
    static func numericDigits(_ s: String) -> ArraySlice<UInt8>? {
        let bytes = Array(s.utf8)
        var end = 0
        while end < bytes.count && bytes[end] >= 0x30 && bytes[end] <= 0x39 { end += 1 }
        guard end > 0 else { return nil }
        var start = 0
        while start < end - 1 && bytes[start] == 0x30 { start += 1 }
        return bytes[start..<end]
    }

    static func orderNumeric(_ a: String, _ b: String) -> Ordering {
        switch (numericDigits(a), numericDigits(b)) {
        case (nil, nil): return .equal
        case (nil, _): return .greater
        case (_, nil): return .less
        case let (x?, y?):
            // Without leading zeros a longer digit run is the larger number.
            if x.count != y.count { return x.count < y.count ? .less : .greater }
            return orderBytes(x, y)
        }
    }
}

/// A relational operator of the `relational` extension's `:value` and `:count` match types.
///
/// - SeeAlso: RFC 5231 §4, §5
public enum RelationalOperator: String, Sendable, CaseIterable {
    case gt, ge, lt, le, eq, ne

    /// Looks an operator up by its name (`"gt"`, ...), ignoring ASCII case.
    public init?(name: String) {
        self.init(rawValue: String(decoding: name.utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 },
                                   as: UTF8.self))
    }

    /// Whether `left OP right` holds, given how `left` orders against `right`.
    public func holds(_ ordering: Ordering) -> Bool {
        switch self {
        case .gt: return ordering == .greater
        case .ge: return ordering != .less
        case .lt: return ordering == .less
        case .le: return ordering != .greater
        case .eq: return ordering == .equal
        case .ne: return ordering != .equal
        }
    }
}

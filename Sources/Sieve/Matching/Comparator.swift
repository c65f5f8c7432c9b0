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
/// `i;unicode-casemap` (RFC 5051) compares the strings' `UnicodeCasemap` mappings; `Matcher`
/// maps each value once per match and the keys once when they are prepared.
///
/// - SeeAlso: RFC 5228 §2.7.3, RFC 4790 §9.1–§9.3, RFC 5051
public enum Comparator: String, Sendable, CaseIterable {
    /// Octet-by-octet comparison of the UTF-8 encoding.
    case octet = "i;octet"
    /// Like `i;octet` after mapping ASCII `a`–`z` to `A`–`Z`; other octets compare as they are.
    case asciiCasemap = "i;ascii-casemap"
    /// Compares the numbers the strings start with; a string without a leading digit is
    /// positive infinity.
    case asciiNumeric = "i;ascii-numeric"
    /// Like `i;octet` after mapping both strings with `UnicodeCasemap` (titlecase, then
    /// NFKD): case-insensitive for every script, and blind to compatibility variants.
    ///
    /// - SeeAlso: RFC 5051
    case unicodeCasemap = "i;unicode-casemap"

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
        UTF8Bytes.with(a) { x in UTF8Bytes.with(b) { y in isEqual(x, y) } }
    }

    /// Whether `needle` occurs in `haystack` under this comparator (the empty needle always does).
    ///
    /// Always false for `i;ascii-numeric`, which defines no substring operation; the
    /// validator rejects `:contains` with it before a script runs.
    public func contains(_ haystack: String, _ needle: String) -> Bool {
        UTF8Bytes.with(haystack) { h in UTF8Bytes.with(needle) { n in contains(h, n) } }
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
        UTF8Bytes.with(a) { x in UTF8Bytes.with(b) { y in order(x, y) } }
    }

    // MARK: - On UTF-8 octets
    //
    // The operations below are what `Matcher` runs: they read the strings' UTF-8 storage
    // in place and allocate nothing. `i;ascii-casemap` maps each octet as it reads it.

    /// `isEqual` on the UTF-8 octets of two strings.
    func isEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .octet: return Self.equalBytes(a, b, OctetFold.self)
        case .asciiCasemap: return Self.equalBytes(a, b, ASCIIUppercaseFold.self)
        case .asciiNumeric: return Self.orderNumeric(a, b) == .equal
        case .unicodeCasemap: return Self.casemapped(a, b) { Self.equalBytes($0, $1, OctetFold.self) }
        }
    }

    /// `contains` on the UTF-8 octets of two strings.
    func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .octet: return Self.containsBytes(haystack, needle, OctetFold.self)
        case .asciiCasemap: return Self.containsBytes(haystack, needle, ASCIIUppercaseFold.self)
        case .asciiNumeric: return false
        case .unicodeCasemap: return Self.casemapped(haystack, needle) { Self.containsBytes($0, $1, OctetFold.self) }
        }
    }

    /// `order` on the UTF-8 octets of two strings.
    func order(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Ordering {
        switch self {
        case .octet: return Self.orderBytes(a, b, OctetFold.self)
        case .asciiCasemap: return Self.orderBytes(a, b, ASCIIUppercaseFold.self)
        case .asciiNumeric: return Self.orderNumeric(a, b)
        case .unicodeCasemap: return Self.casemapped(a, b) { Self.orderBytes($0, $1, OctetFold.self) }
        }
    }

    /// Runs `body` on the `UnicodeCasemap` mappings of two UTF-8 strings.
    static func casemapped<R>(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>,
                              _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R) -> R {
        let x = UnicodeCasemap.fold(String(decoding: a, as: UTF8.self))
        let y = UnicodeCasemap.fold(String(decoding: b, as: UTF8.self))
        return UTF8Bytes.with(x) { x in UTF8Bytes.with(y) { y in body(x, y) } }
    }

    // MARK: - Internals

    static func asciiUppercase(_ byte: UInt8) -> UInt8 {
        (byte >= 0x61 && byte <= 0x7A) ? byte - 0x20 : byte
    }

    static func equalBytes<F: ByteFold>(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _: F.Type) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where F.fold(a[i]) != F.fold(b[i]) { return false }
        return true
    }

    static func orderBytes<F: ByteFold>(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _: F.Type) -> Ordering {
        for i in 0..<min(a.count, b.count) {
            let x = F.fold(a[i]), y = F.fold(b[i])
            if x != y { return x < y ? .less : .greater }
        }
        if a.count == b.count { return .equal }
        return a.count < b.count ? .less : .greater
    }

    /// Plain substring search; O(n·m) at worst, which is bounded by header and key sizes.
    static func containsBytes<F: ByteFold>(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>,
                                           _: F.Type) -> Bool {
        guard let first = needle.first.map(F.fold) else { return true }
        if needle.count > haystack.count { return false }
        for i in 0...(haystack.count - needle.count) where F.fold(haystack[i]) == first {
            var j = 1
            while j < needle.count && F.fold(haystack[i + j]) == F.fold(needle[j]) { j += 1 }
            if j == needle.count { return true }
        }
        return false
    }

    /// The significant digits of the leading digit run (leading zeros dropped, one zero
    /// kept for an all-zero run), or nil when the string does not start with a digit
    /// (positive infinity).
    static func numericDigits(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var end = 0
        while end < bytes.count && bytes[end] >= 0x30 && bytes[end] <= 0x39 { end += 1 }
        guard end > 0 else { return nil }
        var start = 0
        while start < end - 1 && bytes[start] == 0x30 { start += 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    static func orderNumeric(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Ordering {
        switch (numericDigits(a), numericDigits(b)) {
        case (nil, nil): return .equal
        case (nil, _): return .greater
        case (_, nil): return .less
        case let (x?, y?):
            // Without leading zeros a longer digit run is the larger number.
            if x.count != y.count { return x.count < y.count ? .less : .greater }
            return orderBytes(x, y, OctetFold.self)
        }
    }
}

/// How a comparator maps each octet before comparing; a type parameter, so that each
/// comparison loop is compiled once per mapping with the mapping inlined.
protocol ByteFold {
    static func fold(_ byte: UInt8) -> UInt8
}

/// `i;octet` and the digits of `i;ascii-numeric`: octets compare as they are.
enum OctetFold: ByteFold {
    @inline(__always) static func fold(_ byte: UInt8) -> UInt8 { byte }
}

/// `i;ascii-casemap`: `a`–`z` map to `A`–`Z`, every other octet stays.
enum ASCIIUppercaseFold: ByteFold {
    @inline(__always) static func fold(_ byte: UInt8) -> UInt8 {
        byte &- 0x61 < 26 ? byte &- 0x20 : byte
    }
}

/// Access to a string's UTF-8 octets in place.
enum UTF8Bytes {
    /// Calls `body` with the UTF-8 octets of `string`: its own storage for a native
    /// string, a stack copy for a small one; no heap allocation either way.
    @inline(__always)
    static func with<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var string = string
        return try string.withUTF8(body)
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

/// A modifier of the `set` command, transforming the value before it is stored.
///
/// - SeeAlso: RFC 5229 §4.1
public enum VariableModifier: String, Sendable, CaseIterable {
    case lower, upper, lowerfirst, upperfirst, quotewildcard, length
    /// draft-ietf-sieve-regex: quotes every character that is special in a regular
    /// expression, so the value matches itself literally under `:regex`.
    case quoteregex
    /// RFC 5435 §6 (enotify): percent-encodes the value for use in a URI.
    case encodeurl

    /// The modifier's precedence; higher applies first, and two modifiers of the same
    /// precedence may not be combined (a validation error).
    ///
    /// - SeeAlso: RFC 5229 §4.1 (40 lower/upper, 30 lowerfirst/upperfirst, 20 quotewildcard, 10 length);
    ///   draft-ietf-sieve-regex (`:quoteregex` 20, like `:quotewildcard`)
    public var precedence: Int {
        switch self {
        case .lower, .upper: return 40
        case .lowerfirst, .upperfirst: return 30
        case .quotewildcard, .quoteregex: return 20
        case .length: return 10
        case .encodeurl: return 15
        }
    }

    /// The capability a script must require to use the modifier besides "variables".
    public var capability: SieveCapability? {
        self == .quoteregex ? .regex : self == .encodeurl ? .enotify : nil
    }

    /// The characters `:quoteregex` puts a backslash before: those with a meaning in a
    /// POSIX extended regular expression.
    static let regexSpecials: Set<Unicode.Scalar> = ["\\", ".", "[", "]", "(", ")", "*", "+", "?", "{", "}", "|", "^", "$"]

    /// Applies this one modifier to `s`.
    ///
    /// Case changes use Unicode case mapping (`"é"` ↔ `"É"`); `lowerfirst`/`upperfirst`
    /// change only the first character. `quotewildcard` puts a backslash before every `*`,
    /// `?` and `\`. `length` gives the number of Unicode scalars, in decimal.
    /// `quoteregex` puts a backslash before every character special in an ERE
    /// (`\ . [ ] ( ) * + ? { } | ^ $`).
    public func apply(_ s: String) -> String {
        switch self {
        case .lower: return s.lowercased()
        case .upper: return s.uppercased()
        case .lowerfirst:
            guard let first = s.first else { return s }
            return first.lowercased() + s.dropFirst()
        case .upperfirst:
            guard let first = s.first else { return s }
            return first.uppercased() + s.dropFirst()
        case .quotewildcard:
            var out = ""
            out.reserveCapacity(s.utf8.count)
            for scalar in s.unicodeScalars {
                if scalar == "*" || scalar == "?" || scalar == "\\" { out.unicodeScalars.append("\\") }
                out.unicodeScalars.append(scalar)
            }
            return out
        case .length: return String(s.unicodeScalars.count)
        case .quoteregex:
            var out = ""
            out.reserveCapacity(s.utf8.count)
            for scalar in s.unicodeScalars {
                if Self.regexSpecials.contains(scalar) { out.unicodeScalars.append("\\") }
                out.unicodeScalars.append(scalar)
            }
            return out
        case .encodeurl:
            return NotifyURI.percentEncoded(s)
        }
    }

    /// Applies `modifiers` to `s` in precedence order, highest first, whatever order the
    /// script wrote them in (`:length :upper` upper-cases, then counts).
    ///
    /// - SeeAlso: RFC 5229 §4.1
    public static func applyAll(_ modifiers: [VariableModifier], to s: String) -> String {
        // Stable sort: equal precedences (an error the validator reports) keep script order.
        let ordered = modifiers.enumerated()
            .sorted { $0.element.precedence != $1.element.precedence
                ? $0.element.precedence > $1.element.precedence : $0.offset < $1.offset }
            .map(\.element)
        return ordered.reduce(s) { $1.apply($0) }
    }
}

/// Rules for the names of Sieve variables.
///
/// - SeeAlso: RFC 5229 §3 (`variable-name`, `namespace`)
public enum VariableName {
    /// Whether `name` is a valid variable name: an identifier (`[A-Za-z_][A-Za-z0-9_]*`),
    /// a match variable number (`1*DIGIT`), or a namespaced name such as `env.foo`, where
    /// the first component is an identifier and later ones are identifiers or numbers.
    public static func isValid(_ name: String) -> Bool {
        let components = name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard let first = components.first else { return false }
        if components.count == 1 { return isIdentifier(first) || isNumber(first) }
        guard isIdentifier(first) else { return false }
        return components.dropFirst().allSatisfy { isIdentifier($0) || isNumber($0) }
    }

    /// Whether `name` names a match variable (`${0}`, `${1}`, ...): digits only.
    public static func isMatchVariable(_ name: String) -> Bool {
        isNumber(name.utf8[...])
    }

    static func isIdentifier(_ bytes: String.UTF8View.SubSequence) -> Bool {
        guard let first = bytes.first, isLetterOrUnderscore(first) else { return false }
        return bytes.dropFirst().allSatisfy { isLetterOrUnderscore($0) || isDigit($0) }
    }

    static func isNumber(_ bytes: String.UTF8View.SubSequence) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isDigit)
    }

    static func isLetterOrUnderscore(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}

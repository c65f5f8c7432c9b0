/// Why a string's encoded characters could not be decoded.
public enum EncodedCharacterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A `${unicode:...}` value outside 0–D7FF and E000–10FFFF; carries the hex digits as written.
    case invalidUnicodeScalar(String)
    /// `${hex:...}` octets that, together with the text around them, are not valid UTF-8;
    /// carries the offending encoded sequence as written.
    case invalidUTF8(String)

    public var description: String {
        switch self {
        case .invalidUnicodeScalar(let digits):
            return "invalid Unicode code point '\(digits)' in ${unicode:...}: expected a hexadecimal value "
                + "from 0 to D7FF or from E000 to 10FFFF"
        case .invalidUTF8(let sequence):
            return "'\(sequence)' does not decode to valid UTF-8: a string's ${hex:...} octets must form "
                + "whole UTF-8 characters"
        }
    }
}

/// The `encoded-character` extension: `${hex:...}` and `${unicode:...}` inside strings.
///
/// - SeeAlso: RFC 5228 §2.4.2.4
public enum EncodedCharacter {
    /// Replaces every well-formed `${hex: 41 42}` and `${unicode: 1F600}` in `s` with the
    /// characters it encodes.
    ///
    /// The prefix is case-insensitive (`${HEX:...}`), blanks (space, tab, CR, LF) may
    /// surround and must separate the values, a hex pair is one or two hex digits, and a
    /// Unicode value any number of hex digits. A sequence that does not fit that grammar
    /// (no closing brace, a non-hex character, no value at all, three digits in a hex pair)
    /// is not an encoded character and stays in the string as written.
    ///
    /// - Throws: `EncodedCharacterError.invalidUnicodeScalar` for a surrogate or a value
    ///   above 10FFFF; `.invalidUTF8` when decoded `${hex:...}` octets are not UTF-8.
    /// - SeeAlso: RFC 5228 §2.4.2.4
    public static func decode(_ s: String) throws(EncodedCharacterError) -> String {
        let input = Array(s.utf8)
        guard input.count >= 2 else { return s }
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var sawHex = false
        var firstHexSequence = ""
        var i = 0
        while i < input.count {
            if input[i] == UInt8(ascii: "$"), let decoded = try parseSequence(input, at: i) {
                if decoded.isHex && !sawHex {
                    sawHex = true
                    firstHexSequence = String(decoding: input[i..<decoded.end], as: UTF8.self)
                }
                output.append(contentsOf: decoded.bytes)
                i = decoded.end
            } else {
                output.append(input[i])
                i += 1
            }
        }
        // Only ${hex:} can produce invalid UTF-8; literal text and ${unicode:} never do.
        guard let result = String(validating: output, as: UTF8.self) else {
            throw .invalidUTF8(firstHexSequence)
        }
        return result
    }

    private struct Decoded {
        var bytes: [UInt8]
        var end: Int
        var isHex: Bool
    }

    /// Parses one `${hex:...}` or `${unicode:...}` starting at `start` (the `$`); nil when
    /// the text there is not such a sequence.
    private static func parseSequence(_ input: [UInt8], at start: Int) throws(EncodedCharacterError) -> Decoded? {
        var i = start + 1
        guard i < input.count, input[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        let isHex: Bool
        if hasPrefix(input, at: i, "hex:") {
            isHex = true
            i += 4
        } else if hasPrefix(input, at: i, "unicode:") {
            isHex = false
            i += 8
        } else {
            return nil
        }

        var bytes: [UInt8] = []
        var values = 0
        // An invalid code point is an error only in a sequence that is closed: until the
        // "}" it may still turn out to be plain text.
        var invalid: String?
        while true {
            let blankStart = i
            while i < input.count, isBlank(input[i]) { i += 1 }
            guard i < input.count else { return nil }
            if input[i] == UInt8(ascii: "}") {
                guard values > 0 else { return nil }
                if let invalid { throw .invalidUnicodeScalar(invalid) }
                return Decoded(bytes: bytes, end: i + 1, isHex: isHex)
            }
            // A value must follow the prefix directly or after at least one blank.
            guard values == 0 || i > blankStart else { return nil }
            let digitsStart = i
            while i < input.count, hexValue(input[i]) != nil { i += 1 }
            let digits = input[digitsStart..<i]
            guard !digits.isEmpty else { return nil }
            if isHex {
                guard digits.count <= 2 else { return nil }
                bytes.append(digits.reduce(0) { $0 << 4 | (hexValue($1) ?? 0) })
            } else if let encoded = utf8(ofCodePoint: digits) {
                bytes.append(contentsOf: encoded)
            } else if invalid == nil {
                invalid = String(decoding: digits, as: UTF8.self)
            }
            values += 1
        }
    }

    /// The UTF-8 of a code point given in hex digits; nil for a surrogate or a value
    /// above 10FFFF.
    private static func utf8(ofCodePoint digits: ArraySlice<UInt8>) -> [UInt8]? {
        let significant = digits.drop { $0 == UInt8(ascii: "0") }
        var value: UInt32 = 0
        if significant.count <= 6 {
            for d in significant { value = value << 4 | UInt32(hexValue(d) ?? 0) }
        }
        guard significant.count <= 6, let scalar = Unicode.Scalar(value) else { return nil }
        return Array(String(scalar).utf8)
    }

    private static func hasPrefix(_ input: [UInt8], at i: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard i + count <= input.count else { return false }
        return prefix.withUTF8Buffer { p in
            (0..<count).allSatisfy { k in
                let b = input[i + k]
                return ((b >= 0x41 && b <= 0x5A) ? b + 0x20 : b) == p[k]
            }
        }
    }

    private static func isBlank(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}

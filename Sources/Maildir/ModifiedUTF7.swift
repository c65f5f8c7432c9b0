/// IMAP's modified UTF-7, the encoding Maildir++ stores (Dovecot, Courier) use for non-ASCII folder names.
///
/// Printable US-ASCII (0x20–0x7E) stands for itself, except `&`, which is written `&-`. Every run
/// of other characters is written as `&`, the UTF-16BE code units in modified BASE64 (`,` instead
/// of `/`, no `=` padding), then `-`.
///
/// - SeeAlso: RFC 3501 §5.1.3
public enum ModifiedUTF7 {
    /// Why a string is not valid modified UTF-7.
    public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
        /// A byte outside printable US-ASCII appeared unencoded, at this UTF-8 offset.
        case unencodedCharacter(offset: Int)
        /// A `&` shift was not closed by `-`.
        case unterminatedShift(offset: Int)
        /// The BASE64 run is malformed (bad character, leftover bits, odd byte count, bad surrogates).
        case malformedBase64(offset: Int)
        /// A BASE64 run encodes a printable US-ASCII character, which must be written as itself.
        case encodedPrintableASCII(offset: Int)

        /// What is wrong, and where.
        public var description: String {
            switch self {
            case .unencodedCharacter(let offset):
                "modified UTF-7: byte at offset \(offset) is not printable US-ASCII; such characters must be BASE64-encoded between '&' and '-'"
            case .unterminatedShift(let offset):
                "modified UTF-7: the '&' at offset \(offset) starts a BASE64 run that is never closed by '-'"
            case .malformedBase64(let offset):
                "modified UTF-7: the BASE64 run starting at offset \(offset) is malformed (expected modified BASE64 of whole UTF-16 code units)"
            case .encodedPrintableASCII(let offset):
                "modified UTF-7: the BASE64 run starting at offset \(offset) encodes printable US-ASCII, which must be written as itself"
            }
        }
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    /// Encodes a Unicode string as modified UTF-7.
    ///
    /// - SeeAlso: RFC 3501 §5.1.3
    public static func encode(_ string: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(string.utf8.count)
        var pending: [UInt16] = []
        for scalar in string.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value <= 0x7E {
                flush(&pending, into: &output)
                output.append(UInt8(scalar.value))
                if scalar == "&" { output.append(UInt8(ascii: "-")) }
            } else {
                pending.append(contentsOf: Character(scalar).utf16)
            }
        }
        flush(&pending, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private static func flush(_ units: inout [UInt16], into output: inout [UInt8]) {
        guard !units.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(units.count * 2)
        for unit in units {
            bytes.append(UInt8(unit >> 8))
            bytes.append(UInt8(unit & 0xFF))
        }
        output.append(UInt8(ascii: "&"))
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = (b0 << 16) | (b1 << 8) | b2
            let sextets = remaining >= 3 ? 4 : remaining + 1
            for position in 0..<sextets {
                output.append(alphabet[Int((group >> UInt32(18 - 6 * position)) & 0x3F)])
            }
            index += 3
        }
        output.append(UInt8(ascii: "-"))
        units.removeAll(keepingCapacity: true)
    }

    private static func sextet(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: ","): 63
        default: nil
        }
    }

    /// Decodes modified UTF-7 into a Unicode string, refusing anything RFC 3501 does not allow.
    ///
    /// - SeeAlso: RFC 3501 §5.1.3
    public static func decode(_ encoded: String) throws(DecodingError) -> String {
        let bytes = Array(encoded.utf8)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= 0x20 && byte <= 0x7E else { throw .unencodedCharacter(offset: index) }
            guard byte == UInt8(ascii: "&") else {
                result.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            let start = index
            guard let end = bytes[(start + 1)...].firstIndex(of: UInt8(ascii: "-")) else {
                throw .unterminatedShift(offset: start)
            }
            if end == start + 1 {
                result.append("&")
                index = end + 1
                continue
            }
            var bits: UInt32 = 0
            var bitCount = 0
            var octets: [UInt8] = []
            for character in bytes[(start + 1)..<end] {
                guard let value = sextet(character) else { throw .malformedBase64(offset: start) }
                bits = (bits << 6) | value
                bitCount += 6
                if bitCount >= 8 {
                    bitCount -= 8
                    octets.append(UInt8((bits >> UInt32(bitCount)) & 0xFF))
                    bits &= (1 << UInt32(bitCount)) - 1
                }
            }
            // Leftover bits must be zero padding shorter than one sextet, and octets whole UTF-16 units.
            guard bits == 0, bitCount < 6, octets.count % 2 == 0 else { throw .malformedBase64(offset: start) }
            var units: [UInt16] = []
            for pair in stride(from: 0, to: octets.count, by: 2) {
                units.append(UInt16(octets[pair]) << 8 | UInt16(octets[pair + 1]))
            }
            var iterator = units.makeIterator()
            var utf16 = UTF16()
            decoding: while true {
                switch utf16.decode(&iterator) {
                case .scalarValue(let scalar):
                    if scalar.value >= 0x20 && scalar.value <= 0x7E { throw .encodedPrintableASCII(offset: start) }
                    result.append(scalar)
                case .emptyInput:
                    break decoding
                case .error:
                    throw .malformedBase64(offset: start)
                }
            }
            index = end + 1
        }
        return String(result)
    }
}

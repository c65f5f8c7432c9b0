/// Content-Transfer-Encoding decoders (base64 and quoted-printable).
///
/// - SeeAlso: RFC 2045 §6.7 (quoted-printable), §6.8 (base64); RFC 2047 §4.1 (B encoding).
public enum TransferDecoding {
    /// Decodes base64 leniently, as a MIME body: characters outside the base64
    /// alphabet (line breaks, spaces, garbage) are skipped, padding is optional, and
    /// bits left over at the end are dropped.
    ///
    /// - SeeAlso: RFC 2045 §6.8 ("any characters outside of the base64 alphabet are
    ///   to be ignored").
    public static func decodeBase64(_ input: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3 + 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            let value = base64Value(byte)
            if value == 0xFF { continue }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }

    /// Decodes base64 strictly, as in an RFC 2047 "B" encoded word: only alphabet
    /// characters, `=` padding only at the end, padding may be missing. Nil if invalid.
    static func decodeBase64Strict(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var end = input.count
        var padding = 0
        while end > 0 && input[end - 1] == 0x3D && padding < 2 {
            end -= 1
            padding += 1
        }
        if end % 4 == 1 { return nil }
        if padding > 0 && (end + padding) % 4 != 0 { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(end / 4 * 3 + 2)
        var accumulator: UInt32 = 0
        var bits = 0
        for index in 0..<end {
            let value = base64Value(input[index])
            if value == 0xFF { return nil }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }

    @inline(__always)
    static func base64Value(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x41...0x5A: return byte - 0x41
        case 0x61...0x7A: return byte - 0x61 + 26
        case 0x30...0x39: return byte - 0x30 + 52
        case 0x2B: return 62
        case 0x2F: return 63
        default: return 0xFF
        }
    }

    /// Decodes quoted-printable: `=XX` (hex in either case) becomes a byte, `=` at the
    /// end of a line (after optional whitespace) is a soft line break, whitespace at the
    /// end of a line is dropped, and an `=` that starts neither is kept as it stands.
    /// Line ends are kept as they came (CRLF or LF).
    ///
    /// - SeeAlso: RFC 2045 §6.7 rules (1)–(5) and its note on robust decoders.
    public static func decodeQuotedPrintable(_ input: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(input)
        return bytes.withUnsafeBufferPointer { buffer in
            var output: [UInt8] = []
            output.reserveCapacity(buffer.count)
            var lineStart = 0
            let count = buffer.count
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count && buffer[lineEnd] != 0x0A { lineEnd += 1 }
                let hasNewline = lineEnd < count
                var contentEnd = lineEnd
                if hasNewline && contentEnd > lineStart && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                // Transport may add trailing whitespace: drop it.
                while contentEnd > lineStart && (buffer[contentEnd - 1] == 0x20 || buffer[contentEnd - 1] == 0x09) {
                    contentEnd -= 1
                }
                var softBreak = false
                var index = lineStart
                while index < contentEnd {
                    let byte = buffer[index]
                    if byte == 0x3D {
                        if index + 1 == contentEnd {
                            softBreak = true
                            index += 1
                            continue
                        }
                        if index + 2 < contentEnd, let high = hexValue(buffer[index + 1]),
                            let low = hexValue(buffer[index + 2])
                        {
                            output.append(high << 4 | low)
                            index += 3
                            continue
                        }
                    }
                    output.append(byte)
                    index += 1
                }
                if hasNewline && !softBreak {
                    output.append(contentsOf: buffer[contentEnd..<lineEnd + 1].drop(while: { $0 == 0x20 || $0 == 0x09 }))
                }
                lineStart = hasNewline ? lineEnd + 1 : count
            }
            return output
        }
    }
}

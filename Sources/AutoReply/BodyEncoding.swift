/// Body text helpers: line ends, transfer-encoding choice and quoted-printable.
///
/// - SeeAlso: RFC 2045 §6.7 (quoted-printable), RFC 5322 §2.3 (body lines)
enum BodyEncoding {
    /// `bytes` with every line end (CRLF, bare CR, bare LF) written as CRLF.
    static func crlfLines(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 40)
        var previousWasCR = false
        for byte in bytes {
            switch byte {
            case 0x0D:
                output += [0x0D, 0x0A]
                previousWasCR = true
                continue
            case 0x0A:
                if !previousWasCR { output += [0x0D, 0x0A] }
            default:
                output.append(byte)
            }
            previousWasCR = false
        }
        return output
    }

    /// The lines of CRLF-terminated `bytes` (without their CRLF).
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                result.append(bytes[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count { result.append(bytes[start...]) }
        return result
    }

    /// Whether CRLF text can go as `7bit` unchanged: printable ASCII and tabs only, no
    /// line over 76 octets, no whitespace at a line end (which transports may strip),
    /// no line starting with `.` or `From ` (which careless transports mangle).
    static func isSevenBitSafe(_ bytes: [UInt8]) -> Bool {
        lines(bytes).allSatisfy { line in
            line.count <= 76 && line.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
                && line.last != 0x20 && line.last != 0x09
                && line.first != UInt8(ascii: ".") && !line.starts(with: "From ".utf8)
        }
    }

    /// Quoted-printable encoding of CRLF text: line breaks stay hard breaks, output
    /// lines are at most 76 characters (soft breaks `=` CRLF), `=`, controls, 8-bit
    /// octets and whitespace before a line end are written `=XX`, and a `.` or the `F`
    /// of `From ` at the start of a line is encoded too, so no line reads as SMTP's end of data or an
    /// mbox `From ` line.
    static func quotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        let all = lines(bytes)
        for (number, line) in all.enumerated() {
            var column = 0
            var index = line.startIndex
            while index < line.endIndex {
                let byte = line[index]
                let isLast = index == line.endIndex - 1
                let literal =
                    ((byte >= 0x21 && byte <= 0x7E && byte != UInt8(ascii: "=")) || ((byte == 0x20 || byte == 0x09) && !isLast))
                    && !(column == 0
                        && (byte == UInt8(ascii: ".") || (byte == UInt8(ascii: "F") && line[index...].starts(with: "From ".utf8))))
                let piece: [UInt8] = literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                // Keep room for a soft break "=" unless this piece ends the line.
                let room = isLast ? 76 : 75
                if column + piece.count > room {
                    output += [UInt8(ascii: "="), 0x0D, 0x0A]
                    column = 0
                    continue  // re-evaluate the byte at the start of a new line
                }
                output += piece
                column += piece.count
                index += 1
            }
            if number < all.count - 1 || bytes.suffix(2) == [0x0D, 0x0A] { output += [0x0D, 0x0A] }
        }
        return output
    }
}

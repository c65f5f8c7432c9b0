#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns HTML bytes in a declared charset into UTF-8 before libxml2 sees them, so that bytes
/// invalid in that charset become U+FFFD instead of stopping libxml2's parse halfway (its
/// iconv-based decoder gives up at the first bad sequence).
enum TextDecoding {
    /// `bytes` in `charset` as valid UTF-8; nil when the charset is unknown here and to iconv.
    ///
    /// UTF-8 is repaired in Swift. US-ASCII, ISO-8859-1 and Windows-1252 labels all read as
    /// Windows-1252, as browsers do (8-bit bytes in "ASCII" mail are common); the C1 range
    /// is mapped later by `windows1252Replacement`. Everything else goes through iconv.
    ///
    /// - SeeAlso: WHATWG Encoding §4.2 (labels) and §5.2 (windows-1252 for latin1/ascii labels).
    static func utf8(_ bytes: [UInt8], charset: String) -> [UInt8]? {
        let label = charset.trimmingASCIISpaces.lowercased()
        switch label {
        case "utf-8", "utf8", "unicode-1-1-utf-8":
            return Array(String(decoding: bytes, as: UTF8.self).utf8)
        case "us-ascii", "ascii", "ansi_x3.4-1968", "iso-8859-1", "iso8859-1", "latin1", "l1", "iso_8859-1",
             "cp819", "ibm819", "windows-1252", "cp1252", "x-cp1252":
            return latin1ToUTF8(bytes)
        default:
            return iconvToUTF8(bytes, from: label)
        }
    }

    /// Whether `charset` is a name for UTF-8.
    static func isUTF8Label(_ charset: String) -> Bool {
        ["utf-8", "utf8", "unicode-1-1-utf-8"].contains(charset.trimmingASCIISpaces.lowercased())
    }

    /// The charset a byte-order mark at the start of `bytes` announces, and the mark's length.
    static func byteOrderMark(_ bytes: [UInt8]) -> (charset: String, length: Int)? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return ("utf-8", 3) }
        if bytes.starts(with: [0xFF, 0xFE]) { return ("utf-16le", 2) }
        if bytes.starts(with: [0xFE, 0xFF]) { return ("utf-16be", 2) }
        return nil
    }

    /// Each byte as the code point of the same value, encoded as UTF-8.
    static func latin1ToUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 {
                output.append(byte)
            } else {
                output.append(0xC0 | byte >> 6)
                output.append(0x80 | byte & 0x3F)
            }
        }
        return output
    }

    /// What a browser shows for U+0080...U+009F: the Windows-1252 character for that byte, or
    /// nil for the five bytes Windows-1252 leaves undefined.
    ///
    /// Applied to extracted text, this covers both 8-bit text declared as Latin-1 or ASCII and
    /// numeric references like `&#150;`, which HTML maps the same way.
    ///
    /// - SeeAlso: WHATWG Encoding, index-windows-1252; WHATWG HTML §13.2.5.80 (numeric
    ///   character reference end state, the C1 replacement table).
    static func windows1252Replacement(_ value: UInt32) -> Unicode.Scalar? {
        guard (0x80...0x9F).contains(value) else { return Unicode.Scalar(value) }
        let table: [UInt32] = [
            0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
            0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
        ]
        let mapped = table[Int(value - 0x80)]
        return mapped == 0 ? nil : Unicode.Scalar(mapped)
    }

    /// Converts with iconv, writing U+FFFD for each invalid byte and for a truncated sequence
    /// at the end. Nil when iconv does not know the charset.
    static func iconvToUTF8(_ bytes: [UInt8], from charset: String) -> [UInt8]? {
        guard !charset.isEmpty, !charset.contains("/") else { return nil }
        guard let converter = iconv_open("UTF-8", charset), converter != UnsafeMutableRawPointer(bitPattern: -1) else {
            return nil
        }
        defer { iconv_close(converter) }

        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        var chunk = [UInt8](repeating: 0, count: 4096)
        var input = bytes
        input.withUnsafeMutableBufferPointer { inputBuffer in
            chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                guard let inputBase = inputBuffer.baseAddress, let chunkBase = chunkBuffer.baseAddress else { return }
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inputBase).assumingMemoryBound(to: CChar.self)
                var inLeft = inputBuffer.count
                var flushing = false
                while true {
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(chunkBase).assumingMemoryBound(to: CChar.self)
                    var outLeft = chunkBuffer.count
                    let result: Int
                    if inLeft > 0 {
                        result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    } else {
                        // No input left: one more call writes a stateful encoding's closing shift.
                        flushing = true
                        result = iconv(converter, nil, nil, &outPointer, &outLeft)
                    }
                    let failure = result == -1 ? errno : 0
                    output.append(contentsOf: chunkBuffer[0..<(chunkBuffer.count - outLeft)])
                    switch failure {
                    case 0:
                        if flushing { return }
                    case E2BIG:
                        continue
                    case EILSEQ:
                        output.append(contentsOf: replacement)
                        inPointer = inPointer.map { $0 + 1 }
                        inLeft -= 1
                    case EINVAL:
                        // An incomplete sequence at the very end.
                        output.append(contentsOf: replacement)
                        inLeft = 0
                    default:
                        return
                    }
                }
            }
        }
        return output
    }
}

extension String {
    fileprivate var trimmingASCIISpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts text in a named character set to Unicode.
///
/// UTF-8, US-ASCII and ISO-8859-1 are converted in Swift; every other charset goes
/// through the C library's `iconv`, so anything iconv knows (ISO-8859-*, Windows-125x,
/// KOI8-R, Shift_JIS, GB18030, ...) works. Bytes that are invalid in the named charset
/// become U+FFFD; an unknown charset name gives nil so that callers can keep the
/// original text.
///
/// - SeeAlso: RFC 2045 §5.1 (charset parameter), RFC 2047 §2 (charset in encoded words).
public enum Charset {
    /// Decodes `bytes` written in `charset` to a String; nil if the charset is unknown.
    ///
    /// The name is matched case-insensitively; an RFC 2231 language suffix
    /// (`utf-8*en`) is ignored. US-ASCII text that carries 8-bit bytes anyway (common
    /// in real mail) is read as UTF-8 when valid, else as ISO-8859-1.
    public static func decode(_ bytes: some Collection<UInt8>, charset: String) -> String? {
        switch canonicalName(charset) {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .ascii:
            return decodeLenient(bytes)
        case .latin1:
            return decodeLatin1(bytes)
        case .other(let name):
            return Array(bytes).withUnsafeBufferPointer { IconvConverter.convert($0, from: name) }
        case .invalid:
            return nil
        }
    }

    /// Decodes raw 8-bit text of unknown charset: UTF-8 when the bytes are valid
    /// UTF-8, otherwise ISO-8859-1 (every byte maps to one code point).
    ///
    /// - SeeAlso: RFC 6532 §3 (UTF-8 in header fields).
    public static func decodeLenient(_ bytes: some Collection<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return decodeLatin1(bytes)
    }

    /// `decodeLenient` for a buffer, with a fast path for ASCII.
    static func decodeLenient(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var combined: UInt8 = 0
        for byte in bytes { combined |= byte }
        if combined < 0x80 { return String(decoding: bytes, as: UTF8.self) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return decodeLatin1(bytes)
    }

    /// Maps each byte to the code point of the same value (ISO-8859-1).
    static func decodeLatin1(_ bytes: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    enum Name: Equatable {
        case utf8, ascii, latin1, other(String), invalid
    }

    /// Normalises a charset label: lowercase, language tag dropped, common aliases that
    /// iconv lacks mapped to a superset it knows. Labels with characters outside
    /// `[A-Za-z0-9._:+()-]` are refused so that no iconv option (`//TRANSLIT`) can ride along.
    static func canonicalName(_ label: String) -> Name {
        var bytes = Array(label.utf8)
        if let star = bytes.firstIndex(of: UInt8(ascii: "*")) { bytes.removeSubrange(star...) }
        while let first = bytes.first, first == 0x20 || first == 0x09 || first == 0x22 { bytes.removeFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 || last == 0x22 { bytes.removeLast() }
        guard !bytes.isEmpty, bytes.count <= 64 else { return .invalid }
        for byte in bytes {
            let ok = isAlphaNumeric(byte) || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
                || byte == 0x2B || byte == 0x28 || byte == 0x29
            if !ok { return .invalid }
        }
        let name = String(decoding: bytes.map(asciiLower), as: UTF8.self)
        switch name {
        case "utf-8", "utf8":
            return .utf8
        case "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us":
            return .ascii
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "iso-ir-100", "cp819", "ibm819":
            return .latin1
        case "ks_c_5601-1987", "ks_c_5601", "ksc5601":
            return .other("CP949")
        case "gb2312", "x-gbk", "gbk":
            return .other("GB18030")
        case "x-sjis", "shift-jis", "sjis":
            return .other("SHIFT_JIS")
        case "iso-8859-8-i":
            return .other("ISO-8859-8")
        case "unknown-8bit", "x-unknown", "unknown", "x-user-defined", "default", "8bit":
            return .ascii
        default:
            return .other(name)
        }
    }
}

@inline(__always)
func isAlphaNumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
}

/// A one-shot conversion through iconv. A descriptor is opened per call and closed
/// before returning, so nothing is shared between threads.
enum IconvConverter {
    /// Whether iconv can convert from `charset` to UTF-8.
    static func isSupported(_ charset: String) -> Bool {
        let descriptor = iconv_open("UTF-8", charset)
        guard let descriptor, Int(bitPattern: descriptor) != -1 else { return false }
        iconv_close(descriptor)
        return true
    }

    static func convert(_ input: UnsafeBufferPointer<UInt8>, from charset: String) -> String? {
        let descriptor = iconv_open("UTF-8", charset)
        guard let descriptor, Int(bitPattern: descriptor) != -1 else { return nil }
        defer { iconv_close(descriptor) }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 2 + 16)
        var chunk = [UInt8](repeating: 0, count: max(256, input.count * 4 + 16))
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        guard var inPointer = input.baseAddress.map({ UnsafeMutableRawPointer(mutating: $0) }) else {
            return ""
        }
        var inLeft = input.count
        while inLeft > 0 {
            let (result, errorCode, produced) = chunk.withUnsafeMutableBytes { outBuffer -> (Int, Int32, Int) in
                var outPointer = outBuffer.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                var inChars: UnsafeMutablePointer<CChar>? = inPointer.assumingMemoryBound(to: CChar.self)
                var outChars: UnsafeMutablePointer<CChar>? = outPointer
                let result = iconv(descriptor, &inChars, &inLeft, &outChars, &outLeft)
                let code = result == -1 ? errno : 0
                if let inChars { inPointer = UnsafeMutableRawPointer(inChars) }
                outPointer = outChars ?? outPointer
                return (result, code, outBuffer.count - outLeft)
            }
            output.append(contentsOf: chunk[0..<produced])
            if result != -1 { break }
            switch errorCode {
            case E2BIG:
                continue
            case EILSEQ:
                // An invalid byte: replace it and go on with the next one.
                output.append(contentsOf: replacement)
                inPointer += 1
                inLeft -= 1
            case EINVAL:
                // Incomplete sequence at the end of the input.
                output.append(contentsOf: replacement)
                inLeft = 0
            default:
                if produced == 0 {
                    output.append(contentsOf: replacement)
                    inPointer += 1
                    inLeft -= 1
                }
            }
        }
        // Flush any shift state (stateful encodings such as ISO-2022-JP).
        let tail = chunk.withUnsafeMutableBytes { outBuffer -> Int in
            var outChars: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress!.assumingMemoryBound(to: CChar.self)
            var outLeft = outBuffer.count
            _ = iconv(descriptor, nil, nil, &outChars, &outLeft)
            return outBuffer.count - outLeft
        }
        output.append(contentsOf: chunk[0..<tail])
        return String(decoding: output, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes RFC 2047 encoded words in header text.
///
/// Choices, where real mail departs from the RFC:
/// - Encoded words are recognised anywhere in the text, also inside a word or a quoted
///   string (many mailers write them there and every mail reader decodes them).
/// - Whitespace between two adjacent encoded words is dropped (RFC 2047 §6.2); the
///   decoded bytes of adjacent words in the same charset are joined before charset
///   conversion, so a multi-byte character split across two words survives.
/// - A broken encoded word (bad base64, unknown charset, no closing `?=`) is kept
///   exactly as written.
/// - Text outside encoded words is read as UTF-8 when valid, else as ISO-8859-1.
///
/// - SeeAlso: RFC 2047 §2 (syntax), §4 (B and Q encodings), §6.2 (display);
///   RFC 2231 §5 (language tag in encoded words).
public enum EncodedWords {
    /// Decodes every encoded word in `bytes`; see the type's documentation for the rules.
    public static func decode(_ bytes: some Collection<UInt8>) -> String {
        let array = Array(bytes)
        return array.withUnsafeBufferPointer { decode($0) }
    }

    /// Decodes every encoded word in `text` (already Unicode; encoded words are ASCII).
    public static func decode(_ text: String) -> String {
        var text = text
        return text.withUTF8 { decode($0) }
    }

    static func decode(_ input: UnsafeBufferPointer<UInt8>) -> String {
        // Fast path: no "=?" at all, so only the raw-text rule applies.
        guard findMarker(input, from: 0) != nil else { return Charset.decodeLenient(input) }

        var output = ""
        var pending: (charset: String, bytes: [UInt8])?
        var literalStart = 0
        var searchFrom = 0

        func flushPending() {
            if let word = pending {
                output += Charset.decode(word.bytes, charset: word.charset) ?? Charset.decodeLenient(word.bytes)
            }
            pending = nil
        }

        while let start = findMarker(input, from: searchFrom) {
            guard let word = parseWord(input, at: start) else {
                searchFrom = start + 1
                continue
            }
            let between = UnsafeBufferPointer(rebasing: input[literalStart..<start])
            if pending != nil && between.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) {
                // Adjacent encoded words: the whitespace between them is not shown.
            } else {
                flushPending()
                output += Charset.decodeLenient(between)
            }
            if pending?.charset == word.charset {
                pending?.bytes.append(contentsOf: word.bytes)
            } else {
                flushPending()
                pending = (word.charset, word.bytes)
            }
            literalStart = word.end
            searchFrom = word.end
        }
        flushPending()
        output += Charset.decodeLenient(UnsafeBufferPointer(rebasing: input[literalStart...]))
        return output
    }

    /// Index of the next `=?` at or after `from`.
    private static func findMarker(_ input: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = input.baseAddress else { return nil }
        var index = from
        while index + 1 < input.count {
            guard let found = memchr(base + index, 0x3D, input.count - 1 - index) else { return nil }
            let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if input[position + 1] == 0x3F { return position }
            index = position + 1
        }
        return nil
    }

    struct Word {
        var charset: String
        var bytes: [UInt8]
        var end: Int
    }

    // encoded-word = "=?" charset ["*" language] "?" encoding "?" encoded-text "?="
    static func parseWord(_ input: UnsafeBufferPointer<UInt8>, at start: Int) -> Word? {
        var index = start + 2
        let count = input.count
        let charsetStart = index
        while index < count, input[index] != 0x3F {
            let byte = input[index]
            if byte <= 0x20 || byte >= 0x7F { return nil }
            index += 1
            if index - charsetStart > 80 { return nil }
        }
        guard index < count, index > charsetStart else { return nil }
        let label = String(decoding: UnsafeBufferPointer(rebasing: input[charsetStart..<index]), as: UTF8.self)
        index += 1  // "?"
        guard index + 1 < count, input[index + 1] == 0x3F else { return nil }
        let encoding = asciiLower(input[index])
        guard encoding == 0x62 || encoding == 0x71 else { return nil }
        index += 2
        let textStart = index
        while index < count, input[index] != 0x3F {
            let byte = input[index]
            if byte <= 0x20 || byte >= 0x7F { return nil }
            index += 1
        }
        guard index + 1 < count, input[index + 1] == 0x3D else { return nil }
        let text = UnsafeBufferPointer(rebasing: input[textStart..<index])
        let decoded: [UInt8]?
        if encoding == 0x62 {
            decoded = TransferDecoding.decodeBase64Strict(text)
        } else {
            decoded = decodeQ(text)
        }
        guard let decoded, isKnownCharset(label) else { return nil }
        return Word(charset: label, bytes: decoded, end: index + 2)
    }

    /// RFC 2047 §4.2 "Q": `_` is a space, `=XX` a byte (hex in either case); an `=` not
    /// followed by two hex digits is kept as it stands.
    static func decodeQ(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == 0x5F {
                output.append(0x20)
            } else if byte == 0x3D, index + 2 < text.count, let high = hexValue(text[index + 1]),
                let low = hexValue(text[index + 2])
            {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    private static func isKnownCharset(_ label: String) -> Bool {
        switch Charset.canonicalName(label) {
        case .utf8, .ascii, .latin1: return true
        case .invalid: return false
        case .other(let name): return IconvConverter.isSupported(name)
        }
    }
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: return byte - 0x30
    case 0x41...0x46: return byte - 0x41 + 10
    case 0x61...0x66: return byte - 0x61 + 10
    default: return nil
    }
}

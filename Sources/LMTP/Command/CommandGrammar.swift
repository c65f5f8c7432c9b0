/// Character classes of RFC 5321 §4.1.2 (extended by RFC 6531 §3.3 to UTF-8) and a
/// small cursor over one command line.
enum CommandGrammar {
    // ALPHA = %x41-5A / %x61-7A
    static func isAlpha(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
    // DIGIT = %x30-39
    static func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
    // atext = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "/" /
    //         "=" / "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~" / UTF8-non-ascii
    static func isAtext(_ b: UInt8) -> Bool {
        if isAlpha(b) || isDigit(b) || b >= 0x80 { return true }
        return Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(b)
    }
    // qtextSMTP = %d32-33 / %d35-91 / %d93-126 / UTF8-non-ascii
    static func isQtext(_ b: UInt8) -> Bool {
        b == 32 || b == 33 || (35...91).contains(b) || (93...126).contains(b) || b >= 0x80
    }
    // Let-dig = ALPHA / DIGIT (plus UTF8-non-ascii for U-labels, RFC 6531 §3.3)
    static func isLetDig(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) || b >= 0x80 }
    // dcontent = %d33-90 / %d94-126 (inside an address literal's brackets)
    static func isDcontent(_ b: UInt8) -> Bool { (33...90).contains(b) || (94...126).contains(b) }
    // esmtp-value = 1*(%d33-60 / %d62-126 / UTF8-non-ascii)
    static func isEsmtpValueChar(_ b: UInt8) -> Bool { (33...60).contains(b) || (62...126).contains(b) || b >= 0x80 }
}

/// A read position in one command line (CRLF already removed).
struct LineCursor {
    let bytes: [UInt8]
    private(set) var index: Int = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }
    /// The rest of the line, for error messages (printable, at most 40 characters).
    var rest: String { LineCursor.show(bytes[min(index, bytes.count)...]) }

    mutating func advance(_ count: Int = 1) { index = min(index + count, bytes.count) }

    /// Consumes `byte` if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// Consumes the longest run of bytes satisfying `predicate`.
    mutating func takeWhile(_ predicate: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = index
        while let b = peek, predicate(b) { index += 1 }
        return bytes[start..<index]
    }

    /// Consumes `word` matched ASCII case-insensitively.
    mutating func takeKeyword(_ word: String) -> Bool {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count else { return false }
        for (offset, e) in expected.enumerated() where LineCursor.upper(bytes[index + offset]) != LineCursor.upper(e) {
            return false
        }
        index += expected.count
        return true
    }

    /// Skips spaces (and tabs, which some clients send); returns how many were skipped.
    @discardableResult
    mutating func skipSpaces() -> Int { takeWhile { $0 == 0x20 || $0 == 0x09 }.count }

    static func upper(_ b: UInt8) -> UInt8 { (0x61...0x7A).contains(b) ? b - 0x20 : b }

    /// Renders bytes for an error message: printable ASCII kept, others as `\xNN`.
    static func show(_ bytes: ArraySlice<UInt8>) -> String {
        var out = ""
        for b in bytes.prefix(40) {
            if (0x20...0x7E).contains(b) { out.unicodeScalars.append(UnicodeScalar(b)) } else {
                let hex = String(b, radix: 16, uppercase: true)
                out += "\\x" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        if bytes.count > 40 { out += "..." }
        return out.isEmpty ? "end of line" : "\"\(out)\""
    }
}

import MailCore

/// Builds the messages `replace` and `enclose` make (RFC 5703 §5, §6): new bytes in the
/// message's own line-end form (CRLF, or LF when its header uses bare LF), fields the
/// script gives written by `HeaderFieldWriter` (RFC 2047-encoded when not ASCII).
enum MessageRewriting {
    /// CRLF, or LF when the message's first line ends in a bare LF.
    static func lineEnding(of message: Message) -> [UInt8] {
        let bytes = message.bytes
        guard let lineFeed = bytes.firstIndex(of: 0x0A) else { return [0x0D, 0x0A] }
        return lineFeed > 0 && bytes[lineFeed - 1] == 0x0D ? [0x0D, 0x0A] : [0x0A]
    }

    /// `text` with every line break (CRLF, LF or CR) written as `lineEnding`.
    static func lines(_ text: String, lineEnding: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var previousCR = false
        for byte in text.utf8 {
            if byte == 0x0A {
                if !previousCR { out += lineEnding }
                previousCR = false
            } else if byte == 0x0D {
                out += lineEnding
                previousCR = true
            } else {
                out.append(byte)
                previousCR = false
            }
        }
        return out
    }

    /// A text body and its transfer encoding: `7bit` for ASCII text with short lines,
    /// else `base64` (safe whichever way the message travels on).
    static func textBody(_ text: String, lineEnding: [UInt8]) -> (encoding: String, bytes: [UInt8]) {
        let body = lines(text, lineEnding: lineEnding)
        var lineLength = 0
        var plain = true
        for byte in body {
            if byte == 0x0A || byte == 0x0D { lineLength = 0; continue }
            lineLength += 1
            if byte >= 0x80 || byte == 0 || lineLength > 998 { plain = false; break }
        }
        if plain { return ("7bit", body) }
        return ("base64", base64(Array(text.utf8), lineEnding: lineEnding))
    }

    /// Base64 in lines of 76 characters (RFC 2045 §6.8).
    static func base64(_ bytes: [UInt8], lineEnding: [UInt8]) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 4 / 3 + bytes.count / 38 + 4)
        var column = 0
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index], b1 = index + 1 < bytes.count ? bytes[index + 1] : 0, b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
            column += 4
            if column >= 76, index < bytes.count {
                out += lineEnding
                column = 0
            }
        }
        return out
    }

    /// The MIME entity `replace` puts in a part's place: the replacement as given for
    /// `:mime`, else a `text/plain` UTF-8 part holding it.
    static func entity(for replacement: ExpandedReplacement, lineEnding: [UInt8]) -> [UInt8] {
        if replacement.isMIME { return lines(replacement.replacement, lineEnding: lineEnding) }
        let body = textBody(replacement.replacement, lineEnding: lineEnding)
        return Array("Content-Type: text/plain; charset=utf-8".utf8) + lineEnding
            + Array("Content-Transfer-Encoding: \(body.encoding)".utf8) + lineEnding + lineEnding + body.bytes
    }

    /// Whether a field describes the MIME structure (`MIME-Version`, `Content-*`).
    static func isMIMEField(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered == "mime-version" || lowered.hasPrefix("content-")
    }

    /// The header section of `message` without the empty line that ends it.
    static func fieldsOnly(_ message: Message) -> [UInt8] {
        var header = Array(message.headerSection)
        if header.count >= 2, header.last == 0x0A {
            // Drop the empty line: the last line break and, before it, an optional CR.
            var end = header.count - 1
            if end > 0, header[end - 1] == 0x0D { end -= 1 }
            if end == 0 || header[end - 1] == 0x0A { header.removeSubrange(end...) }
        }
        return header
    }

    /// The message with its body replaced (RFC 5703 §5): the header kept but for its MIME
    /// fields, `:subject`/`:from` replacing `Subject`/`From` (the old ones kept as
    /// `Original-Subject`/`Original-From`), then the new MIME fields and body.
    static func replacingBody(of message: Message, with replacement: ExpandedReplacement) -> Message {
        let lineEnding = lineEnding(of: message)
        var removed: [Int] = []
        for (index, field) in message.headerFields.enumerated() {
            if isMIMEField(field.name)
                || (replacement.subject != nil && field.hasName("Subject"))
                || (replacement.from != nil && field.hasName("From")) {
                removed.append(index)
            }
        }
        var out = fieldsOnly(message.removingFields(at: removed))
        if let subject = replacement.subject {
            for old in message.fieldValues(lowercasedName: "subject") {
                out += HeaderFieldWriter.fieldBytes(name: "Original-Subject", value: old, lineEnding: lineEnding)
            }
            out += HeaderFieldWriter.fieldBytes(name: "Subject", value: subject, lineEnding: lineEnding)
        }
        if let from = replacement.from {
            for old in message.fieldValues(lowercasedName: "from") {
                out += HeaderFieldWriter.fieldBytes(name: "Original-From", value: old, lineEnding: lineEnding)
            }
            out += HeaderFieldWriter.fieldBytes(name: "From", value: from, lineEnding: lineEnding)
        }
        out += Array("MIME-Version: 1.0".utf8) + lineEnding
        out += entity(for: replacement, lineEnding: lineEnding)
        return Message(bytes: out)
    }

    /// The new message `enclose` makes (RFC 5703 §6): the original's fields that
    /// `:headers` names (all but the MIME ones and `Subject` without it), `Subject` from
    /// `:subject` or the original, a `multipart/mixed` body of the text and the original
    /// message as `message/rfc822`.
    static func enclosing(_ message: Message, in enclosure: ExpandedEnclosure) -> Message {
        let lineEnding = lineEnding(of: message)
        var removed: [Int] = []
        for (index, field) in message.headerFields.enumerated() {
            let name = field.name.lowercased()
            let copied = enclosure.headers.map { $0.contains(name) || name == "date" } ?? true
            if !copied || isMIMEField(name) || name == "subject" { removed.append(index) }
        }
        var out = fieldsOnly(message.removingFields(at: removed))
        if let subject = enclosure.subject ?? message.fieldValues(lowercasedName: "subject").first {
            out += HeaderFieldWriter.fieldBytes(name: "Subject", value: subject, lineEnding: lineEnding)
        }
        let boundary = boundary(notIn: message.bytes, text: enclosure.text)
        out += Array("MIME-Version: 1.0".utf8) + lineEnding
        out += Array("Content-Type: multipart/mixed; boundary=\"\(boundary)\"".utf8) + lineEnding + lineEnding
        out += Array("This is a message in MIME format.".utf8) + lineEnding + lineEnding
        let body = textBody(enclosure.text, lineEnding: lineEnding)
        out += Array("--\(boundary)".utf8) + lineEnding
        out += Array("Content-Type: text/plain; charset=utf-8".utf8) + lineEnding
        out += Array("Content-Transfer-Encoding: \(body.encoding)".utf8) + lineEnding + lineEnding
        out += body.bytes + lineEnding
        out += Array("--\(boundary)".utf8) + lineEnding
        out += Array("Content-Type: message/rfc822".utf8) + lineEnding + lineEnding
        out += message.bytes
        if message.bytes.last != 0x0A { out += lineEnding }
        out += Array("--\(boundary)--".utf8) + lineEnding
        return Message(bytes: out)
    }

    /// A boundary that occurs in neither the enclosed message nor the text.
    static func boundary(notIn bytes: [UInt8], text: String) -> String {
        var attempt = 0
        while true {
            let candidate = "=_sluice-enclose-\(bytes.count)-\(attempt)"
            let pattern = Array(candidate.utf8)
            if !contains(bytes, pattern), !text.contains(candidate) { return candidate }
            attempt += 1
        }
    }

    private static func contains(_ bytes: [UInt8], _ pattern: [UInt8]) -> Bool {
        guard let first = pattern.first, pattern.count <= bytes.count else { return false }
        var index = 0
        let last = bytes.count - pattern.count
        while index <= last {
            if bytes[index] == first, bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return true }
            index += 1
        }
        return false
    }
}

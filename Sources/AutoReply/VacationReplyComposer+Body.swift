import MailCore

extension VacationReplyComposer {
    /// The body for a plain `:reason`: the Content-* fields, a blank line and the text,
    /// or a `multipart/alternative` of text and HTML.
    func textBody(_ reason: String, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        let text = Self.encodedPart(type: "text/plain; charset=utf-8", content: BodyEncoding.crlfLines(Array(reason.utf8)))
        guard let renderer = htmlRenderer, let html = renderer(reason) else {
            return text.header + [0x0D, 0x0A] + text.body
        }
        let htmlPart = Self.encodedPart(type: "text/html; charset=utf-8", content: BodyEncoding.crlfLines(html))
        let parts = [text, htmlPart]
        let boundary = Self.boundary(avoiding: parts.map(\.body), using: &generator)
        var output = Array("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n".utf8)
        output += Array("This is a message in two formats: plain text and HTML.\r\n".utf8)
        for part in parts {
            output += Array("\r\n--\(boundary)\r\n".utf8)
            output += part.header + [0x0D, 0x0A] + part.body
            // The CRLF before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
            if part.body.suffix(2) == [0x0D, 0x0A] { output.removeLast(2) }
        }
        output += Array("\r\n--\(boundary)--\r\n".utf8)
        return output
    }

    /// One text part's header lines (each ending CRLF) and encoded body (ending CRLF).
    static func encodedPart(type: String, content: [UInt8]) -> (header: [UInt8], body: [UInt8]) {
        var body: [UInt8]
        let encoding: String
        if BodyEncoding.isSevenBitSafe(content) {
            body = content
            encoding = "7bit"
        } else {
            body = BodyEncoding.quotedPrintable(content)
            encoding = "quoted-printable"
        }
        if body.suffix(2) != [0x0D, 0x0A] { body += [0x0D, 0x0A] }
        return (Array("Content-Type: \(type)\r\nContent-Transfer-Encoding: \(encoding)\r\n".utf8), body)
    }

    /// A multipart entity: its `Content-Type` field (`type`, e.g. `multipart/report;
    /// report-type=feedback-report;`, then a boundary that occurs in no part), the blank
    /// line, `preamble`, each part (header lines, blank line, body) and the close delimiter.
    static func multipart(_ type: String, preamble: String, parts: [[UInt8]],
                          using generator: inout some RandomNumberGenerator) -> [UInt8] {
        let boundary = self.boundary(avoiding: parts, using: &generator)
        var bytes = Array("Content-Type: \(type)\r\n boundary=\"\(boundary)\"\r\n\r\n".utf8)
        bytes += Array("\(preamble)\r\n".utf8)
        for part in parts {
            bytes += Array("\r\n--\(boundary)\r\n".utf8)
            var body = part
            // The CRLF before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
            if body.suffix(2) == [0x0D, 0x0A] { body.removeLast(2) }
            bytes += body
        }
        bytes += Array("\r\n--\(boundary)--\r\n".utf8)
        return bytes
    }

    /// A random boundary that occurs in none of `bodies` (RFC 2046 §5.1.1: it must not
    /// appear inside the encapsulated parts). Quoted-printable output cannot contain
    /// `=_`, so a clash is possible only with `7bit` text that happens to hold it.
    static func boundary(avoiding bodies: [[UInt8]], using generator: inout some RandomNumberGenerator) -> String {
        while true {
            let candidate = "=_sluice_" + randomToken(length: 24, using: &generator)
            let needle = Array(candidate.utf8)
            if !bodies.contains(where: { contains($0, needle) }) { return candidate }
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    /// A `:mime` reason as the MIME entity it is: its `Content-*` fields (others,
    /// including `MIME-Version`, are dropped: they do not belong to an entity), a blank
    /// line and its body, all with CRLF line ends. An 8-bit body without a transfer
    /// encoding gets `Content-Transfer-Encoding: 8bit`.
    ///
    /// - SeeAlso: RFC 5230 §5.7 (`:mime`), RFC 2045 §3 (entity header fields)
    func mimeEntity(_ reason: String) throws(AutoReplyError) -> [UInt8] {
        let entity = Message(bytes: BodyEncoding.crlfLines(Array(reason.utf8)))
        let fields = entity.headerFields.filter { $0.name.lowercased().hasPrefix("content-") }
        var body = Array(entity.body)
        if body.suffix(2) != [0x0D, 0x0A] { body += [0x0D, 0x0A] }
        if let long = BodyEncoding.lines(body).first(where: { $0.count > 998 }) {
            throw AutoReplyError(
                "vacation :mime reason has a body line of \(long.count) octets; lines must be at most 998 (RFC 5322 §2.1.1)")
        }
        var output: [UInt8] = []
        for field in fields {
            output += Self.foldedField(name: field.name, value: field.rawValue)
        }
        let hasEncoding = fields.contains { $0.hasName("Content-Transfer-Encoding") }
        if !hasEncoding && body.contains(where: { $0 >= 0x80 }) {
            output += Array("Content-Transfer-Encoding: 8bit\r\n".utf8)
        }
        return output + [0x0D, 0x0A] + body
    }

    /// `name: value` CRLF. `value` is an unfolded field body from the parser: it holds
    /// no CR or LF (checked again: any becomes a space). Written on one line, exactly,
    /// when that fits in 998 octets; otherwise folded before spaces.
    static func foldedField(name: String, value: [UInt8]) -> [UInt8] {
        let clean = value.map { $0 == 0x0D || $0 == 0x0A || $0 == 0 ? UInt8(ascii: " ") : $0 }
        var output = Array(name.utf8) + Array(": ".utf8)
        if output.count + clean.count <= 998 { return output + clean + [0x0D, 0x0A] }
        var lineLength = output.count
        for (index, byte) in clean.enumerated() {
            // Fold before a space once the line is long; folding only adds a CRLF, so
            // unfolding gives back the value unchanged.
            if byte == UInt8(ascii: " ") && lineLength >= HeaderWriting.preferredLineLength && index > 0 {
                output += [0x0D, 0x0A]
                lineLength = 0
            }
            output.append(byte)
            lineLength += 1
        }
        return output + [0x0D, 0x0A]
    }
}

import MailCore

/// Turns an HTML document into the plain text a reader would see, for `body :text`.
///
/// The `Sieve` module does not parse HTML itself: a host passes an implementation through
/// `SieveContext.htmlTextExtractor` (the delivery agent and `sieve-check` use the libxml2
/// one from the `Reports` module). Without one, `TagStrippingHTMLTextExtractor` is used.
///
/// - SeeAlso: RFC 5173 §5.3 (`:text` extracts the text a user would see)
public protocol HTMLTextExtractor: Sendable {
    /// The text of the HTML document `html` (the part's decoded body bytes); `charset` is
    /// the MIME part's `charset` parameter, if any.
    func text(fromHTML html: [UInt8], charset: String?) -> String
}

/// The fallback HTML-to-text conversion: drops tags, comments and the content of
/// `<script>`, `<style>` and `<head>`, decodes the five XML entities and numeric character
/// references, and collapses runs of whitespace to one space.
///
/// It is deliberately simple (no charset sniffing from `<meta>`, no named entities beyond
/// `&amp; &lt; &gt; &quot; &apos; &nbsp;`, no layout); hosts that care pass a real
/// `HTMLTextExtractor`.
public struct TagStrippingHTMLTextExtractor: HTMLTextExtractor {
    public init() {}

    public func text(fromHTML html: [UInt8], charset: String?) -> String {
        let source = charset.flatMap { Charset.decode(html, charset: $0) } ?? Charset.decodeLenient(html)
        let scalars = Array(source.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        var pendingSpace = false

        func emit(_ scalar: Unicode.Scalar) {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                return
            }
            if pendingSpace { out.append(" ") }
            pendingSpace = false
            out.append(scalar)
        }

        func startsWith(_ text: String, at position: Int) -> Bool {
            var i = position
            for expected in text.unicodeScalars {
                guard i < scalars.count, Self.lower(scalars[i]) == expected else { return false }
                i += 1
            }
            return true
        }

        func find(_ text: String, from position: Int) -> Int? {
            var i = position
            while i < scalars.count {
                if startsWith(text, at: i) { return i }
                i += 1
            }
            return nil
        }

        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<" {
                if startsWith("<!--", at: index) {
                    index = (find("-->", from: index + 4).map { $0 + 3 }) ?? scalars.count
                    continue
                }
                var skippedElement = false
                for element in ["script", "style", "head", "title"] where startsWith("<" + element, at: index) {
                    let after = index + element.unicodeScalars.count + 1
                    if after < scalars.count, scalars[after] == ">" || scalars[after].properties.isWhitespace || scalars[after] == "/" {
                        let close = find("</" + element, from: after)
                        index = close.flatMap { find(">", from: $0) }.map { $0 + 1 } ?? scalars.count
                        skippedElement = true
                        break
                    }
                }
                if skippedElement { continue }
                // An ordinary tag: skip to its end, separating words on either side.
                index = (find(">", from: index + 1).map { $0 + 1 }) ?? scalars.count
                pendingSpace = !out.isEmpty
                continue
            }
            if scalar == "&", let (decoded, length) = Self.entity(scalars, at: index) {
                emit(decoded)
                index += length
                continue
            }
            emit(scalar)
            index += 1
        }
        return String(out)
    }

    private static func lower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.value >= 65 && scalar.value <= 90, let low = Unicode.Scalar(scalar.value + 32) { return low }
        return scalar
    }

    /// An entity or character reference at `index`: its scalar and its length.
    private static func entity(_ scalars: [Unicode.Scalar], at index: Int) -> (Unicode.Scalar, Int)? {
        guard let semicolon = scalars[index...].prefix(12).firstIndex(of: ";") else { return nil }
        let name = String(String.UnicodeScalarView(scalars[(index + 1)..<semicolon]))
        let length = semicolon - index + 1
        switch name.lowercased() {
        case "amp": return ("&", length)
        case "lt": return ("<", length)
        case "gt": return (">", length)
        case "quot": return ("\"", length)
        case "apos": return ("'", length)
        case "nbsp": return (" ", length)
        default: break
        }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        guard let value, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}

/// Which part of the body a `body` test looks at.
///
/// - SeeAlso: RFC 5173 §5
enum BodyTransform: Sendable {
    /// The undecoded body after the header, one string.
    case raw
    /// The decoded MIME parts whose content type matches one of the list.
    case content(StrList)
    /// The text a reader sees: text parts decoded, HTML converted to text.
    case text
}

/// Extracts the strings a `body` test compares, from the lazily parsed MIME tree.
enum BodyExtraction {
    /// Whether the message has a body at all: false when its header section is not
    /// followed by an empty line (the message ends inside the header), true otherwise,
    /// even for an empty body after the empty line.
    /// - SeeAlso: RFC 5173 §5 ("If a message consists of a header only, not followed by
    ///   an empty line, ... all body tests return false")
    static func hasBody(_ message: Message) -> Bool {
        let bytes = message.bytes
        guard message.bodyOffset >= bytes.count else { return true }
        // The header section ran to the end: it has a body only if its last line is empty.
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var end = bytes.count
        guard end > 0, bytes[end - 1] == lf else { return false }
        end -= 1
        if end > 0 && bytes[end - 1] == cr { end -= 1 }
        return end == 0 || bytes[end - 1] == lf
    }

    /// The undecoded body as one string (UTF-8 when valid, else ISO-8859-1).
    /// - SeeAlso: RFC 5173 §5.1
    static func raw(_ message: Message) -> [String] {
        [Charset.decodeLenient(message.body)]
    }

    /// Whether a `:content` list item selects a part of type `type`: "" selects all,
    /// "type" every subtype of that type, "type/subtype" exactly that; an item that
    /// begins or ends with "/" or has more than one selects nothing. Case-insensitive.
    /// - SeeAlso: RFC 5173 §5.2
    static func contentItem(_ item: String, selects type: ContentType) -> Bool {
        if item.isEmpty { return true }
        let lowered = item.lowercased()
        let pieces = lowered.split(separator: "/", omittingEmptySubsequences: false)
        switch pieces.count {
        case 1: return pieces[0] == type.type
        case 2:
            guard !pieces[0].isEmpty, !pieces[1].isEmpty else { return false }
            return pieces[0] == type.type && pieces[1] == type.subtype
        default: return false
        }
    }

    /// The strings `:content` compares: for each part (at any depth) whose type is
    /// selected, a multipart contributes its preamble and its epilogue (two strings), an
    /// embedded message its header (one string), any other part its decoded content
    /// (text parts converted to Unicode from their charset).
    /// - SeeAlso: RFC 5173 §5.2
    static func content(_ message: Message, types: [String]) -> [String] {
        var values: [String] = []
        for part in message.mimeRoot.allParts where types.contains(where: { contentItem($0, selects: part.contentType) }) {
            if part.isMultipart {
                let (preamble, epilogue) = MultipartFrame.preambleAndEpilogue(part)
                values.append(Charset.decodeLenient(preamble))
                values.append(Charset.decodeLenient(epilogue))
            } else if part.contentType.isEmbeddedMessage {
                if let embedded = part.children.first {
                    let raw = embedded.rawBytes
                    var header = raw[raw.startIndex..<max(raw.startIndex, embedded.rawBody.startIndex)]
                    // The header is its fields: the empty line that ends it is not part of it.
                    if header.last == UInt8(ascii: "\n") {
                        var end = header.endIndex - 1
                        if end > header.startIndex && header[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                        if end == header.startIndex || header[end - 1] == UInt8(ascii: "\n") { header = header[..<end] }
                    }
                    values.append(Charset.decodeLenient(header))
                }
            } else {
                values.append(part.text ?? Charset.decodeLenient(part.decodedBody))
            }
        }
        return values
    }

    /// Whether `:text` reads a part: text parts and XHTML (`application/xhtml+xml`, read as
    /// HTML), but not a part whose transfer encoding is unknown: RFC 2045 §6.4 makes it
    /// `application/octet-stream`, whatever its `Content-Type` says.
    static func isReadable(_ part: MIMEPart) -> Bool {
        if case .other = part.transferEncoding { return false }
        let type = part.contentType
        return type.isText || (type.type == "application" && type.subtype == "xhtml+xml")
    }

    /// The strings `:text` compares: one per text part at any depth (inside multiparts
    /// and embedded messages), in message order; `text/html` parts go through `html`.
    /// Non-text parts (images, attachments of other types) contribute nothing.
    /// - SeeAlso: RFC 5173 §5.3
    static func text(_ message: Message, html: any HTMLTextExtractor) -> [String] {
        var values: [String] = []
        for part in message.mimeRoot.allParts where isReadable(part) {
            if part.contentType.subtype == "html" || part.contentType.subtype == "xhtml+xml" {
                values.append(html.text(fromHTML: part.decodedBody, charset: part.contentType.charset))
            } else if let text = part.text {
                values.append(text)
            }
        }
        return values
    }
}

/// Finds the preamble and epilogue of a multipart body (the text before the first
/// boundary delimiter line and after the close delimiter).
///
/// - SeeAlso: RFC 2046 §5.1.1
enum MultipartFrame {
    static func preambleAndEpilogue(_ part: MIMEPart) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        let body = part.rawBody
        guard let boundary = part.contentType.boundary, !boundary.isEmpty else { return (body, body[body.endIndex...]) }
        let delimiter = Array(("--" + boundary).utf8)
        var preambleEnd: Int?
        var epilogueStart = body.endIndex
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            let lineEnd = body[lineStart...].firstIndex(of: 0x0A) ?? body.endIndex
            let line = body[lineStart..<lineEnd]
            if line.starts(with: delimiter) {
                if preambleEnd == nil { preambleEnd = lineStart }
                let rest = line.dropFirst(delimiter.count)
                if rest.starts(with: [0x2D, 0x2D]) {
                    epilogueStart = min(lineEnd + 1, body.endIndex)
                    break
                }
            }
            lineStart = lineEnd + 1
        }
        let end = preambleEnd ?? body.endIndex
        // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        var trimmedEnd = end
        if trimmedEnd > body.startIndex, body[trimmedEnd - 1] == 0x0A { trimmedEnd -= 1 }
        if trimmedEnd > body.startIndex, body[trimmedEnd - 1] == 0x0D { trimmedEnd -= 1 }
        return (body[body.startIndex..<trimmedEnd], body[epilogueStart...])
    }
}

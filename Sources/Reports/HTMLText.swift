internal import CLibXML2

/// Plain text from HTML, the way a reader sees it: what backs Sieve's `body :text` for
/// `text/html` parts.
///
/// - SeeAlso: RFC 5173 §5.2 (`:text` converts parts to text before matching).
public enum HTMLText {
    /// The text a reader of the HTML document `bytes` would see, as plain lines.
    ///
    /// - `charset` is the MIME part's charset parameter, if any; it wins over a `<meta>`
    ///   declaration. Without it, a byte-order mark, then `<meta charset>`, decide, and
    ///   otherwise UTF-8 with Latin-1 fallback. Bytes invalid in the charset become U+FFFD;
    ///   ASCII and Latin-1 labels read as Windows-1252, as browsers do.
    /// - Parsing recovers from any broken markup and never touches the network.
    /// - Not shown: `<head>`, `<title>`, `<script>`, `<style>`, `<template>`, comments, and
    ///   elements with the `hidden` attribute or an inline `display: none` style.
    /// - Block elements (`p`, `div`, `li`, `tr`, `h1`...`h6`, ...) start and end lines;
    ///   paragraphs are separated by a blank line; `<br>` breaks a line; table cells in one
    ///   row are separated by a tab.
    /// - Whitespace collapses as in a browser's normal flow; `<pre>`, `<textarea>`,
    ///   `<listing>`, `<xmp>` and `<plaintext>` keep theirs.
    /// - Entities are decoded; a no-break space becomes a plain space (kept, not collapsed);
    ///   soft hyphens and zero-width spaces are dropped; control characters other than tab
    ///   and line feed are dropped.
    public static func extractText(fromHTML bytes: [UInt8], charset: String?) -> String {
        LibXML2.initialise()
        sluice_silenceGenericErrors()
        if let (bomCharset, length) = TextDecoding.byteOrderMark(bytes),
            let utf8 = TextDecoding.utf8(Array(bytes[length...]), charset: bomCharset)
        {
            return withDocument(utf8, encoding: "UTF-8") { extract(from: $0) } ?? ""
        }
        if let charset, let utf8 = TextDecoding.utf8(bytes, charset: charset) {
            return withDocument(utf8, encoding: "UTF-8") { extract(from: $0) } ?? ""
        }
        // No usable charset from outside: let libxml2 find a <meta> declaration, then decode
        // with that charset ourselves so that invalid bytes cannot cut the text short.
        let (declared, text) = withDocument(bytes, encoding: nil) { document in
            (stringFromXMLChars(document.pointee.encoding), extract(from: document))
        } ?? (nil, "")
        if let declared, !TextDecoding.isUTF8Label(declared), let utf8 = TextDecoding.utf8(bytes, charset: declared) {
            return withDocument(utf8, encoding: "UTF-8") { extract(from: $0) } ?? text
        }
        return text
    }

    /// The text of an HTML document that is already decoded (a `<meta>` charset is ignored).
    public static func extractText(fromHTML html: String) -> String {
        LibXML2.initialise()
        sluice_silenceGenericErrors()
        return withDocument(Array(html.utf8), encoding: "UTF-8") { extract(from: $0) } ?? ""
    }

    /// Parses `bytes` with libxml2's recovering HTML parser and passes the document to `body`;
    /// nil when libxml2 produced no document (empty input).
    private static func withDocument<Result>(_ bytes: [UInt8], encoding: String?, _ body: (htmlDocPtr) -> Result) -> Result? {
        // The HTML_PARSE_* constants import as UInt32 raw values; htmlReadMemory takes Int32.
        // XML_PARSE_HUGE lifts libxml2's nesting limit of 256, past which it drops the rest
        // of the document: a sender could otherwise hide text from `body :text` behind deep
        // nesting. The walk below is iterative, and the input is bounded by the message size.
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue)
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else { return nil }
        let document = bytes.withUnsafeBufferPointer { buffer -> htmlDocPtr? in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                htmlReadMemory(chars.baseAddress, Int32(chars.count), nil, encoding, options)
            }
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        return body(document)
    }

    private static func extract(from document: htmlDocPtr) -> String {
        var text = TextCollector()
        // Iterative walk: hostile mail can nest elements deeper than the stack would allow.
        var stack: [(node: xmlNodePtr, leaving: Bool)] = []
        var child = document.pointee.children
        var topLevel: [xmlNodePtr] = []
        while let current = child {
            topLevel.append(current)
            child = current.pointee.next
        }
        stack.append(contentsOf: topLevel.reversed().map { ($0, false) })
        while let (node, leaving) = stack.popLast() {
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = stringFromXMLChars(node.pointee.content) {
                    text.append(content)
                }
            case XML_ELEMENT_NODE:
                let name = stringFromXMLChars(node.pointee.name)?.lowercased() ?? ""
                if leaving {
                    text.leave(name)
                    continue
                }
                if HTMLElements.hidden.contains(name) || isHiddenByAttribute(node) { continue }
                text.enter(name, isFirstCell: isFirstCell(node))
                stack.append((node, true))
                var children: [xmlNodePtr] = []
                var next = node.pointee.children
                while let current = next {
                    children.append(current)
                    next = current.pointee.next
                }
                stack.append(contentsOf: children.reversed().map { ($0, false) })
            default:
                continue
            }
        }
        return text.finish()
    }

    /// Whether the element has the `hidden` attribute or an inline style with `display: none`.
    private static func isHiddenByAttribute(_ node: xmlNodePtr) -> Bool {
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = stringFromXMLChars(current.pointee.name)?.lowercased()
            if name == "hidden" { return true }
            if name == "style", let valueNode = current.pointee.children,
                let value = stringFromXMLChars(valueNode.pointee.content)
            {
                let compact = value.lowercased().filter { !$0.isWhitespace }
                if compact.contains("display:none") { return true }
            }
            attribute = current.pointee.next
        }
        return false
    }

    /// Whether a `td`/`th` element is the first cell of its row (no cell element before it).
    private static func isFirstCell(_ node: xmlNodePtr) -> Bool {
        var previous = node.pointee.prev
        while let current = previous {
            if current.pointee.type == XML_ELEMENT_NODE, let name = stringFromXMLChars(current.pointee.name)?.lowercased(),
                name == "td" || name == "th"
            {
                return false
            }
            previous = current.pointee.prev
        }
        return true
    }
}

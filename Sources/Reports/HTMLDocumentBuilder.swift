internal import CLibXML2

/// Builds one HTML document with libxml2's tree API and serialises it; every string reaches
/// libxml2 as a text node or attribute value, which the serialiser escapes. No markup is ever
/// assembled by hand.
///
/// Only `render(...)` creates a builder, and the builder never leaves its closure, so the
/// libxml2 document lives inside one synchronous call.
struct HTMLDocumentBuilder: ~Copyable {
    private let document: htmlDocPtr

    private init(document: htmlDocPtr) {
        self.document = document
    }

    /// Creates `<!DOCTYPE html><html lang=…><head><meta charset><title><style></head><body>`,
    /// lets `build` fill the body, and returns the serialised UTF-8 bytes.
    static func render(
        title: String, language: String = "en", stylesheet: String? = nil,
        body build: (borrowing HTMLDocumentBuilder, HTMLNode) throws(ReportError) -> Void
    ) throws(ReportError) -> [UInt8] {
        LibXML2.initialise()
        guard let document = htmlNewDocNoDtD(nil, nil) else { throw .libxml2(operation: "htmlNewDocNoDtD") }
        defer { xmlFreeDoc(document) }
        let builder = HTMLDocumentBuilder(document: document)
        guard xmlCreateIntSubset(document, "html", nil, nil) != nil else { throw .libxml2(operation: "xmlCreateIntSubset") }
        guard let root = xmlNewDocNode(document, nil, "html", nil) else { throw .libxml2(operation: "xmlNewDocNode") }
        xmlDocSetRootElement(document, root)
        let html = HTMLNode(pointer: root)
        try builder.setAttribute("lang", language, on: html)

        let head = try builder.element("head", in: html)
        let meta = try builder.element("meta", in: head)
        try builder.setAttribute("charset", "utf-8", on: meta)
        try builder.element("title", in: head, text: title)
        if let stylesheet {
            // The stylesheet is our own constant; the serialiser writes <style> content raw.
            try builder.element("style", in: head, text: stylesheet)
        }
        let body = try builder.element("body", in: html)
        try build(builder, body)
        return try builder.serialise()
    }

    /// Appends a new element `name` to `parent`, with an optional `class` and text content.
    @discardableResult
    func element(_ name: String, in parent: HTMLNode, class className: String? = nil, text: String? = nil) throws(ReportError) -> HTMLNode {
        // NULL content: xmlNewChild would otherwise parse the content as markup-ish text.
        let created = withXMLChars(name) { xmlNewChild(parent.pointer, nil, $0, nil) }
        guard let created else { throw .libxml2(operation: "xmlNewChild") }
        let node = HTMLNode(pointer: created)
        if let className { try setAttribute("class", className, on: node) }
        if let text { try self.text(text, in: node) }
        return node
    }

    /// Appends a text node to `parent`. The serialiser escapes `<`, `>` and `&`; characters HTML
    /// must not carry are removed first.
    func text(_ content: String, in parent: HTMLNode) throws(ReportError) {
        let content = XMLCharacters.sanitisedForHTML(content)
        guard !content.isEmpty else { return }
        guard let node = withXMLChars(content, { xmlNewDocText(document, $0) }) else { throw .libxml2(operation: "xmlNewDocText") }
        if xmlAddChild(parent.pointer, node) == nil {
            xmlFreeNode(node)
            throw .libxml2(operation: "xmlAddChild")
        }
    }

    /// Sets an attribute; the value is stored as text and escaped by the serialiser (`"` too).
    func setAttribute(_ name: String, _ value: String, on node: HTMLNode) throws(ReportError) {
        let value = XMLCharacters.sanitisedForHTML(value)
        let attribute = withXMLChars(name) { name in
            withXMLChars(value) { value in xmlSetProp(node.pointer, name, value) }
        }
        if attribute == nil { throw .libxml2(operation: "xmlSetProp") }
    }

    private func serialise() throws(ReportError) -> [UInt8] {
        var memory: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        htmlDocDumpMemoryFormat(document, &memory, &size, 1)
        guard let memory, size >= 0 else { throw .libxml2(operation: "htmlDocDumpMemoryFormat") }
        defer { sluice_xmlFree(memory) }
        return Array(UnsafeBufferPointer(start: memory, count: Int(size)))
    }
}

/// An element inside a document that an `HTMLDocumentBuilder` is building. Valid only inside
/// the builder's closure (the document is freed when `render` returns).
struct HTMLNode {
    fileprivate let pointer: xmlNodePtr
}

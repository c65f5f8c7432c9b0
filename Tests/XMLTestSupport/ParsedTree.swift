import CLibXML2

/// A parsed XML or HTML document as plain Swift values, so tests can walk it without pointers.
///
/// The parse uses libxml2 directly (not the code under test) and happens inside one function.
/// Shared by the test targets that check libxml2 output (ReportsTests, SieveCheckKitTests).
public indirect enum ParsedNode: Equatable, Sendable {
    case element(name: String, attributes: [String: String], children: [ParsedNode])
    case text(String)
    case comment(String)
    case other

    public var name: String? {
        if case .element(let name, _, _) = self { return name }
        return nil
    }

    public var attributes: [String: String] {
        if case .element(_, let attributes, _) = self { return attributes }
        return [:]
    }

    public var children: [ParsedNode] {
        if case .element(_, _, let children) = self { return children }
        return []
    }

    public subscript(attribute: String) -> String? { attributes[attribute] }

    /// The concatenated text of this node and all its descendants.
    public var textContent: String {
        switch self {
        case .text(let text): return text
        case .element(_, _, let children): return children.map(\.textContent).joined()
        case .comment, .other: return ""
        }
    }

    /// Element children with the given name.
    public func children(named name: String) -> [ParsedNode] {
        children.filter { $0.name == name }
    }

    /// All descendant elements (depth first, document order) with the given name.
    public func descendants(named name: String) -> [ParsedNode] {
        var found: [ParsedNode] = []
        for child in children {
            if child.name == name { found.append(child) }
            found += child.descendants(named: name)
        }
        return found
    }

    /// All descendant elements whose `class` attribute holds `className`.
    public func descendants(withClass className: String) -> [ParsedNode] {
        var found: [ParsedNode] = []
        for child in children {
            if child.classes.contains(className) { found.append(child) }
            found += child.descendants(withClass: className)
        }
        return found
    }

    public var classes: [String] {
        (self["class"] ?? "").split(separator: " ").map(String.init)
    }

    /// Every element name in the subtree.
    public var allElementNames: [String] {
        children.flatMap { child in (child.name.map { [$0] } ?? []) + child.allElementNames }
    }

    /// Every comment in the subtree.
    public var allComments: [String] {
        children.flatMap { child -> [String] in
            if case .comment(let text) = child { return [text] }
            return child.allComments
        }
    }
}

public enum ParseMode {
    case xml, html
}

/// Parses `bytes` as XML (strict: nil when not well-formed) or HTML (libxml2's recovering parser);
/// returns the root element.
public func parse(_ bytes: [UInt8], as mode: ParseMode) -> ParsedNode? {
    xmlInitParser()
    let document: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { chars in
            switch mode {
            case .xml:
                return xmlReadMemory(chars.baseAddress, Int32(chars.count), nil, nil, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
            case .html:
                let options = HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                return htmlReadMemory(chars.baseAddress, Int32(chars.count), nil, "UTF-8", Int32(options))
            }
        }
    }
    guard let document else { return nil }
    defer { xmlFreeDoc(document) }
    guard let root = xmlDocGetRootElement(document) else { return nil }
    return convert(root)
}

/// The declared `<!DOCTYPE>` name of an HTML document, if any.
public func doctypeName(ofHTML bytes: [UInt8]) -> String? {
    xmlInitParser()
    return bytes.withUnsafeBufferPointer { buffer -> String? in
        buffer.withMemoryRebound(to: CChar.self) { chars in
            let options = HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            guard let document = htmlReadMemory(chars.baseAddress, Int32(chars.count), nil, "UTF-8", Int32(options)) else { return nil }
            defer { xmlFreeDoc(document) }
            guard let subset = document.pointee.intSubset, let name = subset.pointee.name else { return nil }
            return String(cString: name)
        }
    }
}

private func convert(_ node: xmlNodePtr) -> ParsedNode {
    switch node.pointee.type {
    case XML_ELEMENT_NODE:
        let name = node.pointee.name.map { String(cString: $0) } ?? ""
        var attributes: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let attributeName = current.pointee.name.map { String(cString: $0) } ?? ""
            if let value = xmlNodeGetContent(UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self)) {
                attributes[attributeName] = String(cString: value)
                sluice_xmlFree(value)
            } else {
                attributes[attributeName] = ""
            }
            attribute = current.pointee.next
        }
        var children: [ParsedNode] = []
        var child = node.pointee.children
        while let current = child {
            children.append(convert(current))
            child = current.pointee.next
        }
        return .element(name: name, attributes: attributes, children: children)
    case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
        return .text(node.pointee.content.map { String(cString: $0) } ?? "")
    case XML_COMMENT_NODE:
        return .comment(node.pointee.content.map { String(cString: $0) } ?? "")
    default:
        return .other
    }
}

/// Builds the MIME tree of a message.
///
/// Hostile input is bounded without hiding content: an entity nested deeper than
/// `maximumDepth`, or met after `maximumParts` parts, is not split further; its unsplit
/// body (or the rest of a multipart's body parts) becomes one `text/plain` part marked
/// `isUnparsedRemainder`, so tests on the body still search it as raw text, and the root
/// records which limit was reached (`structureLimit`).
///
/// - SeeAlso: RFC 2046 §5.1.1 (multipart syntax), §5.2.1 (message/rfc822).
enum MIMEParser {
    /// Deepest nesting of multiparts and embedded messages that is parsed.
    static let maximumDepth = 50
    /// Most parts built for one message.
    static let maximumParts = 10_000

    /// What one parse keeps track of across the tree.
    struct State {
        /// Parts that may still be built.
        var budget = maximumParts
        /// The first limit reached.
        var limit: MIMEStructureLimit?
    }

    /// The tree of `message`, its root built from the already parsed header.
    static func root(of message: Message) -> MIMEPart {
        var state = State()
        var root = message.bytes.withUnsafeBufferPointer { buffer in
            buildPart(
                headerFields: message.headerFields, source: message.bytes, buffer: buffer,
                range: 0..<buffer.count, bodyRange: message.bodyOffset..<buffer.count,
                defaultType: .defaultType, depth: 0, state: &state)
        }
        root.structureLimit = state.limit
        return root
    }

    /// Parses the header of the entity in `range`, then its body.
    static func parseEntity(
        source: [UInt8], buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>,
        defaultType: ContentType, depth: Int, state: inout State
    ) -> MIMEPart {
        let header = HeaderSectionParser.parse(buffer, from: range.lowerBound, to: range.upperBound, atMessageStart: false)
        return buildPart(
            headerFields: header.fields, source: source, buffer: buffer, range: range,
            bodyRange: min(header.bodyOffset, range.upperBound)..<range.upperBound,
            defaultType: defaultType, depth: depth, state: &state)
    }

    static func buildPart(
        headerFields: [HeaderField], source: [UInt8], buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>,
        bodyRange: Range<Int>, defaultType: ContentType, depth: Int, state: inout State
    ) -> MIMEPart {
        state.budget -= 1
        let leaf = MIMEPart(
            headerFields: headerFields, defaultType: defaultType, children: [], depth: depth,
            source: source, range: range, bodyRange: bodyRange)
        let type = leaf.contentType
        let boundary = type.isMultipart ? type.boundary.flatMap { !$0.isEmpty && $0.utf8.count <= 200 ? $0 : nil } : nil
        guard boundary != nil || type.isEmbeddedMessage else { return leaf }
        func withChildren(_ children: [MIMEPart]) -> MIMEPart {
            MIMEPart(
                headerFields: headerFields, defaultType: defaultType, children: children, depth: depth,
                source: source, range: range, bodyRange: bodyRange)
        }
        guard depth < maximumDepth, state.budget > 0 else {
            state.limit = state.limit ?? (depth >= maximumDepth ? .depth(maximumDepth) : .parts(maximumParts))
            return withChildren([.remainder(source: source, range: bodyRange, depth: depth + 1)])
        }
        var children: [MIMEPart] = []
        if let boundary {
            let childDefault = type.subtype == "digest" ? ContentType.digestDefaultType : ContentType.defaultType
            let parts = bodyPartRanges(buffer, bodyRange, boundary: Array(boundary.utf8))
            for partRange in parts {
                guard state.budget > 0 else {
                    state.limit = state.limit ?? .parts(maximumParts)
                    children.append(.remainder(source: source, range: partRange.lowerBound..<parts[parts.count - 1].upperBound,
                                               depth: depth + 1))
                    break
                }
                children.append(
                    parseEntity(
                        source: source, buffer: buffer, range: partRange, defaultType: childDefault,
                        depth: depth + 1, state: &state))
            }
        } else {
            switch leaf.transferEncoding {
            case .base64, .quotedPrintable:
                // Not allowed by RFC 2046 §5.2.1, but seen: parse the decoded bytes.
                let decoded = leaf.decodedBody
                let child = decoded.withUnsafeBufferPointer { inner in
                    parseEntity(
                        source: decoded, buffer: inner, range: 0..<inner.count, defaultType: .defaultType,
                        depth: depth + 1, state: &state)
                }
                children.append(child)
            default:
                children.append(
                    parseEntity(
                        source: source, buffer: buffer, range: bodyRange, defaultType: .defaultType,
                        depth: depth + 1, state: &state))
            }
        }
        return withChildren(children)
    }

    // multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF body-part
    //                   *encapsulation close-delimiter transport-padding [CRLF epilogue]
    /// The byte ranges of the body parts inside `body`. The line break before a
    /// delimiter belongs to the delimiter. A missing close delimiter is tolerated: the
    /// last part runs to the end of the body.
    static func bodyPartRanges(
        _ buffer: UnsafeBufferPointer<UInt8>, _ body: Range<Int>, boundary: [UInt8]
    ) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var partStart: Int?
        var lineStart = body.lowerBound
        let end = body.upperBound
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end && buffer[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd < end ? lineEnd + 1 : end
            if let isClose = delimiter(buffer, lineStart..<lineEnd, boundary: boundary) {
                if let start = partStart {
                    // The CRLF (or LF) before the delimiter line is part of the delimiter.
                    var partEnd = lineStart
                    if partEnd > start && buffer[partEnd - 1] == 0x0A { partEnd -= 1 }
                    if partEnd > start && buffer[partEnd - 1] == 0x0D { partEnd -= 1 }
                    ranges.append(start..<max(start, partEnd))
                }
                if isClose { return ranges }
                partStart = next
            }
            lineStart = next
        }
        if let start = partStart { ranges.append(start..<end) }
        return ranges
    }

    // delimiter := "--" boundary ["--"] transport-padding ; transport-padding := *LWSP-char
    /// Nil when the line is not a delimiter for `boundary`; true for a close delimiter.
    static func delimiter(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, boundary: [UInt8]) -> Bool? {
        guard line.count >= boundary.count + 2, buffer[line.lowerBound] == 0x2D,
            buffer[line.lowerBound + 1] == 0x2D
        else { return nil }
        var index = line.lowerBound + 2
        for byte in boundary {
            if buffer[index] != byte { return nil }
            index += 1
        }
        var isClose = false
        if index + 1 < line.upperBound && buffer[index] == 0x2D && buffer[index + 1] == 0x2D {
            isClose = true
            index += 2
        }
        while index < line.upperBound {
            let byte = buffer[index]
            // Transport padding, and the CR of a CRLF line end.
            guard byte == 0x20 || byte == 0x09 || (byte == 0x0D && index == line.upperBound - 1) else { return nil }
            index += 1
        }
        return isClose
    }
}

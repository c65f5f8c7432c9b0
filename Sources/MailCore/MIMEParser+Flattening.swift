extension MIMEParser {
    /// Most octets scanned for delimiters while splitting parts below `maximumDepth`
    /// (each nested level scans its body again, so this bounds the work on deep nesting).
    static let maximumFlatteningScan = 64 << 20

    /// The parts below `container` (an entity at `maximumDepth`), split without recursion
    /// and listed flat in message order at depth `maximumDepth + 1`: containers with their
    /// header and no children, then what they hold. A container whose body would pass the
    /// scan budget, and past the part budget what every open container has left, become
    /// `isUnparsedRemainder` parts. Embedded messages with a transfer encoding stay leaves.
    static func flattenedDescendants(of container: MIMEPart, buffer: UnsafeBufferPointer<UInt8>,
                                     state: inout State) -> [MIMEPart] {
        let depth = container.depth + 1
        let source = container.source
        struct Frame {
            var ranges: [Range<Int>]
            var next = 0
            var childDefault: ContentType
        }
        enum Split {
            case leaf
            case frame(Frame)
            /// A container left whole: splitting it would pass the scan budget.
            case unsplit
        }
        var scanned = 0
        func split(_ part: MIMEPart) -> Split {
            let type = part.contentType
            if type.isMultipart, let boundary = type.boundary, !boundary.isEmpty, boundary.utf8.count <= 200 {
                guard scanned + part.bodyRange.count <= maximumFlatteningScan else { return .unsplit }
                scanned += part.bodyRange.count
                let childDefault = type.subtype == "digest" ? ContentType.digestDefaultType : ContentType.defaultType
                return .frame(Frame(ranges: bodyPartRanges(buffer, part.bodyRange, boundary: Array(boundary.utf8)),
                                    childDefault: childDefault))
            }
            if type.isEmbeddedMessage {
                switch part.transferEncoding {
                case .base64, .quotedPrintable: return .leaf
                default: return .frame(Frame(ranges: [part.bodyRange], childDefault: .defaultType))
                }
            }
            return .leaf
        }
        func rest(_ range: Range<Int>) -> MIMEPart { .remainder(source: source, range: range, depth: depth) }

        var stack: [Frame] = []
        switch split(container) {
        case .frame(let first): stack.append(first)
        case .leaf, .unsplit: return [rest(container.bodyRange)]
        }
        var parts: [MIMEPart] = []
        while let top = stack.last {
            guard top.next < top.ranges.count else {
                stack.removeLast()
                continue
            }
            let range = top.ranges[top.next]
            stack[stack.count - 1].next += 1
            guard state.budget > 0 else {
                state.limit = state.limit ?? .parts(maximumParts)
                // What each open container has left, in message order: the innermost first.
                parts.append(rest(range.lowerBound..<top.ranges[top.ranges.count - 1].upperBound))
                for open in stack.dropLast().reversed() where open.next < open.ranges.count {
                    parts.append(rest(open.ranges[open.next].lowerBound..<open.ranges[open.ranges.count - 1].upperBound))
                }
                break
            }
            state.budget -= 1
            let header = HeaderSectionParser.parse(buffer, from: range.lowerBound, to: range.upperBound, atMessageStart: false)
            let part = MIMEPart(
                headerFields: header.fields, defaultType: top.childDefault, children: [], depth: depth,
                source: source, range: range, bodyRange: min(header.bodyOffset, range.upperBound)..<range.upperBound)
            parts.append(part)
            switch split(part) {
            case .frame(let inner): stack.append(inner)
            case .unsplit: parts.append(rest(part.bodyRange))
            case .leaf: break
            }
        }
        return parts
    }
}

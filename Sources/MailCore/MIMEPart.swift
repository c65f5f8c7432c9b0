/// One entity of a message's MIME tree: the message itself, a body part of a
/// multipart, or an embedded message.
///
/// For a `multipart/*` part, `children` are its body parts (preamble and epilogue are
/// not parts). For `message/rfc822` (and `message/global`), `children` holds one part:
/// the embedded message, whose `headerFields` are that message's header. Other parts
/// are leaves.
///
/// - SeeAlso: RFC 2045 (MIME header fields), RFC 2046 §5 (composite types).
public struct MIMEPart: Sendable {
    /// The part's header fields (for the root, the message header), in order.
    public let headerFields: [HeaderField]
    /// The part's content type: from its Content-Type field, or the default of its
    /// context (RFC 2045 §5.2, RFC 2046 §5.1.5) when the field is absent or invalid.
    public let contentType: ContentType
    /// The parsed Content-Disposition field, if there is a valid one.
    public let contentDisposition: ContentDisposition?
    /// The Content-Transfer-Encoding (`.sevenBit` when absent).
    public let transferEncoding: TransferEncoding
    /// Sub-parts: body parts of a multipart, or the one embedded message.
    public let children: [MIMEPart]
    /// How deep the part sits: 0 for the message itself.
    public let depth: Int
    /// The bytes the ranges below refer to (the message bytes, or the decoded body of
    /// an encoded `message/rfc822` part).
    let source: [UInt8]
    /// The whole part (header and body) within `source`.
    let range: Range<Int>
    /// The body within `source`.
    let bodyRange: Range<Int>
    /// Whether this part is what the parser did not split past its limits: the body of an
    /// entity nested too deep, or the rest of a multipart after too many parts, as one
    /// `text/plain` part without header fields, so body tests still search it as raw text.
    public private(set) var isUnparsedRemainder = false
    /// On the root: the parser limit the message reached, if any (its rest is in an
    /// `isUnparsedRemainder` part).
    public internal(set) var structureLimit: MIMEStructureLimit?

    init(
        headerFields: [HeaderField], defaultType: ContentType, children: [MIMEPart], depth: Int,
        source: [UInt8], range: Range<Int>, bodyRange: Range<Int>
    ) {
        self.headerFields = headerFields
        var type = defaultType
        var disposition: ContentDisposition?
        var encoding = TransferEncoding.sevenBit
        var sawType = false, sawDisposition = false, sawEncoding = false
        for field in headerFields {
            if !sawType && field.hasName("Content-Type") {
                sawType = true
                type = ContentType.parse(Charset.decodeLenient(field.rawValue)) ?? ContentType.defaultType
            } else if !sawDisposition && field.hasName("Content-Disposition") {
                sawDisposition = true
                disposition = ContentDisposition.parse(Charset.decodeLenient(field.rawValue))
            } else if !sawEncoding && field.hasName("Content-Transfer-Encoding") {
                sawEncoding = true
                encoding = TransferEncoding(Charset.decodeLenient(field.rawValue))
            }
        }
        self.contentType = type
        self.contentDisposition = disposition
        self.transferEncoding = encoding
        self.children = children
        self.depth = depth
        self.source = source
        self.range = range
        self.bodyRange = bodyRange
    }

    /// The bytes in `range` of `source` as one `text/plain` part without header fields.
    static func remainder(source: [UInt8], range: Range<Int>, depth: Int) -> MIMEPart {
        var part = MIMEPart(headerFields: [], defaultType: .defaultType, children: [], depth: depth, source: source,
                            range: range, bodyRange: range)
        part.isUnparsedRemainder = true
        return part
    }

    /// The part as it appears in the message: header, blank line and body.
    public var rawBytes: ArraySlice<UInt8> { source[range] }

    /// The body as it appears in the message, still transfer-encoded.
    public var rawBody: ArraySlice<UInt8> { source[bodyRange] }

    /// The body with the transfer encoding (base64, quoted-printable) undone.
    /// Decoding is done on each call; keep the result if you need it twice.
    public var decodedBody: [UInt8] {
        switch transferEncoding {
        case .base64: return TransferDecoding.decodeBase64(rawBody)
        case .quotedPrintable: return TransferDecoding.decodeQuotedPrintable(rawBody)
        default: return Array(rawBody)
        }
    }

    /// For a `text/*` part, the decoded body converted from its charset to Unicode;
    /// nil for other types. An unknown charset is read as UTF-8, else ISO-8859-1.
    public var text: String? {
        guard contentType.isText else { return nil }
        let body = decodedBody
        return Charset.decode(body, charset: contentType.charset ?? "us-ascii") ?? Charset.decodeLenient(body)
    }

    /// The file name: Content-Disposition `filename`, else Content-Type `name`.
    public var filename: String? {
        contentDisposition?.filename ?? contentType.parameters["name"]
    }

    /// Whether this part is a multipart container.
    public var isMultipart: Bool { contentType.isMultipart }

    /// All fields of this part with the given name (case-insensitive), in order.
    public func fields(named name: String) -> [HeaderField] {
        headerFields.filter { $0.hasName(name) }
    }

    /// This part followed by all its descendants, depth first, in message order.
    public var allParts: [MIMEPart] {
        var result: [MIMEPart] = []
        var stack: [MIMEPart] = [self]
        while let part = stack.popLast() {
            result.append(part)
            stack.append(contentsOf: part.children.reversed())
        }
        return result
    }
}

/// A structural limit of the MIME parser that a message reached.
public enum MIMEStructureLimit: Sendable, Hashable, CustomStringConvertible {
    /// More parts than the parser builds (the number is the limit).
    case parts(Int)
    /// Nesting deeper than the parser splits (the number is the limit).
    case depth(Int)

    /// What happened, for traces and logs.
    public var description: String {
        switch self {
        case .parts(let limit):
            return "the message has more than \(limit) MIME parts: the parts past the limit are searched as one raw text part"
        case .depth(let limit):
            return "the message nests MIME parts deeper than \(limit) levels: what lies deeper is searched as one raw text part"
        }
    }
}

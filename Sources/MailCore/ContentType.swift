/// A parsed `Content-Type` field: media type, subtype and parameters.
///
/// - SeeAlso: RFC 2045 §5 (Content-Type), RFC 2046 (media types), RFC 2231 (parameters).
public struct ContentType: Sendable, Hashable {
    /// The top-level media type, lowercased (`text`, `multipart`, ...).
    public var type: String
    /// The subtype, lowercased (`plain`, `mixed`, ...).
    public var subtype: String
    /// The parameters; names are compared case-insensitively.
    public var parameters: MIMEParameters

    /// Makes a content type; type and subtype are lowercased.
    public init(type: String, subtype: String, parameters: MIMEParameters = MIMEParameters()) {
        self.type = String(decoding: type.utf8.map(asciiLower), as: UTF8.self)
        self.subtype = String(decoding: subtype.utf8.map(asciiLower), as: UTF8.self)
        self.parameters = parameters
    }

    /// `text/plain; charset=us-ascii`: the type of a part with no (or an invalid)
    /// Content-Type field.
    ///
    /// - SeeAlso: RFC 2045 §5.2.
    public static let defaultType = ContentType(
        type: "text", subtype: "plain", parameters: MIMEParameters([MIMEParameter(name: "charset", value: "us-ascii")]))

    /// `message/rfc822`: the default type of a part inside `multipart/digest`.
    ///
    /// - SeeAlso: RFC 2046 §5.1.5.
    public static let digestDefaultType = ContentType(type: "message", subtype: "rfc822")

    /// `type/subtype`, lowercased.
    public var mimeType: String { type + "/" + subtype }

    /// The `charset` parameter, if any.
    public var charset: String? { parameters["charset"] }

    /// The `boundary` parameter of a multipart type, if any.
    public var boundary: String? { parameters["boundary"] }

    /// Whether this is a `multipart/*` type.
    public var isMultipart: Bool { type == "multipart" }

    /// Whether this is a `text/*` type.
    public var isText: Bool { type == "text" }

    /// Whether this type holds an embedded message (`message/rfc822`, `message/global`).
    public var isEmbeddedMessage: Bool { type == "message" && (subtype == "rfc822" || subtype == "global") }

    // content := type "/" subtype *(";" parameter)
    /// Parses a Content-Type field body; nil when there is no valid `type/subtype`.
    /// Comments are allowed anywhere; a broken parameter is skipped, not fatal.
    public static func parse(_ text: String) -> ContentType? {
        var scanner = AddressScanner(text)
        scanner.skipCFWS()
        guard let type = scanner.parseToken() else { return nil }
        scanner.skipCFWS()
        guard scanner.current == "/" else { return nil }
        scanner.position += 1
        scanner.skipCFWS()
        guard let subtype = scanner.parseToken() else { return nil }
        return ContentType(type: type, subtype: subtype, parameters: MIMEParameters.parse(&scanner))
    }
}

/// A parsed `Content-Disposition` field.
///
/// - SeeAlso: RFC 2183 §2 (the field), RFC 2231 (long and non-ASCII filenames).
public struct ContentDisposition: Sendable, Hashable {
    /// The disposition type, lowercased (`inline`, `attachment`, or an extension).
    public var type: String
    /// The parameters; names are compared case-insensitively.
    public var parameters: MIMEParameters

    /// Makes a disposition; the type is lowercased.
    public init(type: String, parameters: MIMEParameters = MIMEParameters()) {
        self.type = String(decoding: type.utf8.map(asciiLower), as: UTF8.self)
        self.parameters = parameters
    }

    /// The `filename` parameter, decoded.
    public var filename: String? { parameters["filename"] }

    /// Whether the type is `attachment`.
    public var isAttachment: Bool { type == "attachment" }

    // disposition := disposition-type *(";" disposition-parm)
    /// Parses a Content-Disposition field body; nil when it has no type token.
    public static func parse(_ text: String) -> ContentDisposition? {
        var scanner = AddressScanner(text)
        scanner.skipCFWS()
        guard let type = scanner.parseToken() else { return nil }
        return ContentDisposition(type: type, parameters: MIMEParameters.parse(&scanner))
    }
}

/// The value of `Content-Transfer-Encoding`.
///
/// - SeeAlso: RFC 2045 §6.1.
public enum TransferEncoding: Sendable, Hashable {
    /// `7bit` (also the default when the field is absent or empty).
    case sevenBit
    /// `8bit`.
    case eightBit
    /// `binary`.
    case binary
    /// `base64` (RFC 2045 §6.8).
    case base64
    /// `quoted-printable` (RFC 2045 §6.7).
    case quotedPrintable
    /// An unknown mechanism (lowercased); the body is left as is.
    case other(String)

    /// Parses a field body; unknown values become `.other`, an empty one `.sevenBit`.
    public init(_ text: String) {
        var scanner = AddressScanner(text)
        scanner.skipCFWS()
        let token = scanner.parseToken() ?? ""
        switch String(decoding: token.utf8.map(asciiLower), as: UTF8.self) {
        case "", "7bit": self = .sevenBit
        case "8bit": self = .eightBit
        case "binary": self = .binary
        case "base64": self = .base64
        case "quoted-printable": self = .quotedPrintable
        case let other: self = .other(other)
        }
    }
}

import MailCore

/// A `notify` action (RFC 5435) with the `mailto` method (RFC 5436), its URI already
/// taken apart and every default resolved. The delivery side still decides whether
/// to send (not for automated or list messages, RFC 5436 §2.7) and composes the message.
///
/// - SeeAlso: RFC 5435 §3, RFC 5436 §2
public struct NotifyAction: Sendable, Hashable {
    /// The method URI as the script gave it (variables expanded).
    public var method: String
    /// Who the notification goes to, from the URI's path and its `to`/`cc` fields,
    /// without duplicates (and without those an earlier `notify` of the run already
    /// reaches: RFC 5436 §2.7).
    public var recipients: [NotifyRecipient]
    /// Further header fields from the URI (reserved ones already dropped).
    public var headers: [NotifyHeader]
    /// The URI's `subject` field.
    public var uriSubject: String?
    /// The URI's `body` field.
    public var body: String?
    /// The `:from` address as written (display name allowed), nil for the default.
    public var from: String?
    /// `:importance`: 1 high, 2 normal (default), 3 low.
    public var importance: Int
    /// `:options` as written (`name=value`); the mailto method uses none.
    public var options: [String]
    /// `:message`: the notification's subject when given.
    public var message: String?
    /// RFC 8580 `:fcc`: where a copy of the sent notification is stored.
    public var fcc: FccTarget?
    /// The deprecated notify draft's `:id` (what `denotify` names); nil for enotify.
    public var id: String?

    public init(method: String, recipients: [NotifyRecipient], headers: [NotifyHeader] = [], uriSubject: String? = nil,
                body: String? = nil, from: String? = nil, importance: Int = 2, options: [String] = [],
                message: String? = nil, fcc: FccTarget? = nil, id: String? = nil) {
        self.method = method
        self.recipients = recipients
        self.headers = headers
        self.uriSubject = uriSubject
        self.body = body
        self.from = from
        self.importance = importance
        self.options = options
        self.message = message
        self.fcc = fcc
        self.id = id
    }
}

/// One recipient of a `mailto` notification.
public struct NotifyRecipient: Sendable, Hashable {
    /// The address (display name kept when the URI gave one).
    public var address: MailAddress
    /// Whether it came from a `cc` field (the notification's `Cc`) rather than the path
    /// or a `to` field (its `To`).
    public var isCarbonCopy: Bool

    public init(address: MailAddress, isCarbonCopy: Bool) {
        self.address = address
        self.isCarbonCopy = isCarbonCopy
    }

    /// The comparison form: addr-spec with the domain lowercased.
    var key: String {
        address.localPart + "@" + (address.domain ?? "").lowercased()
    }
}

/// A header field a `mailto` URI asks for.
public struct NotifyHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// RFC 8580 `:fcc`: the folder (of this user's store) that receives a copy of a message
/// a `vacation` or `notify` sends, with `:flags` and `:create`.
///
/// - SeeAlso: RFC 8580 §3
public struct FccTarget: Sendable, Hashable {
    public var mailbox: String
    public var flags: [String]
    public var create: Bool

    public init(mailbox: String, flags: [String] = [], create: Bool = false) {
        self.mailbox = mailbox
        self.flags = flags
        self.create = create
    }
}

/// A `mailto:` URI taken apart (RFC 6068 as RFC 5436 uses it).
///
///     mailtoURI = "mailto:" [ to ] [ hfields ]
///     to        = addr-spec *("," addr-spec)        ; percent-encoded
///     hfields   = "?" hfield *( "&" hfield )
///     hfield    = hfname "=" hfvalue
///
/// - SeeAlso: RFC 6068 §2, RFC 5436 §2.7 (fields that must be ignored)
struct MailtoURI: Sendable, Hashable {
    var recipients: [NotifyRecipient] = []
    var headers: [NotifyHeader] = []
    var subject: String?
    var body: String?
    /// Parts ignored (reserved fields, duplicates), for the operator.
    var warnings: [String] = []

    /// URI fields that must never reach the notification: trace and identity fields,
    /// and those the notifier itself writes (RFC 5436 §2.7).
    static let reservedFields: Set<String> = [
        "auto-submitted", "received", "message-id", "date", "bcc", "in-reply-to", "references", "resent-date",
        "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc", "resent-msg-id", "from", "sender",
        "mime-version", "content-type", "content-transfer-encoding", "return-path", "x-priority", "importance",
    ]
    /// Fields that may appear once; later ones are ignored.
    static let uniqueFields: Set<String> = ["reply-to", "subject", "body"]
    /// At most this many recipients; the rest are dropped with a warning.
    static let maxRecipients = 8
    static let maxHeaders = 16

    /// Parses the part after `mailto:`; the error says what is wrong, for the operator.
    static func parse(afterScheme text: String) -> Result<MailtoURI, NotifyURIError> {
        var uri = MailtoURI()
        var seen = Set<String>()
        let question = text.firstIndex(of: "?")
        let toPart = text[..<(question ?? text.endIndex)]
        for byte in toPart.utf8 where !isQChar(byte) || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ":") {
            return .failure(NotifyURIError("invalid character '\(Character(Unicode.Scalar(byte)))' in the recipient part"))
        }
        guard let decodedTo = percentDecoded(toPart) else { return .failure(NotifyURIError("invalid %-encoding in the recipient part")) }
        if !decodedTo.isEmpty {
            for piece in decodedTo.split(separator: ",", omittingEmptySubsequences: false) {
                guard let mailbox = MailboxSyntax.mailbox(in: String(piece)), !piece.contains("<"),
                      let address = AddressParser.parseEnvelopePath(mailbox) else {
                    return .failure(NotifyURIError("invalid recipient \(quoted(String(piece)))"))
                }
                uri.add(NotifyRecipient(address: address, isCarbonCopy: false), seen: &seen)
            }
        }
        guard let question else { return .success(uri) }
        var uniqueSeen = Set<String>()
        for field in text[text.index(after: question)...].split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = field.firstIndex(of: "=") else { return .failure(NotifyURIError("header field \(quoted(String(field))) has no '='")) }
            let rawName = field[..<equals], rawValue = field[field.index(after: equals)...]
            for byte in rawName.utf8 where !isQChar(byte) {
                return .failure(NotifyURIError("invalid character '\(Character(Unicode.Scalar(byte)))' in header field name \(quoted(String(rawName)))"))
            }
            for byte in rawValue.utf8 where !isQChar(byte) && byte != UInt8(ascii: "=") {
                return .failure(NotifyURIError("invalid character '\(Character(Unicode.Scalar(byte)))' in the value of header field \(quoted(String(rawName)))"))
            }
            guard let name = percentDecoded(rawName), let value = percentDecoded(rawValue) else {
                return .failure(NotifyURIError("invalid %-encoding in header field \(quoted(String(rawName)))"))
            }
            let key = name.lowercased()
            if key != "body" {
                guard HeaderFieldWriter.isValidFieldName(name) else { return .failure(NotifyURIError("invalid header field name \(quoted(name))")) }
                guard !value.contains("\r"), !value.contains("\n") else {
                    return .failure(NotifyURIError("the value of header field \(quoted(name)) holds a line break"))
                }
            }
            if reservedFields.contains(key) {
                uri.warnings.append("ignored reserved header field \(quoted(name)) in the mailto URI")
                continue
            }
            if uniqueFields.contains(key), !uniqueSeen.insert(key).inserted {
                uri.warnings.append("ignored a second \(quoted(name)) field in the mailto URI")
                continue
            }
            switch key {
            case "to", "cc":
                let entries = AddressParser.parseList(value)
                for entry in entries {
                    guard case .mailbox(let address) = entry, address.domain != nil,
                          MailboxSyntax.mailbox(in: address.addrSpec) != nil else {
                        return .failure(NotifyURIError("invalid recipient in the \(key) field: \(quoted(value))"))
                    }
                    uri.add(NotifyRecipient(address: address, isCarbonCopy: key == "cc"), seen: &seen)
                }
            case "subject": uri.subject = value
            case "body": uri.body = value
            default:
                guard uri.headers.count < maxHeaders else {
                    uri.warnings.append("more than \(maxHeaders) header fields in the mailto URI; the rest is ignored")
                    continue
                }
                uri.headers.append(NotifyHeader(name: name, value: value))
            }
        }
        return .success(uri)
    }

    private mutating func add(_ recipient: NotifyRecipient, seen: inout Set<String>) {
        guard seen.insert(recipient.key.lowercased()).inserted else {
            warnings.append("ignored duplicate recipient \(quoted(recipient.address.addrSpec))")
            return
        }
        guard recipients.count < Self.maxRecipients else {
            warnings.append("more than \(Self.maxRecipients) recipients in the mailto URI; the rest is ignored")
            return
        }
        recipients.append(recipient)
    }

    /// RFC 6068 `qchar`: unreserved, `%`, and the delimiters `!$'()*+,;:@`.
    static func isQChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~%!$'()*+,;:@".utf8.contains(byte)
        }
    }

    /// `text` with `%XX` decoded (as UTF-8, invalid sequences read leniently); nil for a
    /// broken escape.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.popFirst().flatMap(hexValue), let low = iterator.popFirst().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Why a notification method URI is not usable.
struct NotifyURIError: Error, Sendable, Hashable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Notification method URIs: which schemes exist (only `mailto`), and their parsing.
///
/// - SeeAlso: RFC 5435 §3.3, §4, §5; RFC 5436
public enum NotifyURI {
    /// The methods this implementation can notify by.
    public static let supportedSchemes: Set<String> = ["mailto"]

    /// The URI taken apart when it is a valid, supported method.
    static func parse(_ uri: String) -> Result<MailtoURI, NotifyURIError> {
        guard let colon = uri.firstIndex(of: ":") else {
            return .failure(NotifyURIError("\(quoted(uri)) is not a URI (expected scheme:...)"))
        }
        let scheme = uri[..<colon]
        guard let first = scheme.unicodeScalars.first, first.properties.isASCIIHexDigit || first.isASCII && first.properties.isAlphabetic,
              scheme.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) })
        else {
            return .failure(NotifyURIError("\(quoted(uri)) is not a URI (invalid scheme)"))
        }
        guard scheme.lowercased() == "mailto" else {
            return .failure(NotifyURIError("unsupported notification method '\(scheme)' (this server notifies by mailto only)"))
        }
        return MailtoURI.parse(afterScheme: String(uri[uri.index(after: colon)...]))
    }

    /// Whether `uri` names a supported method with valid syntax (`valid_notify_method`).
    ///
    /// - SeeAlso: RFC 5435 §5
    public static func isValid(_ uri: String) -> Bool {
        if case .success = parse(uri) { return true }
        return false
    }

    /// What `notify_method_capability` reports: for `mailto`, `online` is `maybe` (an
    /// email may be read at any time); nil for anything else.
    ///
    /// - SeeAlso: RFC 5435 §4, RFC 5436 §2.2
    public static func capability(_ uri: String, _ name: String) -> String? {
        guard isValid(uri), name.lowercased() == "online" else { return nil }
        return "maybe"
    }

    /// `s` percent-encoded for a URI: every octet of its UTF-8 but the unreserved
    /// characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` (`set :encodeurl`).
    ///
    /// - SeeAlso: RFC 5435 §6, RFC 3986 §2.3
    public static func percentEncoded(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether an `:options` item has the form `name=value`: a name of letters, digits
    /// and `-`, `.`, `_` starting with a letter or digit, and a value without CR, LF or NUL.
    ///
    /// - SeeAlso: RFC 5435 §3.5 (`optionname "=" optionvalue`)
    static func isValidOption(_ option: String) -> Bool {
        guard let equals = option.firstIndex(of: "=") else { return false }
        let name = option.unicodeScalars[..<equals], value = option[option.index(after: equals)...]
        guard let first = name.first, first.isASCII, first.properties.isAlphabetic || ("0"..."9").contains(first) else { return false }
        return name.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0)) }
            && !value.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }
}

extension NotifyAction {
    /// This notification without the recipients `earlier` ones already reach (RFC 5436
    /// §2.7: no duplicate notifications to one address from one script run); nil when
    /// none is left. A notification without recipients is kept as it is.
    func withoutRecipients(reachedBy earlier: [NotifyAction]) -> NotifyAction? {
        guard !recipients.isEmpty else { return self }
        let reached = Set(earlier.flatMap { $0.recipients.map { $0.key.lowercased() } })
        var kept = self
        kept.recipients.removeAll { reached.contains($0.key.lowercased()) }
        return kept.recipients.isEmpty ? nil : kept
    }
}

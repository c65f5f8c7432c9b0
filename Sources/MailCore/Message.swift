#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A message as received, parsed once and shared read-only by every recipient's
/// script run. Header fields are parsed eagerly; the MIME body lazily, on first use.
///
/// Accepts CRLF or bare LF line ends, 8-bit bytes and malformed input: parsing never
/// fails, it does its best and keeps the original bytes. In the header section:
/// - a line starting with whitespace before any field is skipped (it continues nothing);
/// - a line that is neither a continuation nor `name:` with a valid field name
///   (printable ASCII, no spaces inside; `Name :` is accepted) ends the header section
///   without a blank line, and the body starts at that line;
/// - an mbox `From ` line at the very start is skipped.
///
/// Field values are RFC 2047-decoded; raw 8-bit bytes are read as UTF-8 when valid,
/// otherwise as ISO-8859-1 (see `HeaderField.value`).
///
/// - SeeAlso: RFC 5322 §2.1 (header section / body), RFC 5228 §5.9 (size).
public final class Message: Sendable {
    /// The message exactly as received.
    public let bytes: [UInt8]
    /// Header fields in order, unfolded and decoded (RFC 5322 §2.2.3, RFC 2047).
    public let headerFields: [HeaderField]
    /// Offset of the first body byte in `bytes` (== `bytes.count` if there is no body).
    public let bodyOffset: Int

    /// The size in octets as Sieve's `size` test counts it: the message in its
    /// RFC 5322 form, with every bare LF counted as CRLF. Computed once, in `init`.
    ///
    /// - SeeAlso: RFC 5228 §5.9.
    public let size: Int

    /// The MIME tree, built on first use of `mimeRoot` and kept.
    private let mimeCache = Mutex<MIMEPart?>(nil)

    /// Field name as `String.lowercased()` gives it → the fields with that name, in
    /// message order. Built in `init`, so every script run shares it.
    private let fieldsByName: [String: NamedFields]

    /// The fields that share one lowercased name: their positions and decoded values.
    struct NamedFields: Sendable {
        var indices: [Int] = []
        var values: [String] = []
    }

    /// Lowercased field name → the parsed address lists of all fields with that name,
    /// filled on first use by `addresses(lowercasedName:)`.
    private let addressCache = Mutex<[String: [AddressListEntry]]>([:])

    /// Parses a message as received. Never fails; see the type's documentation.
    public convenience init(bytes: [UInt8]) {
        self.init(bytes: bytes, size: nil)
    }

    /// Parses `bytes` as a message whose `size` was measured elsewhere: for a prefix of a
    /// long message (its header section, when nothing needs the body) or for a message
    /// whose line ends were converted after it was received. `bytes` and `body` are then
    /// only what was given.
    public convenience init(bytes: [UInt8], size: Int) {
        self.init(bytes: bytes, size: Optional(size))
    }

    private init(bytes: [UInt8], size: Int?) {
        self.bytes = bytes
        let parsed = HeaderSectionParser.parse(bytes)
        self.headerFields = parsed.fields
        self.bodyOffset = parsed.bodyOffset
        self.size = size ?? Message.rfc5322Size(bytes)
        self.fieldsByName = Message.groupByLowercasedName(parsed.fields)
    }

    /// The length of the header section at the start of `bytes` up to and including the
    /// blank line that ends it (CRLF or LF line ends), or nil when `bytes` holds no blank
    /// line. Parsing that many octets gives the same header fields as parsing the whole
    /// message, since a header section is read line by line up to its end.
    public static func headerSectionLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let count = bytes.count
        // A blank first line: an empty header section.
        if count >= 1 && base[0] == 0x0A { return 1 }
        if count >= 2 && base[0] == 0x0D && base[1] == 0x0A { return 2 }
        var index = 0
        while index < count, let found = memchr(base + index, 0x0A, count - index) {
            let lineFeed = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let next = lineFeed + 1
            if next < count && base[next] == 0x0A { return next + 1 }
            if next + 1 < count && base[next] == 0x0D && base[next + 1] == 0x0A { return next + 2 }
            index = next
        }
        return nil
    }

    static func groupByLowercasedName(_ fields: [HeaderField]) -> [String: NamedFields] {
        var groups: [String: NamedFields] = [:]
        groups.reserveCapacity(fields.count)
        for (index, field) in fields.enumerated() {
            groups[field.name.lowercased(), default: NamedFields()].append(index, field.value)
        }
        return groups
    }

    /// Parses a message given as text (its UTF-8 bytes).
    public convenience init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Octet count with each bare LF counted as CRLF.
    static func rfc5322Size(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var count = buffer.count
            var index = 0
            while index < buffer.count, let found = memchr(base + index, 0x0A, buffer.count - index) {
                let lineFeed = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if lineFeed == 0 || buffer[lineFeed - 1] != 0x0D { count += 1 }
                index = lineFeed + 1
            }
            return count
        }
    }

    /// All fields with this name (case-insensitive), in message order.
    public func fields(named name: String) -> [HeaderField] {
        headerFields.filter { $0.hasName(name) }
    }

    /// The address-list entries of every field with this name, in message order
    /// (e.g. all `To` fields together); see `HeaderField.addresses`.
    public func addresses(named name: String) -> [AddressListEntry] {
        fields(named: name).flatMap(\.addresses)
    }

    /// Positions in `headerFields` of the fields whose name, lowercased with
    /// `String.lowercased()`, is `name`; in message order. A dictionary look-up: the index
    /// is built once when the message is parsed.
    ///
    /// `name` must already be lowercased (`"subject"`, not `"Subject"`).
    public func fieldIndices(lowercasedName name: String) -> [Int] {
        fieldsByName[name]?.indices ?? []
    }

    /// The decoded values (`HeaderField.value`) of the fields whose lowercased name is
    /// `name`, in message order; like `fieldIndices(lowercasedName:)`, a look-up in an
    /// index built when the message was parsed.
    ///
    /// `name` must already be lowercased.
    public func fieldValues(lowercasedName name: String) -> [String] {
        fieldsByName[name]?.values ?? []
    }

    /// The address-list entries of every field whose lowercased name is `name`, in
    /// message order, like `addresses(named:)`; parsed on first request for that name and
    /// kept, so concurrent script runs on this message share the work (thread-safe).
    ///
    /// `name` must already be lowercased.
    public func addresses(lowercasedName name: String) -> [AddressListEntry] {
        if let cached = addressCache.withLock({ $0[name] }) { return cached }
        // Parse outside the lock; two runs racing on the same name compute equal values.
        var entries: [AddressListEntry] = []
        for index in fieldIndices(lowercasedName: name) { entries += headerFields[index].addresses }
        addressCache.withLock { $0[name] = entries }
        return entries
    }

    /// The body bytes as received (everything after the blank line).
    public var body: ArraySlice<UInt8> { bytes[bodyOffset...] }

    /// The MIME tree, parsed on first access (thread-safe) and cached.
    ///
    /// The root part carries the message's own header fields; see `MIMEPart`.
    ///
    /// - SeeAlso: RFC 2045, RFC 2046.
    public var mimeRoot: MIMEPart {
        mimeCache.withLock { cached in
            if let root = cached { return root }
            let root = MIMEParser.root(of: self)
            cached = root
            return root
        }
    }

    /// Whether `mimeRoot` has been built yet (for tests of laziness).
    var isMIMEParsed: Bool {
        mimeCache.withLock { $0 != nil }
    }
}

extension Message.NamedFields {
    mutating func append(_ index: Int, _ value: String) {
        indices.append(index)
        values.append(value)
    }
}

/// A message as received, parsed once and shared read-only by every recipient's
/// script run. Header fields are parsed eagerly; the MIME body lazily, on first use.
///
/// Accepts CRLF or bare LF line ends, 8-bit bytes and malformed input: parsing never
/// fails, it does its best and keeps the original bytes.
///
/// - SeeAlso: RFC 5322 §2.1 (header section / body), RFC 5228 §5.9 (size).
public final class Message: Sendable {
    /// The message exactly as received.
    public let bytes: [UInt8]
    /// Header fields in order, unfolded and decoded.
    public let headerFields: [HeaderField]
    /// Offset of the first body byte in `bytes` (== `bytes.count` if there is no body).
    public let bodyOffset: Int

    /// The size in octets as Sieve's `size` test counts it: the message in its
    /// RFC 5322 form, with every bare LF counted as CRLF. Computed once, in `init`.
    ///
    /// - SeeAlso: RFC 5228 §5.9.
    public let size: Int

    /// Parses a message as received. Never fails; see the type's documentation.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        let parsed = HeaderSectionParser.parse(bytes)
        self.headerFields = parsed.fields
        self.bodyOffset = parsed.bodyOffset
        self.size = Message.rfc5322Size(bytes)
    }

    /// Parses a message given as text (its UTF-8 bytes).
    public convenience init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Octet count with each bare LF counted as CRLF.
    static func rfc5322Size(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var count = buffer.count
            var previous: UInt8 = 0
            for byte in buffer {
                if byte == 0x0A && previous != 0x0D { count += 1 }
                previous = byte
            }
            return count
        }
    }

    /// All fields with this name (case-insensitive), in message order.
    public func fields(named name: String) -> [HeaderField] {
        headerFields.filter { $0.hasName(name) }
    }

    /// The body bytes as received (everything after the blank line).
    public var body: ArraySlice<UInt8> { bytes[bodyOffset...] }
}

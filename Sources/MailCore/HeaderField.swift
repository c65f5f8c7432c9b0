/// One header field of a message or MIME part, in the order it appeared.
///
/// - SeeAlso: RFC 5322 §2.2 (header fields), §2.2.3 (unfolding); RFC 2047 (encoded words).
public struct HeaderField: Sendable, Hashable {
    /// The field name exactly as written (case preserved); compare with `hasName(_:)`.
    public let name: String
    /// The field body as received, unfolded (CRLF before WSP removed), with the
    /// whitespace after the colon and at the end removed. Bytes, not text: 8-bit
    /// headers stay as they arrived and encoded words are not decoded.
    public let rawValue: [UInt8]
    /// The unfolded body with RFC 2047 encoded words decoded to Unicode; what Sieve's
    /// `header` test compares. Broken encoded words are left as they stand. Raw 8-bit
    /// bytes are read as UTF-8 when they are valid UTF-8 (RFC 6532), otherwise as
    /// ISO-8859-1, so every byte shows up as some character. No trailing whitespace.
    ///
    /// - SeeAlso: `EncodedWords` for the decoding rules.
    public let value: String

    /// Makes a field from already-prepared parts (no decoding is done).
    public init(name: String, rawValue: [UInt8], value: String) {
        self.name = name
        self.rawValue = rawValue
        self.value = value
    }

    /// Case-insensitive (ASCII) comparison of the field name.
    public func hasName(_ other: String) -> Bool {
        name.utf8.count == other.utf8.count
            && zip(name.utf8, other.utf8).allSatisfy { asciiLower($0) == asciiLower($1) }
    }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
}

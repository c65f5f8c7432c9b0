extension MIMEPart {
    /// Where the whole part (header and body) lies in `bytes`, the bytes of the message
    /// whose tree holds it; nil when the part was parsed from a decoded copy (inside a
    /// base64 or quoted-printable `message/rfc822` part), so no range of the message is it.
    ///
    /// Used to change one part of a message without copying the rest twice (Sieve's
    /// `replace` inside `foreverypart`).
    ///
    /// - SeeAlso: RFC 5703 §5
    public func range(in bytes: [UInt8]) -> Range<Int>? {
        let sameStorage = source.withUnsafeBufferPointer { mine in
            bytes.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress && mine.count == theirs.count }
        }
        return sameStorage ? range : nil
    }
}

/// The service extensions a server announced in its `EHLO` reply, as far as submission uses them.
///
/// - SeeAlso: RFC 5321 §4.1.1.1 (ehlo-ok-rsp), RFC 2920 (PIPELINING), RFC 1870 (SIZE),
///   RFC 6531 (SMTPUTF8), RFC 6152 (8BITMIME).
public struct SMTPExtensions: Hashable, Sendable {
    /// Every keyword announced, upper-cased, with its parameters as sent.
    public var keywords: [String: [String]]

    /// Parses the lines of a 250 `EHLO` reply; the first line is the server's greeting, not a keyword.
    // ehlo-line = ehlo-keyword *( SP ehlo-param )
    public init(ehloReply: SMTPReply) {
        var keywords: [String: [String]] = [:]
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let keyword = words.first else { continue }
            keywords[keyword.uppercased()] = words.dropFirst().map(String.init)
        }
        self.keywords = keywords
    }

    /// No extensions: what a server that only understood `HELO` offers.
    public init() { self.keywords = [:] }

    /// True when the keyword (any case) was announced.
    public func supports(_ keyword: String) -> Bool { keywords[keyword.uppercased()] != nil }

    /// Commands may be sent in groups without waiting for each reply.
    ///
    /// - SeeAlso: RFC 2920 §3.
    public var pipelining: Bool { supports("PIPELINING") }
    /// The `SIZE` parameter of `MAIL FROM` is understood.
    ///
    /// - SeeAlso: RFC 1870 §4.
    public var size: Bool { supports("SIZE") }
    /// The largest message the server accepts; nil when SIZE is absent or announces no limit (0).
    public var maximumSize: Int? {
        guard let parameter = keywords["SIZE"]?.first, let limit = Int(parameter), limit > 0 else { return nil }
        return limit
    }
    /// UTF-8 addresses may be sent with `MAIL FROM:<...> SMTPUTF8`.
    ///
    /// - SeeAlso: RFC 6531 §3.4.
    public var smtpUTF8: Bool { supports("SMTPUTF8") }
    /// `BODY=8BITMIME` is understood.
    ///
    /// - SeeAlso: RFC 6152 §2.
    public var eightBitMIME: Bool { supports("8BITMIME") }
}

/// A message ready for submission to the site's MTA: envelope and bytes.
public struct OutboundMessage: Sendable, Hashable {
    /// The reverse-path for `MAIL FROM`, without angle brackets; "" is the null
    /// sender `<>` (vacation replies always use it).
    public var envelopeSender: String
    /// The forward-paths for `RCPT TO`, bare addr-specs.
    public var recipients: [String]
    /// The message: header section, blank line, body. Generated header lines end in
    /// CRLF and contain no other CR or LF; a redirected body is as received.
    public var bytes: [UInt8]

    /// Makes an outbound message.
    public init(envelopeSender: String, recipients: [String], bytes: [UInt8]) {
        self.envelopeSender = envelopeSender
        self.recipients = recipients
        self.bytes = bytes
    }
}

/// An auto-reply or redirect could not be composed. `message` says what was expected
/// and what was found, for the delivery log.
public struct AutoReplyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An operator-readable sentence.
    public let message: String

    /// Makes an error with an operator-readable message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

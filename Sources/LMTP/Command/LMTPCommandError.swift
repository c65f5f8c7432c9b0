import MailCore
/// Why a command line was refused, with the reply the session sends for it.
///
/// Two families: a bad command (the line was read whole and is wrong: the session
/// answers and reads the next line) and a line too long (the framing dropped bytes
/// up to the next line end, then the session answers).
///
/// - SeeAlso: RFC 5321 §4.2.2 (500, 501, 555), RFC 3463 §3.6 (X.5.x codes).
public struct LMTPCommandError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of failure; each maps to one reply code.
    public enum Kind: Hashable, Sendable {
        /// The verb is not one we know: `500 5.5.1`.
        case unknownCommand
        /// The verb is known but the line does not follow its syntax: `501 5.5.2`
        /// (`500 5.5.2` for an empty line, which has no verb).
        case syntaxError
        /// A path is malformed: `501 5.1.7` (sender) or `501 5.1.3` (recipient).
        case badAddress
        /// A known parameter has a bad value or is repeated: `501 5.5.4`.
        case invalidParameter
        /// A MAIL/RCPT parameter keyword we do not support: `555 5.5.4`.
        case unknownParameter
        /// The command line exceeded the configured maximum: `500 5.5.2`.
        case lineTooLong
    }

    /// The class of failure.
    public let kind: Kind
    /// The verb when it was recognised (the session needs it for BDAT: a refused BDAT
    /// line cannot say how many bytes follow).
    public let verb: LMTPVerb?
    /// A sentence for the client and the operator: what was expected, what was found.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, verb: LMTPVerb?, _ message: String) {
        self.kind = kind
        self.verb = verb
        self.message = message
    }

    /// The reply the session sends.
    public var reply: LMTPReply {
        switch kind {
        case .unknownCommand: LMTPReply(code: 500, .invalidCommand, message)
        case .syntaxError: LMTPReply(code: verb == nil ? 500 : 501, .syntaxError, message)
        case .badAddress:
            LMTPReply(code: 501, verb == .mail ? .badSenderSyntax : .badDestinationSyntax, message)
        case .invalidParameter: LMTPReply(code: 501, .invalidArguments, message)
        case .unknownParameter: LMTPReply(code: 555, .invalidArguments, message)
        case .lineTooLong: LMTPReply(code: 500, .syntaxError, message)
        }
    }

    public var description: String { reply.description }
}

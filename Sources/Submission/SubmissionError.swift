/// Why an outbound submission failed, where it failed, and whether a later retry can succeed.
///
/// The error is a struct rather than an enum so that new stages and codes can be added without
/// breaking callers: compare `stage` and `code` with the static values, and read `isTransient`
/// to decide between "try again later" and "give up".
///
/// Transient: any 4xx reply, a timeout, a lost or refused connection, a sendmail command that
/// exits with `EX_TEMPFAIL` (75), is killed by a signal or times out. Permanent: any 5xx reply,
/// an address or message Sluice refuses to send, any other sendmail exit status.
///
/// - SeeAlso: RFC 5321 §4.2.1 (reply code classes), RFC 3463 (enhanced status codes).
public struct SubmissionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The step of the submission that failed.
    public struct Stage: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Checking the envelope before anything is sent (addresses, message size).
        public static let envelope = Stage("envelope")
        /// Opening the TCP connection to the relay.
        public static let connect = Stage("connect")
        /// Waiting for the server's `220` greeting.
        public static let greeting = Stage("greeting")
        /// `EHLO` (or the `HELO` fallback).
        public static let ehlo = Stage("ehlo")
        /// `MAIL FROM`.
        public static let mail = Stage("mail")
        /// `RCPT TO`, one per recipient.
        public static let rcpt = Stage("rcpt")
        /// The `DATA` command itself (expecting `354`).
        public static let data = Stage("data")
        /// Sending the message content and waiting for the reply to the final `.`.
        public static let message = Stage("message")
        /// Running a sendmail-compatible command.
        public static let command = Stage("command")

        /// The stage's name as used in error messages (`rcpt`, `message`, ...).
        public var description: String { name }
    }

    /// What kind of failure happened at the stage.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The server answered with a 4xx or 5xx reply (see `reply`).
        public static let rejected = Code("rejected")
        /// Every recipient was refused; `recipients` holds each refusal.
        public static let allRecipientsRefused = Code("all recipients refused")
        /// No reply arrived within the configured time.
        public static let timeout = Code("timeout")
        /// The connection could not be opened (refused, unreachable, name not resolved).
        public static let connectionFailed = Code("connection failed")
        /// The server closed the connection or it broke while a reply was awaited.
        public static let connectionClosed = Code("connection closed")
        /// The server sent something that is not an SMTP reply.
        public static let protocolViolation = Code("protocol violation")
        /// An address contains characters that cannot be sent safely (CR, LF, space, `<`, `>`, ...).
        public static let invalidAddress = Code("invalid address")
        /// The submission needs an extension (SMTPUTF8) the server does not offer.
        public static let unsupportedExtension = Code("unsupported extension")
        /// The message is larger than the server's advertised SIZE limit.
        public static let messageTooLarge = Code("message too large")
        /// A sendmail-compatible command exited with a nonzero status (see `exitStatus`).
        public static let commandFailed = Code("command failed")
        /// A sendmail-compatible command could not be started.
        public static let commandNotStarted = Code("command not started")
        /// A sendmail-compatible command was ended by a signal.
        public static let commandSignalled = Code("command killed by signal")
        /// The client's own configuration cannot be used (e.g. an EHLO name with spaces).
        public static let invalidConfiguration = Code("invalid configuration")
        /// The calling task was cancelled.
        public static let cancelled = Code("cancelled")

        /// A short phrase naming the code.
        public var description: String { name }
    }

    /// Where the submission failed.
    public var stage: Stage
    /// What went wrong there.
    public var code: Code
    /// True when retrying later may succeed (4xx, timeouts, lost connections, `EX_TEMPFAIL`).
    public var isTransient: Bool
    /// The server's reply that caused the failure, when there was one.
    public var reply: SMTPReply?
    /// A sentence for the operator saying what was expected and what happened.
    public var detail: String
    /// Per-recipient results known when the failure happened (empty before `RCPT TO`).
    public var recipients: [RecipientOutcome]
    /// The sendmail command's exit status, for `commandFailed`.
    public var exitStatus: Int32?
    /// The sendmail command's standard error (trimmed, bounded), for command failures.
    public var standardError: String?

    /// Creates an error; `isTransient` defaults from the reply code when a reply is given.
    public init(
        stage: Stage, code: Code, isTransient: Bool? = nil, reply: SMTPReply? = nil,
        detail: String, recipients: [RecipientOutcome] = [], exitStatus: Int32? = nil,
        standardError: String? = nil
    ) {
        self.stage = stage
        self.code = code
        self.isTransient = isTransient ?? reply.map { $0.isTransientFailure } ?? false
        self.reply = reply
        self.detail = detail
        self.recipients = recipients
        self.exitStatus = exitStatus
        self.standardError = standardError
    }

    /// The reply's three-digit code, when the failure was a reply.
    public var replyCode: Int? { reply?.code }

    /// One line for logs: `submission failed at rcpt (permanent): <detail>`.
    public var description: String {
        "submission failed at \(stage) (\(isTransient ? "transient" : "permanent")): \(detail)"
    }
}

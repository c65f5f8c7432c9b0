import MailCore

/// The outcome of one script run: what to do with the message, and what went wrong.
///
/// When `errors` is not empty the run failed: the actions collected before the error
/// were discarded and `actions` is the implicit keep alone (RFC 5228 §2.10.6).
public struct SieveResult: Sendable, Hashable {
    /// The final action list, duplicates collapsed, with the implicit keep included as
    /// `.keep(flags:, implicit: true)` when it applies.
    public var actions: [SieveAction]
    /// Runtime errors (at most one: a run stops at its first error).
    public var errors: [SieveRuntimeError]
    /// Errors that did not stop the run, worth an operator's attention (a `:regex` key
    /// that is not a valid expression once its variables are expanded: it never matches).
    public var warnings: [SieveRuntimeError]
    /// The message as this recipient's copy must be stored and redirected, when a command changed it (editheader, filter); nil when unchanged.
    public var modifiedMessage: Message?
    /// Lines the script wrote with `debug_log` (vnd.dovecot.debug), in order, for the
    /// delivery log.
    public var debugMessages: [String] = []
    /// `duplicate` values to record as seen once the message is delivered (none when the
    /// run failed).
    ///
    /// - SeeAlso: RFC 7352 §3
    public var duplicateMarks: [DuplicateMark]
    /// Mailboxes `fileinto :specialuse ... :create` names when no mailbox has the use:
    /// created now, they get the use.
    ///
    /// - SeeAlso: RFC 8579 §4
    public var specialUseCreations: [SpecialUseCreation] = []

    public init(actions: [SieveAction], errors: [SieveRuntimeError] = [], warnings: [SieveRuntimeError] = [],
                duplicateMarks: [DuplicateMark] = [], modifiedMessage: Message? = nil) {
        self.actions = actions
        self.errors = errors
        self.warnings = warnings
        self.duplicateMarks = duplicateMarks
        self.modifiedMessage = modifiedMessage
    }

    /// Whether the run ended without an error.
    public var succeeded: Bool { errors.isEmpty }

    /// Whether the message ends up in the user's default mailbox, implicitly or not.
    public var keepsMessage: Bool {
        actions.contains { if case .keep = $0 { true } else { false } }
    }
}

/// An error found while running a script, with the place in the script that caused it.
public struct SieveRuntimeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// The script's name, as given to the compiler.
    public var file: String?

    public init(_ message: String, at location: SourceLocation, file: String? = nil) {
        self.message = message
        self.location = location
        self.file = file
    }

    /// The same error as a `Diagnostic`, for uniform printing.
    public var diagnostic: Diagnostic { Diagnostic(.error, message, at: location, file: file) }

    /// `file:line:column: error: message`.
    public var description: String { diagnostic.description }

    /// `file:line:column: warning: message`, for a problem that did not stop the run
    /// (`SieveResult.warnings`).
    public var warningDescription: String { Diagnostic(.warning, message, at: location, file: file).description }
}

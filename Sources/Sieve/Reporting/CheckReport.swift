import Foundation

/// The JSON document `sieve-check run --json` prints:
/// `{"actions":[...],"errors":[...]}` (and `"trace":[...]` with `--trace`, `"duplicates":[...]`
/// when `duplicate` tests marked values to record).
///
/// Each action is an object whose `"action"` key names it; see README.md for the schema.
public struct CheckReport: Sendable, Encodable {
    public var actions: [SieveAction]
    public var errors: [ErrorEntry]
    public var trace: [String]?
    /// Lines the script wrote with `debug_log` (vnd.dovecot.debug); absent when none.
    public var debugLog: [String]?
    /// The values `duplicate` tests would record once the message is delivered; nil when none.
    public var duplicates: [DuplicateMark]?

    /// One error with its position in the script.
    public struct ErrorEntry: Sendable, Encodable, Hashable {
        public var line: Int
        public var column: Int
        public var message: String
        public var severity: String
    }

    /// The report of a script that ran (possibly with runtime errors); errors that did
    /// not stop the run follow with severity "warning".
    public init(result: SieveResult, trace: [String]? = nil) {
        actions = result.actions
        errors = result.errors.map {
            ErrorEntry(line: $0.location.line, column: $0.location.column, message: $0.message, severity: "error")
        } + result.warnings.map {
            ErrorEntry(line: $0.location.line, column: $0.location.column, message: $0.message, severity: "warning")
        }
        self.trace = trace
        debugLog = result.debugMessages.isEmpty ? nil : result.debugMessages
        duplicates = result.duplicateMarks.isEmpty ? nil : result.duplicateMarks
    }

    /// The report of a script that did not compile: no actions, its diagnostics.
    public init(diagnostics: [Diagnostic]) {
        actions = []
        errors = diagnostics.map {
            ErrorEntry(line: $0.location.line, column: $0.location.column, message: $0.message,
                       severity: $0.severity.rawValue)
        }
        trace = nil
    }

    /// The report as compact JSON with sorted keys (so `"action"` leads every action).
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and arrays cannot fail.
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension SieveAction: Encodable {
    private enum Key: String, CodingKey {
        case action, implicit, mailbox, flags, copy, create, address, reason
        case to, from, subject, handle, seconds, mime
        case program, arguments, `try`
        case method, recipients, importance, message, fcc
        case feedbackType = "feedback_type", headersOnly = "headers_only"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .keep(let flags, let implicit):
            try c.encode("keep", forKey: .action)
            if implicit { try c.encode(true, forKey: .implicit) }
            if !flags.isEmpty { try c.encode(flags.sorted(), forKey: .flags) }
        case .fileinto(let mailbox, let flags, let copy, let create):
            try c.encode("fileinto", forKey: .action)
            try c.encode(mailbox, forKey: .mailbox)
            if !flags.isEmpty { try c.encode(flags.sorted(), forKey: .flags) }
            if copy { try c.encode(true, forKey: .copy) }
            if create { try c.encode(true, forKey: .create) }
        case .redirect(let address, let copy):
            try c.encode("redirect", forKey: .action)
            try c.encode(address, forKey: .address)
            if copy { try c.encode(true, forKey: .copy) }
        case .discard:
            try c.encode("discard", forKey: .action)
        case .reject(let reason):
            try c.encode("reject", forKey: .action)
            try c.encode(reason, forKey: .reason)
        case .ereject(let reason):
            try c.encode("ereject", forKey: .action)
            try c.encode(reason, forKey: .reason)
        case .vacation(let v):
            try c.encode("vacation", forKey: .action)
            try c.encode(v.to, forKey: .to)
            try c.encode(v.from, forKey: .from)
            try c.encode(v.subject, forKey: .subject)
            try c.encode(v.reason, forKey: .reason)
            try c.encode(v.handle, forKey: .handle)
            try c.encode(v.seconds, forKey: .seconds)
            if v.isMime { try c.encode(true, forKey: .mime) }
            try c.encodeIfPresent(v.fcc?.mailbox, forKey: .fcc)
        case .pipe(let p):
            try c.encode("pipe", forKey: .action)
            try c.encode(p.program, forKey: .program)
            try c.encode(p.arguments, forKey: .arguments)
            if p.copy { try c.encode(true, forKey: .copy) }
            if p.isTry { try c.encode(true, forKey: .try) }
        case .notify(let n):
            try c.encode("notify", forKey: .action)
            try c.encode(n.method, forKey: .method)
            try c.encode(n.recipients.map(\.address.addrSpec), forKey: .recipients)
            try c.encode(n.importance, forKey: .importance)
            try c.encode(n.from, forKey: .from)
            try c.encode(n.message, forKey: .message)
            try c.encodeIfPresent(n.fcc?.mailbox, forKey: .fcc)
        case .report(let r):
            try c.encode("report", forKey: .action)
            try c.encode(r.feedbackType, forKey: .feedbackType)
            try c.encode(r.address, forKey: .address)
            try c.encode(r.message, forKey: .reason)
            if r.headersOnly { try c.encode(true, forKey: .headersOnly) }
        }
    }
}

extension DuplicateMark: Encodable {
    private enum Key: String, CodingKey {
        case value, handle, last, seconds
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(key.value, forKey: .value)
        try c.encodeIfPresent(key.handle, forKey: .handle)
        if key.last { try c.encode(true, forKey: .last) }
        try c.encode(seconds, forKey: .seconds)
    }
}

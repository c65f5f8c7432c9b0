/// Receives events while a script runs, for `sieve-check --trace` and debugging.
///
/// The interpreter calls `record` synchronously on the calling thread; a tracer is
/// used by one run at a time.
public protocol SieveTracer: AnyObject {
    func record(_ event: TraceEvent)
}

/// One step of a script run, as plain values.
public enum TraceEvent: Sendable, Hashable {
    /// A command is about to run (`if` included, `require` excluded).
    case command(name: String, location: SourceLocation)
    /// A test finished.
    case test(TestTrace)
    /// An action was added to the result (after duplicate collapsing it may merge).
    case action(SieveAction, location: SourceLocation)
    /// `set` or a flag command changed a variable (`name` lowercased; the internal
    /// imap4flags variable is reported as "" ).
    case variable(name: String, value: String, location: SourceLocation)
    /// `stop` ended the script.
    case stop(location: SourceLocation)
    /// The run failed.
    case error(SieveRuntimeError)
    /// Something went wrong that did not stop the run (a `:regex` key invalid after
    /// variable expansion).
    case warning(SieveRuntimeError)
    /// A command changed the message (`addheader`, `deleteheader`): what it did, in words.
    case messageEdit(String, location: SourceLocation)
    /// `debug_log` wrote a line (vnd.dovecot.debug).
    case debug(message: String, location: SourceLocation)
    /// A `foreverypart` loop entered a part, or left early (RFC 5703 §3): what, in words.
    case partIteration(String, location: SourceLocation)
}

/// A finished test: what it looked at and whether it held.
public struct TestTrace: Sendable, Hashable {
    /// The test's name, lowercased (`header`, `address`, `anyof`, ...).
    public var name: String
    public var location: SourceLocation
    /// The test's result (after `not` for the `not` test itself).
    public var matched: Bool
    /// What was compared, for tests that compare strings or numbers.
    public var comparison: TraceComparison?

    public init(name: String, location: SourceLocation, matched: Bool, comparison: TraceComparison? = nil) {
        self.name = name
        self.location = location
        self.matched = matched
        self.comparison = comparison
    }
}

/// The values a test took from the message and the keys it compared them with.
public struct TraceComparison: Sendable, Hashable {
    /// Values from the message (header values, address parts, sizes, ...).
    public var values: [String]
    /// The script's keys after variable expansion.
    public var keys: [String]
    /// The match type as written in Sieve (`:is`, `:contains`, `:value "gt"`, `:over`).
    public var matchType: String
    /// The comparator name, nil where none applies (`size`, `exists`).
    public var comparator: String?
    /// Where the values came from when that is not obvious (an `environment` item that does
    /// not exist, how a spam score was worked out); nil otherwise.
    public var note: String?

    public init(values: [String], keys: [String], matchType: String, comparator: String?, note: String? = nil) {
        self.values = values
        self.keys = keys
        self.matchType = matchType
        self.comparator = comparator
        self.note = note
    }
}

/// A tracer that keeps every event in order.
public final class SieveTraceRecorder: SieveTracer {
    public private(set) var events: [TraceEvent] = []

    public init() {}

    public func record(_ event: TraceEvent) {
        events.append(event)
    }
}

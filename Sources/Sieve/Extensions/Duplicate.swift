import MailCore

/// What one `duplicate` test tracks: a value (the Message-ID by default) in one of the
/// user's tracking lists.
///
/// `:last` tests keep their own records, apart from the ones of tests without it: a test
/// with `:last` measures the period from the last time the value was seen, so its record
/// is renewed on every message, while a test without it counts from the first.
///
/// - SeeAlso: RFC 7352 §3
public struct DuplicateKey: Sendable, Hashable {
    /// The `:handle` (a separate tracking list); nil for the default list.
    public var handle: String?
    /// The tracked value: the Message-ID, the first value of the `:header` field, or the
    /// `:uniqueid` string.
    public var value: String
    /// Whether the test has `:last`.
    public var last: Bool

    public init(handle: String?, value: String, last: Bool) {
        self.handle = handle
        self.value = value
        self.last = last
    }

    /// The name of the tracking list, one string: `default` or `h-HANDLE`, prefixed by
    /// `0` for `:last` records and `+` for the others.
    public var list: String {
        (last ? "0" : "+") + (handle.map { "h-" + $0 } ?? "default")
    }
}

/// A value to record as seen once the message has been delivered: the run only collects
/// these; the delivery agent writes them when the message is handled (stored, discarded,
/// redirected or rejected), never when it is deferred, so a retry is not mistaken for a
/// duplicate.
///
/// - SeeAlso: RFC 7352 §3 ("only … if the message is … successfully delivered")
public struct DuplicateMark: Sendable, Hashable {
    public var key: DuplicateKey
    /// How long the record lives, in seconds (`:seconds`, or the site's default).
    public var seconds: Int

    public init(key: DuplicateKey, seconds: Int) {
        self.key = key
        self.seconds = seconds
    }
}

extension DuplicateMark: CustomStringConvertible {
    /// `track duplicate "<id@host>" :handle "lists" :last for 3600 s`.
    public var description: String {
        "track duplicate " + quoted(key.value) + (key.handle.map { " :handle " + quoted($0) } ?? "")
            + (key.last ? " :last" : "") + " for \(seconds) s"
    }
}

/// The tracking store could not be asked whether a value was seen before.
public struct DuplicateTrackingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The site's bounds on how long a `duplicate` value is remembered, in seconds.
///
/// - SeeAlso: RFC 7352 §3.3 (`:seconds`; implementations may limit it)
public struct DuplicatePeriods: Sendable, Hashable {
    /// Used when the test has no `:seconds`. Default 7 days.
    public var standard: Int
    /// A larger `:seconds` is lowered to this, with a warning. Default 7 days.
    public var maximum: Int

    public init(standard: Int = 7 * 86_400, maximum: Int = 7 * 86_400) {
        self.standard = standard
        self.maximum = maximum
    }
}

/// A compiled `duplicate` test.
struct DuplicateTest: Sendable {
    enum Source: Sendable {
        /// The Message-ID field (the default).
        case messageID
        /// The first value of this header field (lowercased when constant).
        case header(Str)
        /// `:uniqueid` (RFC 7352) or `:value` (vnd.dovecot.duplicate).
        case uniqueID(Str)
    }

    let handle: Str?
    let source: Source
    /// Seconds, already within the site's maximum; nil: the site's default.
    let seconds: Int?
    let last: Bool
}

extension Validator {
    /// `duplicate [:handle <string>] [:header <string> / :uniqueid <string>] [:seconds <number>] [:last]`;
    /// with `vnd.dovecot.duplicate` (Pigeonhole's name for the draft) `:value` instead of
    /// `:uniqueid`.
    ///
    /// - SeeAlso: RFC 7352 §3
    mutating func compileDuplicate(_ node: TestNode, location: SourceLocation) -> Test? {
        let rfc = capabilities.contains(.duplicate) && requiredNames.contains(SieveCapability.duplicate.rawValue)
        let valueTag = rfc ? "uniqueid" : "value"
        let specs = [
            TagSpec("handle", .string),
            TagSpec("header", .string, group: "tracked value"),
            TagSpec(valueTag, .string, group: "tracked value"),
            TagSpec("seconds", .number),
            TagSpec("last"),
        ]
        guard let read = readArguments(node.arguments, of: "test", named: "duplicate", at: location,
                                       tags: specs, positionals: []) else { return nil }
        func string(_ tag: String) -> Str? {
            guard let parameter = read.tags[tag]?.parameter, let literal = stringArgument(parameter) else { return nil }
            return compileString(literal)
        }
        var source = DuplicateTest.Source.messageID
        if let header = string("header") {
            if let name = header.constantValue {
                guard HeaderFieldWriter.isValidFieldName(name) else {
                    error("duplicate :header \(quoted(name)) is not a valid header field name", at: read.tags["header"]?.range.start ?? location)
                    return nil
                }
                source = .header(.constant(name.lowercased()))
            } else {
                source = .header(header)
            }
        } else if let value = string(valueTag) {
            source = .uniqueID(value)
        }
        var seconds: Int?
        if let use = read.tags["seconds"], let parameter = use.parameter, case .number(let value, let range) = parameter {
            let maximum = options.duplicatePeriods.maximum
            if value > maximum {
                warning("duplicate :seconds \(value) is over the site's maximum of \(maximum) seconds; \(maximum) is used",
                        at: range.start)
            }
            seconds = min(value, maximum)
        }
        return Test(kind: .duplicate(DuplicateTest(handle: string("handle"), source: source, seconds: seconds,
                                                   last: read.has("last"))),
                    name: "duplicate", location: location)
    }
}

extension Run {
    /// Evaluates `duplicate`: true when the value was recorded for this user by an earlier
    /// message (and its record is still live). The value is then marked, to be recorded
    /// when delivery succeeds: always when it was not seen, and again (renewing its
    /// period) when it was and the test has `:last`. Without a value (no Message-ID, no
    /// such header field) the test is false and nothing is tracked. The same test asked
    /// twice in one run gives the same answer.
    ///
    /// - SeeAlso: RFC 7352 §3
    mutating func evaluateDuplicate(_ test: DuplicateTest, at location: SourceLocation,
                                    trace: inout TraceComparison?) throws(Failure) -> Bool {
        let value: String?
        switch test.source {
        case .messageID:
            value = message.fieldValues(lowercasedName: "message-id").first.map(Self.messageID)
        case .header(let name):
            value = message.fieldValues(lowercasedName: expand(name).lowercased()).first
                .map { $0.trimmingCharacters() }
        case .uniqueID(let id):
            value = expand(id)
        }
        let handle = test.handle.map(expand)
        guard let value, !value.isEmpty else {
            if tracer != nil {
                trace = TraceComparison(values: [], keys: [], matchType: "duplicate", comparator: nil,
                                        note: "no value to track (the field is absent or empty); not a duplicate")
            }
            return false
        }
        let key = DuplicateKey(handle: handle, value: value, last: test.last)
        let seen: Bool
        if let known = duplicateChecks[key] {
            seen = known
        } else {
            do throws(DuplicateTrackingError) {
                var found = try isDuplicate(key)
                // A :last test also honours a record made by a test without :last.
                if !found && test.last { found = try isDuplicate(DuplicateKey(handle: handle, value: value, last: false)) }
                seen = found
            } catch {
                throw Failure(message: "duplicate test: cannot check the tracking store: \(error.message)", location: location)
            }
            duplicateChecks[key] = seen
            if !seen || test.last {
                duplicateMarks.append(DuplicateMark(key: key, seconds: test.seconds ?? options.duplicatePeriods.standard))
            }
        }
        if tracer != nil {
            trace = TraceComparison(values: [value], keys: handle.map { [$0] } ?? [], matchType: "duplicate", comparator: nil,
                                    note: seen ? "seen before: a duplicate" : "not seen before")
        }
        return seen
    }

    /// The `<id>` of a Message-ID field value, or the whole trimmed value when it has none.
    static func messageID(_ field: String) -> String {
        let trimmed = field.trimmingCharacters()
        guard let open = trimmed.firstIndex(of: "<"), let close = trimmed[open...].firstIndex(of: ">") else { return trimmed }
        return String(trimmed[open...close])
    }
}

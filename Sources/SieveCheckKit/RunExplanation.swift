import MailCore
import Reports
import Sieve

/// Explains one `sieve-check run` as the HTML page of `HTMLTraceReport`: maps the script, the
/// trace events, the result and the message onto `HTMLTraceReport.Input`.
///
/// Every test in the script gets a mark on its line: matched or not matched (with the values it
/// compared, from the trace) when the run reached it, not evaluated otherwise.
public enum RunExplanation {
    /// What happened to the script.
    public enum Outcome: Sendable {
        /// The script compiled and ran. `events` are the tracer's events (empty without a
        /// tracer: every test is then shown as not evaluated); `warnings` are the compiler's
        /// non-error diagnostics.
        case ran(result: SieveResult, events: [TraceEvent], warnings: [Diagnostic])
        /// The script did not compile: the delivery side would keep the message
        /// (RFC 5228 §2.10.6) and nothing ran.
        case notCompiled(diagnostics: [Diagnostic])
    }

    /// Longest compared value shown in a note, in characters; longer values are cut with "…".
    public static let maxShownValueLength = 200

    /// The page input for one run.
    ///
    /// - Parameters:
    ///   - scriptName: the script's name or path, shown in the title.
    ///   - source: the script's bytes exactly as compiled (invalid UTF-8 is shown as U+FFFD).
    ///   - outcome: the run's result and trace, or the compile errors.
    ///   - envelope: the envelope the script ran with.
    ///   - message: the message the script ran against.
    public static func input(scriptName: String, source: [UInt8], outcome: Outcome, envelope: SieveEnvelope,
                             message: Message) -> HTMLTraceReport.Input {
        var input = HTMLTraceReport.Input(
            scriptName: scriptName, scriptLines: lines(of: source), implicitKeep: true,
            envelope: envelopeFields(envelope), headers: message.headerFields.map { .init($0.name, $0.value) })
        switch outcome {
        case .notCompiled(let diagnostics):
            input.errors = ["The script does not compile, so it did not run; delivery would keep the message."]
                + diagnostics.map(\.description)
        case .ran(let result, let events, let warnings):
            input.lineMarks = lineMarks(source: source, events: events)
            input.actions = result.actions.compactMap { action in
                if case .keep(_, implicit: true) = action { return nil }
                return action.description
            }
            input.implicitKeep = result.actions.contains { action in
                if case .keep(_, implicit: true) = action { return true }
                return false
            }
            input.errors = result.errors.map { "\($0.description) (the run stopped; the message is kept)" }
                + warnings.map(\.description)
        }
        return input
    }

    /// The script's lines without their terminators (CRLF or LF); a final line end does not
    /// start another line.
    static func lines(of source: [UInt8]) -> [String] {
        guard !source.isEmpty else { return [] }
        var pieces = source.split(separator: 0x0A, omittingEmptySubsequences: false)
        if source.last == 0x0A { pieces.removeLast() }
        return pieces.map { piece in
            let line = piece.last == 0x0D ? piece.dropLast() : piece
            return String(decoding: line, as: UTF8.self)
        }
    }

    static func envelopeFields(_ envelope: SieveEnvelope) -> [HTMLTraceReport.Field] {
        var fields: [HTMLTraceReport.Field] = [
            .init("from", envelope.from.isEmpty ? "<> (null sender)" : envelope.from),
            .init("to", envelope.to),
        ]
        if let origTo = envelope.origTo { fields.append(.init("orig_to", origTo)) }
        if let auth = envelope.auth { fields.append(.init("auth", auth)) }
        return fields
    }

    /// One mark per line holding a test. The line's state is that of its outermost test the
    /// run reached (`if anyof(...)` shows the `anyof`); its notes list every evaluated test on
    /// the line, outermost first.
    static func lineMarks(source: [UInt8], events: [TraceEvent]) -> [Int: HTMLTraceReport.LineMark] {
        var traces: [Int: [TestTrace]] = [:]
        for case .test(let test) in events {
            traces[test.location.offset, default: []].append(test)
        }
        // Tests in script order, outer before inner (the order a reader sees them).
        var tests: [SourceLocation] = []
        func collect(_ node: TestNode) {
            tests.append(node.nameRange.start)
            node.tests.forEach(collect)
        }
        func collect(_ commands: [CommandNode]) {
            for command in commands {
                command.tests.forEach(collect)
                if let block = command.block { collect(block) }
            }
        }
        collect(SieveParser.parse(source).script.commands)

        var marks: [Int: HTMLTraceReport.LineMark] = [:]
        for location in tests {
            let line = location.line
            let evaluated = traces[location.offset] ?? []
            var mark = marks[line] ?? HTMLTraceReport.LineMark(.notEvaluated)
            if let first = evaluated.first, mark.state == .notEvaluated {
                mark.state = first.matched ? .matched : .notMatched
            }
            mark.notes += evaluated.map(note)
            marks[line] = mark
        }
        return marks
    }

    /// `header :contains compared ["Big sale"] with ["sale"] → true`.
    static func note(_ test: TestTrace) -> String {
        var text = test.name
        if let comparison = test.comparison {
            switch test.name {
            case "exists":
                text += " present " + list(comparison.values) + " of " + list(comparison.keys)
            case "size":
                text += " \(comparison.matchType) compared size " + list(comparison.values) + " with " + list(comparison.keys)
            default:
                text += " " + comparison.matchType
                if let comparator = comparison.comparator { text += " :comparator \"\(comparator)\"" }
                text += " compared " + list(comparison.values) + " with " + list(comparison.keys)
            }
        }
        return text + " → " + (test.matched ? "true" : "false")
    }

    private static func list(_ values: [String]) -> String {
        "[" + values.map { value in
            let shown = value.count > maxShownValueLength ? String(value.prefix(maxShownValueLength)) + "…" : value
            return "\"" + shown + "\""
        }.joined(separator: ", ") + "]"
    }
}

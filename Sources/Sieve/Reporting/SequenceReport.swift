import Foundation

/// The JSON document `sieve-check run --before/--after --json` prints: the sequence's
/// actions and errors as `CheckReport` has them, plus one entry per script and the notes.
///
/// `{"actions":[...],"errors":[...],"notes":[...],"scripts":[{"script":"before.sieve",
/// "status":"ran","actions":[...],"joined":[...],"keep_after":true,"trace":[...]}]}`
public struct SequenceReport: Sendable, Encodable {
    /// One script's part.
    public struct Script: Sendable, Encodable {
        public var script: String
        /// `ran`, `failed`, `broken`, `missing` or `skipped`.
        public var status: String
        /// The script's own result (implicit keep included), nil when it did not run.
        public var actions: [SieveAction]?
        /// Its actions that joined the outcome.
        public var joined: [SieveAction]
        public var keepAfter: Bool
        public var errors: [CheckReport.ErrorEntry]
        public var trace: [String]?

        private enum CodingKeys: String, CodingKey {
            case script, status, actions, joined, errors, trace
            case keepAfter = "keep_after"
        }
    }

    public var actions: [SieveAction]
    public var errors: [CheckReport.ErrorEntry]
    public var notes: [String]
    public var scripts: [Script]

    /// The report of `outcome`; `traces[i]` is the trace of the i-th script (if traced),
    /// `diagnostics[i]` the compile diagnostics of a broken one.
    public init(outcome: ScriptSequenceOutcome, traces: [[String]?] = [], diagnostics: [[Diagnostic]] = []) {
        actions = outcome.actions
        notes = outcome.notes
        var all: [CheckReport.ErrorEntry] = []
        scripts = outcome.steps.enumerated().map { index, step in
            var errors: [CheckReport.ErrorEntry] = []
            if index < diagnostics.count {
                errors += diagnostics[index].map {
                    CheckReport.ErrorEntry(line: $0.location.line, column: $0.location.column, message: $0.message,
                                           severity: $0.severity.rawValue)
                }
            }
            if let result = step.result {
                errors += CheckReport(result: result).errors
            }
            all += errors
            return Script(script: step.name, status: step.status.word, actions: step.result?.actions, joined: step.contributed,
                          keepAfter: step.keepAfter, errors: errors, trace: index < traces.count ? traces[index] : nil)
        }
        errors = all
    }

    /// Compact JSON with sorted keys.
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension ScriptStep.Status {
    /// One word for reports: `ran`, `failed`, `broken`, `missing`, `skipped`.
    public var word: String {
        switch self {
        case .ran: "ran"
        case .failed: "failed"
        case .broken: "broken"
        case .missing: "missing"
        case .skipped: "skipped"
        }
    }
}

extension ScriptSequenceOutcome {
    /// The text `sieve-check run --before/--after` prints: each script's part, then the
    /// actions to carry out.
    public var textSummary: String {
        var lines: [String] = ["scripts:"]
        for step in steps {
            var line = "  \(step.name): \(step.status.word)"
            switch step.status {
            case .ran:
                let joined = step.contributed.map(\.description).joined(separator: "; ")
                line += joined.isEmpty ? "" : " (" + joined + ")"
                if !step.keepAfter { line += "; the keep is cancelled" }
            case .skipped:
                line += " (an earlier script cancelled the keep or failed)"
            case .failed, .broken, .missing:
                break
            }
            lines.append(line)
        }
        lines.append("actions:")
        lines += actions.map { "  " + $0.description + (fallbackKeep && $0 == .keep(flags: [], implicit: true) ? " (after a failure)" : "") }
        return lines.joined(separator: "\n")
    }
}

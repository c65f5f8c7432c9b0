/// A self-contained HTML page showing how one Sieve script ran against one message: the script
/// with each test line marked matched / not matched / not evaluated (with the values it
/// compared), the actions taken, the implicit keep, and the message's envelope and headers.
///
/// `sieve-check trace --html` writes it. The page has an inline stylesheet and no script, and
/// every input string is written as text, so a hostile script or header (`</style>`, `<!--`,
/// quotes) cannot change the page's structure.
public enum HTMLTraceReport {
    /// What the page shows. All values are plain text.
    public struct Input: Equatable, Sendable {
        /// The script's name or path, shown in the title.
        public var scriptName: String
        /// The script's source, one entry per line (without line terminators).
        public var scriptLines: [String]
        /// Marks for test lines, keyed by 1-based line number. Keys outside the script's lines
        /// are ignored; lines without a mark are shown plain.
        public var lineMarks: [Int: LineMark]
        /// The actions the script produced, in order, as the user should read them
        /// (`fileinto "Spam"`, `redirect "boss@example.com"`).
        public var actions: [String]
        /// Whether the implicit keep still applies at the end of the run.
        ///
        /// - SeeAlso: RFC 5228 §2.10.2
        public var implicitKeep: Bool
        /// The SMTP envelope (`from`, `to`, ...), in display order.
        public var envelope: [Field]
        /// The message's header fields, in message order (already decoded for display).
        public var headers: [Field]
        /// Runtime errors or warnings, as full sentences.
        public var errors: [String]

        /// Creates the page's input.
        public init(
            scriptName: String, scriptLines: [String], lineMarks: [Int: LineMark] = [:], actions: [String] = [],
            implicitKeep: Bool, envelope: [Field] = [], headers: [Field] = [], errors: [String] = []
        ) {
            self.scriptName = scriptName
            self.scriptLines = scriptLines
            self.lineMarks = lineMarks
            self.actions = actions
            self.implicitKeep = implicitKeep
            self.envelope = envelope
            self.headers = headers
            self.errors = errors
        }
    }

    /// How a test line fared, and the values it compared.
    public struct LineMark: Equatable, Sendable {
        /// The test's result on this line.
        public var state: State
        /// What the test compared, one note each (`header "Subject" = "Buy now" :contains "buy" → true`).
        public var notes: [String]

        /// Creates a mark.
        public init(_ state: State, notes: [String] = []) {
            self.state = state
            self.notes = notes
        }

        /// A test's result.
        public enum State: String, CaseIterable, Equatable, Sendable {
            /// The test evaluated to true.
            case matched
            /// The test evaluated to false.
            case notMatched
            /// The test was never reached (an earlier branch was taken, or evaluation stopped).
            case notEvaluated

            /// The CSS class on the line's row.
            public var cssClass: String {
                switch self {
                case .matched: return "matched"
                case .notMatched: return "not-matched"
                case .notEvaluated: return "not-evaluated"
                }
            }

            /// The words the legend uses.
            public var label: String {
                switch self {
                case .matched: return "matched"
                case .notMatched: return "not matched"
                case .notEvaluated: return "not evaluated"
                }
            }

            /// The symbol shown in the line's mark column (colour is not the only cue).
            var symbol: String {
                switch self {
                case .matched: return "✔"
                case .notMatched: return "✘"
                case .notEvaluated: return "○"
                }
            }
        }
    }

    /// A name and a value (an envelope part or a header field).
    public struct Field: Equatable, Sendable {
        /// The name (`from`, `Subject`).
        public var name: String
        /// The value as text.
        public var value: String

        /// Creates a field.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Writes the page for `input` to `path` atomically.
    public static func write(_ input: Input, toPath path: String) throws(ReportError) {
        try writeFileAtomically(try render(input), toPath: path)
    }
}

/// Finds what compiles but is almost certainly wrong in a Sieve script: `sieve-check lint`.
///
/// Every warning points at the place to fix (`file:line:column: warning: ...`) and says why it
/// is suspicious. The linter only looks at scripts that compile; a script with errors gets its
/// errors back and no warnings.
///
/// Checks, each one `SieveLinter.Check`:
/// - code after an unconditional `stop` (it never runs);
/// - `:matches` with a key that has no wildcard (it behaves like `:is`);
/// - a `require`d capability the script never uses;
/// - `fileinto` into the same folder twice in one flow;
/// - `reject`/`ereject` in one flow with `keep`, `fileinto`, `redirect`, `vacation` or another
///   rejection (RFC 5429: the run fails and the message is kept);
/// - `vacation :days 0` (raised to the site minimum, not "always reply");
/// - a header name with a colon or white space (no field is ever called that);
/// - `:count` without `:comparator "i;ascii-numeric"` (counts then compare as text);
/// - inside an `ihave` branch, a command, test or tag of a capability that neither its `ihave`
///   tests nor `require` name (the branch compiles here only because it is skipped);
/// - `ihave` of a capability the script also requires (always true);
/// - a `date`/`currentdate` key not in its date-part's format, or a comparator that does
///   not suit the date-part (see `Linter.checkDate`).
/// - a `:matches` key that looks like a regular expression (`".*@example.com"`);
/// - a `:regex` key with an unescaped `.` between letters or digits (`"example.com"`).
/// - `require "imapflags"` (a deprecated draft; move to imap4flags);
/// - `environment` of an item that does not exist here, or that differs from a known one only
///   in case (always false); `${env.remote-ip}` written with `-` (not a variable reference);
/// - `spamtest`/`virustest` keys outside their range, and `:value` compared as text.
/// - a block or test that never runs, so is not checked (`if false { ... }`, see
///   `UncheckedCode`), and would not compile if it ran.
public enum SieveLinter {
    /// The kinds of warning, for tests and for anyone who wants to filter them.
    public enum Check: String, Sendable, CaseIterable {
        /// A command after an unconditional `stop` in the same block.
        case unreachableAfterStop = "unreachable-after-stop"
        /// A `:matches` key without an unescaped `*` or `?`.
        ///
        /// - SeeAlso: RFC 5228 §2.7.1
        case matchesWithoutWildcard = "matches-without-wildcard"
        /// A capability named in `require` that nothing uses.
        ///
        /// - SeeAlso: RFC 5228 §3.2
        case unusedRequire = "unused-require"
        /// `fileinto` one folder twice where one always runs with the other.
        ///
        /// - SeeAlso: RFC 5228 §4.1
        case duplicateFileinto = "duplicate-fileinto"
        /// `reject`/`ereject` in a flow with an action it cannot accompany.
        ///
        /// - SeeAlso: RFC 5429 §2
        case rejectConflict = "reject-conflict"
        /// `vacation :days 0`.
        ///
        /// - SeeAlso: RFC 5230 §4.1
        case vacationDaysZero = "vacation-days-zero"
        /// A header name containing a colon or white space.
        ///
        /// - SeeAlso: RFC 5322 §2.2
        case invalidHeaderName = "invalid-header-name"
        /// `:count` compared with a non-numeric comparator.
        ///
        /// - SeeAlso: RFC 5231 §4.2
        case countWithoutNumericComparator = "count-without-numeric-comparator"
        /// Inside an `ihave` branch, a capability's command, test or tag that neither the guarding
        /// `ihave` tests nor `require` name.
        ///
        /// - SeeAlso: RFC 5463 §4
        case capabilityNotTestedByIhave = "capability-not-tested-by-ihave"
        /// `ihave` of a capability that is also required: always true.
        ///
        /// - SeeAlso: RFC 5463 §4, RFC 5228 §3.2
        case ihaveOfRequired = "ihave-of-required"
        /// A `date`/`currentdate` key in another format than its date-part's (`"9"` for "hour").
        ///
        /// - SeeAlso: RFC 5260 §4.2
        case dateKeyFormat = "date-key-format"
        /// `i;ascii-numeric` on a date-part that is not one number, or `:value` on "julian"
        /// without it.
        ///
        /// - SeeAlso: RFC 5260 §4.3
        case dateComparator = "date-comparator"
        /// A `:matches` key written like a regular expression (`.*`, a leading `^`, ...).
        ///
        /// - SeeAlso: RFC 5228 §2.7.1
        case matchesKeyLooksLikeRegex = "matches-key-looks-like-regex"
        /// A `:regex` key with an unescaped `.` between letters (`example.com`): it
        /// matches any character there.
        ///
        /// - SeeAlso: draft-ietf-sieve-regex §3
        case regexUnescapedDot = "regex-unescaped-dot"
        /// `require "imapflags"`: the deprecated draft that imap4flags replaced.
        ///
        /// - SeeAlso: RFC 5232 §1
        case deprecatedImapflags = "deprecated-imapflags"
        /// `environment` of an item that does not exist (the test is always false).
        ///
        /// - SeeAlso: RFC 5183 §4, §5
        case unknownEnvironmentItem = "unknown-environment-item"
        /// `${env.NAME}` with a character variable names cannot hold (it stays literal text).
        ///
        /// - SeeAlso: RFC 5229 §3
        case environmentVariableName = "environment-variable-name"
        /// A `spamtest`/`virustest` key no score can equal (outside 0–10, 0–5, or 0–100 with
        /// `:percent`).
        ///
        /// - SeeAlso: RFC 5235 §3.2, §3.3, §3.4
        case scoreOutOfRange = "score-out-of-range"
        /// `spamtest`/`virustest` `:value` without `:comparator "i;ascii-numeric"`.
        ///
        /// - SeeAlso: RFC 5235 §3, RFC 5231 §4.1
        case scoreComparedAsText = "score-compared-as-text"
        /// A block or test that never runs, which the compiler therefore does not check
        /// (`if false { ... }`, the branches after an `if true`, `anyof(true, ...)`), and which
        /// has errors: enabling it breaks the script.
        ///
        /// - SeeAlso: RFC 5228 §3.1, §5.1, §5.10
        case uncheckedNeverRun = "unchecked-never-run"
    }

    /// One lint finding.
    public struct Warning: Sendable, Hashable {
        /// Which check found it.
        public var check: Check
        /// Where to look: the command, test, tag or string at fault.
        public var location: SourceLocation
        /// The warning as a sentence (what is wrong, and what to write instead).
        public var message: String

        /// Creates a finding.
        public init(_ check: Check, _ message: String, at location: SourceLocation) {
            self.check = check
            self.message = message
            self.location = location
        }
    }

    /// Compiles `source` and, when it compiles, lints it.
    ///
    /// - Returns: the compiler's diagnostics when any is an error (no lint then); otherwise the
    ///   compiler's warnings and the lint warnings, in script order.
    public static func lint(_ source: [UInt8], file: String? = nil, options: SieveOptions = SieveOptions(),
                            loader: (any SieveScriptLoader)? = nil) -> [Diagnostic] {
        let parsed = SieveParser.parse(source, file: file, limits: options.parserLimits)
        if parsed.hasErrors { return parsed.diagnostics }
        let compiled = SieveCompiler.validate(parsed.script, file: file, options: options, loader: loader)
        if compiled.hasErrors { return parsed.diagnostics + compiled.diagnostics }
        let warnings = self.warnings(in: parsed.script, options: options).map {
            Diagnostic(.warning, $0.message, at: $0.location, file: file)
        }
        return (parsed.diagnostics + compiled.diagnostics + warnings).enumerated().sorted { a, b in
            a.element.location == b.element.location ? a.offset < b.offset : a.element.location < b.element.location
        }.map(\.element)
    }

    /// Lints a parsed script that compiles (on one that does not, the findings are meaningless).
    public static func warnings(in script: ScriptNode, options: SieveOptions = SieveOptions()) -> [Warning] {
        var linter = Linter(options: options)
        let unchecked = SieveCompiler.validate(script, options: options).uncheckedCode
        linter.skipped = Set(unchecked.filter(\.isBlock).map(\.location.offset))
        for code in unchecked {
            guard let first = code.problems.first else { continue }
            let what = code.isBlock ? "this block never runs" : "this test is never evaluated"
            let more = code.problems.count > 1 ? " (and \(code.problems.count - 1) more)" : ""
            linter.warn(.uncheckedNeverRun,
                        "\(what), so it is not checked (\(code.reason)); once enabled it fails to compile: "
                            + "\(first.location.line):\(first.location.column): \(first.message)\(more)", at: code.location)
        }
        linter.walk(script.commands, path: [])
        linter.checkFlows()
        linter.checkRequires(script.commands)
        linter.checkIhave(script.commands)
        linter.checkDeprecatedRequires(script.commands)
        return linter.warnings.sorted { $0.location < $1.location }
    }
}

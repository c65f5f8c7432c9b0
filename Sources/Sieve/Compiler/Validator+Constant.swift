/// Code that can never run, and is therefore not checked.
///
/// Filter editors (KMail, Roundcube) switch a rule off by wrapping it in `if false { ... }`,
/// and leave it there across server upgrades: the block may name a command or extension the
/// server no longer has. Dovecot Pigeonhole compiles such scripts, so we follow it (RFC 5228
/// is silent on code that cannot run). The rule, in terms of a test's *fixed value*:
///
/// - `true` and `false` have a fixed value; `not` of a fixed value has the opposite one; an
///   `ihave` whose capabilities are not all available is fixed false (an available one is
///   not fixed: a later server may lack it).
/// - `allof` is fixed false as soon as a member is fixed false, and the members after it are
///   not checked; it is fixed true when every member is. `anyof` likewise with true.
///   Once a member has an error, later members are checked as usual and nothing is fixed.
/// - The block of an `if` or `elsif` whose test is valid and fixed false is not checked.
/// - After an `if` or `elsif` whose test is fixed true, the rest of the chain (`elsif`
///   tests and blocks, the `else` block) is not checked.
///
/// Syntax errors are found by the parser, before this, and still fail the script. Each
/// unchecked place is recorded with the errors checking it would have given, so that
/// `sieve-check lint` can warn about a disabled rule that would not compile once enabled.
///
/// - SeeAlso: RFC 5228 §2.10.5 (errors), §3.1 (if/elsif/else), §5.1, §5.8, §5.10 (allof,
///   anyof, not); RFC 5463 §4 (ihave)
public struct UncheckedCode: Sendable, Hashable {
    /// The `if`, `elsif` or `else` whose block, or the test, that is not checked.
    public var location: SourceLocation
    /// Why it never runs: "its test is always false", ...
    public var reason: String
    /// Whether a whole block (true) or a test inside `allof`/`anyof` (false) is skipped.
    public var isBlock: Bool
    /// The errors the skipped code would give if it were checked (empty when it is fine).
    public var problems: [Diagnostic]

    public init(location: SourceLocation, reason: String, isBlock: Bool, problems: [Diagnostic] = []) {
        self.location = location
        self.reason = reason
        self.isBlock = isBlock
        self.problems = problems
    }
}

extension Test {
    /// The value this test has whatever the message, if it has one (see `UncheckedCode`).
    var fixedValue: Bool? {
        switch kind {
        case .constant(let value):
            // An available ihave is not fixed: the same script may meet a server without it.
            if name == "ihave" { return value ? nil : false }
            return value
        case .not(let inner):
            return inner.fixedValue.map { !$0 }
        case .allof(let members):
            return Self.fixedValue(of: members, decidedBy: false)
        case .anyof(let members):
            return Self.fixedValue(of: members, decidedBy: true)
        default:
            return nil
        }
    }

    /// `allof` (decidedBy false) or `anyof` (decidedBy true) of `members`.
    private static func fixedValue(of members: [Test], decidedBy decisive: Bool) -> Bool? {
        var allFixed = true
        for member in members {
            guard let value = member.fixedValue else {
                allFixed = false
                continue
            }
            if value == decisive { return decisive }
        }
        return allFixed ? !decisive : nil
    }
}

extension Validator {
    /// Compiles the members of `allof`/`anyof` in order, leaving out (unchecked) those after a
    /// member that fixes the outcome. Nil when a member has an error.
    mutating func compileMembers(of node: TestNode, name: String) -> [Test]? {
        let decisive = name == "anyof"
        var tests: [Test] = []
        var valid = true
        for (index, member) in node.tests.enumerated() {
            guard let compiled = compileTest(member) else {
                valid = false
                continue
            }
            tests.append(compiled)
            guard valid, compiled.fixedValue == decisive, index + 1 < node.tests.count else { continue }
            for skipped in node.tests[(index + 1)...] {
                let problems = trialErrors { $0.compileTest(skipped) != nil }
                uncheckedCode.append(UncheckedCode(
                    location: skipped.nameRange.start,
                    reason: "'\(member.name)' at \(Parser.position(member.nameRange.start)) is always \(decisive), "
                        + "so this \(name) is \(decisive) before reaching it",
                    isBlock: false, problems: problems))
            }
            break
        }
        return valid ? tests : nil
    }

    /// Records the block of `node` (and, with `includingTest`, its test) as never run and
    /// unchecked.
    mutating func skipBlock(of node: CommandNode, because reason: String, includingTest: Bool = false) {
        let problems = trialErrors { trial in
            if includingTest, !node.hasTestList, node.tests.count == 1 { _ = trial.compileTest(node.tests[0]) }
            if let block = node.block { _ = trial.compileBlock(block[...], topLevel: false) }
            return true
        }
        uncheckedCode.append(UncheckedCode(location: node.nameRange.start, reason: reason, isBlock: true, problems: problems))
    }

    /// The errors `check` reports when run on a copy of this validator; the validator itself
    /// is left as it was (no slots, capabilities or reports leak out of the trial).
    private func trialErrors(_ check: (inout Validator) -> Bool) -> [Diagnostic] {
        var trial = self
        trial.reportedUnknown = []
        let before = trial.diagnostics.count
        _ = check(&trial)
        return trial.diagnostics[before...].filter { $0.severity == .error }
    }
}

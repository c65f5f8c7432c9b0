import MailCore

/// One script of a sequence, as the caller found it.
public enum SequencedScript: Sendable {
    /// A compiled script; `name` is what notes and traces call it (usually its path).
    case compiled(name: String, script: CompiledScript)
    /// A script that cannot be run as written (it does not compile, or cannot be read).
    case broken(name: String, diagnostics: [String])
    /// No script at that place (a missing file): the sequence goes on as if it were not listed.
    case missing(name: String)

    /// The name the caller gave.
    public var name: String {
        switch self {
        case .compiled(let name, _), .broken(let name, _), .missing(let name): name
        }
    }
}

/// What one script of a sequence did.
public struct ScriptStep: Sendable, Hashable {
    /// How the script's turn went.
    public enum Status: Sendable, Hashable {
        /// It ran to its end (or to `stop`).
        case ran
        /// It failed at run time: its actions were dropped.
        case failed
        /// It does not compile (or cannot be read): it did not run.
        case broken(diagnostics: [String])
        /// There is no such script.
        case missing
        /// An earlier script cancelled the keep (or failed): this one did not run.
        case skipped
    }

    /// The name from `SequencedScript.name`.
    public var name: String
    public var status: Status
    /// The script's own result, as `SieveInterpreter.run` gave it (nil when it did not run).
    public var result: SieveResult?
    /// The actions of this script that joined the sequence's outcome (its keep is
    /// deferred to the end; duplicates of earlier scripts' actions are left out).
    public var contributed: [SieveAction]
    /// Whether the keep was still in effect after this script, so the next one ran.
    public var keepAfter: Bool
}

/// The rules for running several scripts in a row for one message: the site's scripts
/// before the user's, the user's own, the site's scripts after it (Pigeonhole's
/// `sieve_before` / personal / `sieve_after`). Delivery, `sieve-check run --before/--after`,
/// `sieve-check replay` and the test suite's `test_multiscript` all use this one value.
///
/// The rules (Pigeonhole's multiscript model, checked against `sieve-test -s`):
/// - The scripts run in order with one context. When a script ends (at its end or at
///   `stop`), the next one runs only if a keep is still in effect: an explicit `keep`
///   ran, or no action cancelled the implicit keep (`fileinto`, `fileinto "INBOX"`,
///   `redirect` and `discard` without `:copy`, `reject`). So `fileinto "Junk"` in a
///   before script ends the sequence: the user's script does not run.
/// - Each script's actions are carried out when it ends: they stand whatever later
///   scripts do. An explicit `keep` is deferred to the end of the sequence: a later
///   script that cancels the keep cancels it (its flags are the last `keep`'s).
/// - A later script's action equal to an earlier one's is not carried out twice (the
///   same folder, the same redirect address, a second vacation reply).
/// - RFC 5429's conflicts hold within one script (a `reject` beside a `fileinto` there is
///   a runtime error); across scripts a `reject` after an earlier script's delivering
///   action is no conflict: the copies stand and the message is rejected too. A `reject`
///   after an earlier script's vacation reply refuses nothing (one response to the sender
///   per message): it becomes a `discard` (noted).
/// - The imap4flags internal variable belongs to the sequence: flags a script set reach
///   later scripts' `fileinto`/`keep` and the final implicit keep, even in scripts that
///   do not require imap4flags.
/// - A script that fails at run time, or does not compile, ends the sequence: its own
///   actions are dropped, the earlier scripts' stand, and the message is kept in INBOX
///   (without flags) unless an earlier script already stored it there (`fallbackKeep`).
///   Mail is never lost because of a script.
/// - A missing script changes nothing.
/// - The limits on actions and redirects hold per message: an earlier script's actions
///   count towards them.
///
/// - SeeAlso: RFC 5228 §2.10.2 (implicit keep), §2.10.6 (errors), RFC 5429 §2.2–2.3,
///   RFC 5232 §3 (internal variable)
public struct ScriptSequence: Sendable {
    /// An action of the outcome and whether it waits for the end (a `keep` command).
    private struct Entry: Sendable {
        var action: SieveAction
        var deferred: Bool
        /// Whether it was carried out: at the end of its script in a sequence, at
        /// `test_result_execute` in the test suite. Later scripts' actions are checked
        /// against those not carried out yet as if one script had asked for all.
        var executed = false
    }

    private var entries: [Entry] = []
    private var carry = SieveInterpreter.SequenceCarry()
    /// The per-script records, in order.
    public private(set) var steps: [ScriptStep] = []
    /// Failures, dropped conflicts and duplicates, for the operator's log.
    public private(set) var notes: [String] = []
    /// Whether a script failed or did not compile (the message is then kept in INBOX).
    public private(set) var failed = false
    /// The implicit keep's flags as the last script that ran left them.
    private var implicitKeepFlags: [String] = []
    /// Whether a later script may still run.
    public var keepInEffect: Bool { carry.keepInEffect && !failed }
    /// The message the next script sees when a script changed it (editheader, filter);
    /// nil: the context's message.
    public var message: Message?

    /// An empty sequence: the keep in effect, nothing done yet.
    public init() {}

    /// Runs every script in order under the rules above and returns the outcome.
    ///
    /// `tracer(index, name)` gives the tracer for the script at `index` (nil: none).
    public static func run(_ scripts: [SequencedScript], context: some SieveContext, options: SieveOptions = SieveOptions(),
                           tracer: (Int, String) -> (any SieveTracer)? = { _, _ in nil }) -> ScriptSequenceOutcome {
        var sequence = ScriptSequence()
        for (index, script) in scripts.enumerated() {
            sequence.run(script, context: context, options: options, tracer: tracer(index, script.name))
        }
        return sequence.outcome
    }

    /// Runs the next script if the keep is still in effect (else records it skipped).
    public mutating func run(_ script: SequencedScript, context: some SieveContext, options: SieveOptions = SieveOptions(),
                             tracer: (any SieveTracer)? = nil) {
        guard keepInEffect else {
            steps.append(ScriptStep(name: script.name, status: .skipped, result: nil, contributed: [], keepAfter: false))
            return
        }
        runRegardless(script, context: context, options: options, tracer: tracer)
        for index in entries.indices { entries[index].executed = true }
    }

    /// Runs a script whatever the keep (the test suite's `test_script_run :append_result`).
    mutating func runRegardless(_ script: SequencedScript, context: some SieveContext, options: SieveOptions,
                                tracer: (any SieveTracer)?) {
        switch script {
        case .missing(let name):
            steps.append(ScriptStep(name: name, status: .missing, result: nil, contributed: [], keepAfter: keepInEffect))
        case .broken(let name, let diagnostics):
            failed = true
            notes.append("script \(name) does not compile; the message is kept in INBOX: " + diagnostics.joined(separator: "; "))
            steps.append(ScriptStep(name: name, status: .broken(diagnostics: diagnostics), result: nil, contributed: [],
                                    keepAfter: false))
        case .compiled(let name, let compiled):
            carry.pending = entries.filter { !$0.executed && !$0.deferred }.map(\.action)
            let earlier = entries.filter { $0.executed || $0.deferred }
            carry.earlierActions = earlier.count
            carry.earlierRedirects = earlier.filter { if case .redirect = $0.action { true } else { false } }.count
            let pendingCount = carry.pending.count
            let result: SieveResult
            if let message {
                result = SieveInterpreter.run(compiled, context: ReplacedMessageContext(base: context, message: message),
                                              options: options, tracer: tracer, carrying: &carry)
            } else {
                result = SieveInterpreter.run(compiled, context: context, options: options, tracer: tracer, carrying: &carry)
            }
            guard result.succeeded else {
                failed = true
                notes.append("script \(name) failed at run time; its actions were dropped and the message is kept in INBOX: "
                             + result.errors.map(\.description).joined(separator: "; "))
                steps.append(ScriptStep(name: name, status: .failed, result: result, contributed: [], keepAfter: false))
                return
            }
            notes += result.warnings.map { $0.file == nil ? "script \(name): \($0.warningDescription)" : $0.warningDescription }
            // The next scripts see this one's edits (editheader, filter), as in Pigeonhole.
            if let modified = result.modifiedMessage { message = modified }
            if pendingCount > 0 { entries.removeAll { !$0.executed && !$0.deferred } }
            let contributed = merge(result.actions, from: name, keepCommand: carry.keepCommand)
            steps.append(ScriptStep(name: name, status: .ran, result: result, contributed: contributed,
                                    keepAfter: carry.keepInEffect))
        }
    }

    /// Adds one script's actions to the outcome under the cross-script rules; returns
    /// those that joined. A new action kind is decided here: a delivery (left out when an
    /// earlier script already delivered to the same place, like `redirect`), a response
    /// to the sender (like `vacation`), or neither (appended as it is).
    private mutating func merge(_ actions: [SieveAction], from name: String, keepCommand: Bool) -> [SieveAction] {
        var joined: [SieveAction] = []
        if !carry.keepInEffect {
            // This script cancelled the keep: a keep deferred by an earlier script goes.
            entries.removeAll { $0.deferred }
        }
        for action in actions {
            switch action {
            case .keep(let flags, true):
                implicitKeepFlags = flags
            case .keep(let flags, false) where keepCommand:
                if let index = entries.firstIndex(where: { $0.deferred }) {
                    entries[index].action = .keep(flags: flags, implicit: false)
                } else if !entries.contains(where: { Self.storesInInbox($0.action) }) {
                    entries.append(Entry(action: action, deferred: true))
                }
                joined.append(action)
            case .keep, .fileinto:
                if let earlier = entries.first(where: { Self.sameDelivery($0.action, action) }) {
                    notes.append("script \(name): \(action) was already carried out by an earlier script (\(earlier.action))")
                    continue
                }
                if Self.storesInInbox(action) { entries.removeAll { $0.deferred } }
                entries.append(Entry(action: action, deferred: false))
                joined.append(action)
            case .redirect, .pipe, .report:
                if entries.contains(where: { Self.sameDelivery($0.action, action) }) {
                    notes.append("script \(name): \(action) was already carried out by an earlier script")
                    continue
                }
                entries.append(Entry(action: action, deferred: false))
                joined.append(action)
            case .vacation:
                if entries.contains(where: { Self.sendsResponse($0.action) }) {
                    notes.append("script \(name): vacation ignored: an earlier script already answered the sender")
                    continue
                }
                entries.append(Entry(action: action, deferred: false))
                joined.append(action)
            case .reject, .ereject:
                if let earlier = entries.first(where: { Self.sendsResponse($0.action) }) {
                    if case .reject = earlier.action { continue }
                    if case .ereject = earlier.action { continue }
                    notes.append("script \(name): \(action) refuses nothing after an earlier script's vacation reply "
                                 + "(one response per message); the message is discarded")
                    if !entries.contains(where: { if case .discard = $0.action { true } else { false } }) {
                        entries.append(Entry(action: .discard, deferred: false))
                    }
                    joined.append(.discard)
                    continue
                }
                entries.append(Entry(action: action, deferred: false))
                joined.append(action)
            case .discard:
                if !entries.contains(where: { if case .discard = $0.action { true } else { false } }) {
                    entries.append(Entry(action: action, deferred: false))
                }
                joined.append(action)
            case .notify(let notification):
                // Recipients an earlier script's notification reaches are not notified twice.
                let earlier = entries.compactMap { if case .notify(let n) = $0.action { n } else { nil } }
                guard let kept = notification.withoutRecipients(reachedBy: earlier) else {
                    notes.append("script \(name): \(action) reaches no one an earlier script's notification does not")
                    continue
                }
                entries.append(Entry(action: .notify(kept), deferred: false))
                joined.append(.notify(kept))
            }
        }
        return joined
    }

    /// The actions so far, as one list in order (deferred keep included, final implicit
    /// keep not).
    var listedActions: [SieveAction] { entries.map(\.action) }

    /// For the test suite's `test_result_execute`: the actions not carried out yet (the
    /// implicit keep included once, when in effect), marked carried out.
    mutating func carryOutPending() -> [SieveAction] {
        var out: [SieveAction] = []
        for index in entries.indices where !entries[index].executed {
            entries[index].executed = true
            out.append(entries[index].action)
        }
        if keepInEffect && !keepCarriedOut && !entries.contains(where: { Self.storesInInbox($0.action) }) {
            keepCarriedOut = true
            out.append(.keep(flags: implicitKeepFlags, implicit: true))
        }
        return out
    }
    private var keepCarriedOut = false

    /// The outcome so far: the actions to carry out (the keep at the end when it still
    /// applies), the per-script records and the notes.
    public var outcome: ScriptSequenceOutcome {
        var actions = entries.map(\.action)
        var fallback = false
        let stored = entries.contains { Self.storesInInbox($0.action) }
        if failed {
            if !stored || entries.contains(where: \.deferred) {
                actions = entries.filter { !$0.deferred }.map(\.action)
                actions.append(.keep(flags: [], implicit: true))
                fallback = true
            }
        } else if carry.keepInEffect && !stored {
            actions.append(.keep(flags: implicitKeepFlags, implicit: true))
        }
        var outcome = ScriptSequenceOutcome(actions: actions, steps: steps, notes: notes, failed: failed, fallbackKeep: fallback)
        outcome.message = message
        return outcome
    }

    private static func storesInInbox(_ action: SieveAction) -> Bool {
        if case .keep = action { return true }
        return false
    }

    private static func sendsResponse(_ action: SieveAction) -> Bool {
        switch action {
        case .vacation, .reject, .ereject: true
        default: false
        }
    }

    /// Whether two actions deliver to the same place (a folder, INBOX, an address).
    private static func sameDelivery(_ a: SieveAction, _ b: SieveAction) -> Bool {
        switch (a, b) {
        case (.keep, .keep): return true
        case (.fileinto(let x, _, _, _), .fileinto(let y, _, _, _)): return x == y
        case (.redirect(let x, _), .redirect(let y, _)): return ResultBuilder.redirectKey(x) == ResultBuilder.redirectKey(y)
        case (.pipe(let x), .pipe(let y)): return x.program == y.program
        case (.report(let x), .report(let y)): return ResultBuilder.redirectKey(x.address) == ResultBuilder.redirectKey(y.address)
        default: return false
        }
    }
}

/// The outcome of a sequence of scripts: what to carry out and what happened.
public struct ScriptSequenceOutcome: Sendable {
    /// The actions to carry out, in order; the keep (INBOX) is among them when it applies
    /// (`implicit: true` for the implicit or fallback keep). For a single script that ran
    /// cleanly this is its `SieveResult.actions`.
    public var actions: [SieveAction]
    /// One record per script given, in order.
    public var steps: [ScriptStep]
    /// Failures, dropped conflicts and duplicates, for the operator's log.
    public var notes: [String]
    /// Whether a script failed at run time or did not compile.
    public var failed: Bool
    /// Whether the INBOX copy among `actions` is the fallback keep of a failed sequence.
    public var fallbackKeep: Bool
    /// The message as the scripts left it when one changed it (`ScriptSequence.message`);
    /// nil: the context's message, unchanged.
    public var message: Message?

    /// An outcome, fields as documented above (`ScriptSequence.outcome` builds the real ones).
    public init(actions: [SieveAction], steps: [ScriptStep], notes: [String], failed: Bool, fallbackKeep: Bool) {
        self.actions = actions
        self.steps = steps
        self.notes = notes
        self.failed = failed
        self.fallbackKeep = fallbackKeep
    }

    /// Whether the message ends up in INBOX.
    public var keepsMessage: Bool {
        actions.contains { if case .keep = $0 { true } else { false } }
    }

    /// The runtime errors of the scripts, in order.
    public var errors: [SieveRuntimeError] { steps.flatMap { $0.result?.errors ?? [] } }
}

/// A context that answers with another message (a script changed it) and otherwise
/// asks its base.
struct ReplacedMessageContext<Base: SieveContext>: SieveContext {
    let base: Base
    let message: Message
    var envelope: SieveEnvelope { base.envelope }
    func mailboxExists(_ name: String) -> Bool { base.mailboxExists(name) }
    var htmlTextExtractor: (any HTMLTextExtractor)? { base.htmlTextExtractor }
    var currentDate: DateTime { base.currentDate }
    var environment: SieveEnvironment { base.environment }
}

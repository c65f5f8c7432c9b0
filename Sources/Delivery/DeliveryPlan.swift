import MailCore
import Sieve

/// What one script of a recipient's chain gave.
enum ScriptRun: Sendable {
    /// No file: no script.
    case missing
    /// The script does not compile or cannot be read.
    case broken(path: String, diagnostics: [String])
    /// The script ran (possibly with a runtime error inside the result).
    case ran(path: String, result: SieveResult)
}

/// The merged result of a recipient's scripts: what to store, refuse, send.
struct DeliveryPlan: Sendable, Equatable {
    struct Copy: Sendable, Equatable {
        var mailbox: String
        var flags: [String]
        var create: Bool
        var isInbox: Bool { mailbox.utf8.count == 5 && asciiLowercased(mailbox) == "inbox" }
    }

    /// Copies to store, in the order the scripts first asked for them; INBOX at most once.
    var copies: [Copy] = []
    /// The rejection reason when the message is refused (then `copies` is empty).
    var rejection: String?
    /// Whether a script discarded the message.
    var discarded = false
    var redirects: [RedirectRequest] = []
    var vacation: VacationAction?
    /// Lines the scripts wrote with `debug_log`, for the log.
    var debugMessages: [String] = []
    /// Programs to pipe the message to (vnd.dovecot.pipe), in order, one per program.
    var pipes: [PipeRequest] = []
    /// Script errors, conflicts and fallbacks, for the log and the outcome.
    var notes: [String] = []
    /// Whether a script failed (then INBOX is among the copies).
    var scriptFailed = false
    /// `duplicate` values to record once the outcome is final (of the scripts that ran
    /// without error).
    var duplicateMarks: [DuplicateMark] = []
}

/// Accumulates the results of a recipient's scripts into one `DeliveryPlan` following
/// the rules documented on `ScriptConfiguration` (Pigeonhole's multiscript model).
struct PlanBuilder {
    private var plan = DeliveryPlan()
    private var implicitKeepCancelled = false
    private var implicitKeepFlags: [String] = []
    /// The message as the script being added left it (a `filter` may have replaced it).
    private var currentMessage: Message?

    /// Adds one script's outcome; returns false when evaluation must stop (an error).
    mutating func add(_ run: ScriptRun) -> Bool {
        switch run {
        case .missing:
            return true
        case .broken(let path, let diagnostics):
            fail("script \(path) does not compile; the message is kept in INBOX: "
                 + diagnostics.joined(separator: "; "))
            return false
        case .ran(let path, let result):
            plan.debugMessages += result.debugMessages
            if !result.errors.isEmpty {
                fail("script \(path) failed at run time; the message is kept in INBOX: "
                     + result.errors.map(\.description).joined(separator: "; "))
                return false
            }
            plan.duplicateMarks += result.duplicateMarks
            var sawImplicitKeep = false
            currentMessage = result.modifiedMessage
            defer { currentMessage = nil }
            for action in result.actions {
                sawImplicitKeep = apply(action, from: path) || sawImplicitKeep
            }
            if !sawImplicitKeep { implicitKeepCancelled = true }
            return true
        }
    }

    /// Applies one action; returns true for the implicit keep.
    private mutating func apply(_ action: SieveAction, from path: String) -> Bool {
        switch action {
        case .keep(let flags, let implicit):
            if implicit {
                implicitKeepFlags = unite(implicitKeepFlags, flags)
                return true
            }
            addCopy(mailbox: "INBOX", flags: flags, create: false)
        case .fileinto(let mailbox, let flags, _, let create):
            addCopy(mailbox: mailbox, flags: flags, create: create)
        case .redirect(let address, let copy):
            if let index = plan.redirects.firstIndex(where: { $0.address == address }) {
                plan.redirects[index].copy = plan.redirects[index].copy && copy
            } else {
                plan.redirects.append(RedirectRequest(address: address, copy: copy))
            }
        case .discard:
            plan.discarded = true
        case .reject(let reason), .ereject(let reason):
            if plan.rejection == nil {
                plan.rejection = reason
            } else {
                plan.notes.append("script \(path): a second rejection was ignored (only one per message)")
            }
        case .pipe(let pipe):
            if !plan.pipes.contains(where: { $0.action.program == pipe.program }) {
                plan.pipes.append(PipeRequest(action: pipe, message: currentMessage))
            }
        case .vacation(let vacation):
            if plan.vacation == nil {
                plan.vacation = vacation
            } else {
                plan.notes.append("script \(path): a second vacation action was ignored (only one per message)")
            }
        }
        return false
    }

    private mutating func addCopy(mailbox: String, flags: [String], create: Bool) {
        let copy = DeliveryPlan.Copy(mailbox: mailbox, flags: flags, create: create)
        let index = plan.copies.firstIndex { copy.isInbox ? $0.isInbox : $0.mailbox == mailbox }
        if let index {
            plan.copies[index].flags = unite(plan.copies[index].flags, flags)
            plan.copies[index].create = plan.copies[index].create || create
        } else {
            plan.copies.append(DeliveryPlan.Copy(mailbox: copy.isInbox ? "INBOX" : mailbox, flags: flags, create: create))
        }
    }

    private mutating func fail(_ note: String) {
        plan.notes.append(note)
        plan.scriptFailed = true
    }

    /// The final plan.
    func finish() -> DeliveryPlan {
        var plan = self.plan
        if plan.scriptFailed {
            if plan.rejection != nil { plan.notes.append("the rejection was dropped because a script failed") }
            plan.rejection = nil
            plan.discarded = false
            if !plan.copies.contains(where: \.isInbox) {
                plan.copies.append(DeliveryPlan.Copy(mailbox: "INBOX", flags: [], create: false))
            }
            return plan
        }
        if let reason = plan.rejection {
            if !plan.copies.isEmpty || !plan.redirects.isEmpty || !plan.pipes.isEmpty {
                plan.notes.append("rejection \"\(DiagnosticText.printable(reason))\" conflicts with a delivering action of "
                                  + "another script; the rejection was dropped and the message delivered")
                plan.rejection = nil
            } else {
                if plan.vacation != nil {
                    plan.notes.append("the vacation reply was dropped: the message is rejected")
                    plan.vacation = nil
                }
                plan.discarded = false
                return plan
            }
        }
        if !implicitKeepCancelled && !plan.copies.contains(where: \.isInbox) {
            plan.copies.append(DeliveryPlan.Copy(mailbox: "INBOX", flags: implicitKeepFlags, create: false))
        }
        return plan
    }
}

/// Two flag lists united, first-seen order kept, exact duplicates removed.
func unite(_ a: [String], _ b: [String]) -> [String] {
    var seen = Set<String>()
    return (a + b).filter { seen.insert($0).inserted }
}

/// A `pipe` a script asked for, with the message it must get: the one a `filter` of that
/// script produced, or nil for the message as it arrived.
struct PipeRequest: Sendable, Equatable {
    var action: PipeAction
    var message: Message?
}

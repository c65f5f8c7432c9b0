import MailCore
import Sieve

/// What a recipient's scripts decided, in the delivery agent's terms: what to store,
/// refuse, send.
struct DeliveryPlan: Sendable, Equatable {
    struct Copy: Sendable, Equatable {
        var mailbox: String
        var flags: [String]
        var create: Bool
        var isInbox: Bool { mailbox.utf8.count == 5 && asciiLowercased(mailbox) == "inbox" }
    }

    /// Copies to store, in the order the scripts asked for them; INBOX at most once.
    var copies: [Copy] = []
    /// The rejection reason when the message is refused. Copies an earlier script stored
    /// (`fileinto :copy` in a before script) are stored all the same.
    var rejection: String?
    /// Whether a script discarded the message.
    var discarded = false
    var redirects: [RedirectRequest] = []
    var vacation: VacationAction?
    /// Lines the scripts wrote with `debug_log`, for the log.
    var debugMessages: [String] = []
    /// Programs to pipe the message to (vnd.dovecot.pipe), in order, one per program.
    var pipes: [PipeRequest] = []
    /// Notifications to send (RFC 5435), duplicates already collapsed.
    var notifications: [NotifyAction] = []
    /// Script errors, conflicts and fallbacks, for the log and the outcome.
    var notes: [String] = []
    /// Whether a script failed (then INBOX is among the copies).
    var scriptFailed = false
    /// `duplicate` values to record once the outcome is final: those of the scripts
    /// that ran to their end (a failed script's marks go with its actions).
    var duplicateMarks: [DuplicateMark] = []
    /// This recipient's own version of the message when its scripts edited it
    /// (editheader): what its copies store and its redirects send.
    var editedMessage: EditedMessage?
    /// Folders that get a special use if storing creates them (`fileinto :specialuse :create`).
    var specialUseCreations: [SpecialUseCreation] = []
    /// Feedback reports to send (vnd.dovecot.report), in order, one per address.
    var reports: [ReportAction] = []
}

/// Maps the outcome of a recipient's scripts (`ScriptSequence`, which holds every rule
/// about running several scripts) to the plan: actions to copies, redirects, a reply.
/// No rules of its own.
enum PlanBuilder {
    static func plan(_ outcome: ScriptSequenceOutcome) -> DeliveryPlan {
        var plan = DeliveryPlan(notes: outcome.notes, scriptFailed: outcome.failed)
        plan.duplicateMarks = outcome.steps.flatMap { $0.status == .ran ? $0.result?.duplicateMarks ?? [] : [] }
        plan.debugMessages = outcome.steps.flatMap { $0.result?.debugMessages ?? [] }
        plan.specialUseCreations = outcome.steps.flatMap { $0.status == .ran ? $0.result?.specialUseCreations ?? [] : [] }
        for action in outcome.actions {
            switch action {
            case .keep(let flags, _):
                addCopy(DeliveryPlan.Copy(mailbox: "INBOX", flags: flags, create: false), to: &plan)
            case .fileinto(let mailbox, let flags, _, let create):
                addCopy(DeliveryPlan.Copy(mailbox: mailbox, flags: flags, create: create), to: &plan)
            case .redirect(let address, let copy):
                plan.redirects.append(RedirectRequest(address: address, copy: copy))
            case .discard:
                plan.discarded = true
            case .reject(let reason), .ereject(let reason):
                plan.rejection = plan.rejection ?? reason
            case .vacation(let vacation):
                plan.vacation = plan.vacation ?? vacation
            case .notify(let notification):
                plan.notifications.append(notification)
            case .report(let report):
                if !plan.reports.contains(where: { $0.address == report.address }) { plan.reports.append(report) }
            case .pipe(let pipe):
                // The program gets the message as the scripts left it (a `filter` may have
                // replaced it); one pipe per program.
                if !plan.pipes.contains(where: { $0.action.program == pipe.program }) {
                    plan.pipes.append(PipeRequest(action: pipe, message: outcome.message))
                }
            }
        }
        return plan
    }

    /// `fileinto "inbox"` from one script and the keep of another are one INBOX copy.
    private static func addCopy(_ copy: DeliveryPlan.Copy, to plan: inout DeliveryPlan) {
        if copy.isInbox, let index = plan.copies.firstIndex(where: \.isInbox) {
            plan.copies[index].flags = plan.copies[index].flags.isEmpty ? copy.flags : plan.copies[index].flags
            return
        }
        plan.copies.append(copy.isInbox ? DeliveryPlan.Copy(mailbox: "INBOX", flags: copy.flags, create: false) : copy)
    }
}

/// A `pipe` a script asked for, with the message it must get: the one the scripts'
/// `filter`s or edits produced, or nil for the message as it arrived.
struct PipeRequest: Sendable, Equatable {
    var action: PipeAction
    var message: Message?
}

/// Collects actions during a run and applies the result rules as each one arrives:
/// duplicates collapse, conflicts and limits become runtime errors, and the implicit
/// keep is tracked.
///
/// Rules (RFC 5228 §2.10, RFC 3894, RFC 5429, RFC 5230, RFC 5232):
/// - `keep` and `fileinto "INBOX"` (any case) are one explicit keep; repeated keeps
///   collapse into one that carries the flags of the last of them (RFC 5232 §5: the
///   last flag list wins).
/// - Repeated `fileinto` to the same mailbox collapse into the first; the flags are the
///   last one's, and the merged action is `:copy` only if every one of them was.
/// - Repeated `redirect` to the same address collapse likewise; at most
///   `maxRedirects` distinct addresses.
/// - `fileinto`, `redirect` (without `:copy`), `discard`, `reject` and `ereject`
///   cancel the implicit keep; `keep` replaces it; `vacation` and flag commands don't
///   touch it.
/// - `reject`/`ereject` conflict with `keep`, `fileinto`, `redirect`, `vacation` and
///   with another `reject`/`ereject`, in either order. `discard` may accompany them.
/// - `pipe` (vnd.dovecot.pipe) cancels the implicit keep unless `:copy`, conflicts with
///   `reject`/`ereject`, and may name each program once.
/// - Only one `vacation` per run.
/// - `notify` joins any action; a recipient an earlier `notify` reaches is dropped from
///   a later one (which goes when none is left); at most `maxNotifications`.
/// - At most `maxActions` entries in the list.
struct ResultBuilder {
    private(set) var actions: [SieveAction] = []
    private(set) var implicitKeepCancelled = false
    /// Whether a `keep` command ran (not `fileinto "INBOX"`): in a sequence of scripts
    /// an explicit keep lets the next script run, a `fileinto "INBOX"` does not.
    private(set) var keepCommandSeen = false
    private var keepIndex: Int?
    private var fileintoIndex: [String: Int] = [:]
    private var redirectIndex: [String: Int] = [:]
    private var rejectKind: String?
    private var hasVacation = false
    private var hasDiscard = false
    private var pipePrograms: Set<String> = []
    /// `notify` actions (RFC 5435), kept apart so that the deprecated draft's `denotify`
    /// can cancel them; they follow the other actions in the final list.
    private(set) var notifications: [NotifyAction] = []
    private var reportAddresses: Set<String> = []
    let limits: SieveLimits
    /// Actions and redirects earlier scripts of a sequence carried out: they count towards
    /// the limits, which hold per message (as Pigeonhole's do), not per script.
    var earlierActions = 0
    var earlierRedirects = 0

    init(limits: SieveLimits) {
        self.limits = limits
    }

    /// Thrown with a message fit for `SieveRuntimeError`.
    struct Failure: Error, Equatable {
        var message: String
    }

    private var deliveryDescription: String? {
        if keepIndex != nil { return "keep" }
        if !fileintoIndex.isEmpty { return "fileinto" }
        if !redirectIndex.isEmpty { return "redirect" }
        if hasVacation { return "vacation" }
        if !pipePrograms.isEmpty { return "pipe" }
        return nil
    }

    private mutating func append(_ action: SieveAction) throws(Failure) {
        guard actions.count + notifications.count + earlierActions < limits.maxActions else {
            throw Failure(message: "too many actions: the limit is \(limits.maxActions) per message")
        }
        actions.append(action)
    }

    private func conflictWithReject(_ what: String) throws(Failure) {
        if let rejectKind {
            throw Failure(message: "'\(what)' cannot be combined with '\(rejectKind)' in one run (RFC 5429)")
        }
    }

    /// Adds one action, merging or failing per the rules above.
    mutating func add(_ action: SieveAction) throws(Failure) {
        switch action {
        case .keep(let flags, _):
            try conflictWithReject("keep")
            try addKeep(flags: flags)
            keepCommandSeen = true
        case .fileinto(let mailbox, let flags, let copy, let create):
            if mailbox.lowercased() == "inbox" {
                try conflictWithReject("fileinto")
                try addKeep(flags: flags)
                if !copy { implicitKeepCancelled = true }
                return
            }
            try conflictWithReject("fileinto")
            if !copy { implicitKeepCancelled = true }
            if let i = fileintoIndex[mailbox], case .fileinto(_, _, let oldCopy, let oldCreate) = actions[i] {
                actions[i] = .fileinto(mailbox: mailbox, flags: FlagList.forResult(flags),
                                       copy: oldCopy && copy, create: oldCreate || create)
            } else {
                try append(.fileinto(mailbox: mailbox, flags: FlagList.forResult(flags), copy: copy, create: create))
                fileintoIndex[mailbox] = actions.count - 1
            }
        case .redirect(let address, let copy):
            try conflictWithReject("redirect")
            let key = Self.redirectKey(address)
            if let i = redirectIndex[key], case .redirect(let oldAddress, let oldCopy) = actions[i] {
                actions[i] = .redirect(address: oldAddress, copy: oldCopy && copy)
            } else {
                guard redirectIndex.count + earlierRedirects < limits.maxRedirects else {
                    throw Failure(message: "too many redirects: the limit is \(limits.maxRedirects) per message")
                }
                try append(action)
                redirectIndex[key] = actions.count - 1
            }
            if !copy { implicitKeepCancelled = true }
        case .discard:
            implicitKeepCancelled = true
            if !hasDiscard {
                try append(.discard)
                hasDiscard = true
            }
        case .reject, .ereject:
            let kind: String
            if case .reject = action { kind = "reject" } else { kind = "ereject" }
            if let rejectKind {
                throw Failure(message: "'\(kind)' cannot follow '\(rejectKind)': only one rejection per run (RFC 5429)")
            }
            if let other = deliveryDescription {
                throw Failure(message: "'\(kind)' cannot be combined with '\(other)' in one run (RFC 5429)")
            }
            try append(action)
            rejectKind = kind
            implicitKeepCancelled = true
        case .vacation:
            try conflictWithReject("vacation")
            if hasVacation {
                throw Failure(message: "only one vacation action is allowed per run (RFC 5230 §4.7)")
            }
            try append(action)
            hasVacation = true
        case .pipe(let pipe):
            // vnd.dovecot.pipe: a delivering action (it cancels the implicit keep unless
            // :copy); piping twice to one program is an error, as in Pigeonhole.
            try conflictWithReject("pipe")
            guard pipePrograms.insert(pipe.program).inserted else {
                throw Failure(message: "duplicate pipe to program \(quoted(pipe.program)): a message is piped to each program at most once")
            }
            try append(action)
            if !pipe.copy { implicitKeepCancelled = true }
        case .notify(let notification):
            try addNotification(notification)
        case .report(let report):
            // vnd.dovecot.report: one report per address (the first one asked for), as in
            // Pigeonhole; it leaves the implicit keep alone.
            let key = Self.redirectKey(report.address)
            guard reportAddresses.insert(key).inserted else { return }
            try append(action)
        }
    }

    /// A notification joins unless every recipient it names is already notified by an
    /// earlier one in this run (those recipients are dropped from it: RFC 5436 §2.7).
    /// Compatible with every other action (RFC 5435 §3.9).
    private mutating func addNotification(_ notification: NotifyAction) throws(Failure) {
        guard limits.maxNotifications > 0 else {
            throw Failure(message: "local policy prohibits the use of a notify action (the site allows none)")
        }
        guard let kept = notification.withoutRecipients(reachedBy: notifications) else { return }
        guard notifications.count < limits.maxNotifications else {
            throw Failure(message: "number of notify actions exceeds policy limit of \(limits.maxNotifications) per message")
        }
        guard actions.count + notifications.count + earlierActions < limits.maxActions else {
            throw Failure(message: "too many actions: the limit is \(limits.maxActions) per message")
        }
        notifications.append(kept)
    }

    /// The deprecated draft's `denotify`: drops the notifications `cancels` selects.
    mutating func cancelNotifications(where cancels: (NotifyAction) -> Bool) {
        notifications.removeAll(where: cancels)
    }

    /// Every action so far, notifications last.
    var allActions: [SieveAction] { actions + notifications.map { .notify($0) } }

    private mutating func addKeep(flags: [String]) throws(Failure) {
        if let i = keepIndex, case .keep = actions[i] {
            actions[i] = .keep(flags: FlagList.forResult(flags), implicit: false)
        } else {
            try append(.keep(flags: FlagList.forResult(flags), implicit: false))
            keepIndex = actions.count - 1
        }
    }

    /// Redirect targets compare with the domain case-folded (RFC 5321 §2.4: local
    /// parts may be case-sensitive, domains are not).
    static func redirectKey(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return String(address[..<at]) + address[at...].lowercased()
    }

    /// Whether the next script of a sequence may run: a `keep` ran, or nothing cancelled
    /// the implicit keep.
    var keepInEffect: Bool { keepCommandSeen || !implicitKeepCancelled }

    /// The final list: the collected actions plus the implicit keep when it applies.
    func finish(implicitKeepFlags: [String]) -> [SieveAction] {
        if implicitKeepCancelled || keepIndex != nil { return allActions }
        return allActions + [.keep(flags: FlagList.forResult(implicitKeepFlags), implicit: true)]
    }
}

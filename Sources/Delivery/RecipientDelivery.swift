import Logging
import MailCore
import Sieve

/// The message of a transaction, parsed once and shared by every recipient.
struct PreparedMessage: Sendable {
    /// What the scripts see (possibly a prefix of a long spooled message).
    let parsed: Message
    /// What is stored.
    let source: TransactionMessage
}

/// The Sieve context of one recipient: the shared message, this recipient's envelope,
/// and the user's mailboxes for `mailboxexists`.
struct RecipientSieveContext: SieveContext {
    let message: Message
    let envelope: SieveEnvelope
    let store: any MailStore
    let user: DeliveryUser

    func mailboxExists(_ name: String) -> Bool {
        store.mailboxExists(name, user: user)
    }
}

/// The immutable parts every recipient's work shares.
struct DeliveryEnvironment: Sendable {
    let configuration: DeliveryConfiguration
    let sieveOptions: SieveOptions
    let cache: ScriptCache<CompiledScript>
    let store: any MailStore

    /// Evaluates the scripts and stores the copies for one user (blocking).
    ///
    /// `isExpired` is checked before each copy is stored: once the transaction's
    /// deadline has passed (its recipients answered 451), nothing more is stored.
    func deliver(to user: DeliveryUser, transaction: DeliveryTransaction, message: PreparedMessage,
                 isExpired: () -> Bool) -> RecipientOutcome {
        let plan = evaluate(for: user, transaction: transaction, message: message)
        return apply(plan, for: user, transaction: transaction, message: message, isExpired: isExpired)
    }

    /// Runs the before scripts, the user's script and the after scripts.
    func evaluate(for user: DeliveryUser, transaction: DeliveryTransaction, message: PreparedMessage) -> DeliveryPlan {
        let context = RecipientSieveContext(
            message: message.parsed,
            envelope: SieveEnvelope(from: transaction.sender, to: user.recipient),
            store: store, user: user)
        var paths = configuration.scripts.before
        if let script = user.scriptPath { paths.append(script) }
        paths += configuration.scripts.after
        var builder = PlanBuilder()
        for path in paths {
            let run: ScriptRun
            switch cache.script(at: path) {
            case .missing:
                run = .missing
            case .broken(let diagnostics):
                run = .broken(path: path, diagnostics: diagnostics)
            case .script(let script):
                run = .ran(path: path, result: SieveInterpreter.run(script, context: context, options: sieveOptions))
            }
            if !builder.add(run) { break }
        }
        return builder.finish(keepRedirected: configuration.storage.keepRedirectedMessages)
    }

    /// Stores the plan's copies, with the INBOX fallback, and builds the outcome.
    func apply(_ plan: DeliveryPlan, for user: DeliveryUser, transaction: DeliveryTransaction,
               message: PreparedMessage, isExpired: () -> Bool) -> RecipientOutcome {
        var outcome = RecipientOutcome(recipient: user.recipient, reply: Replies.discarded, disposition: .discarded,
                                       redirects: plan.redirects, vacation: plan.vacation, notes: plan.notes)
        if let reason = plan.rejection {
            outcome.reply = Replies.rejected(reason)
            outcome.disposition = .rejected
            return outcome
        }
        let traceFields = TraceFields.render(
            sender: transaction.sender, recipient: user.recipient, heloName: transaction.heloName,
            clientHostName: transaction.clientHostName, clientAddress: transaction.clientAddress,
            hostname: configuration.hostname, transactionID: transaction.id, date: transaction.receivedAt)
        func request(_ copy: DeliveryPlan.Copy) -> CopyRequest {
            CopyRequest(user: user, mailbox: copy.mailbox, flags: copy.flags,
                        create: copy.create || configuration.storage.createMissingFolders,
                        traceFields: traceFields, message: message.source)
        }

        var fellBack = false
        var inboxStored = false
        var pending = plan.copies
        var index = 0
        while index < pending.count {
            let copy = pending[index]
            index += 1
            if isExpired() {
                return failed(outcome, user: user, note: "the transaction deadline passed before \(copy.mailbox) was stored",
                              reply: Replies.temporary(user.recipient, "delivery did not finish in time"))
            }
            do throws(StoreFailure) {
                let stored = try store.store(request(copy))
                outcome.copies.append(stored)
                outcome.notes += stored.warnings
                if copy.isInbox { inboxStored = true }
            } catch {
                let canFallBack = !copy.isInbox && [.invalidMailbox, .mailboxMissing, .io].contains(error.kind)
                switch canFallBack {
                case true:
                    outcome.notes.append("fileinto \"\(printable(copy.mailbox))\" failed (\(redact(error.message, user))); "
                                         + "the copy goes to INBOX instead")
                    if !fellBack {
                        fellBack = true
                        if !inboxStored && !pending.contains(where: \.isInbox) {
                            pending.append(DeliveryPlan.Copy(mailbox: "INBOX", flags: copy.flags, create: false))
                        }
                    }
                case false:
                    return failed(outcome, user: user, note: "storing in \(copy.mailbox) failed: \(error.message)",
                                  reply: reply(for: error, user: user))
                }
            }
        }
        if let first = outcome.copies.first {
            outcome.reply = Replies.saved(first.id)
            outcome.disposition = .stored
        } else if plan.discarded || plan.redirects.isEmpty {
            outcome.reply = Replies.discarded
            outcome.disposition = .discarded
        } else {
            outcome.reply = Replies.redirected
            outcome.disposition = .redirected
        }
        return outcome
    }

    private func failed(_ outcome: RecipientOutcome, user: DeliveryUser, note: String,
                        reply: DeliveryReply) -> RecipientOutcome {
        var outcome = outcome
        outcome.notes.append(note)
        if !outcome.copies.isEmpty {
            outcome.notes.append("\(outcome.copies.count) copies were already stored; a retry by the MTA may store them again")
        }
        outcome.reply = reply
        outcome.disposition = reply.isTemporaryFailure ? .deferred : .failed
        return outcome
    }

    /// The reply for a storage failure that has no fallback.
    func reply(for failure: StoreFailure, user: DeliveryUser) -> DeliveryReply {
        let detail = redact(failure.message, user)
        switch failure.kind {
        case .quotaExceeded:
            return Replies.overQuota(user.recipient, detail, policy: configuration.storage.overQuotaReply)
        case .diskFull:
            return Replies.diskFull(user.recipient, detail)
        case .invalidMailbox, .mailboxMissing, .io, .messageUnreadable:
            return Replies.temporary(user.recipient, detail)
        }
    }
}

/// `text` with the user's Maildir path replaced by `~`, so replies do not show the
/// server's file layout (the log line keeps the full text).
func redact(_ text: String, _ user: DeliveryUser) -> String {
    guard !user.maildirPath.isEmpty else { return text }
    return text.split(separator: user.maildirPath, omittingEmptySubsequences: false).joined(separator: "~")
}

import Logging
import MailCore
import Sieve

/// The message of a transaction, parsed once and shared by every recipient.
struct PreparedMessage: Sendable {
    /// What the scripts see (possibly a prefix of a long spooled message).
    let parsed: Message
    /// What is stored.
    let source: TransactionMessage

    /// The whole message, parsed (blocking): `parsed` itself unless that is a prefix
    /// cut at `limit`, else read again from the source (redirects resend all of it).
    func whole(limit: Int) -> Result<Message, DeliveryAgent.MessageUnreadable> {
        switch source {
        case .bytes(let bytes):
            return .success(bytes.count > limit ? Message(bytes: bytes) : parsed)
        case .spooled(let spooled):
            guard spooled.size > limit else { return .success(parsed) }
            do throws(SpoolError) {
                return .success(Message(bytes: try spooled.bytes()))
            } catch {
                return .failure(DeliveryAgent.MessageUnreadable(message: "cannot read the spooled message: \(error)"))
            }
        case .file(let path):
            switch SpoolFile.readPrefix(path, limit: Int.max) {
            case .success(let bytes): return .success(Message(bytes: bytes))
            case .failure(let error):
                return .failure(DeliveryAgent.MessageUnreadable(message: "cannot read the spooled message: \(error)"))
            }
        }
    }
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
        return builder.finish()
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
        let traceFields = self.traceFields(user: user, transaction: transaction)
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

    private func traceFields(user: DeliveryUser, transaction: DeliveryTransaction) -> [UInt8] {
        TraceFields.render(
            sender: transaction.sender, recipient: user.recipient, heloName: transaction.heloName,
            clientHostName: transaction.clientHostName, clientAddress: transaction.clientAddress,
            hostname: configuration.hostname, transactionID: transaction.id, date: transaction.receivedAt)
    }

    /// Stores the implicit keep's INBOX copy after a redirect failed (blocking); the
    /// outcome becomes `stored`, or a failure reply when even that cannot be stored.
    func keepAfterFailedRedirect(_ outcome: RecipientOutcome, user: DeliveryUser, transaction: DeliveryTransaction,
                                 message: PreparedMessage) -> RecipientOutcome {
        var outcome = outcome
        if !outcome.copies.contains(where: { DeliveryPlan.Copy(mailbox: $0.mailbox, flags: [], create: false).isInbox }) {
            let request = CopyRequest(user: user, mailbox: "INBOX", flags: [], create: false,
                                      traceFields: traceFields(user: user, transaction: transaction),
                                      message: message.source)
            do throws(StoreFailure) {
                let stored = try store.store(request)
                outcome.copies.append(stored)
                outcome.notes += stored.warnings
            } catch {
                return failed(outcome, user: user, note: "storing in INBOX after a failed redirect failed: \(error.message)",
                              reply: reply(for: error, user: user))
            }
        }
        if let first = outcome.copies.first {
            outcome.reply = Replies.saved(first.id)
            outcome.disposition = .stored
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

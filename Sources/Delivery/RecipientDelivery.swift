import Logging
import MailCore
import Sieve
import Synchronization

/// The message of a transaction, parsed once and shared by every recipient.
///
/// A long spooled message whose size the spool counted is read only as far as the end of
/// its header section (`headerReadBytes` at a time): scripts without the `body` extension
/// see nothing else, and the copies are stored from the spool. The body is read and parsed
/// (up to the parse limit) the first time a recipient's script can read it, then kept for
/// the other recipients.
final class PreparedMessage: Sendable {
    /// The bytes read first from a spooled message in search of the header section's end.
    static let headerReadBytes = 64 * 1024

    /// What scripts that do not read the body see: the header section and the size (the
    /// whole message, or a prefix cut at the parse limit, when it was read whole anyway).
    let headers: Message
    /// What is stored.
    let source: TransactionMessage
    /// Most octets parsed for the scripts.
    private let limit: Int
    /// The message parsed for scripts that read the body; `headers` itself when that is
    /// already all the scripts may see, else filled on first use.
    private let withBody: Mutex<Result<Message, DeliveryAgent.MessageUnreadable>?>

    private init(headers: Message, source: TransactionMessage, limit: Int, complete: Bool) {
        self.headers = headers
        self.source = source
        self.limit = limit
        self.withBody = Mutex(complete ? .success(headers) : nil)
    }

    /// Reads (the needed part of) the message and parses it (blocking).
    static func prepare(_ source: TransactionMessage, limit: Int) -> Result<PreparedMessage, DeliveryAgent.MessageUnreadable> {
        if case .spooled(let spooled) = source, let size = spooled.rfc5322Size,
           spooled.size > min(limit, headerReadBytes) {
            let prefix: [UInt8]
            do throws(SpoolError) {
                prefix = try spooled.read(offset: 0, count: headerReadBytes)
            } catch {
                return .failure(unreadable(error))
            }
            if let length = prefix.withUnsafeBytes({ Message.headerSectionLength($0) }) {
                let headers = Message(bytes: Array(prefix[..<length]), size: size)
                return .success(PreparedMessage(headers: headers, source: source, limit: limit, complete: false))
            }
        }
        return parseAll(source, limit: limit).map { PreparedMessage(headers: $0, source: source, limit: limit, complete: true) }
    }

    /// The message for scripts that may read the body: parsed up to the limit (blocking on
    /// first use).
    func forBody() -> Result<Message, DeliveryAgent.MessageUnreadable> {
        if let done = withBody.withLock({ $0 }) { return done }
        // Parsed outside the lock; two recipients racing compute equal values.
        let parsed = Self.parseAll(source, limit: limit)
        withBody.withLock { if $0 == nil { $0 = parsed } }
        return parsed
    }

    /// The first `limit` octets of the message, parsed, with the spool's size when it
    /// counted one (it stays right for a message cut at the limit).
    private static func parseAll(_ source: TransactionMessage, limit: Int) -> Result<Message, DeliveryAgent.MessageUnreadable> {
        switch source {
        case .bytes(let bytes):
            return .success(bytes.count > limit ? Message(bytes: Array(bytes.prefix(limit))) : Message(bytes: bytes))
        case .file(let path):
            return SpoolFile.readPrefix(path, limit: limit).map { Message(bytes: $0) }.mapError(unreadable)
        case .spooled(let spooled):
            do throws(SpoolError) {
                let bytes = try spooled.read(offset: 0, count: limit)
                return .success(spooled.rfc5322Size.map { Message(bytes: bytes, size: $0) } ?? Message(bytes: bytes))
            } catch {
                return .failure(unreadable(error))
            }
        }
    }

    private static func unreadable(_ error: any Error) -> DeliveryAgent.MessageUnreadable {
        DeliveryAgent.MessageUnreadable(message: "cannot read the spooled message: \(error)")
    }

    /// The whole message as one recipient's scripts left it (blocking): `edited`'s header
    /// section in front of its new body, or of the body of the message as received; the
    /// message itself when `edited` is nil.
    func whole(edited: EditedMessage?) -> Result<Message, DeliveryAgent.MessageUnreadable> {
        guard let edited else { return whole() }
        if let body = edited.replacedBody { return .success(Message(bytes: edited.headerSection + body)) }
        return whole().map { original in
            let body = original.bytes[min(edited.bodyOffset, original.bytes.count)...]
            return Message(bytes: edited.headerSection + body)
        }
    }

    /// The whole message, parsed (blocking): the script's parse unless that is a prefix
    /// cut at `limit`, else read again from the source (redirects resend all of it).
    func whole() -> Result<Message, DeliveryAgent.MessageUnreadable> {
        switch source {
        case .bytes(let bytes):
            return bytes.count > limit ? .success(Message(bytes: bytes)) : forBody()
        case .spooled(let spooled):
            guard spooled.size > limit else { return forBody() }
            do throws(SpoolError) {
                return .success(Message(bytes: try spooled.bytes()))
            } catch {
                return .failure(Self.unreadable(error))
            }
        case .file(let path):
            return SpoolFile.readPrefix(path, limit: Int.max).map { Message(bytes: $0) }.mapError(Self.unreadable)
        }
    }
}

/// The Sieve context of one recipient: the shared message, this recipient's envelope,
/// the user's mailboxes for `mailboxexists`, and what `environment` reports.
struct RecipientSieveContext: SieveContext {
    /// The message as the next script sees it: as received, or as an earlier script of the
    /// chain edited it.
    var message: Message
    let envelope: SieveEnvelope
    let store: any MailStore
    let user: DeliveryUser
    let environment: SieveEnvironment
    /// The message as it arrived, whole: what `filter` and `execute :pipe` read.
    let prepared: PreparedMessage?
    let duplicates: DuplicateTracking
    /// Site-wide special-use marks and server annotations.
    var siteMailboxes = MailboxAttributeConfiguration()
    /// The site's lists as this user sees them.
    var externalLists: any ExternalListSource = ExternalLists.standard

    /// The environment of a delivery: this host and domain, the client that handed the
    /// message over (its address and, when known, its name), the user.
    ///
    /// - SeeAlso: RFC 5183 §4
    static func environment(configuration: DeliveryConfiguration, transaction: DeliveryTransaction,
                            user: DeliveryUser) -> SieveEnvironment {
        SieveEnvironment(domain: configuration.domain ?? SieveEnvironment.domain(ofHost: configuration.hostname),
                         host: configuration.hostname, remoteHost: transaction.clientHostName,
                         remoteIP: transaction.clientAddress, username: user.address)
    }

    func mailboxExists(_ name: String) -> Bool {
        store.mailboxExists(name, user: user)
    }

    func isDuplicate(_ key: DuplicateKey) throws(DuplicateTrackingError) -> Bool {
        try duplicates.isDuplicate(key, user: user.address)
    }
}

/// The immutable parts every recipient's work shares.
struct DeliveryEnvironment: Sendable {
    let configuration: DeliveryConfiguration
    let sieveOptions: SieveOptions
    let cache: ScriptCache<CompiledScript>
    let store: any MailStore
    /// Where `duplicate` tests look up and record values.
    let duplicates: DuplicateTracking
    /// The site's lists (`:list`, `valid_ext_list`).
    var lists = SiteExternalLists()

    /// Evaluates the scripts and stores the copies for one user (blocking).
    ///
    /// `isExpired` is checked before each copy is stored: once the transaction's
    /// deadline has passed (its recipients answered 451), nothing more is stored.
    func deliver(to user: DeliveryUser, transaction: DeliveryTransaction, message: PreparedMessage,
                 isExpired: () -> Bool) -> RecipientOutcome {
        switch evaluate(for: user, transaction: transaction, message: message) {
        case .success(let plan):
            return apply(plan, for: user, transaction: transaction, message: message, isExpired: isExpired)
        case .failure(let error):
            // The scripts cannot be run as written; the MTA retries later.
            return RecipientOutcome(recipient: user.recipient, reply: Replies.temporary(user.recipient, error.message),
                                    disposition: .deferred, notes: [error.message])
        }
    }

    /// Runs the before scripts, the user's script and the after scripts under
    /// `ScriptSequence`'s rules (Pigeonhole's multiscript model).
    ///
    /// The scripts see the header section only (`message.headers`) unless one of them may
    /// read the body; then the message parsed with its body, loaded once for all recipients.
    /// Fails only when that body cannot be read.
    func evaluate(for user: DeliveryUser, transaction: DeliveryTransaction,
                  message: PreparedMessage) -> Result<DeliveryPlan, DeliveryAgent.MessageUnreadable> {
        var paths = configuration.scripts.before
        if let script = user.scriptPath { paths.append(script) }
        paths += configuration.scripts.after
        let scripts = paths.map { (path: $0, lookup: cache.script(at: $0)) }
        let readsBody = scripts.contains { if case .script(let script) = $0.lookup { script.readsMessageBody } else { false } }
        var parsed = message.headers
        if readsBody {
            switch message.forBody() {
            case .success(let withBody): parsed = withBody
            case .failure(let error): return .failure(error)
            }
        }
        var context = RecipientSieveContext(
            message: parsed, envelope: SieveEnvelope(from: transaction.sender, to: user.recipient),
            store: store, user: user,
            environment: RecipientSieveContext.environment(configuration: configuration, transaction: transaction, user: user),
            prepared: message, duplicates: duplicates)
        context.siteMailboxes = configuration.mailboxes
        context.externalLists = lists.forUser(localPart: user.localPart, domain: user.domain)
        let sequence: [SequencedScript] = scripts.map { path, lookup in
            switch lookup {
            case .missing: .missing(name: path)
            case .broken(let diagnostics): .broken(name: path, diagnostics: diagnostics)
            case .script(let script): .compiled(name: path, script: script)
            }
        }
        let outcome = ScriptSequence.run(sequence, context: context, options: sieveOptions)
        var plan = PlanBuilder.plan(outcome)
        if let edited = outcome.message, edited !== parsed { plan.editedMessage = EditedMessage(edited, from: parsed) }
        return .success(plan)
    }

    /// Stores the plan's copies, with the INBOX fallback, and builds the outcome.
    func apply(_ plan: DeliveryPlan, for user: DeliveryUser, transaction: DeliveryTransaction,
               message: PreparedMessage, isExpired: () -> Bool) -> RecipientOutcome {
        var outcome = RecipientOutcome(recipient: user.recipient, reply: Replies.discarded, disposition: .discarded,
                                       redirects: plan.redirects, vacation: plan.vacation, notes: plan.notes)
        outcome.debugMessages = plan.debugMessages
        outcome.notifications = plan.notifications
        outcome.duplicateMarks = plan.duplicateMarks
        outcome.editedMessage = plan.editedMessage
        outcome.reports = plan.reports
        func rejected(_ outcome: RecipientOutcome, _ reason: String) -> RecipientOutcome {
            var outcome = outcome
            outcome.reply = Replies.rejected(reason)
            outcome.rejectionReason = reason
            outcome.disposition = .rejected
            return outcome
        }
        if let reason = plan.rejection, plan.copies.isEmpty, plan.pipes.isEmpty {
            return rejected(outcome, reason)
        }
        let traceFields = self.traceFields(user: user, transaction: transaction)
        func request(_ copy: DeliveryPlan.Copy) -> CopyRequest {
            var request = CopyRequest(user: user, mailbox: copy.mailbox, flags: copy.flags,
                                      create: copy.create || configuration.storage.createMissingFolders,
                                      traceFields: traceFields, message: message.source, keepsLineEnds: transaction.keepsLineEnds)
            request.edited = plan.editedMessage
            return request
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
                let creation = plan.specialUseCreations.first { $0.mailbox == copy.mailbox }
                let existed = creation.map { _ in store.mailboxExists(copy.mailbox, user: user) } ?? true
                let stored = try store.store(request(copy))
                if let creation, !existed { outcome.notes += recordSpecialUse(creation, user: user) }
                outcome.copies.append(stored)
                outcome.notes += stored.warnings
                if copy.isInbox { inboxStored = true }
            } catch {
                let canFallBack = !copy.isInbox && [.invalidMailbox, .mailboxMissing, .io].contains(error.kind)
                switch canFallBack {
                case true:
                    outcome.notes.append("fileinto \"\(DiagnosticText.printable(copy.mailbox))\" failed (\(redact(error.message, user))); "
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
        if !plan.pipes.isEmpty {
            let failed = pipe(plan.pipes, user: user, transaction: transaction, message: message, outcome: &outcome)
            if failed && plan.rejection == nil {
                // As after a failed redirect: the implicit keep's INBOX copy takes the message.
                return keepAfterFailedRedirect(outcome, user: user, transaction: transaction, message: message)
            }
        }
        // An earlier script's copies and pipes stand when a later script rejects (Pigeonhole).
        if let reason = plan.rejection {
            return rejected(outcome, reason)
        }
        if let first = outcome.copies.first {
            outcome.reply = Replies.saved(first.id)
            outcome.disposition = .stored
        } else if !plan.pipes.isEmpty && plan.redirects.isEmpty {
            outcome.reply = Replies.piped
            outcome.disposition = .redirected
        } else if plan.discarded || plan.redirects.isEmpty {
            outcome.reply = Replies.discarded
            outcome.disposition = .discarded
        } else {
            outcome.reply = Replies.redirected
            outcome.disposition = .redirected
        }
        return outcome
    }

    /// The recipient's trace fields: the spool's preamble when it was made for this
    /// recipient (already in the store's line-end form, so the store can link the spool file
    /// after comparing the bytes), else rendered now.
    private func traceFields(user: DeliveryUser, transaction: DeliveryTransaction) -> [UInt8] {
        if case .spooled(let spooled) = transaction.message, let preamble = spooled.preamble, !preamble.origin.isEmpty,
           preamble.origin == TraceFields.origin(
               sender: transaction.sender, recipient: user.recipient, heloName: transaction.heloName,
               clientHostName: transaction.clientHostName, clientAddress: transaction.clientAddress,
               hostname: configuration.hostname, transactionID: transaction.id, date: transaction.receivedAt) {
            return preamble.bytes
        }
        return TraceFields.render(
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
            var request = CopyRequest(user: user, mailbox: "INBOX", flags: [], create: false,
                                      traceFields: traceFields(user: user, transaction: transaction),
                                      message: message.source, keepsLineEnds: transaction.keepsLineEnds)
            request.edited = outcome.editedMessage
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

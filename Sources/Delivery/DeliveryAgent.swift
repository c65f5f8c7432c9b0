import Logging
import MailCore
import Sieve
import Tracking

/// The delivery agent: for each recipient of a transaction, resolves the user, runs the
/// Sieve scripts and stores the copies, producing one outcome (with its reply) per
/// recipient.
///
/// How a transaction is delivered:
/// - The message is parsed once (`MailCore.Message`) and shared by every recipient. A
///   spooled message is stored whole, streamed from its file, but scripts see at most
///   `maximumParsedMessageBytes` of it.
/// - Recipients are handled concurrently, at most `recipientConcurrency` at a time.
///   Lookups run on the caller's executor; script evaluation and Maildir writes (blocking
///   file I/O) run on Dispatch threads, off the cooperative pool.
/// - The whole transaction is bounded by `transactionDeadline`: recipients not finished
///   by then are answered `451 4.3.0` and `deliver` returns; work already writing a copy
///   finishes in the background (logged), and no further copy is started.
/// - The result always holds exactly one outcome per recipient, in `RCPT TO` order.
/// - After a recipient's own copies are stored (or its outcome is otherwise decided
///   as a success), its vacation reply and redirects are submitted to the site's MTA,
///   all at once, before its reply is given; a failure or a deadline before that point
///   sends nothing, so an MTA retry cannot produce a second auto-reply. A redirect that
///   cannot be sent falls back to the implicit keep (INBOX), or with
///   `OutboundConfiguration.redirectFailure = .tempfail` to `451 4.3.0` when a retry
///   may succeed. A vacation reply that cannot be sent is logged and never changes the
///   reply.
/// - One log line per recipient: transaction id, recipient, disposition, reply,
///   folders, time taken, notes (script errors, fallbacks), and what became of the
///   vacation reply and redirects (`vacation_status`, `redirect_status`; a warning when
///   one of them failed, even if the recipient got 250).
public struct DeliveryAgent: Sendable {
    /// The configuration the agent was built with.
    public let configuration: DeliveryConfiguration
    private let userDatabase: any UserDatabase
    private let environment: DeliveryEnvironment
    private let outbound: OutboundSender
    private let logger: Logger
    /// Arms each transaction's deadline; tests replace it to fire the deadline by hand.
    var deadlineTimer = DeadlineTimer.clock

    /// An agent with the configured user database, the Maildir store, the configured
    /// outbound path, and `trackingStore` for vacation, redirect and duplicate records.
    public init(configuration: DeliveryConfiguration, logger: Logger, trackingStore: any TrackingStore)
        throws(DeliveryConfigurationError)
    {
        let database: ConfiguredUserDatabase
        do {
            database = try ConfiguredUserDatabase(configuration: configuration.users)
        } catch {
            throw .users(error)
        }
        try self.init(configuration: configuration, logger: logger, userDatabase: database,
                      store: MaildirMailStore(configuration: configuration.storage.maildir),
                      outbound: OutboundServices.configured(configuration, trackingStore: trackingStore))
    }

    /// An agent with another user database, store or outbound services (an external
    /// directory, a test store, a test MTA). With the default `.unavailable` services,
    /// nothing is sent: vacation replies are logged as failed and redirects fall back
    /// as configured.
    public init(configuration: DeliveryConfiguration, logger: Logger, userDatabase: any UserDatabase,
                store: any MailStore, outbound: OutboundServices = .unavailable) throws(DeliveryConfigurationError) {
        for path in configuration.scripts.before + configuration.scripts.after where !path.hasPrefix("/") {
            throw .globalScript(path: path, reason: "expected an absolute path")
        }
        var options = configuration.scripts.sieveOptions
        if !configuration.users.subaddressDelimiter.isEmpty {
            options.subaddressSeparator = configuration.users.subaddressDelimiter
        }
        let compileOptions = options
        let cache = ScriptCache<CompiledScript>(maximumBytes: configuration.scripts.maximumScriptBytes,
                                                globalDirectory: configuration.scripts.globalDirectory,
                                                logger: logger) { source, path, loader in
            let compiled = SieveCompiler.compile(source, file: path, options: compileOptions, loader: loader)
            if let script = compiled.script { return .compiled(script) }
            return .broken(compiled.diagnostics.filter { $0.severity == .error }.map(\.description))
        }
        self.configuration = configuration
        self.userDatabase = userDatabase
        self.logger = logger
        self.environment = DeliveryEnvironment(configuration: configuration, sieveOptions: options, cache: cache,
                                               store: store, duplicates: DuplicateTracking(store: outbound.trackingStore),
                                               lists: SiteExternalLists(configuration.lists))
        self.outbound = OutboundSender(configuration: configuration, services: outbound)
    }

    /// Resolves a recipient (for `RCPT TO`): a user, unknown (550 5.1.1), or a
    /// temporary failure (451 4.3.0).
    public func lookup(_ recipient: String) async -> RecipientLookup {
        await userDatabase.lookup(recipient)
    }

    /// The bytes a receiving spool should put in front of a message that has one
    /// recipient: that recipient's trace fields (`Return-Path:`, `Delivered-To:`,
    /// `Received:`), dated now, in the store's line-end form. When the transaction is then
    /// delivered with `receivedAt` set to the preamble's `createdAt`, the recipient's copy
    /// is the spool file itself, linked into the Maildir, instead of a copy of it (any
    /// further copy, or any mismatch, is written as usual).
    public func spoolPreamble(transactionID: String, sender: String, recipient: String, heloName: String,
                              clientAddress: String?, clientHostName: String? = nil) -> SpoolPreamble {
        let date = TraceFields.now()
        let bare = ConfiguredUserDatabase.bare(recipient)
        let fields = TraceFields.render(
            sender: sender, recipient: bare, heloName: heloName,
            clientHostName: clientHostName, clientAddress: clientAddress, hostname: configuration.hostname,
            transactionID: transactionID, date: date)
        var converter = LineEndingConverter(target: configuration.storage.maildir.lineEnding)
        var bytes: [UInt8] = []
        converter.convert(fields, appendingTo: &bytes)
        converter.finish(appendingTo: &bytes)
        let origin = TraceFields.origin(sender: sender, recipient: bare, heloName: heloName, clientHostName: clientHostName,
                                        clientAddress: clientAddress, hostname: configuration.hostname,
                                        transactionID: transactionID, date: date)
        return SpoolPreamble(bytes: bytes, converted: converter.produced, createdAt: date, origin: origin)
    }

    /// Delivers a transaction; returns one outcome per recipient, in order.
    public func deliver(_ transaction: DeliveryTransaction) async -> [RecipientOutcome] {
        let count = transaction.recipients.count
        guard count > 0 else { return [] }
        let started = ContinuousClock.now
        let logger = self.logger
        let run = TransactionRun(count: count) { index, outcome in
            var late = outcome
            late.duration = ContinuousClock.now - started
            logger.warning("recipient finished after the transaction deadline; it was answered 451",
                           metadata: Self.metadata(transaction.id, late, index: index))
        }
        let deadline = configuration.transactionDeadline
        deadlineTimer.arm(deadline, run) {
            Self.expire(run, transaction, started: started, logger: logger, reason: "delivery did not finish within \(Self.text(deadline))")
        }
        let worker = Task {
            await self.work(transaction, run: run, started: started)
        }
        return await withTaskCancellationHandler {
            await run.wait()
        } onCancel: {
            worker.cancel()
            Self.expire(run, transaction, started: started, logger: logger, reason: "delivery was cancelled")
        }
    }

    private static func expire(_ run: TransactionRun, _ transaction: DeliveryTransaction, started: ContinuousClock.Instant,
                               logger: Logger, reason: String) {
        let elapsed = ContinuousClock.now - started
        run.expire { index in
            let recipient = transaction.recipients[index]
            return RecipientOutcome(recipient: recipient, reply: Replies.temporary(recipient, reason),
                                    disposition: .deferred, notes: [reason], duration: elapsed)
        } filled: { index, outcome in
            logger.warning("delivery", metadata: metadata(transaction.id, outcome, index: index))
        }
    }

    /// Parses the message, then runs the recipients with the concurrency bound.
    private func work(_ transaction: DeliveryTransaction, run: TransactionRun, started: ContinuousClock.Instant) async {
        let limit = configuration.maximumParsedMessageBytes
        let prepared = await BlockingIO.run { PreparedMessage.prepare(transaction.message, limit: limit) }
        let message: PreparedMessage
        switch prepared {
        case .failure(let error):
            for (index, recipient) in transaction.recipients.enumerated() {
                record(RecipientOutcome(recipient: recipient, reply: Replies.temporary(recipient, error.message),
                                        disposition: .deferred, notes: [error.message]),
                       index: index, run: run, transaction: transaction, started: started)
            }
            return
        case .success(let parsed):
            message = parsed
        }
        let width = max(1, configuration.recipientConcurrency)
        await withTaskGroup(of: (Int, RecipientOutcome).self) { group in
            var next = 0
            func startNext() {
                guard next < transaction.recipients.count, !run.isExpired, !Task.isCancelled else { return }
                let index = next
                next += 1
                group.addTask {
                    (index, await self.deliverOne(transaction.recipients[index], transaction: transaction,
                                                  message: message, run: run))
                }
            }
            for _ in 0..<width { startNext() }
            for await (index, outcome) in group {
                record(outcome, index: index, run: run, transaction: transaction, started: started)
                startNext()
            }
        }
    }

    private func record(_ outcome: RecipientOutcome, index: Int, run: TransactionRun, transaction: DeliveryTransaction,
                        started: ContinuousClock.Instant) {
        var timed = outcome
        timed.duration = ContinuousClock.now - started
        // A late outcome is logged by the run's `onLate` instead.
        run.complete(index, timed) { outcome in
            var level: Logger.Level = outcome.reply.isSuccess ? .info : (outcome.reply.isTemporaryFailure ? .warning : .notice)
            // A vacation reply or redirect that did not go out is worth a warning even on a 250.
            if outcome.vacationResult?.hasPrefix("failed") == true || outcome.reportResults.contains(where: { $0.contains("> failed: ") })
                || outcome.redirectResults.contains(where: { $0.contains("> failed: ") || $0.contains("> refused: ") })
                || outcome.notificationResults.contains(where: { $0.contains(" failed: ") }) {
                level = max(level, .warning)
            }
            logger.log(level: level, "delivery", metadata: Self.metadata(transaction.id, outcome, index: index))
        }
    }

    private func deliverOne(_ recipient: String, transaction: DeliveryTransaction, message: PreparedMessage,
                            run: TransactionRun) async -> RecipientOutcome {
        let user: DeliveryUser
        switch await userDatabase.lookup(recipient) {
        case .user(let found):
            user = found
        case .unknownUser(let reason):
            return RecipientOutcome(recipient: recipient, reply: RecipientLookup.unknownUser(reason: reason).refusal
                                        ?? Replies.temporary(recipient, reason),
                                    disposition: .unknownUser, notes: [reason])
        case .temporaryFailure(let reason):
            return RecipientOutcome(recipient: recipient, reply: Replies.temporary(recipient, reason),
                                    disposition: .deferred, notes: [reason])
        }
        let environment = self.environment
        var outcome = await BlockingIO.run {
            environment.deliver(to: user, transaction: transaction, message: message, isExpired: { run.isExpired })
        }
        // A rejected recipient's redirects and vacation reply come from an earlier script
        // whose actions stand (ScriptSequence); they go out too.
        if (outcome.reply.isSuccess || outcome.disposition == .rejected) && (outcome.vacation != nil || !outcome.redirects.isEmpty
                                                                      || !outcome.notifications.isEmpty) {
            outcome = await sendOutbound(outcome, user: user, transaction: transaction, message: message, run: run)
        }
        if (outcome.reply.isSuccess || outcome.disposition == .rejected) && !outcome.reports.isEmpty && !run.isExpired {
            outcome.reportResults = await outbound.sendReports(outcome.reports, user: user, transaction: transaction,
                                                               wholeMessage: { await BlockingIO.run { message.whole() } })
        }
        if !outcome.duplicateMarks.isEmpty && DuplicateTracking.records(outcome.disposition) {
            outcome.notes += await environment.duplicates.record(outcome.duplicateMarks, user: user.address)
        }
        outcome.recipient = recipient
        return outcome
    }

    /// Sends the vacation reply and redirects of a recipient whose copy is decided, and
    /// applies the redirect failure policy.
    private func sendOutbound(_ outcome: RecipientOutcome, user: DeliveryUser, transaction: DeliveryTransaction,
                              message: PreparedMessage, run: TransactionRun) async -> RecipientOutcome {
        var outcome = outcome
        if run.isExpired {
            outcome.notes.append("the transaction deadline passed before the vacation reply and redirects were sent; "
                                 + "nothing was sent")
            return outcome
        }
        let environment = self.environment
        let storeCopy: OutboundSender.CopyStorer = { sent, fcc in
            await BlockingIO.run { environment.storeSentCopy(sent, in: fcc, user: user) }
        }
        let (vacation, results) = await outbound.send(
            vacation: outcome.vacation, redirects: outcome.redirects, user: user, sender: transaction.sender,
            message: message.headers, wholeMessage: { [edited = outcome.editedMessage] in
                await BlockingIO.run { message.whole(edited: edited) }
            }, storeCopy: storeCopy)
        outcome.notificationResults = await outbound.sendNotifications(outcome.notifications, user: user, sender: transaction.sender,
                                                                        message: message.headers, storeCopy: storeCopy)
        outcome.vacationResult = vacation
        outcome.redirectResults = results.map(\.summary)
        if let vacation, vacation.hasPrefix("failed") { outcome.notes.append("vacation reply \(vacation)") }
        let failures = results.filter(\.isFailure)
        guard !failures.isEmpty else { return outcome }
        if outcome.disposition == .rejected {
            for failure in failures { outcome.notes.append("redirect \(failure.summary)") }
            return outcome
        }
        let retryable = failures.filter { if case .failed = $0.status { true } else { false } }
        if configuration.outbound.redirectFailure == .tempfail, let first = retryable.first {
            outcome.notes.append("redirect \(first.summary); answering 451 so the MTA retries")
            if !outcome.copies.isEmpty {
                outcome.notes.append("\(outcome.copies.count) copies were already stored; a retry by the MTA may store them again")
            }
            outcome.reply = Replies.temporary(user.recipient, "redirect to <\(first.request.address)> failed, try again later")
            outcome.disposition = .deferred
            return outcome
        }
        for failure in failures {
            outcome.notes.append("redirect \(failure.summary); the message is kept in INBOX instead")
        }
        let current = outcome
        return await BlockingIO.run {
            environment.keepAfterFailedRedirect(current, user: user, transaction: transaction, message: message)
        }
    }

    struct MessageUnreadable: Error {
        var message: String
    }

    /// The log metadata of one recipient's outcome.
    static func metadata(_ transactionID: String, _ outcome: RecipientOutcome, index: Int) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "tx": "\(transactionID)",
            "rcpt": "\(DiagnosticText.printable(outcome.recipient))",
            "index": "\(index)",
            "outcome": "\(outcome.disposition.rawValue)",
            "reply": "\(outcome.reply.code) \(outcome.reply.status) \(outcome.reply.lines.joined(separator: " / "))",
            "folders": "\(outcome.copies.map(\.mailbox).joined(separator: ","))",
            "ms": "\(milliseconds(outcome.duration))",
        ]
        if !outcome.notes.isEmpty { metadata["notes"] = "\(outcome.notes.map(DiagnosticText.printable).joined(separator: " | "))" }
        if !outcome.redirects.isEmpty {
            metadata["redirect"] = "\(outcome.redirects.map { $0.address + ($0.copy ? " (:copy)" : "") }.joined(separator: ","))"
            metadata["redirect_status"] = "\(outcome.redirectResults.isEmpty ? "not sent" : outcome.redirectResults.map(DiagnosticText.printable).joined(separator: " | "))"
        }
        if !outcome.reports.isEmpty {
            metadata["report"] = "\(outcome.reports.map { "'\($0.feedbackType)' to " + $0.address }.joined(separator: ","))"
            metadata["report_status"] = "\(outcome.reportResults.isEmpty ? "not sent" : outcome.reportResults.map(DiagnosticText.printable).joined(separator: " | "))"
        }
        if !outcome.pipeResults.isEmpty {
            metadata["pipe"] = "\(outcome.pipeResults.map(DiagnosticText.printable).joined(separator: " | "))"
        }
        if !outcome.debugMessages.isEmpty {
            metadata["debug_log"] = "\(outcome.debugMessages.map(DiagnosticText.printable).joined(separator: " | "))"
        }
        if !outcome.notifications.isEmpty {
            metadata["notify_status"] = "\(outcome.notificationResults.map(DiagnosticText.printable).joined(separator: " | "))"
        }
        if let vacation = outcome.vacation {
            metadata["vacation"] = "to <\(DiagnosticText.printable(vacation.to))> handle \(DiagnosticText.printable(vacation.handle)) every \(vacation.seconds) s"
            metadata["vacation_status"] = "\(DiagnosticText.printable(outcome.vacationResult ?? "not sent"))"
        }
        return metadata
    }

    /// `300 s`, `250 ms`.
    static func text(_ duration: Duration) -> String {
        let ms = milliseconds(duration)
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}

/// How a transaction's deadline is armed: a real timer, or (in tests) a hand that fires it.
struct DeadlineTimer: Sendable {
    let arm: @Sendable (_ deadline: Duration, _ run: TransactionRun, _ fire: @escaping @Sendable () -> Void) -> Void

    /// Fires after the deadline on the continuous clock.
    static let clock = DeadlineTimer { deadline, run, fire in run.startTimer(after: deadline, expire: fire) }
}

/// Why an agent could not be built from a configuration.
public enum DeliveryConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The user database configuration is invalid.
    case users(UserDatabaseError)
    /// A global script path is unusable.
    case globalScript(path: String, reason: String)
    /// The outbound path or the tracking database cannot be set up.
    case outbound(String)

    /// What is wrong with the configuration.
    public var description: String {
        switch self {
        case .users(let error): error.description
        case .globalScript(let path, let reason): "global Sieve script \"\(DiagnosticText.printable(path))\": \(reason)"
        case .outbound(let reason): "outbound mail: \(reason)"
        }
    }
}

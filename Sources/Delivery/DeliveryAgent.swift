import Logging
import MailCore
import Sieve

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
/// - One log line per recipient: transaction id, recipient, disposition, reply,
///   folders, time taken, and notes (script errors, fallbacks, pending vacation or
///   redirect).
public struct DeliveryAgent: Sendable {
    /// The configuration the agent was built with.
    public let configuration: DeliveryConfiguration
    private let userDatabase: any UserDatabase
    private let environment: DeliveryEnvironment
    private let logger: Logger
    /// Arms each transaction's deadline; tests replace it to fire the deadline by hand.
    var deadlineTimer = DeadlineTimer.clock

    /// An agent with the configured user database and the Maildir store.
    public init(configuration: DeliveryConfiguration, logger: Logger) throws(DeliveryConfigurationError) {
        let database: ConfiguredUserDatabase
        do {
            database = try ConfiguredUserDatabase(configuration: configuration.users)
        } catch {
            throw .users(error)
        }
        try self.init(configuration: configuration, logger: logger, userDatabase: database,
                      store: MaildirMailStore(configuration: configuration.storage.maildir))
    }

    /// An agent with another user database or store (an external directory, a test store).
    public init(configuration: DeliveryConfiguration, logger: Logger, userDatabase: any UserDatabase,
                store: any MailStore) throws(DeliveryConfigurationError) {
        for path in configuration.scripts.before + configuration.scripts.after where !path.hasPrefix("/") {
            throw .globalScript(path: path, reason: "expected an absolute path")
        }
        var options = configuration.scripts.sieveOptions
        if !configuration.users.subaddressDelimiter.isEmpty {
            options.subaddressSeparator = configuration.users.subaddressDelimiter
        }
        let compileOptions = options
        let cache = ScriptCache<CompiledScript>(maximumBytes: configuration.scripts.maximumScriptBytes,
                                                logger: logger) { source, path in
            let compiled = SieveCompiler.compile(source, file: path, options: compileOptions)
            if let script = compiled.script { return .compiled(script) }
            return .broken(compiled.diagnostics.filter { $0.severity == .error }.map(\.description))
        }
        self.configuration = configuration
        self.userDatabase = userDatabase
        self.logger = logger
        self.environment = DeliveryEnvironment(configuration: configuration, sieveOptions: options, cache: cache,
                                               store: store)
    }

    /// Resolves a recipient (for `RCPT TO`): a user, unknown (550 5.1.1), or a
    /// temporary failure (451 4.3.0).
    public func lookup(_ recipient: String) async -> RecipientLookup {
        await userDatabase.lookup(recipient)
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
        let prepared = await BlockingIO.run { Self.prepare(transaction.message, limit: limit) }
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
            let level: Logger.Level = outcome.reply.isSuccess ? .info : (outcome.reply.isTemporaryFailure ? .warning : .notice)
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
        outcome.recipient = recipient
        return outcome
    }

    struct MessageUnreadable: Error {
        var message: String
    }

    /// Reads (a prefix of) a spooled message and parses it (blocking).
    static func prepare(_ source: TransactionMessage, limit: Int) -> Result<PreparedMessage, MessageUnreadable> {
        switch source {
        case .bytes(let bytes):
            let parsed = bytes.count > limit ? Message(bytes: Array(bytes.prefix(limit))) : Message(bytes: bytes)
            return .success(PreparedMessage(parsed: parsed, source: source))
        case .file(let path):
            switch SpoolFile.readPrefix(path, limit: limit) {
            case .success(let bytes):
                return .success(PreparedMessage(parsed: Message(bytes: bytes), source: source))
            case .failure(let error):
                return .failure(MessageUnreadable(message: "cannot read the spooled message: \(error)"))
            }
        case .spooled(let spooled):
            do throws(SpoolError) {
                let bytes = try spooled.read(offset: 0, count: limit)
                return .success(PreparedMessage(parsed: Message(bytes: bytes), source: source))
            } catch {
                return .failure(MessageUnreadable(message: "cannot read the spooled message: \(error)"))
            }
        }
    }

    /// The log metadata of one recipient's outcome.
    static func metadata(_ transactionID: String, _ outcome: RecipientOutcome, index: Int) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "tx": "\(transactionID)",
            "rcpt": "\(printable(outcome.recipient))",
            "index": "\(index)",
            "outcome": "\(outcome.disposition.rawValue)",
            "reply": "\(outcome.reply.code) \(outcome.reply.status) \(outcome.reply.lines.joined(separator: " / "))",
            "folders": "\(outcome.copies.map(\.mailbox).joined(separator: ","))",
            "ms": "\(milliseconds(outcome.duration))",
        ]
        if !outcome.notes.isEmpty { metadata["notes"] = "\(outcome.notes.map(printable).joined(separator: " | "))" }
        if !outcome.redirects.isEmpty {
            metadata["redirect"] = "\(outcome.redirects.map { $0.address + ($0.copy ? " (:copy)" : "") }.joined(separator: ","))"
            metadata["redirect_status"] = "pending: not sent by the delivery agent"
        }
        if let vacation = outcome.vacation {
            metadata["vacation"] = "to <\(printable(vacation.to))> handle \(printable(vacation.handle)) every \(vacation.seconds) s"
            metadata["vacation_status"] = "pending: not sent by the delivery agent"
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

    /// What is wrong with the configuration.
    public var description: String {
        switch self {
        case .users(let error): error.description
        case .globalScript(let path, let reason): "global Sieve script \"\(printable(path))\": \(reason)"
        }
    }
}

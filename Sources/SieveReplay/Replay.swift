import MailCore
import Sieve

/// What one script did to one message of the Maildir.
public struct ReplayOutcome: Sendable, Hashable {
    /// The file, relative to the Maildir root.
    public var file: String
    /// The mailbox the file is in now.
    public var mailbox: String
    /// The actions the script produced (the implicit keep included); empty when the file
    /// could not be read.
    public var actions: [SieveAction]
    /// Runtime errors (the result is then the implicit keep) or why the file was unreadable.
    public var errors: [String]

    /// The actions in one line, as `--diff` prints them (`fileinto "Junk"; stop`).
    public var actionSummary: String {
        if actions.isEmpty { return errors.isEmpty ? "(nothing)" : "error" }
        let text = actions.map(\.description).joined(separator: "; ")
        return errors.isEmpty ? text : text + " (after an error)"
    }
}

/// The counts `sieve-check replay` prints.
///
/// A message counts once for each folder it would be stored in (`fileinto :copy` stores
/// it twice); keep and the implicit keep count for `INBOX`.
public struct ReplaySummary: Sendable, Hashable {
    /// Messages the script ran over.
    public var messages = 0
    /// Destination mailbox → how many messages would be stored there.
    public var destinations: [String: Int] = [:]
    public var rejects = 0
    public var discards = 0
    public var redirects = 0
    /// Vacation actions: replies that would be sent, before the vacation tracking
    /// (`:days`) suppresses repeats.
    public var vacations = 0
    /// `notify` actions (RFC 5435) the scripts asked for.
    public var notifications = 0
    /// Messages whose run failed (or whose file could not be read).
    public var errors = 0

    public init() {}

    mutating func add(_ outcome: ReplayOutcome) {
        messages += 1
        if !outcome.errors.isEmpty { errors += 1 }
        for action in outcome.actions {
            switch action {
            case .keep: destinations["INBOX", default: 0] += 1
            case .fileinto(let mailbox, _, _, _): destinations[mailbox, default: 0] += 1
            case .redirect: redirects += 1
            case .discard: discards += 1
            case .reject, .ereject: rejects += 1
            case .vacation: vacations += 1
            case .pipe(let pipe): destinations["| " + pipe.program, default: 0] += 1
            case .notify: notifications += 1
            case .report: break
            }
        }
    }
}

/// The result of replaying one script over a Maildir.
public struct ReplayReport: Sendable {
    public var summary = ReplaySummary()
    /// One outcome per message, in scan order.
    public var outcomes: [ReplayOutcome] = []
}

/// A message whose outcome differs between two scripts.
public struct ReplayChange: Sendable, Hashable {
    public var file: String
    public var old: ReplayOutcome
    public var new: ReplayOutcome
}

/// Runs Sieve scripts over the messages of an existing Maildir, as a dry run: what would
/// each message's fate have been under this script?
public struct MaildirReplay: Sendable {
    /// The Maildir root (INBOX).
    public var root: String
    /// Envelope recipient when a message has no `Delivered-To` field: the Maildir's owner.
    public var owner: String
    /// Only messages delivered at or after this time (seconds since the epoch).
    public var since: Int?
    public var options: SieveOptions
    /// Used for `body :text` on HTML parts.
    public var htmlTextExtractor: (any HTMLTextExtractor)?
    /// The site's scripts run before and after each replayed script, as delivery runs
    /// them (`ScriptSequence`). Default none.
    public var before: [SequencedScript] = []
    public var after: [SequencedScript] = []

    public init(root: String, owner: String, since: Int? = nil, options: SieveOptions = SieveOptions(),
                htmlTextExtractor: (any HTMLTextExtractor)? = nil) {
        self.root = root
        self.owner = owner
        self.since = since
        self.options = options
        self.htmlTextExtractor = htmlTextExtractor
    }

    /// The message files the replay covers, after `since`.
    public func files() throws(ReplayError) -> [MaildirMessageFile] {
        let all = try MaildirScan.messages(in: root)
        guard let since else { return all }
        return all.filter { $0.deliveryTime >= since }
    }

    /// The envelope for a stored message: the sender from `Return-Path`, the recipient
    /// from `Delivered-To`, else the owner.
    public func envelope(for message: Message) -> SieveEnvelope {
        func path(_ field: String) -> String? {
            guard let value = message.fields(named: field).first?.value else { return nil }
            return AddressParser.parseEnvelopePath(value)?.addrSpec ?? ""
        }
        return SieveEnvelope(from: path("Return-Path") ?? "", to: path("Delivered-To").flatMap { $0.isEmpty ? nil : $0 } ?? owner)
    }

    /// Runs each script over every file; `progress(done, total)` is called after each file.
    /// Returns one report per script, in the order given.
    public func run(_ scripts: [CompiledScript], files: [MaildirMessageFile],
                    progress: (Int, Int) -> Void = { _, _ in }) -> [ReplayReport] {
        var reports = Array(repeating: ReplayReport(), count: scripts.count)
        for (index, file) in files.enumerated() {
            let bytes: [UInt8]
            do {
                bytes = try MaildirScan.contents(of: root + "/" + file.relativePath)
            } catch {
                for i in scripts.indices {
                    let outcome = ReplayOutcome(file: file.relativePath, mailbox: file.mailbox, actions: [], errors: [error.description])
                    reports[i].outcomes.append(outcome)
                    reports[i].summary.add(outcome)
                }
                progress(index + 1, files.count)
                continue
            }
            let message = Message(bytes: bytes)
            let context = SieveMessageContext(message: message, envelope: envelope(for: message), htmlTextExtractor: htmlTextExtractor)
            for (i, script) in scripts.enumerated() {
                let sequence = ScriptSequence.run(before + [.compiled(name: script.file ?? "script", script: script)] + after,
                                                  context: context, options: options)
                let errors = sequence.errors.map(\.description) + sequence.steps.flatMap { step -> [String] in
                    if case .broken(let diagnostics) = step.status { return diagnostics }
                    return []
                }
                let outcome = ReplayOutcome(file: file.relativePath, mailbox: file.mailbox, actions: sequence.actions,
                                            errors: errors)
                reports[i].outcomes.append(outcome)
                reports[i].summary.add(outcome)
            }
            progress(index + 1, files.count)
        }
        return reports
    }

    /// The messages whose actions differ between two reports of the same files.
    public static func changes(from old: ReplayReport, to new: ReplayReport) -> [ReplayChange] {
        zip(old.outcomes, new.outcomes).compactMap { before, after in
            before.actions == after.actions && before.errors.isEmpty == after.errors.isEmpty
                ? nil : ReplayChange(file: after.file, old: before, new: after)
        }
    }
}

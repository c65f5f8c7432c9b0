import Foundation
import Testing
import Logging
import Synchronization
@testable import Delivery

/// A fresh folder per test, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "/sluice-delivery-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ relative: String) -> String { path + "/" + relative }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let full = file(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        return full
    }

    /// Sets a file's modification time (seconds since the epoch).
    func touch(_ relative: String, modified seconds: Int) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(seconds))],
                                              ofItemAtPath: file(relative))
    }

    /// Names of the files in a directory (empty if it does not exist).
    func files(in relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: file(relative))) ?? []).sorted()
    }

    func contents(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: file(relative))), as: UTF8.self)
    }
}

/// Log records kept in memory, for tests that check what was logged.
final class LogRecorder: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let storage = Mutex<[Record]>([])

    var records: [Record] { storage.withLock { $0 } }

    func append(_ record: Record) { storage.withLock { $0.append(record) } }

    /// Waits (polling, at most 30 s) until `condition` holds for the records.
    func waitFor(_ condition: ([Record]) -> Bool) async throws {
        for _ in 0..<3000 {
            if condition(records) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the expected log records did not appear within 30 s")
    }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(recorder: self) }
    }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var flat: [String: String] = [:]
            for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
                flat[key] = "\(value)"
            }
            recorder.append(Record(level: event.level, message: "\(event.message)", metadata: flat))
        }
    }
}

/// A site in a temporary folder: domain example.org, Maildirs at `mail/<n>/Maildir`,
/// user scripts at `sieve/<n>.sieve`, CRLF on disk so stored bytes can be compared.
struct TestSite {
    let dir: TemporaryDirectory
    var configuration = DeliveryConfiguration()
    let log = LogRecorder()

    init() throws {
        dir = try TemporaryDirectory()
        configuration.hostname = "mx.test"
        configuration.users.domains = ["example.org"]
        configuration.users.maildirTemplate = dir.path + "/mail/%n/Maildir"
        configuration.users.scriptTemplate = dir.path + "/sieve/%n.sieve"
        configuration.storage.maildir.lineEnding = .crlf
        configuration.storage.maildir.hostname = "mx.test"
    }

    /// Writes a user's script.
    func script(_ user: String, _ text: String) throws {
        try dir.write("sieve/\(user).sieve", text)
    }

    /// An agent on this site's folders; nothing is sent (no MTA, tracking in memory).
    func agent(store: (any MailStore)? = nil) throws -> DeliveryAgent {
        try DeliveryAgent(configuration: configuration, logger: log.logger,
                          userDatabase: ConfiguredUserDatabase(configuration: configuration.users),
                          store: store ?? MaildirMailStore(configuration: configuration.storage.maildir),
                          outbound: .unavailable)
    }

    /// The Maildir-relative folder path of a user's mailbox (`""` for INBOX, `.Lists`).
    func folder(_ user: String, _ folder: String = "") -> String {
        "mail/\(user)/Maildir/" + (folder.isEmpty ? "" : folder + "/")
    }

    /// Message files in a folder's `new/` and `cur/`.
    func messages(_ user: String, _ folderName: String = "") -> [String] {
        let base = folder(user, folderName)
        return dir.files(in: base + "new").map { base + "new/" + $0 } + dir.files(in: base + "cur").map { base + "cur/" + $0 }
    }
}

let sampleMessage = "From: Sender <sender@example.com>\r\nTo: team@example.org\r\nSubject: Hello\r\n"
    + "Message-ID: <1@example.com>\r\n\r\nBody line one.\r\nBody line two.\r\n"

func transaction(_ recipients: [String], id: String = "TX1", message: String = sampleMessage,
                 sender: String = "sender@example.com") -> DeliveryTransaction {
    DeliveryTransaction(id: id, sender: sender, recipients: recipients, heloName: "client.example.com",
                        clientAddress: "192.0.2.10", clientHostName: "client.example.com",
                        message: .bytes(Array(message.utf8)), receivedAt: 1_751_364_000)
}

/// A store that fails on purpose for chosen users or mailboxes, and otherwise stores
/// through the real Maildir store.
struct FaultyStore: MailStore {
    let real: MaildirMailStore
    /// (local part, mailbox or "*") → failure
    let faults: [String: StoreFailure]
    /// Local parts whose store call waits this long first.
    var delays: [String: Duration] = [:]

    init(_ configuration: DeliveryConfiguration, faults: [String: StoreFailure], delays: [String: Duration] = [:]) {
        real = MaildirMailStore(configuration: configuration.storage.maildir)
        self.faults = faults
        self.delays = delays
    }

    func store(_ copy: CopyRequest) throws(StoreFailure) -> StoredCopy {
        if let delay = delays[copy.user.localPart] {
            let parts = delay.components
            usleep(UInt32(parts.seconds * 1_000_000 + parts.attoseconds / 1_000_000_000_000))
        }
        if let fault = faults[copy.user.localPart + "/" + copy.mailbox] ?? faults[copy.user.localPart + "/*"] {
            throw fault
        }
        return try real.store(copy)
    }

    func mailboxExists(_ mailbox: String, user: DeliveryUser) -> Bool {
        real.mailboxExists(mailbox, user: user)
    }
}

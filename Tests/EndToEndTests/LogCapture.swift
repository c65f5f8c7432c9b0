import Logging
import Synchronization

/// Keeps every log record of one test server in memory, so a test can check what an
/// operator would have read.
final class LogCapture: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]

        /// The message and every metadata value, as one searchable line.
        var line: String {
            ([message] + metadata.keys.sorted().map { "\($0)=\(metadata[$0] ?? "")" }).joined(separator: " ")
        }
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }

    /// The delivery line of one recipient (the agent logs one per recipient).
    func delivery(of recipient: String) -> Entry? {
        all.last { $0.message == "delivery" && $0.metadata["rcpt"] == recipient }
    }

    var logger: Logger {
        Logger(label: "sluice-e2e") { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged: [String: String] = [:]
            for (key, value) in metadata { merged[key] = "\(value)" }
            for (key, value) in event.metadata ?? [:] { merged[key] = "\(value)" }
            let entry = Entry(level: event.level, message: "\(event.message)", metadata: merged)
            capture.entries.withLock { $0.append(entry) }
        }
    }
}

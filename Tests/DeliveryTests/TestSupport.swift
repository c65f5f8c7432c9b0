import Foundation
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

import Delivery
import Foundation
import Logging
import NIOCore
import SluiceServer
import SluiceConfig
import Synchronization

/// A real Sluice server on a loopback port in a fresh folder, for one test.
final class TestServer: Sendable {
    let root: URL
    let port: Int
    private let service: SluiceService
    private let task: Task<Void, any Error>

    /// Folder layout: `mail/<domain>/<user>/` Maildirs, `sieve/<domain>/<user>.sieve` scripts.
    static func start(
        domains: [String] = ["example.org"],
        logger: Logger? = nil,
        configure: (inout SluiceConfiguration, URL) -> Void = { _, _ in }
    ) async throws -> TestServer {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var configuration = SluiceConfiguration()
        configuration.listeners = [.tcp(host: "127.0.0.1", port: 0)]
        configuration.delivery.hostname = "mx.test.example"
        configuration.session.serverName = "mx.test.example"
        configuration.delivery.users.domains = domains
        configuration.delivery.users.maildirTemplate = root.path + "/mail/%d/%n"
        configuration.delivery.users.scriptTemplate = root.path + "/sieve/%d/%n.sieve"
        configuration.delivery.vacation.trackingDatabase = root.path + "/tracking.sqlite"
        configure(&configuration, root)

        let logger = logger ?? {
            var quiet = Logger(label: "sluice-e2e")
            quiet.logLevel = .error
            return quiet
        }()
        let bound = AsyncStream<Int>.makeStream()
        let service = try SluiceService(configuration: configuration, logger: logger) { _, address in
            bound.continuation.yield(address?.port ?? -1)
        }
        let task = Task { try await service.run() }
        var iterator = bound.stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw CocoaError(.fileNoSuchFile)
        }
        return TestServer(root: root, port: port, service: service, task: task)
    }

    private init(root: URL, port: Int, service: SluiceService, task: Task<Void, any Error>) {
        self.root = root
        self.port = port
        self.service = service
        self.task = task
    }

    /// Graceful shutdown, then the folder is removed.
    func stop() async {
        service.shutdownGracefully()
        _ = try? await task.value
        try? FileManager.default.removeItem(at: root)
    }

    func writeScript(_ user: String, domain: String = "example.org", _ text: String) throws {
        let dir = root.appendingPathComponent("sieve/\(domain)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: dir.appendingPathComponent("\(user).sieve"))
    }

    func maildir(_ user: String, domain: String = "example.org") -> URL {
        root.appendingPathComponent("mail/\(domain)/\(user)")
    }

    /// The files in one subfolder (`new`, `cur`) of a Maildir folder (`""` = INBOX).
    func messages(_ user: String, folder: String = "", in sub: String = "new") -> [URL] {
        let dir = maildir(user).appendingPathComponent(folder).appendingPathComponent(sub)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
    }
}

/// A small message with CRLF line ends.
func testMessage(subject: String = "Hello", from: String = "sender@remote.example",
                 to: String = "alice@example.org", body: String = "Hi there.\r\n") -> String {
    "From: <\(from)>\r\nTo: <\(to)>\r\nSubject: \(subject)\r\nMessage-ID: <\(UUID().uuidString)@remote.example>\r\n\r\n" + body
}

/// Runs a server for the duration of `body`, stopping it afterwards even when `body` throws.
func withTestServer<T>(
    domains: [String] = ["example.org"],
    logger: Logger? = nil,
    configure: (inout SluiceConfiguration, URL) -> Void = { _, _ in },
    _ body: (TestServer) async throws -> T
) async throws -> T {
    let server = try await TestServer.start(domains: domains, logger: logger, configure: configure)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// Runs blocking socket work on a thread of its own. The client blocks in `read`; doing
/// that on Swift's cooperative pool (two threads on a two-core machine) would starve the
/// server under test, which runs on the same pool.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}

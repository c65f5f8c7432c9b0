import Foundation
import Testing

/// `sluice serve` with 64 file descriptors and 100 clients: accepting fails with EMFILE.
@Suite("sluice serve out of file descriptors")
struct DescriptorExhaustionTests {
    /// CPU time (user + system, in clock ticks) the process `pid` has used.
    static func cpuTicks(_ pid: Int32) -> Int {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        // After the command name: state is field 3, utime 14 and stime 15 (1-based).
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }

    @Test("the listener does not spin, says so once, and serves again when descriptors are free",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit")))
    func descriptorExhaustion() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-fd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        process.arguments = ["--nofile=64:64", ServeCommandTests.binary.path, "serve", "--listen", "127.0.0.1:0"]
        process.currentDirectoryURL = dir
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let port = try await ServeCommandTests.boundPort(errors.fileHandleForReading)

        let pid = process.processIdentifier
        let (used, replies) = try await offPool { () -> (Int, [Int]) in
            // 100 idle clients: the kernel queues them all, the server runs out of descriptors.
            var clients = try (0..<100).map { _ in try LMTPClient(port: port) }
            Thread.sleep(forTimeInterval: 2)
            let before = Self.cpuTicks(pid)
            Thread.sleep(forTimeInterval: 3)
            let used = Self.cpuTicks(pid) - before
            // Free descriptors (a client closes when released): the server accepts the
            // waiting clients and delivers again.
            clients.removeFirst(60)
            let client = try LMTPClient(port: port)
            var replies = [try client.reply()]
            replies.append(try client.command("LHLO test.example"))
            replies.append(try client.command("MAIL FROM:<someone@remote.example>"))
            replies.append(try client.command("RCPT TO:<pat@localhost>"))
            replies.append(try client.command("DATA"))
            client.send(testMessage(to: "pat@localhost") + ".\r\n")
            replies.append(try client.reply())
            clients.removeAll()
            return (used, replies.map(\.code))
        }
        // A listener that retries accept in a loop burns a core (hundreds of ticks here).
        #expect(used < 30, "the server used \(used) clock ticks of CPU in 3 s while out of descriptors")
        #expect(replies == [220, 250, 250, 250, 354, 250])

        process.terminate()
        let log = try await offPool { () -> String in
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let paused = log.components(separatedBy: "cannot accept LMTP connections: Too many open files").count - 1
        #expect(paused == 1, "\(log)")
        #expect(log.contains("accepting LMTP connections again"), "\(log)")
    }
}

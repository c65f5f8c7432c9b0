import Foundation
import MailCore
import Testing

/// The `sluice` binary as the README's quick start runs it.
@Suite("sluice serve (the binary)")
struct ServeCommandTests {
    static let binary: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("sluice")
    }()

    /// The port of the log line "listening for LMTP" that `sluice serve` writes to `log`.
    static func boundPort(_ log: FileHandle) async throws -> Int {
        try await offPool {
            var text = ""
            while true {
                let data = log.availableData
                if data.isEmpty { throw LMTPClient.ClientError.closed(text) }
                text += String(decoding: data, as: UTF8.self)
                if let range = text.range(of: #"127\.0\.0\.1:(\d+) listen="#, options: .regularExpression) {
                    let match = text[range].dropFirst("127.0.0.1:".count).prefix { $0.isNumber }
                    if let port = Int(match) { return port }
                }
            }
        }
    }

    @Test("built-in defaults: delivers to ./var/mail/localhost/<user>, stops cleanly on SIGTERM")
    func builtInDefaults() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("var/sieve/localhost"),
                                                withIntermediateDirectories: true)
        try Data("require \"fileinto\";\nfileinto \"Filed\";\n".utf8)
            .write(to: dir.appendingPathComponent("var/sieve/localhost/sam.sieve"))

        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--listen", "127.0.0.1:0"]
        process.currentDirectoryURL = dir
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let handle = errors.fileHandleForReading

        let port = try await Self.boundPort(handle)
        let replies = try await offPool {
            let client = try LMTPClient(port: port)
            var replies = [try client.reply()]
            replies.append(try client.command("LHLO test.example"))
            replies.append(try client.command("MAIL FROM:<someone@remote.example>"))
            replies.append(try client.command("RCPT TO:<pat@localhost>"))
            replies.append(try client.command("RCPT TO:<sam@localhost>"))
            replies.append(try client.command("DATA"))
            client.send(testMessage(to: "pat@localhost") + ".\r\n")
            replies.append(contentsOf: try client.replies(2))
            replies.append(try client.command("QUIT"))
            return replies
        }
        #expect(replies.map(\.code) == [220, 250, 250, 250, 250, 354, 250, 250, 221])

        process.terminate()  // SIGTERM
        let status = try await offPool { process.waitUntilExit(); return process.terminationStatus }
        #expect(status == 0)
        let inbox = dir.appendingPathComponent("var/mail/localhost/pat/new")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: inbox.path)) ?? []).count == 1)
        let filed = dir.appendingPathComponent("var/mail/localhost/sam/.Filed/new")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: filed.path)) ?? []).count == 1)
    }

    @Test("check-config names a wrong key and fails")
    func checkConfig() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.toml")
        try Data("[lmtp]\nlisten = [\"127.0.0.1:24\"]\nmax_recipient = 5\n".utf8).write(to: file)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["check-config", "--config", file.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = try await offPool { () -> String in
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(process.terminationStatus != 0)
        #expect(text.contains("unknown key 'lmtp.max_recipient' in [lmtp]"), "\(text)")
    }

    @Test("check-config says whether the spool directory makes files that can become stored copies")
    func spoolReport() async throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["check-config"]
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        process.environment = ["TMPDIR": FileManager.default.temporaryDirectory.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = try await offPool { () -> String in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(process.terminationStatus == 0)
        let linkable = MessageSpoolConfiguration(directory: FileManager.default.temporaryDirectory.path).makesLinkableFiles
        let expected = linkable ? "becomes its stored copy" : "no O_TMPFILE here"
        #expect(text.contains("spool \(FileManager.default.temporaryDirectory.path)"), "\(text)")
        #expect(text.contains(expected), "\(text)")
    }

    @Test("--relay HOST:PORT replaces the configured outbound path; a bad relay is refused", arguments: [
        (["--relay", "[::1]:2525"], 0, "outbound smtp [::1]:2525"),
        ([], 0, "outbound smtp 127.0.0.1:25"),
        (["--relay", "mx.example:x"], 64, "relay \"mx.example:x\": expected HOST:PORT"),
    ])
    func relayOption(arguments: [String], status: Int32, expected: String) async throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["check-config"] + arguments
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let output = Pipe()
        process.standardError = output
        process.standardOutput = output
        try process.run()
        let text = try await offPool { () -> String in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(process.terminationStatus == status)
        #expect(text.contains(expected), "\(text)")
    }
}

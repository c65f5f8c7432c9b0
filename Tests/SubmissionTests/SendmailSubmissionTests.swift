import Foundation
import Testing

@testable import Submission

/// A fake sendmail in its own temporary folder: records its arguments and standard input,
/// prints to standard error, then runs `ending` (an exit, a kill, a sleep).
struct FakeSendmail {
    let folder: URL
    let script: URL

    init(ending: String, readsInput: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-fake-sendmail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        script = folder.appendingPathComponent("sendmail")
        let text = """
            #!/bin/sh
            printf '%s\\n' "$@" > '\(folder.path)/args'
            \(readsInput ? "cat > '\(folder.path)/stdin'" : ":")
            echo "fake sendmail: something to say" >&2
            \(ending)

            """
        try Data(text.utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
    }

    var arguments: [String] {
        get throws {
            let text = try String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8)
            return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
    }

    var standardInput: [UInt8] {
        get throws { try Array(Data(contentsOf: folder.appendingPathComponent("stdin"))) }
    }

    func submitter(timeout: Duration = .seconds(300)) -> SendmailSubmission {
        SendmailSubmission(configuration: .init(executablePath: script.path, timeout: timeout, killGracePeriod: .milliseconds(200)))
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

@Suite("sendmail-compatible command submission (sendmail -i -f SENDER -- RCPT...)")
struct SendmailSubmissionTests {
    @Test("exit 0: every recipient accepted; arguments and standard input exact")
    func success() async throws {
        let fake = try FakeSendmail(ending: "exit 0")
        defer { fake.remove() }
        let message: [UInt8] = Array("From: a@example.org\nSubject: x\n\n.\nline\r\n".utf8) + [0xFF, 0x00]
        let receipt = try await fake.submitter().submit(
            envelopeFrom: "a@example.org", recipients: ["b@example.net", "c@example.net"], message: message)
        #expect(receipt.accepted == ["b@example.net", "c@example.net"])
        #expect(receipt.finalReply == nil)
        #expect(try fake.arguments == ["-i", "-f", "a@example.org", "--", "b@example.net", "c@example.net"])
        #expect(try fake.standardInput == message)
    }

    @Test("the null sender is passed as -f <>")
    func nullSender() async throws {
        let fake = try FakeSendmail(ending: "exit 0")
        defer { fake.remove() }
        _ = try await fake.submitter().submit(envelopeFrom: "", recipients: ["b@example.net"], message: Array("x\n".utf8))
        #expect(try fake.arguments == ["-i", "-f", "<>", "--", "b@example.net"])
    }

    @Test("shell syntax and option-like recipients are passed literally, never interpreted")
    func noShell() async throws {
        let fake = try FakeSendmail(ending: "exit 0")
        defer { fake.remove() }
        let marker = fake.folder.appendingPathComponent("pwned").path
        let recipients = ["$(touch${IFS}\(marker))@example.net", "-oi@example.net", "'quote\"@example.net", "a;b|c&d@example.net"]
        _ = try await fake.submitter().submit(envelopeFrom: "-bs@example.org", recipients: recipients, message: Array("x\n".utf8))
        #expect(try fake.arguments == ["-i", "-f", "-bs@example.org", "--"] + recipients)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("a large message is written completely")
    func large() async throws {
        let fake = try FakeSendmail(ending: "exit 0")
        defer { fake.remove() }
        let message = Array(String(repeating: "0123456789abcdef\n", count: 200_000).utf8)
        _ = try await fake.submitter().submit(envelopeFrom: "a@example.org", recipients: ["b@example.net"], message: message)
        #expect(try fake.standardInput == message)
    }

    /// An exit status and how it must be reported.
    struct ExitCase: Sendable, CustomTestStringConvertible {
        var status: Int32
        var transient: Bool
        var testDescription: String { "exit \(status)" }
    }

    @Test(
        "nonzero exit: EX_TEMPFAIL (75) transient, others permanent, standard error in the error",
        arguments: [ExitCase(status: 75, transient: true), ExitCase(status: 67, transient: false),
                    ExitCase(status: 1, transient: false), ExitCase(status: 78, transient: false)])
    func exitStatus(_ example: ExitCase) async throws {
        let fake = try FakeSendmail(ending: "exit \(example.status)")
        defer { fake.remove() }
        let error = try #require(await submissionError(fake.submitter()))
        #expect(error.stage == .command)
        #expect(error.code == .commandFailed)
        #expect(error.exitStatus == example.status)
        #expect(error.isTransient == example.transient)
        #expect(error.standardError == "fake sendmail: something to say")
        #expect(error.detail.contains("status \(example.status)"))
        #expect(error.detail.contains("something to say"))
    }

    @Test("killed by a signal: transient")
    func signalled() async throws {
        let fake = try FakeSendmail(ending: "kill -KILL $$")
        defer { fake.remove() }
        let error = try #require(await submissionError(fake.submitter()))
        #expect(error.code == .commandSignalled)
        #expect(error.isTransient)
        #expect(error.detail.contains("signal 9"))
    }

    @Test("a command that hangs is killed at the timeout (its children too): transient")
    func timeout() async throws {
        let fake = try FakeSendmail(ending: "sleep 600; exit 0")
        defer { fake.remove() }
        let start = ContinuousClock.now
        let error = try #require(await submissionError(fake.submitter(timeout: .milliseconds(300))))
        #expect(error.code == .timeout)
        #expect(error.isTransient)
        #expect(ContinuousClock.now - start < promptly)
    }

    @Test("a command that exits 0 without reading the message is not a success")
    func unreadInput() async throws {
        let fake = try FakeSendmail(ending: "exit 0", readsInput: false)
        defer { fake.remove() }
        let big = String(repeating: "x", count: 8_000_000)
        let error = try #require(await submissionError(fake.submitter(), message: big))
        #expect(error.code == .commandFailed)
        #expect(error.isTransient)
        #expect(error.detail.contains("read only"))
    }

    @Test("a missing command cannot start: permanent, names the path")
    func missing() async throws {
        let submitter = SendmailSubmission(configuration: .init(executablePath: "/nonexistent/sluice/sendmail"))
        let error = try #require(await submissionError(submitter))
        #expect(error.code == .commandNotStarted)
        #expect(!error.isTransient)
        #expect(error.detail.contains("/nonexistent/sluice/sendmail"))
    }

    @Test("addresses with CR, LF or spaces are refused before the command runs")
    func unsafeAddress() async throws {
        let fake = try FakeSendmail(ending: "exit 0")
        defer { fake.remove() }
        let error = try #require(await submissionError(fake.submitter(), to: ["a@example.net\n-X/tmp/log"]))
        #expect(error.code == .invalidAddress)
        #expect(!FileManager.default.fileExists(atPath: fake.folder.appendingPathComponent("args").path))
    }
}

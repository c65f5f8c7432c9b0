import Foundation
import Testing
@testable import ExternalProgram

/// A directory with shell scripts written for one test, removed afterwards.
private final class ProgramFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "sluice-programs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func add(_ name: String, _ body: String, mode: Int = 0o755) throws -> String {
        let file = path + "/" + name
        try ("#!/bin/sh\n" + body + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }
}

private func invocation(_ path: String, arguments: [String] = [], environment: [String: String] = ["PATH": "/usr/bin:/bin"],
                        input: String = "", timeout: Duration? = .seconds(10), maxOutput: Int = 1 << 20) -> ProgramInvocation {
    ProgramInvocation(path: path, arguments: arguments, environment: environment, input: Array(input.utf8), timeout: timeout,
                      capturesOutput: true, maxOutput: maxOutput)
}

@Suite("Running the site's programs")
struct ProgramRunnerTests {
    @Test("input goes in, output comes back, the exit status is reported")
    func roundTrip() throws {
        let folder = try ProgramFolder()
        let upper = try folder.add("upper", "tr a-z A-Z; exit 3")
        let run = try ProgramRunner.run(invocation(upper, input: "hello\n"))
        #expect(run.output == Array("HELLO\n".utf8))
        #expect(run.termination == .exited(3))
        #expect(!run.succeeded && run.failureDescription == "it exited with status 3")
    }

    @Test("a large input and output do not dead-lock")
    func largeStreams() throws {
        let folder = try ProgramFolder()
        let cat = try folder.add("cat", "exec cat")
        let text = String(repeating: "0123456789abcdef\n", count: 40_000)
        let run = try ProgramRunner.run(invocation(cat, input: text))
        #expect(run.succeeded && run.output.count == text.utf8.count)
    }

    @Test("arguments reach the program as they are, never split or expanded by a shell")
    func argumentsAsArgv() throws {
        let folder = try ProgramFolder()
        let show = try folder.add("show", "for a in \"$@\"; do printf '[%s]' \"$a\"; done")
        let run = try ProgramRunner.run(invocation(show, arguments: ["two words", "$HOME", "; rm -rf /", "*"]))
        #expect(String(decoding: run.output, as: UTF8.self) == "[two words][$HOME][; rm -rf /][*]")
    }

    @Test("the environment is exactly the one given")
    func cleanEnvironment() throws {
        setenv("SLUICE_SECRET_FOR_TEST", "leak", 1)
        let folder = try ProgramFolder()
        let env = try folder.add("env", "exec /usr/bin/env")
        let run = try ProgramRunner.run(invocation(env, environment: ["PATH": "/bin", "USER": "joe"]))
        // The shell running the script adds PWD itself.
        let lines = Set(String(decoding: run.output, as: UTF8.self).split(separator: "\n").map(String.init))
            .filter { !$0.hasPrefix("PWD=") }
        #expect(lines == ["PATH=/bin", "USER=joe"])
    }

    @Test("past the timeout the program and what it started are killed")
    func timeout() throws {
        let folder = try ProgramFolder()
        let slow = try folder.add("slow", "sleep 30 & sleep 30")
        let started = ContinuousClock.now
        let run = try ProgramRunner.run(invocation(slow, timeout: .milliseconds(300)))
        #expect(run.timedOut && !run.succeeded)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(run.failureDescription == "it did not finish in time and was killed")
    }

    @Test("a program that writes more than the limit is killed")
    func outputLimit() throws {
        let folder = try ProgramFolder()
        let chatty = try folder.add("chatty", "yes chatter")
        let run = try ProgramRunner.run(invocation(chatty, maxOutput: 10_000))
        #expect(run.outputTooLarge && !run.succeeded)
        #expect(run.output.count <= 10_000)
    }

    @Test("a program that does not read its input still finishes")
    func ignoresInput() throws {
        let folder = try ProgramFolder()
        let quiet = try folder.add("quiet", "echo done")
        let run = try ProgramRunner.run(invocation(quiet, input: String(repeating: "x", count: 1 << 20)))
        #expect(run.succeeded && run.output == Array("done\n".utf8))
    }

    @Test("programs are found by bare name only, and must be safe to run")
    func lookup() throws {
        let folder = try ProgramFolder()
        try folder.add("ok", "true")
        try folder.add("open", "true", mode: 0o757)
        try folder.add("plain", "true", mode: 0o644)
        #expect(ProgramDirectory.locate("ok", in: folder.path) == .success(folder.path + "/ok"))
        guard case .failure(.notFound) = ProgramDirectory.locate("missing", in: folder.path) else {
            Issue.record("a missing program must be reported as not found")
            return
        }
        for name in ["open", "plain", "../ok", "..", "a/b"] {
            guard case .failure(.unusable) = ProgramDirectory.locate(name, in: folder.path) else {
                Issue.record("\(name) must be refused")
                continue
            }
        }
    }

    @Test("the environment variables a program gets")
    func environmentVariables() {
        let variables = ProgramEnvironment.variables(user: "joe@example.com", home: "/var/mail/joe", host: "mx.example.com",
                                                     sender: "", recipient: "joe@example.com", originalRecipient: "all@example.com")
        #expect(variables == ["PATH": ProgramEnvironment.path, "USER": "joe@example.com", "HOME": "/var/mail/joe",
                              "HOST": "mx.example.com", "RECIPIENT": "joe@example.com", "ORIG_RECIPIENT": "all@example.com"])
    }
}

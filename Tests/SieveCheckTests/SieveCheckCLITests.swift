import Foundation
import Testing

/// Runs the built `sieve-check` binary as a user would, checking exit codes and output.
@Suite("sieve-check command line")
struct SieveCheckCLITests {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The products folder holds the test bundle and the executables side by side.
    static let binary: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("sieve-check")
    }()

    static func run(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh folder with the given files.
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sieve-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: dir.appendingPathComponent(name))
        }
        return dir
    }

    static let message = """
        Return-Path: <alice@example.org>\r
        From: Alice <alice@example.org>\r
        To: bob@example.com\r
        Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from the list\r
        List-Id: Swift Users <swift-users.lists.example.org>\r
        \r
        Hello.\r

        """

    @Test("compile: a clean script exits 0, a broken one prints file:line:column and exits 1")
    func compile() throws {
        let dir = try Self.folder([
            "good.sieve": "require \"fileinto\";\nfileinto \"Lists\";\n",
            "bad.sieve": "require \"fileinto\";\nif header :contains \"subject\" \"x\" {\n  fileinto \"A\"\n}\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try Self.run(["compile", dir.appendingPathComponent("good.sieve").path])
        #expect(good.status == 0)
        #expect(good.stdout.contains("good.sieve: OK"))

        let badPath = dir.appendingPathComponent("bad.sieve").path
        let bad = try Self.run(["compile", badPath])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("\(badPath):4:1: error:"), "\(bad.stderr)")
    }

    @Test("run --json prints the actions as one JSON document")
    func runJSON() throws {
        let dir = try Self.folder([
            "lists.sieve": """
                require ["fileinto", "copy", "variables"];
                if header :matches "List-Id" "*<*.lists.*>" {
                    fileinto :copy "lists.${2}";
                }
                """,
            "msg.eml": Self.message,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Self.run(["run", dir.appendingPathComponent("lists.sieve").path,
                                   dir.appendingPathComponent("msg.eml").path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let actions = try #require(object?["actions"] as? [[String: Any]])
        #expect(actions.count == 2)
        #expect(actions.first?["action"] as? String == "fileinto")
        #expect(actions.first?["mailbox"] as? String == "lists.swift-users")
        #expect(actions.first?["copy"] as? Bool == true)
        #expect(actions.last?["action"] as? String == "keep")
        #expect(actions.last?["implicit"] as? Bool == true)
        #expect((object?["errors"] as? [Any])?.isEmpty == true)
    }

    @Test("run --trace shows each command and test with its line and outcome")
    func runTrace() throws {
        let dir = try Self.folder([
            "s.sieve": "require \"fileinto\";\nif header :contains \"subject\" \"Grüße\" {\n  fileinto \"Greetings\";\n}\n",
            "msg.eml": Self.message,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Self.run(["run", dir.appendingPathComponent("s.sieve").path,
                                   dir.appendingPathComponent("msg.eml").path, "--trace"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2: if"))
        #expect(result.stdout.contains("2:   test header :contains"))
        #expect(result.stdout.contains("-> true"))
        #expect(result.stdout.contains("fileinto \"Greetings\""))
    }

    @Test("run with an explicit envelope; a runtime error exits 2 and keeps")
    func runtimeErrorFallsBackToKeep() throws {
        let dir = try Self.folder([
            "r.sieve": "require \"reject\";\nkeep;\nreject \"no\";\n",
            "msg.eml": Self.message,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Self.run(["run", dir.appendingPathComponent("r.sieve").path,
                                   dir.appendingPathComponent("msg.eml").path,
                                   "--from", "", "--to", "bob@example.com", "--json"])
        #expect(result.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let actions = object?["actions"] as? [[String: Any]] ?? []
        #expect(actions.count == 1)
        #expect(actions.first?["implicit"] as? Bool == true)
        let errors = object?["errors"] as? [[String: Any]] ?? []
        #expect(errors.first?["line"] as? Int == 3)
    }

    @Test("run --html writes the page; the actions still print; a bad path is a clear error")
    func runHTML() throws {
        let dir = try Self.folder([
            "s.sieve": "require \"fileinto\";\nif header :contains \"subject\" \"</script>\" {\n  fileinto \"X\";\n}\n",
            "msg.eml": Self.message,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("run.html")
        let result = try Self.run(["run", dir.appendingPathComponent("s.sieve").path,
                                   dir.appendingPathComponent("msg.eml").path, "--html", page.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("implicit keep"))
        #expect(!result.stdout.contains("trace:"))
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains(#"class="line not-matched""#))
        #expect(html.contains("&lt;/script&gt;"))
        #expect(!html.contains("</script>"))

        // A script that does not compile still gets its page, and the run exits 1.
        try Data("fileinto \"X\";\n".utf8).write(to: dir.appendingPathComponent("broken.sieve"))
        let brokenPage = dir.appendingPathComponent("broken.html")
        let broken = try Self.run(["run", dir.appendingPathComponent("broken.sieve").path,
                                   dir.appendingPathComponent("msg.eml").path, "--html", brokenPage.path])
        #expect(broken.status == 1)
        let brokenHTML = try String(contentsOf: brokenPage, encoding: .utf8)
        #expect(brokenHTML.contains("does not compile"))

        let bad = try Self.run(["run", dir.appendingPathComponent("s.sieve").path,
                                dir.appendingPathComponent("msg.eml").path, "--html", "/nonexistent/dir/run.html"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("cannot write report /nonexistent/dir/run.html"), "\(bad.stderr)")
    }

    @Test("lint: warnings with file:line:column; exit 0, 1 with --strict, 1 on compile errors")
    func lint() throws {
        let dir = try Self.folder([
            "warn.sieve": "require [\"fileinto\", \"relational\"];\nfileinto \"A\";\nstop;\nkeep;\n",
            "clean.sieve": "require \"fileinto\";\nfileinto \"A\";\n",
            "broken.sieve": "fileinto \"A\";\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let warn = dir.appendingPathComponent("warn.sieve").path
        let clean = dir.appendingPathComponent("clean.sieve").path
        let broken = dir.appendingPathComponent("broken.sieve").path

        let result = try Self.run(["lint", warn, clean])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            \(warn):1:22: warning: capability "relational" is required but never used; remove it from 'require'
            \(warn):4:1: warning: this 'keep' never runs: the unconditional 'stop' at line 3 ends the script before it

            """)
        #expect(try Self.run(["lint", "--strict", warn]).status == 1)
        #expect(try Self.run(["lint", "--strict", clean]).status == 0)
        let failed = try Self.run(["lint", broken])
        #expect(failed.status == 1)
        #expect(failed.stderr.hasPrefix("\(broken):1:1: error:"), "\(failed.stderr)")
    }

    @Test("a missing file is a clear error")
    func missingFile() throws {
        let result = try Self.run(["compile", "/nonexistent/x.sieve"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot read /nonexistent/x.sieve: No such file or directory"))
    }
}

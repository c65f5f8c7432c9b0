import Foundation
import Testing

/// `include` (RFC 6609) from the command line: personal scripts next to the script,
/// global ones in --global-dir or the configuration's global_dir.
@Suite("sieve-check include")
struct SieveCheckIncludeCLITests {
    /// main.sieve includes lists.sieve (next to it) and the global spam.sieve.
    static func scripts() throws -> (dir: URL, global: URL) {
        let dir = try SieveCheckCLITests.folder([
            "main.sieve": "require [\"include\", \"fileinto\"];\ninclude \"lists\";\ninclude :global \"spam\";\nfileinto \"Main\";\n",
            "lists.sieve": "require \"fileinto\";\nfileinto \"Lists\";\n",
            "message.eml": SieveCheckCLITests.message,
        ])
        let global = dir.appendingPathComponent("global")
        try FileManager.default.createDirectory(at: global, withIntermediateDirectories: true)
        try Data("require \"fileinto\";\nfileinto \"Junk\";\n".utf8).write(to: global.appendingPathComponent("spam.sieve"))
        return (dir, global)
    }

    @Test("compile, lint and run: a global include without --global-dir is not checked (a warning); with it all work")
    func compileGlobalDirectory() throws {
        let (dir, global) = try Self.scripts()
        defer { try? FileManager.default.removeItem(at: dir) }
        let main = dir.appendingPathComponent("main.sieve").path
        let message = dir.appendingPathComponent("message.eml").path
        let warning = "\(main):3:17: warning: included global script \"spam\" is not checked: no global script directory given"
        for command in ["compile", "lint"] {
            let without = try SieveCheckCLITests.run([command, main])
            #expect(without.status == 0, "\(command): \(without.stderr)")
            #expect((without.stderr + without.stdout).contains(warning), "\(command): \(without.stderr)")
        }
        // A run goes on without it, says so, and shows what the rest does.
        let run = try SieveCheckCLITests.run(["run", main, message])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains(warning), "\(run.stderr)")
        #expect(run.stdout.contains("fileinto \"Lists\""), "\(run.stdout)")
        #expect(run.stdout.contains("fileinto \"Main\""), "\(run.stdout)")
        #expect(!run.stdout.contains("Junk"), "\(run.stdout)")
        // A personal include that is missing stays an error for compile too.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("lists.sieve"))
        let missing = try SieveCheckCLITests.run(["compile", main])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("\(main):2:9: error: included personal script \"lists\" does not exist"), "\(missing.stderr)")
        try Data("require \"fileinto\";\nfileinto \"Lists\";\n".utf8).write(to: dir.appendingPathComponent("lists.sieve"))
        let with = try SieveCheckCLITests.run(["compile", main, "--global-dir", global.path])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stdout.contains("main.sieve: OK"))
    }

    @Test("compile: --personal-dir replaces the script's own folder for personal includes")
    func compilePersonalDirectory() throws {
        let (dir, global) = try Self.scripts()
        defer { try? FileManager.default.removeItem(at: dir) }
        let main = dir.appendingPathComponent("main.sieve").path
        // The global folder has spam.sieve but no lists.sieve: the personal include is now missing.
        let elsewhere = try SieveCheckCLITests.run(["compile", main, "--global-dir", global.path, "--personal-dir", global.path])
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stderr.contains("\(main):2:9: error: included personal script \"lists\" does not exist"), "\(elsewhere.stderr)")
        let here = try SieveCheckCLITests.run(["compile", main, "--global-dir", global.path, "--personal-dir", dir.path])
        #expect(here.status == 0, "\(here.stderr)")
    }

    @Test("compile: global_dir comes from --config too")
    func compileConfiguredGlobalDirectory() throws {
        let (dir, global) = try Self.scripts()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("sluice.toml")
        try Data("[scripts]\nglobal_dir = \"\(global.path)\"\n".utf8).write(to: config)
        let outcome = try SieveCheckCLITests.run(["compile", dir.appendingPathComponent("main.sieve").path, "--config", config.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    @Test("run: the included scripts' actions come first, in include order")
    func runIncludes() throws {
        let (dir, global) = try Self.scripts()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try SieveCheckCLITests.run(["run", dir.appendingPathComponent("main.sieve").path,
                                                  dir.appendingPathComponent("message.eml").path, "--global-dir", global.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let actions = lines.drop { $0 != "actions:" }.dropFirst()
        #expect(Array(actions) == ["  fileinto \"Lists\"", "  fileinto \"Junk\"", "  fileinto \"Main\""], "\(outcome.stdout)")
    }

    @Test("run --before: the user's script still finds its includes")
    func runSequenceIncludes() throws {
        let (dir, global) = try Self.scripts()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = dir.appendingPathComponent("before.sieve")
        try Data("require \"imap4flags\";\naddflag \"\\\\Seen\";\n".utf8).write(to: before)
        let outcome = try SieveCheckCLITests.run(["run", dir.appendingPathComponent("main.sieve").path,
                                                  dir.appendingPathComponent("message.eml").path, "--global-dir", global.path,
                                                  "--before", before.path, "--json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for folder in ["Lists", "Junk", "Main"] {
            #expect(outcome.stdout.contains("\"mailbox\":\"\(folder)\""), "\(outcome.stdout)")
        }
    }

    @Test("compile: an error inside an included script names the chain")
    func chainedError() throws {
        let dir = try SieveCheckCLITests.folder([
            "main.sieve": "require \"include\";\ninclude \"broken\";\n",
            "broken.sieve": "keep;\nfileinto \"X\";\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let main = dir.appendingPathComponent("main.sieve").path
        let broken = dir.appendingPathComponent("broken.sieve").path
        let outcome = try SieveCheckCLITests.run(["compile", main])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("\(main):2:1 → \(broken):2:1: error: command 'fileinto' requires the \"fileinto\" extension"),
                "\(outcome.stderr)")
    }
}

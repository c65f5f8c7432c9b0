import Foundation
import Testing

@Suite("sieve-check: external programs (pipe, filter, execute) and debug_log")
struct SieveCheckProgramsCLITests {
    @Test("compile accepts the program extensions unless --config leaves them off")
    func compileWithAndWithoutSite() throws {
        let dir = try SieveCheckCLITests.folder([
            "pipe.sieve": "require \"vnd.dovecot.pipe\";\npipe \"archive\";\n",
            "sluice.toml": "hostname = \"mx.example.org\"\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("pipe.sieve").path
        let open = try SieveCheckCLITests.run(["compile", script])
        #expect(open.status == 0, "\(open.stderr)")
        let site = try SieveCheckCLITests.run(["compile", "--config", dir.appendingPathComponent("sluice.toml").path, script])
        #expect(site.status == 1)
        #expect(site.stderr.contains("pipe.sieve:1:9: error: extension \"vnd.dovecot.pipe\" is not enabled on this server"),
                "\(site.stderr)")
    }

    @Test("run executes execute programs of the configured directory and prints debug_log")
    func runExecutesPrograms() throws {
        let dir = try SieveCheckCLITests.folder([
            "folder.sieve": """
                require ["vnd.dovecot.execute", "vnd.dovecot.debug", "variables", "fileinto"];
                execute :output "where" "pick";
                debug_log "picked ${where}";
                fileinto "${where}";
                """,
            "msg.eml": SieveCheckCLITests.message,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let bin = dir.appendingPathComponent("bin").path
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\nprintf Archive\n".write(toFile: bin + "/pick", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/pick")
        let config = dir.appendingPathComponent("sluice.toml").path
        try "[programs]\nexecute_dir = \"\(bin)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let outcome = try SieveCheckCLITests.run(["run", dir.appendingPathComponent("folder.sieve").path,
                                                  dir.appendingPathComponent("msg.eml").path, "--config", config])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("debug_log: picked Archive"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("fileinto \"Archive\""), "\(outcome.stdout)")
    }
}

import Foundation
import Testing

@Suite("sieve-check: capabilities, --environment, --config")
struct SieveCheckEnvironmentCLITests {
    @Test("capabilities prints one name per line, and --json one document")
    func capabilities() throws {
        let text = try SieveCheckCLITests.run(["capabilities"])
        #expect(text.status == 0)
        let names = text.stdout.split(separator: "\n").map(String.init)
        #expect(names.contains("fileinto"))
        #expect(names.contains("environment"))
        #expect(names.contains("spamtestplus"))
        #expect(names.contains("imapflags"))
        #expect(!names.contains("vnd.dovecot.testsuite"))
        let json = try SieveCheckCLITests.run(["capabilities", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: [String]]
        #expect(object?["capabilities"] == names)
    }

    @Test("run --environment sets the items a script sees; --trace says where a value came from")
    func environmentFlags() throws {
        let dir = try SieveCheckCLITests.folder([
            "env.sieve": """
                require ["environment", "fileinto"];
                if environment "remote-ip" "198.51.100.4" { fileinto "FromRelay"; }
                if environment :contains "remote-host" "" { fileinto "Named"; }
                """,
            "msg.eml": SieveCheckCLITests.message,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("env.sieve").path
        let message = dir.appendingPathComponent("msg.eml").path
        let set = try SieveCheckCLITests.run(["run", script, message, "--environment", "remote-ip=198.51.100.4", "--trace"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("fileinto \"FromRelay\""), "\(set.stdout)")
        #expect(!set.stdout.contains("Named"), "\(set.stdout)")
        #expect(set.stdout.contains("(environment item \"remote-host\" does not exist)"), "\(set.stdout)")
        let bad = try SieveCheckCLITests.run(["run", script, message, "--environment", "version=9"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("environment item \"version\" is fixed"), "\(bad.stderr)")
    }

    @Test("--config reads [spamtest] from sluice.toml; --json and --trace show the score")
    func spamtestFromConfig() throws {
        let dir = try SieveCheckCLITests.folder([
            "spam.sieve": """
                require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto"];
                if spamtest :value "ge" :comparator "i;ascii-numeric" "6" { fileinto "Junk"; }
                """,
            "spam.eml": "From: a@example.org\r\nTo: b@example.com\r\nX-Spam-Score: 7.3\r\nSubject: x\r\n\r\nHi\r\n",
            "sluice.toml": "[spamtest]\nstatus_header = \"X-Spam-Score\"\nscore_max_value = 10\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let arguments = ["run", dir.appendingPathComponent("spam.sieve").path, dir.appendingPathComponent("spam.eml").path]
        let unconfigured = try SieveCheckCLITests.run(arguments)
        #expect(!unconfigured.stdout.contains("Junk"), "\(unconfigured.stdout)")
        let configured = try SieveCheckCLITests.run(arguments + ["--config", dir.appendingPathComponent("sluice.toml").path,
                                                                 "--json", "--trace"])
        #expect(configured.status == 0, "\(configured.stderr)")
        #expect(configured.stdout.contains("Junk"), "\(configured.stdout)")
        #expect(configured.stdout.contains(#"X-Spam-Score \"7.3\": 7.3 of 10"#), "\(configured.stdout)")
    }

    @Test("--config reads [lists] from sluice.toml for :list (RFC 6134), files per recipient")
    func listsFromConfig() throws {
        let dir = try SieveCheckCLITests.folder([
            "lists.sieve": """
                require ["extlists", "fileinto"];
                if address :list "from" ":addrbook:default" { fileinto "Known"; }
                if address :list "from" "tag:example.com,2026:vip" { fileinto "VIP"; }
                """,
            "msg.eml": "From: Ann <ann@example.org>\r\nTo: b@example.com\r\nSubject: x\r\n\r\nHi\r\n",
            "b.txt": "# the address book of b\nann@example.org\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("sluice.toml")
        try ("[lists]\n\":addrbook:default\" = \"" + dir.path + "/%n.txt\"\n"
             + "\"tag:example.com,2026:vip\" = [\"boss@example.com\"]\n").write(to: config, atomically: true, encoding: .utf8)
        let arguments = ["run", dir.appendingPathComponent("lists.sieve").path, dir.appendingPathComponent("msg.eml").path,
                         "--to", "b@example.com"]
        let unconfigured = try SieveCheckCLITests.run(arguments)
        #expect(unconfigured.status == 0, "\(unconfigured.stderr)")
        #expect(!unconfigured.stdout.contains("Known"), "\(unconfigured.stdout)")
        let configured = try SieveCheckCLITests.run(arguments + ["--config", config.path])
        #expect(configured.status == 0, "\(configured.stderr)")
        #expect(configured.stdout.contains("Known"), "\(configured.stdout)")
        #expect(!configured.stdout.contains("VIP"), "\(configured.stdout)")
    }
}

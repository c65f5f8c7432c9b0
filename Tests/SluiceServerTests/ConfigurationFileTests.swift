import Delivery
import Foundation
import Testing
@testable import SluiceServer

@Suite("sluice.toml configuration file")
struct ConfigurationFileTests {
    @Test("the example file in the repository loads and means what its comments say")
    func exampleFile() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sluice.example.toml").path
        let configuration = try ConfigurationFile.load(path: path)
        #expect(configuration.listeners == [.tcp(host: "127.0.0.1", port: 24), .unix(path: "/run/sluice/lmtp", mode: 0o660)])
        #expect(configuration.delivery.users.domains == ["example.org", "example.net"])
        #expect(configuration.session.maximumMessageSize == 50 << 20)
        #expect(configuration.delivery.users.table["postmaster@example.org"]?.maildirPath == "/var/mail/admin/Maildir")
        #expect(configuration.delivery.storage.overQuotaReply == .temporary)
    }

    @Test("an empty file gives the documented defaults")
    func defaults() throws {
        let configuration = try ConfigurationFile.parse("", file: "empty.toml")
        #expect(configuration.listeners == [.tcp(host: "127.0.0.1", port: 2424)])
        #expect(configuration.delivery.users.subaddressDelimiter == "+")
        #expect(configuration.timeouts.idle == .seconds(300))
    }

    @Test("every setting reaches the part of the server that uses it")
    func settings() throws {
        let configuration = try ConfigurationFile.parse("""
            hostname = "mx1.example.org"
            log_level = "debug"
            [lmtp]
            listen = ["[::1]:2424", "unix:/tmp/lmtp.sock"]
            socket_mode = "0600"
            max_message_size = "10M"
            max_recipients = 20
            idle_timeout = 60
            [users]
            domains = ["example.org"]
            accept_any_local_part = false
            subaddress_delimiter = "-"
            maildir = "/srv/mail/%d/%n"
            sieve_script = ""
            quota_bytes = "1G"
            [users.table."joe@example.org"]
            quota_messages = 500
            [storage]
            folder_separator = "."
            over_quota = "permanent"
            line_endings = "crlf"
            [scripts]
            max_redirects = 2
            vacation_min_period = 3600
            [delivery]
            recipient_concurrency = 4
            transaction_deadline = 120
            """, file: "t.toml")
        #expect(configuration.delivery.hostname == "mx1.example.org")
        #expect(configuration.session.serverName == "mx1.example.org")
        #expect(configuration.logLevel == .debug)
        #expect(configuration.listeners == [.tcp(host: "::1", port: 2424), .unix(path: "/tmp/lmtp.sock", mode: 0o600)])
        #expect(configuration.session.maximumMessageSize == 10 << 20)
        #expect(configuration.session.maximumRecipients == 20)
        #expect(configuration.timeouts.idle == .seconds(60))
        #expect(configuration.delivery.users.acceptAnyLocalPart == false)
        #expect(configuration.delivery.users.subaddressDelimiter == "-")
        #expect(configuration.delivery.users.scriptTemplate == nil)
        #expect(configuration.delivery.users.defaultQuota.maximumBytes == 1 << 30)
        #expect(configuration.delivery.users.table["joe@example.org"]?.quota?.maximumMessages == 500)
        #expect(configuration.delivery.storage.overQuotaReply == .permanent)
        #expect(configuration.delivery.storage.maildir.lineEnding == .crlf)
        #expect(configuration.delivery.scripts.sieveOptions.limits.maxRedirects == 2)
        #expect(configuration.delivery.scripts.sieveOptions.vacationPeriods.minimum == 3600)
        #expect(configuration.delivery.recipientConcurrency == 4)
        #expect(configuration.delivery.transactionDeadline == .seconds(120))
    }

    @Test("mistakes are errors that name the key", arguments: [
        ("[lmtp]\nmax_mesage_size = 10\n", "t.toml: unknown key 'lmtp.max_mesage_size' in [lmtp]"),
        ("colour = \"blue\"\n", "t.toml: unknown key 'colour' at the top level"),
        ("[lmtp]\nmax_recipients = \"many\"\n", "t.toml: 'lmtp.max_recipients' must be an integer, found string"),
        ("[lmtp]\nmax_recipients = 0\n", "t.toml: 'lmtp.max_recipients' is 0, expected 1 to 100000"),
        ("[storage]\nover_quota = \"maybe\"\n", "t.toml: 'storage.over_quota' is \"maybe\", expected one of \"temporary\", \"permanent\""),
        ("[lmtp]\nlisten = [\"localhost\"]\n", "t.toml: 'lmtp.listen': listen address \"localhost\": expected HOST:PORT or unix:PATH"),
        ("[lmtp]\nsocket_mode = \"rw\"\n", "t.toml: 'lmtp.socket_mode' is \"rw\", expected an octal mode such as \"0660\""),
        ("[users.table.\"a@b\"]\nmaildr = \"/x\"\n", "t.toml: unknown key 'users.table.a@b.maildr'"),
        ("[lmtp\n", "t.toml:1:"),
    ])
    func errors(text: String, expected: String) {
        do {
            _ = try ConfigurationFile.parse(text, file: "t.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.hasPrefix(expected), "\(error.message)")
        }
    }

    @Test("built-in defaults put Maildirs and scripts under the working directory")
    func builtInDefaults() {
        let configuration = SluiceConfiguration.builtInDefaults(workingDirectory: "/srv/sluice/")
        #expect(configuration.delivery.users.domains == ["localhost"])
        #expect(configuration.delivery.users.maildirTemplate == "/srv/sluice/var/mail/%d/%n")
        #expect(configuration.delivery.users.scriptTemplate == "/srv/sluice/var/sieve/%d/%n.sieve")
        #expect(configuration.listeners == [.tcp(host: "127.0.0.1", port: 2424)])
    }
}

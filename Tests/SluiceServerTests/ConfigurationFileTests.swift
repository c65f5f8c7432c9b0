import Delivery
import Foundation
import Sieve
import Testing
@testable import SluiceServer
import SluiceConfig

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
        #expect(configuration.delivery.users.table["postmaster@example.org"]?.aliases
            == ["hostmaster@example.org", "abuse@example.org"])
        #expect(configuration.delivery.outbound.method == .smtp)
        #expect(configuration.delivery.outbound.relayHost == "127.0.0.1")
        #expect(configuration.delivery.outbound.relayPort == 25)
        #expect(configuration.delivery.outbound.redirectFailure == .keep)
        #expect(configuration.delivery.outbound.sendmailCommand == ["/usr/sbin/sendmail", "-i"])
        #expect(configuration.delivery.vacation.trackingDatabase == "/var/lib/sluice/tracking.sqlite")
        #expect(configuration.delivery.vacation.systemSenderPatterns == VacationConfiguration().systemSenderPatterns,
                "the example lists the default system senders")
        #expect(configuration.delivery.vacation.requireUserAddressed)
        #expect(configuration.delivery.domain == "example.org")
        #expect(configuration.delivery.scripts.sieveOptions.spamtest
            == ScoreTestSettings(statusHeader: "X-Spam-Score", statusType: .score, maxValue: 10))
        #expect(configuration.delivery.scripts.sieveOptions.virustest
            == ScoreTestSettings(statusHeader: "X-Virus-Status", statusType: .text, textValues: [1: "Clean", 5: "Infected"]))
    }

    @Test("an empty file gives the documented defaults")
    func defaults() throws {
        let configuration = try ConfigurationFile.parse("", file: "empty.toml")
        #expect(configuration.listeners == [.tcp(host: "127.0.0.1", port: 2424)])
        #expect(configuration.delivery.users.subaddressDelimiter == "+")
        #expect(configuration.timeouts.idle == .seconds(300))
        #expect(configuration.receivingSpool.lineEnding == .lf)
        #expect(configuration.delivery.outbound.method == .smtp)
        #expect(configuration.delivery.outbound.relayHost == "127.0.0.1")
        #expect(configuration.delivery.outbound.relayPort == 25)
        #expect(configuration.delivery.outbound.heloName == nil)
        #expect(configuration.delivery.outbound.redirectFailure == .keep)
        #expect(configuration.delivery.vacation.trackingDatabase == "/var/lib/sluice/tracking.sqlite")
        #expect(configuration.delivery.vacation.requireUserAddressed)
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
            [users.table."ann@example.org"]
            aliases = ["ann.smith@example.org", "a.smith@example.net"]
            [outbound]
            method = "sendmail"
            relay = "[2001:db8::25]:2525"
            helo_name = "out.example.org"
            connect_timeout = 3
            reply_timeout = 7
            submission_timeout = 40
            sendmail_command = ["/usr/lib/sendmail", "-i", "-oi"]
            redirect_failure = "tempfail"
            [vacation]
            tracking_database = "/srv/sluice/tracking.sqlite"
            system_senders = ["noreply*", "alerts"]
            require_user_addressed = false
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
        // The LMTP spool converts to the store's line ends, once per message.
        #expect(configuration.receivingSpool.lineEnding == .crlf)
        #expect(configuration.serverConfiguration(for: configuration.listeners[0]).spool.lineEnding == .crlf)
        #expect(configuration.delivery.scripts.sieveOptions.limits.maxRedirects == 2)
        #expect(configuration.delivery.scripts.sieveOptions.vacationPeriods.minimum == 3600)
        #expect(configuration.delivery.recipientConcurrency == 4)
        #expect(configuration.delivery.transactionDeadline == .seconds(120))
        #expect(configuration.delivery.users.table["ann@example.org"]?.aliases
            == ["ann.smith@example.org", "a.smith@example.net"])
        let outbound = configuration.delivery.outbound
        #expect(outbound.method == .sendmail)
        #expect(outbound.relayHost == "2001:db8::25")
        #expect(outbound.relayPort == 2525)
        #expect(outbound.heloName == "out.example.org")
        #expect(outbound.connectTimeout == .seconds(3))
        #expect(outbound.replyTimeout == .seconds(7))
        #expect(outbound.submissionTimeout == .seconds(40))
        #expect(outbound.sendmailCommand == ["/usr/lib/sendmail", "-i", "-oi"])
        #expect(outbound.redirectFailure == .tempfail)
        #expect(configuration.delivery.vacation.trackingDatabase == "/srv/sluice/tracking.sqlite")
        #expect(configuration.delivery.vacation.systemSenderPatterns == ["noreply*", "alerts"])
        #expect(configuration.delivery.vacation.requireUserAddressed == false)
    }

    @Test("relay addresses, as [outbound] relay and --relay take them", arguments: [
        ("127.0.0.1:25", "127.0.0.1", 25), ("smtp.example.org", "smtp.example.org", 25),
        ("smtp.example.org:587", "smtp.example.org", 587), ("[::1]:2525", "::1", 2525), ("[::1]", "::1", 25),
    ])
    func relay(text: String, host: String, port: Int) throws {
        let parsed = try SluiceConfiguration.parseRelay(text)
        #expect(parsed.host == host)
        #expect(parsed.port == port)
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
        ("[outbound]\nmethod = \"uucp\"\n", "t.toml: 'outbound.method' is \"uucp\", expected one of \"smtp\", \"sendmail\""),
        ("[outbound]\nrelay = \"::1:25\"\n", "t.toml: 'outbound.relay': relay \"::1:25\": expected HOST:PORT (write an IPv6 address as [ADDRESS]:PORT)"),
        ("[outbound]\nrelay = \"mx:0\"\n", "t.toml: 'outbound.relay': relay \"mx:0\": expected HOST:PORT with a host and a port from 1 to 65535"),
        ("[outbound]\nsendmail_command = [\"sendmail\"]\n", "t.toml: 'outbound.sendmail_command' must start with an absolute path"),
        ("[outbound]\nredirect_failure = \"bounce\"\n", "t.toml: 'outbound.redirect_failure' is \"bounce\", expected one of \"keep\", \"tempfail\""),
        ("[outbound]\nrelais = \"x\"\n", "t.toml: unknown key 'outbound.relais' in [outbound]"),
        ("[vacation]\nrequire_user_addressed = \"yes\"\n", "t.toml: 'vacation.require_user_addressed' must be true or false"),
        ("[vacation]\ntracking_database = \"\"\n", "t.toml: 'vacation.tracking_database' is empty"),
        ("[users.table.\"a@b\"]\naliases = [\"Ann <ann@b>\"]\n", "t.toml: 'users.table.a@b.aliases' lists \"Ann <ann@b>\", expected local@domain"),
        ("[spamtest]\nstatus_header = \"X-Spam-Score\"\n",
         "t.toml: [spamtest]: sieve_spamtest_status_type score needs a maximum"),
        ("[spamtest]\nscore_max_value = 10\n", "t.toml: [spamtest] needs status_header"),
        ("[spamtest]\nstatus_header = \"X-Spam-Score\"\nscore_max_value = true\n",
         "t.toml: 'spamtest.score_max_value' must be a number, found bool"),
        ("[virustest]\nstatus_header = \"X-Virus\"\nstatus_type = \"text\"\ntext_value = { 7 = \"Bad\" }\n",
         "t.toml: [virustest]: sieve_virustest_text_value/7: 7 is out of range, virustest text values run from 0 to 5"),
        ("[spamtest]\nstatus_header = \"X-Spam-Status: score=(.*\"\nscore_max_value = 5\n",
         "t.toml: [spamtest]: sieve_spamtest_status_header: cannot use the regular expression \"score=(.*\""),
        ("[spamtest]\nstatus_headr = \"X\"\n", "t.toml: unknown key 'spamtest.status_headr' in [spamtest]"),
        ("domain = \"\"\n", "t.toml: 'domain' is \"\", expected a DNS domain"),
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
        #expect(configuration.delivery.vacation.trackingDatabase == "/srv/sluice/var/lib/sluice/tracking.sqlite")
        #expect(configuration.listeners == [.tcp(host: "127.0.0.1", port: 2424)])
    }
}

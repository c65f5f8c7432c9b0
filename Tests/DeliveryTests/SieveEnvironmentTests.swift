import MailCore
import Sieve
import Testing
@testable import Delivery

@Suite("Delivery: what Sieve's environment test sees (RFC 5183)")
struct SieveEnvironmentTests {
    @Test("a script sees the LMTP client's address and name, this host, its domain and the user")
    func clientAndHost() async throws {
        let site = try TestSite()
        try site.script("erin", """
            require ["vnd.dovecot.environment", "variables", "fileinto"];
            if allof(environment "remote-ip" "192.0.2.10", environment "remote-host" "client.example.com",
                     environment "host" "mx.test", environment "domain" "test",
                     environment "vnd.dovecot.username" "erin@example.org") {
                fileinto "Seen-${env.remote_ip}";
            }
            """)
        let outcomes = try await site.agent().deliver(transaction(["erin@example.org"]))
        #expect(outcomes.map { $0.copies.map(\.mailbox) } == [["Seen-192.0.2.10"]])
    }

    @Test("without a client address (a Unix socket, sluice deliver) remote-ip does not exist")
    func noClientAddress() async throws {
        var site = try TestSite()
        site.configuration.domain = "example.org"
        try site.script("fred", """
            require ["environment", "fileinto"];
            if environment :contains "remote-ip" "" { fileinto "Remote"; }
            elsif environment "domain" "example.org" { fileinto "Local"; }
            """)
        var request = transaction(["fred@example.org"])
        request.clientAddress = nil
        let outcomes = try await site.agent().deliver(request)
        #expect(outcomes.map { $0.copies.map(\.mailbox) } == [["Local"]])
    }

    @Test("the site's spamtest settings reach the scripts")
    func spamtestSettings() async throws {
        var site = try TestSite()
        site.configuration.scripts.sieveOptions.spamtest = try ScoreTestSettings(
            settings: ["status_header": "X-Spam-Score", "score_max_value": "10"], for: .spam)
        try site.script("gina", """
            require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto"];
            if spamtest :value "ge" :comparator "i;ascii-numeric" "8" { fileinto "Junk"; }
            """)
        let spam = "From: a@example.com\r\nTo: gina@example.org\r\nX-Spam-Score: 9.5\r\nSubject: x\r\n\r\nBuy.\r\n"
        let outcomes = try await site.agent().deliver(transaction(["gina@example.org"], message: spam))
        #expect(outcomes.map { $0.copies.map(\.mailbox) } == [["Junk"]])
    }
}

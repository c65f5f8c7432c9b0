import Foundation
import MailCore
import Sieve
import Testing
import Tracking

@testable import AutoReply
import TrackingSQLite

/// One table row: what to change in the default request, and the expected decision.
struct PolicyCase: Sendable, CustomTestStringConvertible {
    var name: String
    var sender: String = "sender@example.org"
    var addHeaders: [String] = []
    var headers: [String]? = nil
    var addresses: [String] = []
    var aliases: [String] = []
    var expected: VacationDecision

    var testDescription: String { name }

    func request() -> VacationRequest {
        vacationRequest(
            action: vacationAction(to: sender, addresses: addresses),
            headers: (headers ?? personalHeaders) + addHeaders, aliases: aliases)
    }
}

@Suite("RFC 5230 §4.5 / RFC 3834 §2 vacation: when not to respond")
struct VacationSuppressionTests {
    static let senderCases: [PolicyCase] = [
        PolicyCase(name: "ordinary personal message", expected: .respond),
        PolicyCase(name: "null sender (empty)", sender: "", expected: .suppress(.nullSender)),
        PolicyCase(name: "null sender <>", sender: "<>", expected: .suppress(.nullSender)),
        PolicyCase(name: "sender without domain", sender: "someone", expected: .suppress(.invalidSender("someone"))),
        PolicyCase(name: "sender is the recipient", sender: "user@example.com",
                   expected: .suppress(.senderIsUser("user@example.com"))),
        PolicyCase(name: "sender is the recipient, other case", sender: "USER@Example.COM",
                   expected: .suppress(.senderIsUser("user@example.com"))),
        PolicyCase(name: "sender is in :addresses", sender: "me@other.net", addresses: ["Me <Me@Other.net>"],
                   expected: .suppress(.senderIsUser("me@other.net"))),
        PolicyCase(name: "sender is a configured alias", sender: "alias@example.com", aliases: ["alias@example.com"],
                   expected: .suppress(.senderIsUser("alias@example.com"))),
    ]

    static let headerCases: [PolicyCase] =
        VacationPolicy.mailingListHeaderFields.map { name in
            PolicyCase(name: "list header \(name)", addHeaders: ["\(name): <mailto:x@lists.example.org>"],
                       expected: .suppress(.mailingList(header: name)))
        } + [
            PolicyCase(name: "list header in lower case", addHeaders: ["list-id: Dev <dev.lists.example.org>"],
                       expected: .suppress(.mailingList(header: "List-Id"))),
            PolicyCase(name: "Auto-Submitted: auto-generated", addHeaders: ["Auto-Submitted: auto-generated"],
                       expected: .suppress(.autoSubmitted("auto-generated"))),
            PolicyCase(name: "Auto-Submitted: auto-replied with parameters",
                       addHeaders: ["Auto-Submitted: Auto-Replied; owner-email=\"a@b\""],
                       expected: .suppress(.autoSubmitted("Auto-Replied; owner-email=\"a@b\""))),
            PolicyCase(name: "Auto-Submitted: auto-notified", addHeaders: ["Auto-Submitted: auto-notified"],
                       expected: .suppress(.autoSubmitted("auto-notified"))),
            PolicyCase(name: "Auto-Submitted: no", addHeaders: ["Auto-Submitted: no"], expected: .respond),
            PolicyCase(name: "Auto-Submitted: No (comment)", addHeaders: ["Auto-Submitted: No (typed by a person)"],
                       expected: .respond),
            PolicyCase(name: "second Auto-Submitted field not no",
                       addHeaders: ["Auto-Submitted: no", "Auto-Submitted: auto-generated"],
                       expected: .suppress(.autoSubmitted("auto-generated"))),
            PolicyCase(name: "Precedence: bulk", addHeaders: ["Precedence: bulk"], expected: .suppress(.precedence("bulk"))),
            PolicyCase(name: "Precedence: LIST", addHeaders: ["Precedence: LIST"], expected: .suppress(.precedence("LIST"))),
            PolicyCase(name: "Precedence: junk", addHeaders: ["Precedence:  junk "], expected: .suppress(.precedence("junk"))),
            PolicyCase(name: "Precedence: first-class", addHeaders: ["Precedence: first-class"], expected: .respond),
            PolicyCase(name: "X-Auto-Response-Suppress: All", addHeaders: ["X-Auto-Response-Suppress: All"],
                       expected: .suppress(.autoResponseSuppressed("All"))),
            PolicyCase(name: "X-Auto-Response-Suppress: DR, OOF", addHeaders: ["X-Auto-Response-Suppress: DR, OOF"],
                       expected: .suppress(.autoResponseSuppressed("DR, OOF"))),
            PolicyCase(name: "X-Auto-Response-Suppress: autoreply", addHeaders: ["x-auto-response-suppress: DR,autoreply"],
                       expected: .suppress(.autoResponseSuppressed("DR,autoreply"))),
            PolicyCase(name: "X-Auto-Response-Suppress: DR, NDR", addHeaders: ["X-Auto-Response-Suppress: DR, NDR, RN"],
                       expected: .respond),
        ]

    static let systemSenderCases: [PolicyCase] = [
        ("MAILER-DAEMON@mx.example.org", "mailer-daemon"), ("LISTSERV@lists.example.org", "listserv"),
        ("majordomo@example.org", "majordomo"), ("dev-request@lists.example.org", "*-request"),
        ("owner-dev@lists.example.org", "owner-*"), ("Postmaster@example.org", "postmaster"),
        ("noreply@shop.example", "noreply*"), ("no-reply+4711@shop.example", "no-reply*"),
        ("do-not-reply@bank.example", "do-not-reply*"), ("DoNotReply@bank.example", "donotreply*"),
        ("bounces+abc=example.com@mail.example", "bounce*"),
    ].map { sender, pattern in
        let localPart = String(sender[..<(sender.lastIndex(of: "@") ?? sender.endIndex)])
        return PolicyCase(name: "system sender \(sender)", sender: sender,
                          expected: .suppress(.systemSender(localPart: localPart, pattern: pattern)))
    } + [
        PolicyCase(name: "owner without hyphen is a person", sender: "owner@example.org", expected: .respond),
        PolicyCase(name: "requester is a person", sender: "requester@example.org", expected: .respond),
    ]

    @Test("sender rules", arguments: senderCases)
    func senders(_ row: PolicyCase) {
        #expect(VacationPolicy().check(row.request()) == row.expected)
    }

    @Test("header rules", arguments: headerCases)
    func headers(_ row: PolicyCase) {
        #expect(VacationPolicy().check(row.request()) == row.expected)
    }

    @Test("system senders (default patterns, on the local part)", arguments: systemSenderCases)
    func systemSenders(_ row: PolicyCase) {
        #expect(VacationPolicy().check(row.request()) == row.expected)
    }

    @Test("configured patterns replace the defaults")
    func configuredPatterns() {
        let policy = VacationPolicy(configuration: .init(systemSenderPatterns: ["alerts*", "robot?"]))
        #expect(policy.check(vacationRequest(action: vacationAction(to: "Alerts-EU@x.example")))
            == .suppress(.systemSender(localPart: "Alerts-EU", pattern: "alerts*")))
        #expect(policy.check(vacationRequest(action: vacationAction(to: "robot7@x.example")))
            == .suppress(.systemSender(localPart: "robot7", pattern: "robot?")))
        #expect(policy.check(vacationRequest(action: vacationAction(to: "robot77@x.example"))) == .respond)
        #expect(policy.check(vacationRequest(action: vacationAction(to: "noreply@x.example"))) == .respond)
    }

    @Test("the first rule that applies gives the reason")
    func order() {
        let listAndBulk = personalHeaders + ["Precedence: bulk", "List-Id: <dev.example.org>", "Auto-Submitted: auto-generated"]
        #expect(VacationPolicy().check(vacationRequest(action: vacationAction(to: ""), headers: listAndBulk))
            == .suppress(.nullSender))
        #expect(VacationPolicy().check(vacationRequest(action: vacationAction(to: "user@example.com"), headers: listAndBulk))
            == .suppress(.senderIsUser("user@example.com")))
        #expect(VacationPolicy().check(vacationRequest(headers: listAndBulk)) == .suppress(.mailingList(header: "List-Id")))
        #expect(VacationPolicy().check(vacationRequest(action: vacationAction(to: "noreply@x.example"),
                                                       headers: ["To: other@example.com"]))
            == .suppress(.systemSender(localPart: "noreply", pattern: "noreply*")))
    }

    @Test("no recipient address to reply as")
    func noRecipient() {
        #expect(VacationPolicy().check(vacationRequest(recipient: "")) == .suppress(.noRecipient))
    }

    @Test("reasons read as sentences naming what was seen")
    func reasonText() {
        #expect(VacationSuppression.mailingList(header: "List-Id").description.contains("List-Id"))
        #expect(VacationSuppression.precedence("bulk").description == "the message is bulk mail (Precedence: bulk)")
        #expect(VacationDecision.suppress(.nullSender).description.hasPrefix("suppress: the envelope sender is null"))
    }

    @Test("header values in reasons cannot carry line breaks into a log")
    func reasonSanitised() {
        let request = vacationRequest(headers: personalHeaders + ["Precedence: =?utf-8?q?bulk=0D=0Ainjected?="])
        guard case .suppress(.precedence(let value)) = VacationPolicy().check(request) else {
            Issue.record("expected a Precedence suppression")
            return
        }
        #expect(!value.contains("\r") && !value.contains("\n"))
    }
}

@Suite("RFC 5230 §4.6 vacation: the user must be addressed")
struct VacationAddressedTests {
    static let cases: [PolicyCase] = [
        PolicyCase(name: "user only a Bcc of another user's copy",
                   headers: ["From: sender@example.org", "To: other@example.com", "Cc: third@example.net"],
                   expected: .suppress(.userNotAddressed)),
        PolicyCase(name: "no recipient headers at all", headers: ["From: sender@example.org", "Subject: x"],
                   expected: .suppress(.userNotAddressed)),
        PolicyCase(name: "in Cc", headers: ["To: other@example.com", "Cc: \"U\" <User@EXAMPLE.com>"], expected: .respond),
        PolicyCase(name: "in Bcc", headers: ["To: other@example.com", "Bcc: user@example.com"], expected: .respond),
        PolicyCase(name: "in Resent-To", headers: ["To: other@example.com", "Resent-To: user@example.com"], expected: .respond),
        PolicyCase(name: "in Resent-Cc", headers: ["Resent-Cc: user@example.com"], expected: .respond),
        PolicyCase(name: "in Resent-Bcc", headers: ["Resent-Bcc: user@example.com"], expected: .respond),
        PolicyCase(name: "in a group", headers: ["To: Team: a@example.com, user@example.com;"], expected: .respond),
        PolicyCase(name: "second To field", headers: ["To: a@example.com", "To: user@example.com"], expected: .respond),
        PolicyCase(name: "via :addresses", headers: ["To: Me <me@other.net>"], addresses: ["me@other.net"],
                   expected: .respond),
        PolicyCase(name: "via alias", headers: ["To: postbox@example.com"], aliases: ["PostBox@example.com"],
                   expected: .respond),
        PolicyCase(name: "only in From (not a recipient field)", headers: ["From: user@example.com", "To: x@example.org"],
                   expected: .suppress(.userNotAddressed)),
        PolicyCase(name: "local part alone does not count", headers: ["To: user@example.net"],
                   expected: .suppress(.userNotAddressed)),
    ]

    @Test("recipient header fields", arguments: cases)
    func addressed(_ row: PolicyCase) {
        #expect(VacationPolicy().check(row.request()) == row.expected)
    }

    @Test("the requirement can be switched off")
    func switchedOff() {
        let policy = VacationPolicy(configuration: .init(requireUserAddressed: false))
        #expect(policy.check(vacationRequest(headers: ["To: other@example.com"])) == .respond)
    }
}

@Suite("RFC 5230 §4.1 vacation: once per sender and handle within the period")
struct VacationPeriodTests {
    @Test("a second message within the period gets no reply; after it, one again")
    func period() async throws {
        let store = InMemoryTrackingStore()
        let policy = VacationPolicy()
        let request = vacationRequest(action: vacationAction(seconds: 3600))
        #expect(try await policy.decide(request, store: store, now: testNow) == .respond)
        #expect(try await policy.decide(request, store: store, now: testNow.addingTimeInterval(3599))
            == .suppress(.alreadyReplied(sender: "sender@example.org", handle: "h1", seconds: 3600)))
        #expect(try await policy.decide(request, store: store, now: testNow.addingTimeInterval(3600)) == .respond)
    }

    @Test("the sender is tracked case-insensitively")
    func senderCase() async throws {
        let store = InMemoryTrackingStore()
        let policy = VacationPolicy()
        #expect(try await policy.decide(vacationRequest(action: vacationAction(to: "Sender@Example.ORG")), store: store,
                                        now: testNow) == .respond)
        #expect(try await policy.decide(vacationRequest(), store: store, now: testNow) != .respond)
    }

    @Test("another handle or another sender gets its own reply")
    func separateRecords() async throws {
        let store = InMemoryTrackingStore()
        let policy = VacationPolicy()
        #expect(try await policy.decide(vacationRequest(), store: store, now: testNow) == .respond)
        #expect(try await policy.decide(vacationRequest(action: vacationAction(handle: "h2")), store: store, now: testNow)
            == .respond)
        #expect(try await policy.decide(vacationRequest(action: vacationAction(to: "friend@example.org")), store: store,
                                        now: testNow) == .respond)
    }

    @Test("seconds 0 replies every time")
    func zeroSeconds() async throws {
        let store = InMemoryTrackingStore()
        let request = vacationRequest(action: vacationAction(seconds: 0))
        for _ in 0..<3 {
            #expect(try await VacationPolicy().decide(request, store: store, now: testNow) == .respond)
        }
        #expect(await store.recordCount == 0)
    }

    @Test("a suppressed message records nothing")
    func suppressedRecordsNothing() async throws {
        let store = InMemoryTrackingStore()
        let list = vacationRequest(headers: personalHeaders + ["List-Id: <l.example.org>"])
        #expect(try await VacationPolicy().decide(list, store: store, now: testNow) == .suppress(.mailingList(header: "List-Id")))
        #expect(await store.recordCount == 0)
        #expect(try await VacationPolicy().decide(vacationRequest(), store: store, now: testNow) == .respond)
    }

    @Test("forget after a failed send lets the next message get a reply")
    func forgetAfterFailure() async throws {
        let store = InMemoryTrackingStore()
        let request = vacationRequest()
        #expect(try await VacationPolicy().decide(request, store: store, now: testNow) == .respond)
        try await VacationPolicy().forget(request, store: store)
        #expect(try await VacationPolicy().decide(request, store: store, now: testNow) == .respond)
    }

    @Test("concurrent copies of one message: exactly one reply (SQLite store)")
    func concurrentDeliveries() async throws {
        let folder = FileManager.default.temporaryDirectory.path + "/sluice-vacation-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = SQLiteTrackingStore(path: folder + "/tracking.sqlite")
        let request = vacationRequest()
        let replies = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask { try await VacationPolicy().decide(request, store: store, now: testNow) == .respond }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(replies == 1)
    }
}

@Suite("RFC 5321 §4.1.2 addresses: matching helpers")
struct AddressMatchingTests {
    @Test("normalised forms", arguments: [
        ("user@Example.COM", "user@example.com"), ("<USER@example.com>", "user@example.com"),
        ("User Name <User@Example.com>", "user@example.com"), ("  a@b.example  ", "a@b.example"),
    ])
    func normalised(_ input: String, _ expected: String) {
        #expect(AddressMatching.normalized(input) == expected)
    }

    @Test("null and empty addresses have no normal form", arguments: ["", "<>", "  ", " <> "])
    func nullForms(_ input: String) {
        #expect(AddressMatching.normalized(input) == nil)
    }

    @Test("RFC 5321 mailbox syntax", arguments: [
        ("a@b.example", true), ("first.last+tag@sub.example.org", true), ("\"john doe\"@example.org", true),
        ("user@[192.0.2.1]", true), ("jörg@bücher.example", true),
        ("", false), ("a", false), ("@b.example", false), ("a@", false), ("a..b@example.org", false),
        ("a b@example.org", false), ("a@-bad.example", false), ("a@exa mple.org", false),
        ("a@example.org\r\nBcc: x@y", false), ("a\n@example.org", false), ("<a@b.example>", false),
    ])
    func mailboxSyntax(_ input: String, _ valid: Bool) {
        #expect(AddressMatching.isValidMailbox(input) == valid)
    }

    @Test("globs", arguments: [
        ("*-request", "dev-request", true), ("*-request", "request", false), ("owner-*", "OWNER-dev", true),
        ("no?reply*", "no-reply", true), ("no?reply*", "noreply", false), ("*", "", true), ("a*b*c", "aXbYbZc", true),
        ("a*b*c", "aXbYbZ", false), ("mailer-daemon", "MAILER-DAEMON", true), ("mailer-daemon", "mailer-daemons", false),
    ])
    func globs(_ pattern: String, _ text: String, _ matches: Bool) {
        #expect(AddressMatching.globMatches(pattern, text) == matches)
    }
}

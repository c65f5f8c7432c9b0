import Testing
@testable import Delivery

private func database(_ configure: (inout UserConfiguration) -> Void = { _ in }) throws -> ConfiguredUserDatabase {
    var configuration = UserConfiguration()
    configuration.domains = ["Example.org"]
    configuration.maildirTemplate = "/srv/mail/%d/%n/Maildir"
    configuration.scriptTemplate = "/srv/sieve/%u.sieve"
    configure(&configuration)
    return try ConfiguredUserDatabase(configuration: configuration)
}

private func user(_ lookup: RecipientLookup) -> DeliveryUser? {
    if case .user(let user) = lookup { return user }
    return nil
}

@Suite("User database: template users, RFC 5233 subaddresses, RFC 5321 §2.4 case")
struct UserDatabaseTests {
    @Test("a template user gets its paths from the templates")
    func templateUser() throws {
        let found = try #require(user(database().lookup("joe@example.org")))
        #expect(found.address == "joe@example.org")
        #expect(found.localPart == "joe")
        #expect(found.detail == nil)
        #expect(found.domain == "example.org")
        #expect(found.maildirPath == "/srv/mail/example.org/joe/Maildir")
        #expect(found.scriptPath == "/srv/sieve/joe@example.org.sieve")
        #expect(found.recipient == "joe@example.org")
    }

    struct SubaddressCase: Sendable, CustomStringConvertible {
        var recipient: String
        var delimiter: String
        var localPart: String
        var detail: String?
        var description: String { "\(recipient) with '\(delimiter)'" }
    }

    @Test("the detail is stripped for lookup and kept for Sieve", arguments: [
        SubaddressCase(recipient: "joe+lists@example.org", delimiter: "+", localPart: "joe", detail: "lists"),
        SubaddressCase(recipient: "joe+a+b@example.org", delimiter: "+", localPart: "joe", detail: "a+b"),
        SubaddressCase(recipient: "joe+@example.org", delimiter: "+", localPart: "joe", detail: ""),
        SubaddressCase(recipient: "+lists@example.org", delimiter: "+", localPart: "+lists", detail: nil),
        SubaddressCase(recipient: "joe-lists@example.org", delimiter: "-", localPart: "joe", detail: "lists"),
        SubaddressCase(recipient: "joe+lists@example.org", delimiter: "", localPart: "joe+lists", detail: nil),
        // Each character of the delimiter separates on its own (Dovecot's recipient_delimiter).
        SubaddressCase(recipient: "joe--x@example.org", delimiter: "--", localPart: "joe", detail: "-x"),
        SubaddressCase(recipient: "joe-x+y@example.org", delimiter: "+-", localPart: "joe", detail: "x+y"),
    ])
    func subaddress(_ example: SubaddressCase) throws {
        let found = try #require(user(database { $0.subaddressDelimiter = example.delimiter }.lookup(example.recipient)))
        #expect(found.localPart == example.localPart)
        #expect(found.detail == example.detail)
        #expect(found.maildirPath == "/srv/mail/example.org/\(example.localPart)/Maildir")
        #expect(found.recipient == example.recipient)
    }

    @Test("domains are case-insensitive; local parts too unless configured", arguments: [
        ("Joe@EXAMPLE.ORG", false, "joe"),
        ("<JOE+Lists@Example.Org>", false, "joe"),
        ("Joe@example.org", true, "Joe"),
    ])
    func caseRules(recipient: String, caseSensitive: Bool, expectedLocalPart: String) throws {
        let db = try database { $0.caseSensitiveLocalParts = caseSensitive }
        let found = try #require(user(db.lookup(recipient)))
        #expect(found.localPart == expectedLocalPart)
        #expect(found.domain == "example.org")
        #expect(found.maildirPath == "/srv/mail/example.org/\(expectedLocalPart)/Maildir")
        #expect(found.recipient == recipient.filter { $0 != "<" && $0 != ">" })
    }

    @Test("unknown: other domains, no domain, null path, table-only sites", arguments: [
        ("joe@example.com", "not served"),
        ("joe", "no domain"),
        ("<>", "null path"),
        ("nobody@example.org", "no such user"),
    ])
    func unknown(recipient: String, expected: String) throws {
        let db = try database {
            $0.acceptAnyLocalPart = recipient.hasPrefix("nobody") ? false : true
        }
        guard case .unknownUser(let reason) = db.lookup(recipient) else {
            Issue.record("\(recipient) should be unknown")
            return
        }
        #expect(reason.contains(expected))
        let refusal = try #require(db.lookup(recipient).refusal)
        #expect(refusal.code == 550)
        #expect(refusal.status == .badDestinationMailbox)
    }

    @Test("table entries override paths and quota; keys are case-insensitive")
    func table() throws {
        let db = try database {
            $0.acceptAnyLocalPart = false
            $0.defaultQuota = Quota(maximumBytes: 1000)
            $0.table = [
                "Alice@Example.ORG": UserEntry(maildirPath: "/data/alice", scriptPath: nil,
                                               quota: Quota(maximumMessages: 5)),
                "bob@example.org": UserEntry(),
                "bob+special@example.org": UserEntry(maildirPath: "/data/special"),
                "carol@other.test": UserEntry(),
            ]
        }
        let alice = try #require(user(db.lookup("alice+x@example.org")))
        #expect(alice.maildirPath == "/data/alice")
        #expect(alice.scriptPath == "/srv/sieve/alice@example.org.sieve")
        #expect(alice.quota == Quota(maximumMessages: 5))
        #expect(alice.detail == "x")
        let bob = try #require(user(db.lookup("BOB@example.org")))
        #expect(bob.maildirPath == "/srv/mail/example.org/bob/Maildir")
        #expect(bob.quota == Quota(maximumBytes: 1000))
        let special = try #require(user(db.lookup("bob+special@example.org")))
        #expect(special.maildirPath == "/data/special")
        #expect(special.detail == nil)
        // A table key's domain is served too.
        let carol = try #require(user(db.lookup("carol@OTHER.test")))
        #expect(carol.maildirPath == "/srv/mail/other.test/carol/Maildir")
        guard case .unknownUser = db.lookup("dave@other.test") else {
            Issue.record("dave should be unknown")
            return
        }
    }

    @Test("local parts that would escape the mail tree are unknown users", arguments: [
        "\"../etc\"@example.org",
        "\"a/b\"@example.org",
        "\"..\"@example.org",
        "\"\"@example.org",
        "\"a\\\u{01}b\"@example.org",
    ])
    func escapingLocalParts(recipient: String) throws {
        guard case .unknownUser(let reason) = try database().lookup(recipient) else {
            Issue.record("\(recipient) should be refused")
            return
        }
        #expect(reason.contains("%n") || reason.contains("component"))
    }

    @Test("a table user whose path would escape is a temporary failure (configuration error)")
    func tableEscape() throws {
        let db = try database {
            $0.caseSensitiveLocalParts = true
            $0.table = ["..@example.org": UserEntry()]
        }
        guard case .temporaryFailure(let reason) = db.lookup("..@example.org") else {
            Issue.record("expected a temporary failure")
            return
        }
        #expect(reason.contains("'.' or '..'"))
        #expect(db.lookup("..@example.org").refusal?.code == 451)
    }

    @Test("bad table keys are refused when the database is built", arguments: [
        "nodomain", "@example.org", "joe@", "Joe@example.org|joe@EXAMPLE.org",
    ])
    func badTableKeys(keys: String) {
        var configuration = UserConfiguration()
        for key in keys.split(separator: "|") { configuration.table[String(key)] = UserEntry() }
        #expect(throws: UserDatabaseError.self) { try ConfiguredUserDatabase(configuration: configuration) }
    }
}

import Testing
@testable import Sieve

@Suite("RFC 5233 subaddress")
struct RFC5233SubaddressTests {
    @Test(arguments: [
        ("envelope :user \"to\" \"roadrunner\"", true),
        ("envelope :detail \"to\" \"sieve\"", true),
        ("address :detail \"to\" \"lists\"", true),
        ("address :user \"to\" \"bob\"", true),
        ("address :detail \"from\" \"\"", false),          // no separator: no detail, never matches
        ("address :detail :matches \"from\" \"*\"", false),
    ])
    func subaddress(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test, require: ["subaddress", "envelope"]) == expected)
    }

    @Test("each character of the separator separates on its own; the first one found splits", arguments: [
        ("+-", "friep+-frop@example.com", "friep", "-frop"),
        ("-+", "friep+-frop@example.com", "friep", "-frop"),
        ("+-_", "list_request@example.com", "list", "request"),
        ("+-", "ken-x+y@example.com", "ken", "x+y"),
        ("+-", "plain@example.com", "plain", nil),
    ] as [(String, String, String, String?)])
    func severalSeparators(separator: String, recipient: String, user: String, detail: String?) throws {
        var options = SieveOptions()
        options.subaddressSeparator = separator
        let envelope = SieveEnvelope(from: "a@b.c", to: recipient)
        #expect(try holds("envelope :user \"to\" \"\(user)\"", require: ["subaddress", "envelope"], envelope: envelope, options: options))
        let detailTest = detail.map { "envelope :detail \"to\" \"\($0)\"" } ?? "not envelope :detail :matches \"to\" \"*\""
        #expect(try holds(detailTest, require: ["subaddress", "envelope"], envelope: envelope, options: options))
    }

    @Test func separatorComesFromOptions() throws {
        var options = SieveOptions()
        options.subaddressSeparator = "-"
        let envelope = SieveEnvelope(from: "a@b.c", to: "ken-extra@example.com")
        #expect(try holds("envelope :detail \"to\" \"extra\"", require: ["subaddress", "envelope"], envelope: envelope, options: options))
    }
}


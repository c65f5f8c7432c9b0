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

    @Test func separatorComesFromOptions() throws {
        var options = SieveOptions()
        options.subaddressSeparator = "-"
        let envelope = SieveEnvelope(from: "a@b.c", to: "ken-extra@example.com")
        #expect(try holds("envelope :detail \"to\" \"extra\"", require: ["subaddress", "envelope"], envelope: envelope, options: options))
    }
}


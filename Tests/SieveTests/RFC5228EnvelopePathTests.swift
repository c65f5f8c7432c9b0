import MailCore
import Testing
@testable import Sieve

/// How the `envelope` test reads SMTP paths: the null path, source routes, brackets, and
/// text that is no path at all.
///
/// - SeeAlso: RFC 5228 §5.4; RFC 5321 §4.1.2
@Suite("RFC 5228 §5.4: envelope paths")
struct RFC5228EnvelopePathTests {
    static let paths: [(String, EnvelopePath)] = [
        ("", .null),
        ("<>", .null),
        (" <> ", .null),
        ("a@example.org", .address(MailAddress(localPart: "a", domain: "example.org"))),
        ("<a@example.org>", .address(MailAddress(localPart: "a", domain: "example.org"))),
        ("<@relay.example:a@example.org>", .address(MailAddress(localPart: "a", domain: "example.org"))),
        ("<@r1.example,@r2.example:a@example.org>", .address(MailAddress(localPart: "a", domain: "example.org"))),
        ("<MAILER-DAEMON>", .address(MailAddress(localPart: "MAILER-DAEMON", domain: nil))),
        ("\"a b\"@example.org", .address(MailAddress(localPart: "a b", domain: "example.org"))),
        ("\"a@b\"@example.org", .address(MailAddress(localPart: "a@b", domain: "example.org"))),
        ("taro..x.@example.jp", .address(MailAddress(localPart: "taro..x.", domain: "example.jp"))),
        ("a@ex_ample.com", .address(MailAddress(localPart: "a", domain: "ex_ample.com"))),
        ("a@[192.0.2.1]", .address(MailAddress(localPart: "a", domain: "[192.0.2.1]"))),
        ("<<a@example.org>", .invalid),
        ("a@example.org>", .invalid),
        ("<a@example.org", .invalid),
        ("<a example.org>", .invalid),
        ("<a@@example.org>", .invalid),
        ("a@", .invalid),
        ("<relay.example:a@example.org>", .invalid),
        ("<@.example.org:a@example.org>", .invalid),
        ("<@r..nl:a@example.org>", .invalid),
        ("<@r.example.orga@example.org>", .invalid),
        ("<@r1.example@r2.example:a@example.org>", .invalid),
        ("<@r1.example,r2.example:a@example.org>", .invalid),
        ("<@r1.example,@r2.example,a@example.org>", .invalid),
        ("...@example.org", .invalid),
    ]

    @Test(arguments: paths)
    func parse(_ text: String, _ expected: EnvelopePath) {
        #expect(EnvelopePath(text) == expected, "\(text)")
    }

    @Test(arguments: ["", "<>"])
    func theNullPathIsEmptyForEveryAddressPart(_ from: String) throws {
        let envelope = SieveEnvelope(from: from, to: "me@example.net")
        for part in [":all", ":localpart", ":domain"] {
            #expect(try holds("envelope \(part) :is \"from\" \"\"", require: ["envelope"], envelope: envelope), "\(part)")
        }
        #expect(try !holds("envelope :all :is \"from\" \"me@example.net\"", require: ["envelope"], envelope: envelope))
    }

    @Test(arguments: ["a@", "<a@example.org", "a example.org"])
    func aBrokenPathMatchesNothing(_ from: String) throws {
        let envelope = SieveEnvelope(from: from, to: "me@example.net")
        #expect(try !holds("envelope :all :contains \"from\" \"\"", require: ["envelope"], envelope: envelope))
        #expect(try !holds("envelope :domain :contains \"from\" \"\"", require: ["envelope"], envelope: envelope))
    }

    @Test func sourceRoutesAreIgnored() throws {
        let envelope = SieveEnvelope(from: "<@relay.example:coyote@desert.example.org>", to: "me@example.net")
        #expect(try holds("envelope :localpart :is \"from\" \"coyote\"", require: ["envelope"], envelope: envelope))
    }

    @Test func theAuthPartIsTheAuthenticatedSender() throws {
        let envelope = SieveEnvelope(from: "a@example.org", to: "me@example.net", auth: "sirius")
        #expect(try holds("envelope :is \"auth\" \"sirius\"", require: ["envelope"], envelope: envelope))
        #expect(try !holds("envelope :is \"auth\" \"sirius\"", require: ["envelope"], envelope: standardEnvelope))
    }
}

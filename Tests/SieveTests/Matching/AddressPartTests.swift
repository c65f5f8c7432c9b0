import MailCore
import Testing
@testable import Sieve

@Suite("RFC 5228 §2.7.4 address parts")
struct AddressPartTests {
    @Test(arguments: [
        (":all", AddressPart.all), ("all", .all), (":LOCALPART", .localpart), (":domain", .domain),
        (":user", .user), ("Detail", .detail),
    ])
    func tags(tag: String, expected: AddressPart) {
        #expect(AddressPart(tag: tag) == expected)
    }

    @Test(arguments: [":", "", ":local", "::all"])
    func unknownTags(tag: String) {
        #expect(AddressPart(tag: tag) == nil)
    }

    @Test(arguments: [
        // (local, domain, part, expected)
        ("coyote", "example.com" as String?, AddressPart.all, "coyote@example.com" as String?),
        ("coyote", "example.com", .localpart, "coyote"),
        ("coyote", "example.com", .domain, "example.com"),
        ("MAILER-DAEMON", nil, .all, "MAILER-DAEMON"),
        ("MAILER-DAEMON", nil, .domain, nil),
        ("MAILER-DAEMON", nil, .localpart, "MAILER-DAEMON"),
        ("john doe", "x.org", .localpart, "john doe"),
    ])
    func basicParts(local: String, domain: String?, part: AddressPart, expected: String?) {
        let address = MailAddress(localPart: local, domain: domain)
        #expect(part.extract(from: address, separator: "+") == expected)
    }
}

@Suite("RFC 5233 §4 subaddress :user and :detail")
struct SubaddressTests {
    @Test(arguments: [
        // (local part, separator, :user, :detail)
        ("ken+sieve", "+", "ken", "sieve" as String?),
        ("ken", "+", "ken", nil),            // no separator: :user is the whole local part, :detail never matches
        ("ken+", "+", "ken", ""),            // zero-length detail is the empty string
        ("ken+foo+bar", "+", "ken", "foo+bar"),  // split at the FIRST separator
        ("user++detail", "+", "user", "+detail"),
        ("+detail", "+", "", "detail"),
        ("timo-spam", "-", "timo", "spam"),
        ("timo+spam", "-", "timo+spam", nil),
        ("a--b--c", "--", "a", "-b--c"),          // each character separates on its own
        ("a_b+c", "+_", "a", "b+c"),
        ("ken+sieve", "", "ken+sieve", nil),  // an empty separator never splits
        ("jöhn+ñ", "+", "jöhn", "ñ"),
    ])
    func userAndDetail(local: String, separator: String, user: String, detail: String?) {
        let address = MailAddress(localPart: local, domain: "example.org")
        #expect(AddressPart.user.extract(from: address, separator: separator) == user)
        #expect(AddressPart.detail.extract(from: address, separator: separator) == detail)
    }

    @Test func missingDetailMatchesNoKey() {
        // Pigeonhole's RFC test: a missing detail matches neither "*", "?", "" nor :contains "".
        let values = [MailAddress(localPart: "nico", domain: "example.com")]
            .compactMap { AddressPart.detail.extract(from: $0, separator: "+") }
        #expect(!Matcher.match(values: values, keys: ["*", "?"], type: .matches, comparator: .asciiCasemap).matched)
        #expect(!Matcher.match(values: values, keys: [""], type: .contains, comparator: .asciiCasemap).matched)
        #expect(!Matcher.match(values: values, keys: [""], type: .is, comparator: .asciiCasemap).matched)
    }
}

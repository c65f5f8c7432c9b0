import MailCore
import Testing
@testable import Sieve

@Suite("RFC 5228 §5.7 header")
struct RFC5228HeaderTests {
    @Test(arguments: [
        ("header :contains \"Subject\" \"present\"", true),
        ("header :contains \"SUBJECT\" \"PRESENT\"", true),                  // names and casemap are case-insensitive
        ("header :is \"Subject\" \"I have a present for you\"", true),
        ("header :is \"Subject\" \"I have a present\"", false),
        ("header :matches \"Subject\" \"I * a * for ?ou\"", true),
        ("header :contains :comparator \"i;octet\" \"Subject\" \"PRESENT\"", false),
        ("header :contains \"X-Caffeine\" \"\"", true),                      // exists, so "" is contained
        ("header :contains \"X-Missing\" \"\"", false),                      // a missing header is false
        ("header :is \"X-Missing\" \"\"", false),
        ("header :is [\"X-Missing\", \"X-Caffeine\"] [\"foo\", \"C8H10N4O2\"]", true),
        ("header :contains \"to\" \"Friends\"", true),
    ])
    func header(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test) == expected)
    }

    @Test func encodedWordSubjectIsComparedDecoded() throws {
        let message = makeMessage(["Subject: =?UTF-8?B?w4ljb2xlIGTDqXTDqQ==?= =?ISO-8859-1?Q?caf=E9?="])
        #expect(try holds("header :is \"subject\" \"École détécafé\"", message: message))
        #expect(try holds("header :contains \"subject\" \"café\"", message: message))
    }

    @Test func everyFieldOfARepeatedHeaderIsTested() throws {
        let message = makeMessage(["Received: from a", "Received: from b", "Received: from c"])
        #expect(try holds("header :is \"received\" \"from c\"", message: message))
    }
}

@Suite("RFC 5228 §5.1 address")
struct RFC5228AddressTests {
    @Test(arguments: [
        ("address :is :all \"from\" \"coyote@desert.example.org\"", true),
        ("address \"from\" \"COYOTE@DESERT.EXAMPLE.ORG\"", true),                 // default :all :is casemap
        ("address :localpart \"from\" \"coyote\"", true),
        ("address :domain \"from\" \"desert.example.org\"", true),
        ("address :domain :is [\"From\", \"To\"] \"acme.example.com\"", true),
        ("address :all :is \"to\" \"ally@acme.example.com\"", true),              // group member
        ("address :all :is \"to\" \"Friends\"", false),                              // group name is not an address
        ("address :is \"cc\" \"boss@acme.example.com\"", true),                     // comment skipped
        ("address :contains \"from\" \"Wile\"", false),                             // display name is not compared
        ("address :is \"reply-to\" \"x@y\"", false),                                // missing header
        ("address :matches :localpart \"to\" \"bob+*\"", true),
    ])
    func address(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test) == expected)
    }

    @Test func unparsableEntriesMatchOnlyWithAll() throws {
        let message = makeMessage(["To: undisclosed-recipients, real@example.com"])
        #expect(try holds("address :all :is \"to\" \"undisclosed-recipients\"", message: message))
        #expect(try !holds("address :localpart :is \"to\" \"undisclosed-recipients\"", message: message))
        #expect(try !holds("address :domain :contains \"to\" \"undisclosed\"", message: message))
        #expect(try holds("address :domain :is \"to\" \"example.com\"", message: message))
    }

    @Test func encodedDisplayNamesAndQuotedLocalParts() throws {
        let message = makeMessage(["From: =?UTF-8?Q?Andr=C3=A9?= <\"andre.x\"@example.com>"])
        #expect(try holds("address :localpart :is \"from\" \"andre.x\"", message: message))
    }
}

@Suite("RFC 5228 §5.4 envelope")
struct RFC5228EnvelopeTests {
    @Test(arguments: [
        ("envelope :all :is \"from\" \"coyote@desert.example.org\"", true),
        ("envelope :domain :is \"to\" \"acme.example.com\"", true),
        ("envelope :localpart :is \"to\" \"roadrunner+sieve\"", true),
        ("envelope :is [\"from\", \"to\"] \"roadrunner+sieve@acme.example.com\"", true),
        ("envelope :is \"FROM\" \"coyote@desert.example.org\"", true),
    ])
    func envelope(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test, require: ["envelope"]) == expected)
    }

    /// RFC 5228 §5.4: the null reverse-path is "" whatever the address part.
    @Test func nullSenderIsEmptyForEveryAddressPart() throws {
        let envelope = SieveEnvelope(from: "", to: "u@example.com")
        #expect(try holds("envelope :all :is \"from\" \"\"", require: ["envelope"], envelope: envelope))
        #expect(try holds("envelope :localpart :is \"from\" \"\"", require: ["envelope"], envelope: envelope))
        #expect(try holds("envelope :domain :matches \"from\" \"*\"", require: ["envelope"], envelope: envelope))
        #expect(try !holds("envelope :domain :matches \"from\" \"?*\"", require: ["envelope"], envelope: envelope))
        let bracketed = SieveEnvelope(from: "<>", to: "u@example.com")
        #expect(try holds("envelope :is \"from\" \"\"", require: ["envelope"], envelope: bracketed))
    }
}

@Suite("RFC 5228 §5.5 exists, §5.9 size, §5.2–5.3, §5.6, §5.8, §5.10 logic")
struct RFC5228OtherTests {
    @Test(arguments: [
        ("exists \"From\"", true),
        ("exists [\"From\", \"Subject\"]", true),
        ("exists [\"From\", \"Date\"]", false),              // all must exist
        ("not exists [\"From\", \"Date\"]", true),
        ("true", true),
        ("false", false),
        ("not true", false),
        ("allof (true, true)", true),
        ("allof (true, false)", false),
        ("anyof (false, false)", false),
        ("anyof (false, true)", true),
        ("not anyof (false, not true)", true),
    ])
    func logic(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test) == expected)
    }

    @Test func sizeCountsOctetsWithCRLF() throws {
        let message = Message("Subject: x\n\nabc\n")   // 16 bytes as LF, 19 with CRLF
        #expect(message.size == 19)
        #expect(try holds("size :over 18", message: message))
        #expect(try !holds("size :over 19", message: message))
        #expect(try holds("size :under 20", message: message))
        #expect(try !holds("size :under 19", message: message))
    }

    @Test func sizeQuantifiers() throws {
        #expect(try holds("size :under 1K"))
        #expect(try !holds("size :over 1M"))
    }
}

@Suite("RFC 5228 §2.7 match types and comparators")
struct RFC5228MatchTypeTests {
    @Test(arguments: [
        ("header :matches \"X-Caffeine\" \"*\"", true),
        ("header :matches \"X-Caffeine\" \"C?H*\"", true),
        ("header :matches \"X-Caffeine\" \"c8h10n4o2\"", true),
        ("header :matches \"X-Caffeine\" \"**O2\"", true),                // adjacent wildcards
        ("header :matches \"X-Caffeine\" \"C8H10N4O?\"", true),
        ("header :matches \"X-Caffeine\" \"C8H10N4O??\"", false),
        ("header :matches \"Subject\" \"*present*\"", true),
    ])
    func matches(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test) == expected)
    }

    @Test func escapedStarMatchesOnlyAStar() throws {
        let star = makeMessage(["Subject: price*"])
        let plain = makeMessage(["Subject: prices"])
        #expect(try holds("header :matches \"Subject\" \"price\\\\*\"", message: star))
        #expect(try !holds("header :matches \"Subject\" \"price\\\\*\"", message: plain))
    }

    @Test(arguments: [
        ("header :is :comparator \"i;ascii-numeric\" \"X-Spam-Score\" \"12\"", true),
        ("header :is :comparator \"i;ascii-numeric\" \"X-Spam-Score\" \"012\"", true),
        ("header :is :comparator \"i;ascii-numeric\" \"X-Caffeine\" \"0\"", false),     // non-digits: positive infinity
        ("header :is :comparator \"i;ascii-numeric\" \"Subject\" \"5\"", false),
    ])
    func numericComparator(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test, require: ["comparator-i;ascii-numeric"]) == expected)
    }

    @Test func twoNonNumericStringsAreEqualUnderNumeric() throws {
        // Both strings lack leading digits, so both are "positive infinity" (RFC 4790 §9.1).
        #expect(try holds("string :is :comparator \"i;ascii-numeric\" \"abc\" \"xyz\"", require: ["variables", "comparator-i;ascii-numeric"]))
    }
}

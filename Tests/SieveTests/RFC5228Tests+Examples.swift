import Testing
@testable import Sieve

/// The example scripts printed in RFC 5228, run against messages chosen to exercise them.
@Suite("RFC 5228 printed examples")
struct RFC5228ExampleTests {
    /// RFC 5228 §9: the complete example filter.
    static let section9 = """
    #
    # Example Sieve Filter
    # Declare any optional features or extension used by the script
    #
    require ["fileinto"];

    #
    # Handle messages from known mailing lists
    # Move messages from IETF filter discussion list to filter mailbox
    #
    if header :is "Sender" "owner-ietf-mta-filters@imc.org"
            {
            fileinto "filter";  # move to "filter" mailbox
            }
    #
    # Keep all messages to or from people in my company
    #
    elsif address :DOMAIN :is ["From", "To"] "example.com"
            {
            keep;               # keep in "In" mailbox
            }

    #
    # Try and catch unsolicited email.  If a message is not to me,
    # or it contains a subject known to be used by spammers, file
    # it away.
    #
    elsif anyof (NOT address :all :contains
                   ["To", "Cc", "Bcc"] "me@example.com",
                 header :matches "subject"
                   ["*make*money*fast*", "*university*dipl*mas*"])
            {
            fileinto "spam";   # move to "spam" mailbox
            }
    else
            {
            # Move all other (non-company) mail to "personal"
            # mailbox.
            fileinto "personal";
            }
    """

    @Test(arguments: [
        (["Sender: owner-ietf-mta-filters@imc.org", "To: me@example.com"], SieveAction.fileinto(mailbox: "filter", flags: [], copy: false, create: false)),
        (["From: colleague@example.com", "To: someone@elsewhere.net"], .keep(flags: [], implicit: false)),
        (["From: x@spam.example.net", "To: list@elsewhere.net"], .fileinto(mailbox: "spam", flags: [], copy: false, create: false)),
        (["From: x@spam.example.net", "To: list@elsewhere.net", "Cc: me@example.com", "Subject: MAKE MONEY FAST!!!"], .fileinto(mailbox: "spam", flags: [], copy: false, create: false)),
        (["From: friend@elsewhere.net", "Cc: me@example.com", "Subject: lunch"], .fileinto(mailbox: "personal", flags: [], copy: false, create: false)),
    ])
    func section9Filter(_ headers: [String], _ expected: SieveAction) throws {
        #expect(try actions(Self.section9, message: makeMessage(headers)) == [expected])
    }

    /// §3.1 control if (shown in RFC5228ControlTests), §4.1 fileinto, §4.2 redirect,
    /// §4.3 keep, §4.4 discard.
    @Test func fileintoExample() throws {
        let list = try actions("""
        require "fileinto";
        if header :contains ["from"] "coyote" {
           fileinto "INBOX.harassment";
        }
        """)
        #expect(list == [fileinto("INBOX.harassment")])
    }

    @Test func redirectExample() throws {
        #expect(try actions("redirect \"bart@example.com\";") == [.redirect(address: "bart@example.com", copy: false)])
    }

    @Test(arguments: [(100, [SieveAction.keep(flags: [], implicit: false)]), (2_000_000, [.discard])])
    func keepExample(_ bodySize: Int, _ expected: [SieveAction]) throws {
        let message = makeMessage(["Subject: x"], body: String(repeating: "a", count: bodySize))
        #expect(try actions("if size :under 1M { keep; } else { discard; }", message: message) == expected)
    }

    @Test func discardExample() throws {
        let message = makeMessage(["From: idiot@example.com"])
        #expect(try actions("if header :contains [\"from\"] [\"idiot@example.com\"] { discard; }", message: message) == [.discard])
    }

    /// §5.1 address, §5.4 envelope.
    @Test func addressAndEnvelopeExamples() throws {
        let message = makeMessage(["From: Tim <tim@example.com>"])
        let envelope = SieveEnvelope(from: "tim@example.com", to: "me@example.net")
        #expect(try actions("if address :is :all \"from\" \"tim@example.com\" { discard; }", message: message) == [.discard])
        #expect(try actions("require \"envelope\"; if envelope :all :is \"from\" \"tim@example.com\" { discard; }",
                            envelope: envelope) == [.discard])
    }

    /// §5.2 allof, §5.3 anyof, §5.8 not: the truth tables printed there.
    @Test(arguments: [
        ("allof (false, false)", false), ("allof (false, true)", false), ("allof (true, false)", false), ("allof (true, true)", true),
        ("anyof (false, false)", false), ("anyof (false, true)", true), ("anyof (true, false)", true), ("anyof (true, true)", true),
        ("not true", false), ("not false", true),
    ])
    func logicTables(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test) == expected)
    }

    /// §5.5 exists: `exists ["From","Date"]` needs both.
    @Test func existsExample() throws {
        let both = makeMessage(["From: a@b.c", "Date: Mon, 1 Jan 2024 00:00:00 +0000"])
        let one = makeMessage(["From: a@b.c"])
        #expect(try holds("exists [\"From\",\"Date\"]", message: both))
        #expect(try !holds("exists [\"From\",\"Date\"]", message: one))
    }

    /// §5.7 header with an explicit comparator.
    @Test func headerComparatorExample() throws {
        let script = """
        require "comparator-i;ascii-numeric";
        if header :contains :comparator "i;octet" "Subject" "MAKE MONEY FAST" {
           discard;
        }
        """
        #expect(try actions(script, message: makeMessage(["Subject: MAKE MONEY FAST now"])) == [.discard])
        #expect(try actions(script, message: makeMessage(["Subject: make money fast now"])) == [implicitKeep])
    }

    /// §2.7.1 / §5.7: `header :contains "X-Caffeine" ""` is true only when the header exists.
    @Test func emptyKeyExamples() throws {
        #expect(try holds("header :contains [\"X-Caffeine\"] [\"\"]"))
        #expect(try !holds("header :is [\"X-Caffeine\"] [\"\"]"))
        #expect(try !holds("header :contains [\"X-Caffeine\"] [\"\"]", message: makeMessage(["Subject: x"])))
    }

    /// §2.4.2 strings: multi-line `text:` with dot-stuffing, and a comment in the middle.
    @Test func multilineStringAndComments() throws {
        let list = try actions("""
        require "fileinto"; /* a bracketed
        comment */ fileinto text:
        ..dotted
        .
        ;
        """)
        guard case .fileinto(let mailbox, _, _, _)? = list.first else {
            Issue.record("no fileinto in \(list)")
            return
        }
        #expect(mailbox.hasPrefix(".dotted"))
    }
}

/// The example scripts printed in RFC 5232.
@Suite("RFC 5232 printed examples")
struct RFC5232ExampleTests {
    @Test func flagsOnLargeMessages() throws {
        let big = makeMessage(["Subject: big"], body: String(repeating: "x", count: 600_000))
        let script = """
        require "imap4flags";
        if size :over 500K {
            setflag "\\\\Deleted";
        }
        """
        #expect(try actions(script, message: big) == [.keep(flags: ["\\Deleted"], implicit: true)])
        #expect(try actions(script) == [implicitKeep])
    }

    @Test func bossExample() throws {
        let message = makeMessage(["From: boss@frobnitzm.example.edu", "Subject: Make money"])
        let list = try actions("""
        require ["imap4flags", "fileinto"];
        if header :contains "from" "boss@frobnitzm.example.edu" {
            setflag "\\\\Flagged";
            fileinto "INBOX.From Boss";
        }
        if header :contains "subject" "Make money" {
            setflag "\\\\Deleted";
        }
        """, message: message)
        #expect(list == [fileinto("INBOX.From Boss", flags: ["\\Flagged"])])
    }

    @Test func hasflagAndRemoveExample() throws {
        let list = try actions("""
        require ["imap4flags", "fileinto"];
        addflag ["\\\\Seen", "\\\\Flagged"];
        if hasflag :contains "Flag" {
            removeflag "\\\\Flagged";
        }
        fileinto "Copy";
        """)
        #expect(list == [fileinto("Copy", flags: ["\\Seen"])])
    }
}

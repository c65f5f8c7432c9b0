import Testing
@testable import Sieve

/// Addresses in scripts are RFC 5322 addr-specs (or name-addrs), so comments and white space
/// may surround their local part and domain; what is sent is the bare mailbox.
///
/// - SeeAlso: RFC 5228 §2.4.2.3, §4.2; RFC 5322 §3.2.2, §3.4.1
@Suite("RFC 5322 §3.2.2: comments in script addresses")
struct RFC5322AddressCommentTests {
    static let valid: [(String, String)] = [
        ("me+x(comment)@example.com", "me+x@example.com"),
        ("(c1)me(c2)@(c3)example.com(c4)", "me@example.com"),
        ("me(a(nested)b)@example.com", "me@example.com"),
        ("me(x\\\\)y)@example.com", "me@example.com"),
        ("Name (work) <me(c)@example.com>", "me@example.com"),
        ("<me@example.com> (trailing)", "me@example.com"),
        ("me@example.com (trailing)", "me@example.com"),
        (" me  @  example.com  ", "me@example.com"),
        ("me@[192.0.2.1](literal)", "me@[192.0.2.1]"),
        ("\\\"a(b)\\\"@example.com", "\"a(b)\"@example.com"),
    ]

    @Test(arguments: valid)
    func redirectSendsTheBareMailbox(_ written: String, _ sent: String) throws {
        #expect(try actions("redirect \"\(written)\";") == [.redirect(address: sent, copy: false)])
    }

    @Test(arguments: valid)
    func redirectThroughAVariableToo(_ written: String, _ sent: String) throws {
        let list = try actions("require \"variables\";\nset \"to\" \"\(written)\";\nredirect \"${to}\";")
        #expect(list == [.redirect(address: sent, copy: false)])
    }

    static let invalid: [String] = [
        "me(unclosed@example.com",
        "me)@example.com",
        "me (a) x@example.com",
        "me@exa(mid)mple.com",
        "(only a comment)",
    ]

    @Test(arguments: invalid)
    func brokenCommentsAreStillErrors(_ written: String) {
        let found = diagnostics("redirect \"\(written)\";")
        #expect(found.count == 1)
        #expect(found.first?.contains("is not a valid mailbox") == true, "\(found)")
    }

    @Test func vacationFromMayCarryComments() {
        #expect(diagnostics("require \"vacation\";\nvacation :from \"Me (away) <me(home)@example.com>\" \"Gone.\";").isEmpty)
        #expect(diagnostics("require \"vacation\";\nvacation :from \"me(unclosed@example.com\" \"Gone.\";").count == 1)
    }

    @Test func mailboxSyntaxStripsOnlyComments() {
        #expect(MailboxSyntax.withoutComments("a(b)c") == "a c")
        #expect(MailboxSyntax.withoutComments("\"(kept)\"@x") == "\"(kept)\"@x")
        #expect(MailboxSyntax.withoutComments("a@[1.2.3.4]") == "a@[1.2.3.4]")
        #expect(MailboxSyntax.withoutComments("a((b)") == nil)
    }
}

import Testing
@testable import MailCore

private func mailbox(_ local: String, _ domain: String?, name: String? = nil) -> AddressListEntry {
    .mailbox(MailAddress(displayName: name, localPart: local, domain: domain))
}

private func address(_ local: String, _ domain: String?, name: String? = nil) -> MailAddress {
    MailAddress(displayName: name, localPart: local, domain: domain)
}

@Suite("RFC 5322 §3.4 address lists")
struct AddressListTests {
    @Test(
        "mailboxes",
        arguments: [
            ("jdoe@example.org", [mailbox("jdoe", "example.org")]),
            ("<jdoe@example.org>", [mailbox("jdoe", "example.org")]),
            ("John Doe <jdoe@example.org>", [mailbox("jdoe", "example.org", name: "John Doe")]),
            ("\"Doe, John\" <jdoe@example.org>", [mailbox("jdoe", "example.org", name: "Doe, John")]),
            ("\"\" <jdoe@example.org>", [mailbox("jdoe", "example.org")]),
            ("John Q. Public <jq@x.test>", [mailbox("jq", "x.test", name: "John Q. Public")]),
            ("\"john doe\"@x.test", [mailbox("john doe", "x.test")]),
            ("\"john\\\"q\"@x.test", [mailbox("john\"q", "x.test")]),
            ("first.last@sub.example.com", [mailbox("first.last", "sub.example.com")]),
            ("user+tag@example.com", [mailbox("user+tag", "example.com")]),
            ("user@[192.0.2.1]", [mailbox("user", "[192.0.2.1]")]),
            ("<user@[IPv6:2001:db8::1]>", [mailbox("user", "[IPv6:2001:db8::1]")]),
            ("jörg@bücher.example", [mailbox("jörg", "bücher.example")]),
            ("用户@例子.广告", [mailbox("用户", "例子.广告")]),
            ("Ann 😀 <a😀b@x😀.example>", [mailbox("a😀b", "x😀.example", name: "Ann 😀")]),
            ("=?utf-8?Q?J=C3=B6rg?= <j@x.test>", [mailbox("j", "x.test", name: "Jörg")]),
            ("\"=?utf-8?Q?J=C3=B6rg?=\" <j@x.test>", [mailbox("j", "x.test", name: "Jörg")]),
            ("=?utf-8?Q?a?= =?utf-8?Q?b?= <j@x.test>", [mailbox("j", "x.test", name: "ab")]),
        ])
    func mailboxes(input: String, expected: [AddressListEntry]) {
        #expect(AddressParser.parseList(input) == expected)
    }

    @Test(
        "comments anywhere, nested and with quoted pairs",
        arguments: [
            ("jdoe@example.org (John Doe)", [mailbox("jdoe", "example.org")]),
            ("(lead) jdoe(a)@(b)example.org(c)", [mailbox("jdoe", "example.org")]),
            ("Joe (nested (deep \\) paren) comment) Bloggs <j@x.test>", [mailbox("j", "x.test", name: "Joe Bloggs")]),
            ("<j@x.test> (trailing, with comma)", [mailbox("j", "x.test")]),
        ])
    func comments(input: String, expected: [AddressListEntry]) {
        #expect(AddressParser.parseList(input) == expected)
    }

    @Test(
        "obsolete syntax (§4.4)",
        arguments: [
            ("<@route1,@route2:user@domain.test>", [mailbox("user", "domain.test")]),
            ("Name <@a.test:u@d.test>", [mailbox("u", "d.test", name: "Name")]),
            ("john . doe @ example . com", [mailbox("john.doe", "example.com")]),
            ("\"john\".doe@x.test", [mailbox("john.doe", "x.test")]),
            ("a@x.test, , b@y.test", [mailbox("a", "x.test"), mailbox("b", "y.test")]),
            (",a@x.test,", [mailbox("a", "x.test")]),
            ("john..doe@x.test", [mailbox("john..doe", "x.test")]),
        ])
    func obsolete(input: String, expected: [AddressListEntry]) {
        #expect(AddressParser.parseList(input) == expected)
    }

    @Test(
        "groups",
        arguments: [
            ("undisclosed-recipients:;", [AddressListEntry.group(name: "undisclosed-recipients", members: [])]),
            (
                "team: a@x, b@y;",
                [.group(name: "team", members: [address("a", "x"), address("b", "y")])]
            ),
            (
                "team: a@x;, c@z",
                [.group(name: "team", members: [address("a", "x")]), mailbox("c", "z")]
            ),
            ("open group: a@x", [.group(name: "open group", members: [address("a", "x")])]),
            (
                "team: a@x, garbage here, b@y;",
                [.group(name: "team", members: [address("a", "x"), address("b", "y")]), .unparsable("garbage here")]
            ),
        ])
    func groups(input: String, expected: [AddressListEntry]) {
        #expect(AddressParser.parseList(input) == expected)
    }

    @Test(
        "invalid entries become .unparsable and parsing goes on",
        arguments: [
            ("a@x, not an address, b@y", [mailbox("a", "x"), .unparsable("not an address"), mailbox("b", "y")]),
            ("MAILER-DAEMON", [.unparsable("MAILER-DAEMON")]),
            ("\"unterminated, a@x", [.unparsable("\"unterminated, a@x")]),
            ("<a@x, b@y>, c@z", [.unparsable("<a@x, b@y>"), mailbox("c", "z")]),
            ("user@", [.unparsable("user@")]),
            ("@example.com", [.unparsable("@example.com")]),
            ("a@x (unclosed comment, b@y", [.unparsable("a@x (unclosed comment, b@y")]),
            ("<>", [.unparsable("<>")]),
            ("x@y z@w", [.unparsable("x@y z@w")]),
            ("Doe, John <j@x>", [.unparsable("Doe"), mailbox("j", "x", name: "John")]),
        ])
    func unparsable(input: String, expected: [AddressListEntry]) {
        #expect(AddressParser.parseList(input) == expected)
    }

    @Test("a display name with specials still yields its angle address")
    func lenientDisplayName() {
        #expect(AddressParser.parseList("foo@bar.test <real@x.test>") == [mailbox("real", "x.test", name: "foo@bar.test")])
        #expect(AddressParser.parseList("\"a\" b\" <r@x>") == [mailbox("r", "x", name: "a\" b")])
    }

    @Test("mailboxes flattens groups and drops unparsable entries")
    func flatten() {
        let list = AddressParser.parseList("a@x, g: b@y, c@z;, junk, d@w")
        #expect(list.mailboxes.map(\.addrSpec) == ["a@x", "b@y", "c@z", "d@w"])
    }

    @Test("HeaderField.addresses decodes encoded words only in display names")
    func headerFieldAddresses() {
        let message = Message("To: =?utf-8?Q?Smith=2C_J?= <j@x.test>, k@y.test\r\n\r\n")
        let field = message.headerFields[0]
        #expect(field.addresses == [mailbox("j", "x.test", name: "Smith, J"), mailbox("k", "y.test")])
    }

    @Test("Message.addresses(named:) joins all fields of that name")
    func messageAddresses() {
        let message = Message("To: a@x\r\nCc: c@z\r\nto: g: b@y;\r\n\r\n")
        #expect(message.addresses(named: "To") == [mailbox("a", "x"), .group(name: "g", members: [address("b", "y")])])
        #expect(message.addresses(named: "To").mailboxes.map(\.addrSpec) == ["a@x", "b@y"])
    }

    @Test("hostile nesting of comments does not exhaust the stack")
    func deepComments() {
        let deep = String(repeating: "(", count: 100_000) + "a@x"
        #expect(AddressParser.parseList(deep).mailboxes.isEmpty)
        let balanced = String(repeating: "(", count: 50_000) + String(repeating: ")", count: 50_000) + "a@x"
        #expect(AddressParser.parseList(balanced) == [mailbox("a", "x")])
    }
}

@Suite("RFC 5322 Appendix A.1 address examples")
struct AppendixAddressTests {
    static let messages: [(String, String, [AddressListEntry])] = [
        // A.1.1
        ("From: John Doe <jdoe@machine.example>\r\n", "from", [mailbox("jdoe", "machine.example", name: "John Doe")]),
        ("To: Mary Smith <mary@example.net>\r\n", "to", [mailbox("mary", "example.net", name: "Mary Smith")]),
        // A.1.2
        (
            "From: \"Joe Q. Public\" <john.q.public@example.com>\r\n", "from",
            [mailbox("john.q.public", "example.com", name: "Joe Q. Public")]
        ),
        (
            "To: Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>\r\n", "to",
            [mailbox("mary", "x.test", name: "Mary Smith"), mailbox("jdoe", "example.org"), mailbox("one", "y.test", name: "Who?")]
        ),
        (
            "Cc: <boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>\r\n", "cc",
            [mailbox("boss", "nil.test"), mailbox("sysservices", "example.net", name: "Giant; \"Big\" Box")]
        ),
        // A.1.3
        (
            "To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;\r\n", "to",
            [.group(name: "A Group", members: [address("c", "a.test", name: "Ed Jones"), address("joe", "where.test"), address("jdoe", "one.test", name: "John")])]
        ),
        ("Cc: Undisclosed recipients:;\r\n", "cc", [.group(name: "Undisclosed recipients", members: [])]),
        // A.5
        ("From: Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>\r\n", "from", [mailbox("pete", "silly.test", name: "Pete")]),
        (
            "To:A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)\r\n",
            "to",
            [.group(name: "A Group", members: [address("c", "public.example", name: "Chris Jones"), address("joe", "example.org"), address("jdoe", "one.test", name: "John")])]
        ),
        ("Cc:(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;\r\n", "cc", [.group(name: "Hidden recipients", members: [])]),
        // A.6.1 and A.6.3 (obsolete)
        (
            "To: Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example\r\n", "to",
            [mailbox("mary", "example.net", name: "Mary Smith"), mailbox("jdoe", "test.example")]
        ),
        ("From: John Doe <jdoe@machine(comment).  example>\r\n", "from", [mailbox("jdoe", "machine.example", name: "John Doe")]),
        ("To: Mary Smith\r\n    \r\n     <mary@example.net>\r\n", "to", [mailbox("mary", "example.net", name: "Mary Smith")]),
    ]

    @Test("header fields of the appendix messages", arguments: messages)
    func appendix(header: String, field: String, expected: [AddressListEntry]) {
        let message = Message(header + "Subject: test\r\n\r\nbody\r\n")
        #expect(message.fields(named: field).first?.addresses == expected)
        #expect(message.fields(named: "subject").first?.value == "test")
    }
}

@Suite("RFC 5321 §4.1.2 envelope paths")
struct EnvelopePathTests {
    @Test(
        "paths",
        arguments: [
            ("<user@example.com>", MailAddress?.some(address("user", "example.com"))),
            ("user@example.com", address("user", "example.com")),
            ("  <user@example.com>  ", address("user", "example.com")),
            ("<@relay1.test,@relay2.test:user@example.com>", address("user", "example.com")),
            ("<\"john doe\"@example.com>", address("john doe", "example.com")),
            ("<\"a\\\"b\"@example.com>", address("a\"b", "example.com")),
            ("<user@[192.0.2.1]>", address("user", "[192.0.2.1]")),
            ("<Postmaster>", address("Postmaster", nil)),
            ("<>", nil),
            ("", nil),
            ("<bad address@x>", address("bad address", "x")),
        ])
    func paths(input: String, expected: MailAddress?) {
        #expect(AddressParser.parseEnvelopePath(input) == expected)
    }
}

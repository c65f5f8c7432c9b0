import Testing
@testable import Delivery

@Suite("Path templates: escapes and refusals")
struct PathTemplateTests {
    @Test("escapes expand", arguments: [
        ("/var/mail/%d/%n/Maildir", "/var/mail/example.org/joe/Maildir"),
        ("/var/mail/%u", "/var/mail/joe@example.org"),
        ("/var/mail/100%%/%n", "/var/mail/100%/joe"),
        ("/fixed/path", "/fixed/path"),
        ("/home/%n.d/x", "/home/joe.d/x"),
    ])
    func expands(template: String, expected: String) throws {
        let parsed = try PathTemplate(template)
        #expect(try parsed.expand(localPart: "joe", domain: "example.org") == expected)
    }

    @Test("malformed templates are refused", arguments: [
        ("", PathTemplateError.emptyTemplate),
        ("var/mail/%n", .notAbsolute(template: "var/mail/%n")),
        ("/var/mail/%x", .unknownEscape(template: "/var/mail/%x", escape: "x")),
        ("/var/mail/%", .danglingPercent(template: "/var/mail/%")),
        ("/var/mail/../%n", .parentReference(template: "/var/mail/../%n")),
        ("/var/mail/%n/..", .parentReference(template: "/var/mail/%n/..")),
    ])
    func refused(template: String, error: PathTemplateError) {
        #expect(throws: error) { try PathTemplate(template) }
    }

    @Test("values that would escape are refused", arguments: [
        ("/var/mail/%n", "..", "example.org"),
        ("/var/mail/%n", ".", "example.org"),
        ("/var/mail/%n", "a/b", "example.org"),
        ("/var/mail/%n", "", "example.org"),
        ("/var/mail/%n", "a\u{0}b", "example.org"),
        ("/var/mail/%n", "a\nb", "example.org"),
        ("/var/mail/%d/%n", "joe", "../x"),
        ("/var/mail/%n.", "joe", "example.org"),  // fine: "joe." is a name
    ])
    func escapingValues(template: String, localPart: String, domain: String) throws {
        let parsed = try PathTemplate(template)
        if localPart == "joe" && domain == "example.org" {
            #expect(try parsed.expand(localPart: localPart, domain: domain) == "/var/mail/joe.")
        } else {
            #expect(throws: PathTemplateError.self) { try parsed.expand(localPart: localPart, domain: domain) }
        }
    }

    @Test("a '.' component built from a template piece and a value is refused")
    func dotBuiltFromPieces() throws {
        let parsed = try PathTemplate("/m/%n.")
        #expect(throws: PathTemplateError.escapingPath(template: "/m/%n.", path: "/m/..")) {
            try parsed.expand(localPart: ".", domain: "example.org")
        }
    }
}

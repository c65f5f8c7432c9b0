import MailCore
import Testing
@testable import Sieve

@Suite("RFC 9042 mailboxid: fileinto :mailboxid and mailboxidexists")
struct RFC9042MailboxIDTests {
    private let prefix = "require [\"fileinto\", \"mailboxid\", \"mailbox\", \"special-use\", \"variables\"];\n"
    /// Work has id F123, Spam (\Junk) has id Fjunk; Gone has an id but does not exist.
    private let catalog = MailboxCatalog(mailboxes: ["Work", "Spam"], specialUses: ["Spam": ["\\Junk"]],
                                         ids: ["Work": "F123", "Spam": "Fjunk", "Gone": "Fgone"])

    @Test("§4: the folder with the id wins; without one the named folder is used", arguments: [
        (#"fileinto :mailboxid "F123" "Elsewhere";"#, SieveAction.fileinto(mailbox: "Work", flags: [], copy: false, create: false)),
        (#"fileinto :mailboxid "Fnone" "Elsewhere";"#, .fileinto(mailbox: "Elsewhere", flags: [], copy: false, create: false)),
        (#"fileinto :mailboxid "Fgone" "Elsewhere";"#, .fileinto(mailbox: "Elsewhere", flags: [], copy: false, create: false)),
        (#"fileinto :mailboxid "Fnone" :create "New";"#, .fileinto(mailbox: "New", flags: [], copy: false, create: true)),
        (#"fileinto :mailboxid "F123" :create "New";"#, .fileinto(mailbox: "Work", flags: [], copy: false, create: false)),
        (#"fileinto :mailboxid "f123" "Elsewhere";"#, .fileinto(mailbox: "Elsewhere", flags: [], copy: false, create: false)),
        (#"set "id" "F123"; fileinto :mailboxid "${id}" "X";"#, .fileinto(mailbox: "Work", flags: [], copy: false, create: false)),
        // With both tags the id is tried first, then the special use.
        (#"fileinto :mailboxid "Fnone" :specialuse "\\Junk" "X";"#, .fileinto(mailbox: "Spam", flags: [], copy: false, create: false)),
        (#"fileinto :mailboxid "F123" :specialuse "\\Junk" "X";"#, .fileinto(mailbox: "Work", flags: [], copy: false, create: false)),
    ])
    func files(command: String, expected: SieveAction) throws {
        let result = try run(prefix + command, catalog: catalog)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.actions == [expected])
    }

    @Test("§5: mailboxidexists is true when a mailbox exists for every id", arguments: [
        (#"mailboxidexists "F123""#, true),
        (#"mailboxidexists ["F123", "Fjunk"]"#, true),
        (#"mailboxidexists ["F123", "Fnone"]"#, false),
        (#"mailboxidexists "Fgone""#, false),
        (#"mailboxidexists "Work""#, false),
    ])
    func exists(test: String, expected: Bool) throws {
        let result = try run(prefix + "if \(test) { fileinto \"yes\"; }", catalog: catalog)
        #expect(result.actions.contains(fileinto("yes")) == expected)
    }

    @Test("an id that cannot be an object id is a compile error for fileinto, a warning for the test")
    func syntax() {
        let tag = diagnostics(prefix + #"fileinto :mailboxid "F 1" "X";"#)
        #expect(tag.count == 1 && tag[0].contains("error: fileinto :mailboxid \"F 1\" is not a mailbox id"), "\(tag)")
        let test = diagnostics(prefix + #"if mailboxidexists "a/b" { keep; }"#)
        #expect(test.count == 1 && test[0].contains("warning: mailboxidexists: \"a/b\" is not a mailbox id"), "\(test)")
        let required = diagnostics("require \"fileinto\";\nfileinto :mailboxid \"F1\" \"X\";")
        #expect(required.first?.contains("requires the \"mailboxid\" extension") == true, "\(required)")
    }

    @Test("RFC 8474 objectid syntax", arguments: [
        ("F123", true), ("a-b_c", true), (String(repeating: "x", count: 255), true),
        ("", false), (String(repeating: "x", count: 256), false), ("a.b", false), ("a b", false), ("ü", false),
    ])
    func objectID(id: String, valid: Bool) {
        #expect(MailboxAttributeSyntax.isObjectID(id) == valid)
    }
}

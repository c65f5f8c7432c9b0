import MailCore
import Testing
@testable import Sieve

/// A user's folders: Spam carries \Junk, Archive carries \Archive, Old is marked \Trash
/// but does not exist.
let specialUseCatalog = MailboxCatalog(
    mailboxes: ["Spam", "Archive", "Lists"],
    specialUses: ["Spam": ["\\Junk"], "Archive": ["\\Archive", "\\All"], "Old": ["\\Trash"]])

/// Runs `source` against a context whose mailboxes are `catalog`.
func run(_ source: String, catalog: MailboxCatalog) throws -> SieveResult {
    let compiled = SieveCompiler.compile(source, file: "test.sieve", options: SieveOptions())
    guard let script = compiled.script else { throw ScriptFailedToCompile(diagnostics: compiled.diagnostics) }
    var context = SieveMessageContext(message: standardMessage, envelope: standardEnvelope)
    context.mailboxCatalog = catalog
    return SieveInterpreter.run(script, context: context)
}

@Suite("RFC 8579 special-use: fileinto :specialuse and specialuse_exists")
struct RFC8579SpecialUseTests {
    private let prefix = "require [\"fileinto\", \"special-use\", \"mailbox\", \"variables\"];\n"

    @Test("§4: fileinto :specialuse files into the folder that has the use, else into the named one", arguments: [
        (#"fileinto :specialuse "\\Junk" "Junk";"#, SieveAction.fileinto(mailbox: "Spam", flags: [], copy: false, create: false)),
        (#"fileinto :specialuse "\\junk" "Junk";"#, .fileinto(mailbox: "Spam", flags: [], copy: false, create: false)),
        (#"fileinto :specialuse "\\Sent" "Sent";"#, .fileinto(mailbox: "Sent", flags: [], copy: false, create: false)),
        (#"fileinto :specialuse "\\Trash" "Bin";"#, .fileinto(mailbox: "Bin", flags: [], copy: false, create: false)),
        (#"fileinto :specialuse "\\Sent" :create "Sent";"#, .fileinto(mailbox: "Sent", flags: [], copy: false, create: true)),
        (#"fileinto :create :specialuse "\\Junk" "Junk";"#, .fileinto(mailbox: "Spam", flags: [], copy: false, create: false)),
        (#"set "u" "\\Archive"; fileinto :specialuse "${u}" "A";"#, .fileinto(mailbox: "Archive", flags: [], copy: false, create: false)),
    ])
    func files(command: String, expected: SieveAction) throws {
        let result = try run(prefix + command, catalog: specialUseCatalog)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.actions == [expected])
    }

    @Test("§4: with :create and no folder with the use, the created folder is to get the use")
    func createRecordsUse() throws {
        let created = try run(prefix + #"fileinto :specialuse "\\Sent" :create "Sent";"#, catalog: specialUseCatalog)
        #expect(created.specialUseCreations == [SpecialUseCreation(mailbox: "Sent", use: "\\Sent")])
        let found = try run(prefix + #"fileinto :specialuse "\\Junk" :create "Junk";"#, catalog: specialUseCatalog)
        #expect(found.specialUseCreations.isEmpty)
        let plain = try run(prefix + #"fileinto :specialuse "\\Sent" "Sent";"#, catalog: specialUseCatalog)
        #expect(plain.specialUseCreations.isEmpty)
    }

    @Test("§5: specialuse_exists", arguments: [
        (#"specialuse_exists "\\Junk""#, true),
        (#"specialuse_exists ["\\Junk", "\\Archive"]"#, true),
        (#"specialuse_exists ["\\Junk", "\\Sent"]"#, false),
        (#"specialuse_exists "\\Trash""#, false),  // marked, but the folder does not exist
        (#"specialuse_exists "Spam" "\\Junk""#, true),
        (#"specialuse_exists "Archive" ["\\all", "\\Archive"]"#, true),
        (#"specialuse_exists "Lists" "\\Junk""#, false),
        (#"specialuse_exists "Old" "\\Trash""#, false),
        (#"specialuse_exists "INBOX" "\\Sent""#, false),
    ])
    func exists(test: String, expected: Bool) throws {
        let result = try run(prefix + "if \(test) { fileinto \"yes\"; }", catalog: specialUseCatalog)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.actions.contains(fileinto("yes")) == expected)
    }

    @Test("without a catalog no mailbox has a special use")
    func noCatalog() throws {
        #expect(try actions(prefix + #"fileinto :specialuse "\\Junk" "Junk";"#) == [fileinto("Junk")])
        #expect(try holds(#"specialuse_exists "\\Junk""#, require: ["special-use"]) == false)
    }

    @Test("compile errors name what is wrong", arguments: [
        (#"fileinto :specialuse "Junk" "Junk";"#, "is not a special-use attribute"),
        (#"fileinto :specialuse "\\Ju nk" "Junk";"#, "is not a special-use attribute"),
        (#"fileinto :specialuse "\\" "Junk";"#, "is not a special-use attribute"),
        (#"fileinto :specialuse "\\Junk";"#, "expects 1 positional argument"),
        (#"fileinto :specialuse :create "\\Junk";"#, "must be followed by a string"),
        (#"if specialuse_exists "Spam" "Junk" { keep; }"#, "is not a special-use attribute"),
        (#"if specialuse_exists ["Spam"] ["\\Junk"] { keep; }"#, "expects a string for the mailbox"),
        (#"if specialuse_exists { keep; }"#, "expects 1 to 2 positional arguments"),
    ])
    func errors(source: String, expected: String) {
        let found = diagnostics(prefix + source)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains(expected) == true, "\(found)")
    }

    @Test("the tag and the test need require \"special-use\"")
    func needsRequire() {
        let tag = diagnostics("require \"fileinto\";\nfileinto :specialuse \"\\\\Junk\" \"Junk\";")
        #expect(tag.first?.contains("requires the \"special-use\" extension") == true, "\(tag)")
        let test = diagnostics("if specialuse_exists \"\\\\Junk\" { keep; }")
        #expect(test.first?.contains("\"special-use\"") == true, "\(test)")
    }

    @Test("a use from a variable is checked when the command runs")
    func runtimeCheck() throws {
        let result = try run(prefix + #"set "u" "Junk"; fileinto :specialuse "${u}" "Junk";"#, catalog: specialUseCatalog)
        #expect(result.errors.first?.message.contains("\"Junk\" (after variable expansion) is not a special-use attribute") == true,
                "\(result.errors)")
        #expect(result.actions == [implicitKeep])
    }

    @Test("lint: each capability counts as used by its tag or test, and only by them", arguments: [
        (#"require ["fileinto", "special-use"]; fileinto :specialuse "\\Junk" "J";"#, nil),
        (#"require "special-use"; if specialuse_exists "\\Junk" { keep; }"#, nil),
        (#"require "mailboxid"; if mailboxidexists "F1" { keep; }"#, nil),
        (#"require ["fileinto", "mailboxid"]; fileinto :mailboxid "F1" "J";"#, nil),
        (#"require "mboxmetadata"; if metadataexists "INBOX" "/private/x" { keep; }"#, nil),
        (#"require "servermetadata"; if servermetadata "/private/x" "y" { keep; }"#, nil),
        (#"require ["fileinto", "special-use"]; fileinto "J";"#, "special-use"),
        (#"require ["mboxmetadata", "servermetadata"]; if servermetadataexists "/private/x" { keep; }"#, "mboxmetadata"),
    ])
    func lintUsage(source: String, unused: String?) {
        let found = SieveLinter.warnings(in: SieveParser.parse(source).script).filter { $0.check == .unusedRequire }
        #expect(found.map(\.message).map { $0.contains("\"\(unused ?? "")\"") } == (unused == nil ? [] : [true]), "\(found)")
    }

    @Test("RFC 6154 §6 syntax: a backslash and an atom", arguments: [
        ("\\Junk", true), ("\\X-Custom", true), ("\\All", true),
        ("Junk", false), ("\\", false), ("\\a b", false), ("\\a*", false), ("\\a%", false), ("\\a\\b", false),
        ("\\a]", false), ("\\a(", false), ("\\é", false),
    ])
    func syntax(use: String, valid: Bool) {
        #expect(MailboxAttributeSyntax.isSpecialUse(use) == valid)
    }
}

import MailCore
import Testing
@testable import Sieve

/// A message with repeated fields, for `:index` and value patterns.
private let repeated = makeMessage([
    "From: alice@example.org",
    "To: bob@example.com",
    "X-Tag: one",
    "Subject: Original",
    "X-Tag: two",
    "Received: from a by b",
    "X-Tag: three",
    "Auto-Submitted: auto-generated",
], body: "Body stays.\r\n")

/// The edited message a script leaves (nil when unchanged), failing on runtime errors.
private func edited(_ script: String, message: Message = repeated, options: SieveOptions = SieveOptions()) throws -> Message? {
    let result = try run("require [\"editheader\", \"variables\", \"relational\", \"comparator-i;ascii-numeric\", \"encoded-character\"];\n"
                         + script, message: message, options: options)
    #expect(result.errors.isEmpty, "unexpected runtime errors: \(result.errors)")
    return result.modifiedMessage
}

/// The values of the fields called `name` in the edited message.
private func values(_ name: String, after script: String, options: SieveOptions = SieveOptions()) throws -> [String] {
    let message = try #require(try edited(script, options: options))
    return message.fields(named: name).map(\.value)
}

@Suite("RFC 5293 editheader")
struct RFC5293EditheaderTests {
    // MARK: addheader

    @Test(arguments: [
        // §4: the new field goes first, or last with :last.
        ("addheader \"X-New\" \"v\";", ["X-New", "From", "To", "X-Tag", "Subject", "X-Tag", "Received", "X-Tag", "Auto-Submitted"]),
        ("addheader :last \"X-New\" \"v\";", ["From", "To", "X-Tag", "Subject", "X-Tag", "Received", "X-Tag", "Auto-Submitted", "X-New"]),
        ("addheader \"A\" \"1\"; addheader \"B\" \"2\";", ["B", "A", "From", "To", "X-Tag", "Subject", "X-Tag", "Received", "X-Tag", "Auto-Submitted"]),
    ])
    func addheaderPlacesTheField(_ script: String, _ names: [String]) throws {
        let message = try #require(try edited(script))
        #expect(message.headerFields.map(\.name) == names)
        #expect(message.body == repeated.body)
    }

    @Test(arguments: [
        // What the header test reads back is what the script wrote.
        "plain text",
        "Ein unerhörter großer Test",
        "ünïcödé only",
        "mixed ascii and ü then ascii again",
        "looks =?utf-8?q?encoded?= but is not",
        String(repeating: "word ", count: 40) + "end",
        String(repeating: "ü", count: 100),
    ])
    func addedValuesReadBackUnchanged(_ value: String) throws {
        let found = try values("X-Value", after: "addheader \"X-Value\" \"\(value)\";")
        #expect(found == [value])
    }

    @Test func longValuesAreFoldedAndNonASCIIEncoded() throws {
        let value = "Ein unerhörter " + String(repeating: "langer ", count: 20) + "Test"
        let message = try #require(try edited("addheader \"X-Long\" \"\(value)\";"))
        let section = String(decoding: message.headerSection, as: UTF8.self)
        let lines = section.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(section.utf8.allSatisfy { $0 < 0x80 })
        #expect(section.contains("=?utf-8?q?unerh=C3=B6rter?="))
    }

    @Test func lineBreaksInAValueBecomeFolds() throws {
        let message = try #require(try edited("addheader \"X-Lines\" \"first\r\nsecond\";"))
        #expect(String(decoding: message.headerSection, as: UTF8.self).hasPrefix("X-Lines: first\r\n second\r\nFrom:"))
        #expect(message.fields(named: "X-Lines").map(\.value) == ["first second"])
    }

    @Test func theSizeTestSeesTheEdit() throws {
        let added = "X-Size: 12345\r\n".utf8.count
        let message = try #require(try edited("addheader \"X-Size\" \"12345\";"))
        #expect(message.size == repeated.size + added)
        let result = try run("""
            require ["editheader", "fileinto"];
            addheader "X-Size" "12345";
            if size :over \(repeated.size + added - 1) { fileinto "grown"; }
            """, message: repeated)
        #expect(result.actions.contains(fileinto("grown")))
    }

    // MARK: deleteheader

    @Test(arguments: [
        ("deleteheader \"x-tag\";", [String]()),
        ("deleteheader :index 1 \"X-Tag\";", ["two", "three"]),
        ("deleteheader :index 2 \"X-Tag\";", ["one", "three"]),
        ("deleteheader :index 1 :last \"X-Tag\";", ["one", "two"]),
        ("deleteheader :index 3 :last \"X-Tag\";", ["two", "three"]),
        ("deleteheader :index 4 \"X-Tag\";", ["one", "two", "three"]),
        ("deleteheader \"X-Tag\" \"two\";", ["one", "three"]),
        ("deleteheader \"X-Tag\" [\"one\", \"three\"];", ["two"]),
        ("deleteheader :contains \"X-Tag\" \"o\";", ["three"]),
        ("deleteheader :matches \"X-Tag\" \"t*\";", ["one"]),
        ("deleteheader :is \"X-Tag\" \"TWO\";", ["one", "three"]),
        ("deleteheader :comparator \"i;octet\" \"X-Tag\" \"TWO\";", ["one", "two", "three"]),
        ("deleteheader :regex \"X-Tag\" \"^t.o$\";", ["one", "three"]),
        ("deleteheader :count \"eq\" :comparator \"i;ascii-numeric\" \"X-Tag\" \"1\";", [String]()),
        ("deleteheader :index 2 \"X-Tag\" \"one\";", ["one", "two", "three"]),
        ("deleteheader :index 2 \"X-Tag\" \"two\";", ["one", "three"]),
        ("deleteheader :index 1 :last :contains \"X-Tag\" \"hr\";", ["one", "two"]),
        ("set \"name\" \"X-TAG\"; deleteheader \"${name}\" \"one\";", ["two", "three"]),
    ])
    func deleteheaderRemovesTheRightFields(_ script: String, _ remaining: [String]) throws {
        let message = try edited("require \"regex\";\n" + script) ?? repeated
        #expect(message.fields(named: "X-Tag").map(\.value) == remaining)
        #expect(message.fields(named: "Subject").count == 1)
        #expect(message.body == repeated.body)
    }

    @Test func deletingLeavesTheOtherFieldsByteForByte() throws {
        let folded = Message("A: 1\r\nX-Gone: folded\r\n  continued\r\nB: caf\u{E9}\r\n  wrapped\r\n\r\nbody\r\n")
        let message = try #require(try edited("deleteheader \"X-Gone\";", message: folded))
        #expect(message.bytes == Array("A: 1\r\nB: caf\u{E9}\r\n  wrapped\r\n\r\nbody\r\n".utf8))
        #expect(message.size == folded.size - "X-Gone: folded\r\n  continued\r\n".utf8.count)
    }

    @Test func nothingToDeleteLeavesTheMessageUnchanged() throws {
        #expect(try edited("deleteheader \"X-Absent\";") == nil)
        #expect(try edited("deleteheader \"X-Tag\" \"none of them\";") == nil)
    }

    // MARK: later tests see the edits

    @Test(arguments: [
        ("addheader \"X-Flag\" \"on\";", "header :is \"x-flag\" \"on\"", true),
        ("addheader \"X-Flag\" \"on\";", "exists \"X-Flag\"", true),
        ("deleteheader \"Subject\";", "exists \"subject\"", false),
        ("deleteheader \"Subject\"; addheader \"Subject\" \"New\";", "header :is \"subject\" \"New\"", true),
        ("addheader \"Cc\" \"carol@example.net\";", "address :domain \"cc\" \"example.net\"", true),
        ("deleteheader :index 1 \"X-Tag\";", "header :index 1 \"x-tag\" \"two\"", true),
        ("addheader :last \"X-Tag\" \"four\";", "header :index 1 :last \"x-tag\" \"four\"", true),
        ("addheader \"Date\" \"Tue, 1 Jul 2025 10:00:00 +0000\";", "date :is \"date\" \"year\" \"2025\"", true),
        ("deleteheader \"X-Tag\";", "header :count \"eq\" :comparator \"i;ascii-numeric\" \"x-tag\" \"0\"", true),
    ])
    func laterTestsSeeTheEdits(_ edit: String, _ test: String, _ expected: Bool) throws {
        let result = try run("""
            require ["editheader", "fileinto", "date", "index", "relational", "comparator-i;ascii-numeric"];
            \(edit)
            if \(test) { fileinto "seen"; }
            """, message: repeated)
        #expect(result.errors.isEmpty)
        #expect(result.actions.contains(fileinto("seen")) == expected)
        #expect(result.modifiedMessage != nil)
    }

    // MARK: protected fields

    @Test(arguments: [
        // RFC 5293 §6: Received and Auto-Submitted are never deleted.
        ("deleteheader \"Received\";", "Received", 1),
        ("deleteheader \"auto-submitted\";", "Auto-Submitted", 1),
        // Subject may always be deleted and added.
        ("deleteheader \"Subject\";", "Subject", 0),
        // Adding them is local policy; allowed unless configured.
        ("addheader \"Received\" \"by us\";", "Received", 2),
        // The redirect loop field is ours: neither added nor deleted.
        ("addheader \"X-Sieve-Redirected-From\" \"a@b\";", "X-Sieve-Redirected-From", 0),
    ])
    func protectedFieldsStay(_ script: String, _ name: String, _ count: Int) throws {
        let result = try run("require \"editheader\";\n" + script + "\nkeep;", message: repeated)
        #expect(result.errors.isEmpty)
        let message = result.modifiedMessage ?? repeated
        #expect(message.fields(named: name).count == count)
    }

    @Test func aRefusedEditIsAWarningNotAnError() throws {
        let refused = try run("require [\"editheader\", \"variables\"];\nset \"n\" \"received\";\ndeleteheader \"${n}\";\nkeep;",
                              message: repeated)
        #expect(refused.errors.isEmpty)
        #expect(refused.modifiedMessage == nil)
        #expect(refused.warnings.map(\.message) == ["deleteheader: \"received\" fields are protected from deletion; the message was not changed"])
        #expect(refused.actions == [.keep(flags: [], implicit: false)])
    }

    @Test func siteSettingsProtectMoreFields() throws {
        var options = SieveOptions()
        options.editheader = EditheaderSettings(forbiddenToAdd: ["X-No-Add", "Subject"], forbiddenToDelete: ["X-Tag", "Subject"])
        let message = try #require(try edited("""
            addheader "X-No-Add" "refused";
            addheader "X-Other" "fine";
            deleteheader "X-Tag";
            deleteheader "Subject";
            addheader "Subject" "Subject cannot be protected";
            """, options: options))
        #expect(message.fields(named: "X-No-Add").isEmpty)
        #expect(message.fields(named: "X-Other").count == 1)
        #expect(message.fields(named: "X-Tag").count == 3)
        #expect(message.fields(named: "Subject").map(\.value) == ["Subject cannot be protected"])
        let warned = diagnostics("require \"editheader\";\naddheader \"x-no-add\" \"v\";\ndeleteheader \"X-TAG\";", options: options)
        #expect(warned.count == 2)
        #expect(warned.allSatisfy { $0.contains("warning:") })
    }

    // MARK: errors

    @Test(arguments: [
        ("addheader \"X field\" \"v\";", "test.sieve:2:11: error: addheader: the field name \"X field\" is invalid"),
        ("addheader \"X-field:\" \"v\";", "test.sieve:2:11: error: addheader: the field name \"X-field:\" is invalid"),
        ("addheader \"\" \"v\";", "test.sieve:2:11: error: addheader: the field name \"\" is invalid"),
        ("deleteheader \"Sübject\";", "test.sieve:2:14: error: deleteheader: the field name \"Sübject\" is invalid"),
        ("addheader \"X\" \"a${hex:00}b\";", "test.sieve:2:15: error: addheader: the value \"a?b\" is invalid: it contains a NUL character"),
        ("deleteheader :last \"X\";", "test.sieve:2:14: error: deleteheader: the :last tag cannot be specified without the :index tag"),
        ("deleteheader :index 0 \"X\";", "test.sieve:2:21: error: deleteheader: :index counts fields from 1; found 0"),
        ("addheader :index 1 \"X\" \"v\";", "test.sieve:2:11: error: unknown tag ':index' for command 'addheader'"),
        ("deleteheader [\"A\", \"B\"];", "test.sieve:2:14: error: deleteheader expects a string for the field name"),
        ("addheader \"X\";", "test.sieve:2:1: error: command 'addheader' expects 2 positional arguments"),
    ])
    func compileErrors(_ line: String, _ expected: String) {
        let found = diagnostics("require [\"editheader\", \"encoded-character\"];\n" + line)
        #expect(found.contains { $0.hasPrefix(expected) }, "\(found)")
    }

    @Test func valueSizeLimit() throws {
        var options = SieveOptions()
        options.editheader.maximumValueSize = 1024
        let long = String(repeating: "A", count: 1025)
        #expect(diagnostics("require \"editheader\";\naddheader \"X\" \"\(long)\";", options: options).first?
            .contains("is too large (1025 octets; the site allows at most 1024)") == true)
        #expect(diagnostics("require \"editheader\";\naddheader \"X\" \"\(long)\";").isEmpty)
        let result = try run("require [\"editheader\", \"variables\"];\nset \"v\" \"\(long)\";\naddheader \"X\" \"${v}\";\nkeep;",
                             message: repeated, options: options)
        #expect(result.errors.first?.message.contains("too large") == true)
        #expect(result.modifiedMessage == nil)
        #expect(result.actions == [implicitKeep])
    }

    @Test func invalidNameAfterExpansionIsARuntimeError() throws {
        let result = try run("require [\"editheader\", \"variables\"];\nset \"n\" \"X-field:\";\naddheader \"${n}\" \"v\";",
                             message: repeated)
        #expect(result.errors.first?.message.hasPrefix("addheader: the field name \"X-field:\" (after variable expansion) is invalid") == true)
        #expect(result.modifiedMessage == nil)
    }

    @Test func requiresTheExtension() {
        #expect(diagnostics("addheader \"X\" \"v\";").first?.contains("requires the \"editheader\" extension") == true)
    }

    @Test func runSummaryShowsTheEditedHeader() throws {
        let result = try run("require \"editheader\";\ndeleteheader \"X-Tag\";\naddheader :last \"X-Done\" \"yes\";",
                             message: repeated)
        #expect(result.editedHeaderSummary == """
              From: alice@example.org
              To: bob@example.com
              Subject: Original
              Received: from a by b
              Auto-Submitted: auto-generated
              X-Done: yes
            """)
        #expect(try run("keep;", message: repeated).editedHeaderSummary == nil)
    }

    @Test func traceShowsEachEdit() throws {
        let recorder = SieveTraceRecorder()
        _ = try run("require \"editheader\";\naddheader :last \"X-A\" \"1\";\ndeleteheader :index 2 \"X-Tag\";",
                    message: repeated, tracer: recorder)
        let lines = recorder.events.compactMap { event -> String? in
            if case .messageEdit = event { return event.traceLine }
            return nil
        }
        #expect(lines == ["2:   edit addheader :last \"X-A: 1\"", "3:   edit deleteheader :index 2 \"X-Tag\": 1 of 1 field(s) removed"])
    }
}

import MailCore
import Testing
@testable import Sieve

@Suite("RFC 5490 §3-4 mboxmetadata and servermetadata")
struct RFC5490MetadataTests {
    private let prefix = "require [\"fileinto\", \"mboxmetadata\", \"servermetadata\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
    private var catalog: MailboxCatalog {
        var catalog = MailboxCatalog(mailboxes: ["Work"])
        catalog.setMetadata("/private/vendor/isode/auto-replies", mailbox: "INBOX", to: "on")
        catalog.setMetadata("/shared/comment", mailbox: "Work", to: "Team mail")
        catalog.setMetadata("/private/limit", mailbox: "Work", to: "42")
        catalog.setMetadata("/private/comment", mailbox: "Gone", to: "no folder")
        catalog.setMetadata("/shared/admin", mailbox: nil, to: "mailto:postmaster@example.com")
        return catalog
    }

    @Test("metadata and servermetadata match an annotation's value", arguments: [
        (#"metadata "INBOX" "/private/vendor/isode/auto-replies" "on""#, true),
        (#"metadata "inbox" "/PRIVATE/vendor/isode/auto-replies" "ON""#, true),
        (#"metadata :comparator "i;octet" "INBOX" "/private/vendor/isode/auto-replies" "ON""#, false),
        (#"metadata :contains "Work" "/shared/comment" "Team""#, true),
        (#"metadata :value "gt" :comparator "i;ascii-numeric" "Work" "/private/limit" "40""#, true),
        (#"metadata :matches "Work" "/private/nothing" "*""#, false),
        (#"metadata "Gone" "/private/comment" "no folder""#, false),
        (#"metadata :matches "INBOX" "frop" "*""#, false),
        (#"servermetadata :matches "/shared/admin" "mailto:*""#, true),
        (#"servermetadata "/shared/comment" "Team mail""#, false),
    ])
    func metadata(test: String, expected: Bool) throws {
        let result = try run(prefix + "if \(test) { fileinto \"yes\"; }", catalog: catalog)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.actions.contains(fileinto("yes")) == expected)
    }

    @Test("metadataexists and servermetadataexists need every annotation", arguments: [
        (#"metadataexists "Work" ["/shared/comment", "/private/limit"]"#, true),
        (#"metadataexists "Work" ["/shared/comment", "/private/other"]"#, false),
        (#"metadataexists "INBOX" "/private/vendor/isode/auto-replies""#, true),
        (#"metadataexists "Missing" "/shared/comment""#, false),
        (#"metadataexists "INBOX" ["/private/vendor/isode/auto-replies", "/bad"]"#, false),
        (#"servermetadataexists "/shared/admin""#, true),
        (#"servermetadataexists ["/shared/admin", "/shared/other"]"#, false),
    ])
    func exists(test: String, expected: Bool) throws {
        let result = try run(prefix + "if \(test) { fileinto \"yes\"; }", catalog: catalog)
        #expect(result.actions.contains(fileinto("yes")) == expected)
    }

    @Test("arguments are checked when compiling", arguments: [
        (#"if metadata "/private/x" "v" { keep; }"#, "expects 3 positional arguments"),
        (#"if servermetadata "INBOX" "/private/x" "v" { keep; }"#, "expects 2 positional arguments"),
        (#"if metadataexists 23 "/private/x" { keep; }"#, "expects a string for the mailbox, found a number"),
        (#"if servermetadataexists "INBOX" "/private/x" { keep; }"#, "expects 1 positional argument"),
        (#"if metadata :frop "INBOX" "/private/x" "v" { keep; }"#, "unknown tag ':frop'"),
        ("metadata \"INBOX\" \"/private/x\" \"v\";", "is a test, not a command"),
    ])
    func errors(source: String, expected: String) {
        let found = diagnostics(prefix + source).filter { $0.contains("error:") }
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains(expected) == true, "\(found)")
    }

    @Test("an annotation name that cannot exist is a warning, and the test is false", arguments: [
        #"metadata "INBOX" "frop" "v""#, #"servermetadata "/frop" "v""#, #"metadataexists "INBOX" ["/private/x", "/x"]"#,
        #"servermetadataexists "/private//x""#,
    ])
    func invalidEntryWarns(test: String) throws {
        let found = diagnostics(prefix + "if \(test) { keep; }")
        #expect(found.count == 1 && found[0].contains("warning:") && found[0].contains("is not an annotation name"), "\(found)")
    }

    @Test("RFC 5464 §3.2 entry names", arguments: [
        ("/private/comment", true), ("/shared/vendor/x/y", true), ("/PRIVATE/x", true),
        ("/private", false), ("/private/", false), ("/frop", false), ("frop", false), ("/private//x", false),
        ("/private/x*", false), ("/private/x%", false), ("/shared/a\u{7}", false),
    ])
    func entryNames(entry: String, valid: Bool) {
        #expect((MailboxAttributeSyntax.entryProblem(entry) == nil) == valid)
    }

    @Test("the extensions need require")
    func needsRequire() {
        #expect(diagnostics("if metadata \"INBOX\" \"/private/x\" \"v\" { keep; }").first?.contains("\"mboxmetadata\"") == true)
        #expect(diagnostics("if servermetadataexists \"/private/x\" { keep; }").first?.contains("\"servermetadata\"") == true)
    }
}

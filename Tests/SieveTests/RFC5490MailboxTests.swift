import MailCore
import Testing
@testable import Sieve

/// A context whose mailboxes are a fixed set.
private struct FolderContext: SieveContext {
    var message: Message
    var envelope: SieveEnvelope
    var folders: Set<String>
    func mailboxExists(_ name: String) -> Bool { folders.contains(name) }
}

@Suite("RFC 5490 §3 mailbox: fileinto :create and mailboxexists")
struct RFC5490MailboxTests {
    private func result(_ source: String, folders: Set<String>) throws -> SieveResult {
        let compiled = SieveCompiler.compile(source, file: "test.sieve", options: SieveOptions())
        guard let script = compiled.script else { throw ScriptFailedToCompile(diagnostics: compiled.diagnostics) }
        let context = FolderContext(message: standardMessage, envelope: standardEnvelope, folders: folders)
        return SieveInterpreter.run(script, context: context)
    }

    @Test("§3.2: fileinto :create asks for the folder to be created")
    func create() throws {
        let list = try actions("require [\"fileinto\", \"mailbox\"];\nfileinto :create \"Lists/new\";")
        #expect(list == [.fileinto(mailbox: "Lists/new", flags: [], copy: false, create: true)])
        let report = CheckReport(result: SieveResult(actions: list)).jsonText()
        #expect(report.contains(#""create":true"#))
    }

    @Test(":create needs the mailbox extension")
    func createNeedsRequire() {
        let errors = diagnostics("require \"fileinto\";\nfileinto :create \"X\";")
        #expect(errors.count == 1)
        #expect(errors.first?.contains("requires the \"mailbox\" extension") == true, "\(errors)")
    }

    @Test("§3.1: mailboxexists is true only when every named mailbox exists", arguments: [
        (#"mailboxexists "Work""#, true),
        (#"mailboxexists ["Work", "INBOX"]"#, true),
        (#"mailboxexists ["Work", "Missing"]"#, false),
        (#"mailboxexists "Missing""#, false),
    ])
    func exists(test: String, expected: Bool) throws {
        let source = "require [\"fileinto\", \"mailbox\"];\nif \(test) { fileinto \"yes\"; }"
        let run = try result(source, folders: ["Work", "INBOX"])
        #expect(run.actions.contains(fileinto("yes")) == expected)
    }

    @Test("the usual pattern: file into the folder when it exists, else keep")
    func fileIfExists() throws {
        let source = """
            require ["fileinto", "mailbox"];
            if mailboxexists "Receipts" { fileinto "Receipts"; }
            """
        #expect(try result(source, folders: ["Receipts"]).actions == [fileinto("Receipts")])
        #expect(try result(source, folders: []).actions == [implicitKeep])
    }

    @Test("mailboxexists without require names the extension")
    func existsNeedsRequire() {
        let errors = diagnostics("if mailboxexists \"X\" { keep; }")
        #expect(errors.first?.contains("\"mailbox\"") == true, "\(errors)")
    }
}

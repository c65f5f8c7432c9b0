import Sieve
import Testing
@testable import Delivery

@Suite("Delivery: included scripts (RFC 6609)")
struct IncludeDeliveryTests {
    @Test("a personal include is found next to the user's script")
    func personalInclude() async throws {
        let site = try TestSite()
        try site.dir.write("sieve/lists.sieve", "require \"fileinto\"; fileinto \"Lists\";")
        try site.script("ann", "require [\"include\", \"fileinto\"]; include \"lists\"; fileinto \"Also\";")
        let outcome = try #require(try await site.agent().deliver(transaction(["ann@example.org"])).first)
        #expect(outcome.reply.code == 250)
        #expect(outcome.copies.map(\.mailbox).sorted() == ["Also", "Lists"])
    }

    @Test("the body is loaded when only an included script reads it")
    func includedScriptReadsBody() async throws {
        let site = try TestSite()
        try site.dir.write("sieve/body.sieve", "require [\"body\", \"fileinto\"]; if body :contains \"line two\" { fileinto \"Two\"; }")
        try site.script("eve", "require \"include\"; include \"body\";")
        let outcome = try #require(try await site.agent().deliver(transaction(["eve@example.org"])).first)
        #expect(outcome.copies.map(\.mailbox) == ["Two"])
    }

    @Test("a global include is found in [scripts] global_dir, and shares global variables")
    func globalInclude() async throws {
        var site = try TestSite()
        site.configuration.scripts.globalDirectory = site.dir.file("global")
        try site.dir.write("global/spam.sieve", """
            require ["include", "variables", "fileinto"];
            global "folder";
            if header :contains "subject" "Hello" { set "folder" "Greetings"; }
            """)
        try site.script("bea", """
            require ["include", "variables", "fileinto"];
            global "folder";
            set "folder" "Other";
            include :global "spam";
            fileinto "${folder}";
            """)
        let outcome = try #require(try await site.agent().deliver(transaction(["bea@example.org"])).first)
        #expect(outcome.copies.map(\.mailbox) == ["Greetings"])
    }

    @Test("a missing global directory makes a script with include :global broken: INBOX, logged")
    func globalWithoutDirectory() async throws {
        let site = try TestSite()
        try site.script("cy", "require [\"include\", \"fileinto\"]; include :global \"spam\"; fileinto \"X\";")
        let outcome = try #require(try await site.agent().deliver(transaction(["cy@example.org"])).first)
        #expect(outcome.copies.map(\.mailbox) == ["INBOX"])
        #expect(outcome.notes.contains { $0.contains("does not compile") })
        let logged = site.log.records.first { $0.metadata["diagnostics"] != nil }
        #expect(logged?.metadata["diagnostics"]?.contains("no global script directory is configured") == true)
    }

    @Test("a runtime error in an included script keeps the message and names the chain")
    func runtimeErrorInInclude() async throws {
        var site = try TestSite()
        site.configuration.scripts.sieveOptions.limits.maxActions = 1
        try site.dir.write("sieve/two.sieve", "require \"fileinto\"; fileinto \"A\"; fileinto \"B\";")
        try site.script("dee", "require \"include\"; include \"two\";")
        let outcome = try #require(try await site.agent().deliver(transaction(["dee@example.org"])).first)
        #expect(outcome.copies.map(\.mailbox) == ["INBOX"])
        let line = site.log.records.first { $0.message == "delivery" }
        #expect(line?.metadata["notes"]?.contains("dee.sieve:1:20 → ") == true, "\(String(describing: line?.metadata))")
    }
}

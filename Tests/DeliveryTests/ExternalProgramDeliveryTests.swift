import Foundation
import Sieve
import Testing
@testable import Delivery

/// A site whose pipe, filter and execute directories hold small shell programs.
private func programSite() throws -> TestSite {
    var site = try TestSite()
    for kind in ["pipe", "filter", "execute"] {
        try FileManager.default.createDirectory(atPath: site.dir.file(kind), withIntermediateDirectories: true)
        site.configuration.scripts.sieveOptions.programs.directories[ExternalProgramKind(rawValue: kind)!] = site.dir.file(kind)
    }
    ExternalProgramSettings.enable(in: &site.configuration.scripts.sieveOptions)
    return site
}

/// Writes an executable shell program.
private func program(_ site: TestSite, _ relative: String, _ body: String) throws {
    let path = try site.dir.write(relative, "#!/bin/sh\n" + body + "\n")
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
}

@Suite("Delivery: external programs (vnd.dovecot.pipe, filter, execute)")
struct ExternalProgramDeliveryTests {
    @Test("pipe hands the message and the envelope to the program and cancels the implicit keep")
    func pipeDelivered() async throws {
        let site = try programSite()
        let saved = site.dir.file("piped")
        try program(site, "pipe/archive", "{ echo \"$1 $SENDER $RECIPIENT $USER\"; cat; } > '\(saved)'")
        try site.script("ann", "require \"vnd.dovecot.pipe\";\npipe \"archive\" [\"first\"];")
        let outcome = try #require(await site.agent().deliver(transaction(["ann@example.org"])).first)
        #expect(outcome.reply.code == 250)
        #expect(outcome.copies.isEmpty)
        #expect(outcome.pipeResults == ["\"archive\" done"])
        let text = try String(contentsOfFile: saved, encoding: .utf8)
        #expect(text.hasPrefix("first sender@example.com ann@example.org ann@example.org\n"))
        #expect(text.hasSuffix(sampleMessage))
        #expect(site.messages("ann").isEmpty)
    }

    @Test("a before script's pipe :copy runs even when the user's script rejects the message")
    func pipeThenReject() async throws {
        var site = try programSite()
        let saved = site.dir.file("piped")
        try program(site, "pipe/archive", "cat > '\(saved)'")
        let before = try site.dir.write("global/before.sieve", "require [\"vnd.dovecot.pipe\", \"copy\"];\npipe :copy \"archive\";")
        site.configuration.scripts.before = [before]
        try site.script("dee", "require \"reject\";\nreject \"not here\";")
        let outcome = try #require(await site.agent().deliver(transaction(["dee@example.org"])).first)
        #expect(outcome.reply.code == 550)
        #expect(outcome.pipeResults == ["\"archive\" done"])
        #expect(try String(contentsOfFile: saved, encoding: .utf8) == sampleMessage)
        #expect(site.messages("dee").isEmpty)
    }

    @Test("a failed pipe keeps the message in INBOX, as a failed redirect does; :try ignores it")
    func pipeFailure() async throws {
        let site = try programSite()
        try program(site, "pipe/broken", "cat >/dev/null; exit 7")
        try site.script("bea", "require \"vnd.dovecot.pipe\";\npipe \"broken\";")
        try site.script("cy", "require \"vnd.dovecot.pipe\";\npipe :try \"broken\";")
        let agent = try site.agent()
        let failed = try #require(await agent.deliver(transaction(["bea@example.org"])).first)
        #expect(failed.reply.code == 250 && failed.copies.map(\.mailbox) == ["INBOX"])
        #expect(failed.notes.contains("pipe to \"broken\" failed (it exited with status 7); the message is kept in INBOX instead"))
        let tried = try #require(await agent.deliver(transaction(["cy@example.org"])).first)
        #expect(tried.copies.isEmpty && tried.reply.code == 250)
        #expect(tried.notes.contains { $0.hasPrefix("pipe :try to \"broken\" failed") })
    }

    @Test("execute :output feeds a variable; filter's output is what later tests see")
    func executeAndFilter() async throws {
        let site = try programSite()
        try program(site, "execute/folder", "printf Sorted")
        try program(site, "filter/tag", "echo 'X-Tagged: yes'; cat")
        try site.script("dan", """
            require ["vnd.dovecot.execute", "vnd.dovecot.filter", "variables", "fileinto"];
            execute :output "where" "folder";
            filter "tag";
            if header "X-Tagged" "yes" { fileinto "${where}"; }
            """)
        let outcome = try #require(await site.agent().deliver(transaction(["dan@example.org"])).first)
        #expect(outcome.copies.map(\.mailbox) == ["Sorted"])
    }

    @Test("debug_log lines go to the delivery's log entry")
    func debugLog() async throws {
        let site = try programSite()
        try site.script("eve", "require \"vnd.dovecot.debug\";\ndebug_log \"checked\";")
        let outcome = try #require(await site.agent().deliver(transaction(["eve@example.org"])).first)
        #expect(outcome.debugMessages == ["checked"])
        #expect(site.log.records.contains { $0.metadata["debug_log"] == "checked" })
    }
}

import Sieve
import Testing
@testable import Delivery

@Suite("Delivery: user and global scripts (RFC 5228 §2.10 implicit keep, Pigeonhole sieve_before/after)")
struct ScriptChainTests {
    @Test("a broken user script delivers to INBOX and is logged once per version")
    func brokenScript() async throws {
        let site = try TestSite()
        try site.script("ann", "if header :contains \"subject\" { fileinto \"X\" }")
        let agent = try site.agent()
        for round in 1...2 {
            let outcome = try #require(await agent.deliver(transaction(["ann@example.org"], id: "T\(round)")).first)
            #expect(outcome.reply.code == 250)
            #expect(outcome.copies.map(\.mailbox) == ["INBOX"])
            #expect(outcome.notes.contains { $0.contains("does not compile") })
        }
        #expect(site.messages("ann").count == 2)
        let compileErrors = site.log.records.filter { $0.level == .error && $0.metadata["script"] != nil }
        #expect(compileErrors.count == 1)
        #expect(compileErrors.first?.metadata["diagnostics"]?.contains("ann.sieve:") == true)
    }

    @Test("a missing user script is the implicit keep, silently")
    func missingScript() async throws {
        let site = try TestSite()
        let outcome = try #require(try await site.agent().deliver(transaction(["bea@example.org"])).first)
        #expect(outcome.copies.map(\.mailbox) == ["INBOX"])
        #expect(outcome.notes.isEmpty)
        #expect(!site.log.records.contains { $0.level == .error })
    }

    @Test("the script is compiled once and recompiled after it changes")
    func recompiledAfterChange() async throws {
        let site = try TestSite()
        try site.script("cy", "require \"fileinto\"; fileinto \"One\";")
        try site.dir.touch("sieve/cy.sieve", modified: 1_000_000)
        let agent = try site.agent()
        _ = await agent.deliver(transaction(["cy@example.org"]))
        _ = await agent.deliver(transaction(["cy@example.org"]))
        try site.script("cy", "require \"fileinto\"; fileinto \"Two\";")
        try site.dir.touch("sieve/cy.sieve", modified: 2_000_000)
        let outcome = try #require(await agent.deliver(transaction(["cy@example.org"])).first)
        #expect(outcome.copies.map(\.mailbox) == ["Two"])
        #expect(site.messages("cy", ".One").count == 2)
        #expect(site.messages("cy", ".Two").count == 1)
    }

    @Test("a runtime error keeps the message in INBOX (RFC 5228 §2.10.6) and is noted")
    func runtimeError() async throws {
        var site = try TestSite()
        site.configuration.scripts.sieveOptions.limits.maxActions = 1
        try site.script("dee", "require \"fileinto\"; fileinto \"A\"; fileinto \"B\";")
        let outcome = try #require(try await site.agent().deliver(transaction(["dee@example.org"])).first)
        #expect(outcome.reply.code == 250)
        #expect(outcome.copies.map(\.mailbox) == ["INBOX"])
        #expect(outcome.notes.contains { $0.contains("failed at run time") })
        let line = site.log.records.first { $0.message == "delivery" }
        #expect(line?.metadata["notes"]?.contains("too many actions") == true)
    }

    @Test("global scripts: the next script runs only while a keep is in effect; a later fileinto cancels an earlier keep")
    func globalScripts() async throws {
        var site = try TestSite()
        let before = try site.dir.write("global/before.sieve", """
            require ["fileinto", "imap4flags", "copy"];
            addflag "$Checked";
            if header :contains "subject" "Hello" { fileinto :copy "Seen-By-Admin"; stop; }
            fileinto "Never";
            """)
        let after = try site.dir.write("global/after.sieve", "require \"fileinto\"; fileinto \"Archive\";")
        site.configuration.scripts.before = [before]
        site.configuration.scripts.after = [after]
        try site.script("eve", "keep;")
        try site.script("flo", "require \"fileinto\"; fileinto \"Flo\";")
        let outcomes = try await site.agent().deliver(transaction(["eve@example.org", "flo@example.org"]))
        // eve: the before script's copy stands; her keep lets the after script run, whose
        // fileinto cancels that keep.
        #expect(outcomes[0].copies.map(\.mailbox) == ["Seen-By-Admin", "Archive"])
        #expect(site.messages("eve").isEmpty)
        // flo: her fileinto cancels the keep, so the after script does not run.
        #expect(outcomes[1].copies.map(\.mailbox) == ["Seen-By-Admin", "Flo"])
    }

    @Test("implicit keep survives scripts that do not cancel it; flags from setflag reach it")
    func implicitKeepAcrossScripts() async throws {
        var site = try TestSite()
        let before = try site.dir.write("global/before.sieve", "require \"imap4flags\"; addflag \"\\\\Seen\";")
        site.configuration.scripts.before = [before]
        try site.script("gus", "require \"vacation\"; vacation \"away\";")
        let outcome = try #require(try await site.agent().deliver(transaction(["gus@example.org"])).first)
        #expect(outcome.copies.map(\.mailbox) == ["INBOX"])
        #expect(outcome.vacation != nil)
        let files = site.messages("gus")
        try #require(files.count == 1)
        #expect(files[0].hasSuffix(":2,S"))
    }

    @Test("a rejection after another script's delivery: the copy stands and the message is refused")
    func rejectionAfterDelivery() async throws {
        var site = try TestSite()
        let before = try site.dir.write("global/before.sieve", "require [\"fileinto\", \"copy\"]; fileinto :copy \"Audit\";")
        site.configuration.scripts.before = [before]
        try site.script("hal", "require \"reject\"; reject \"no\";")
        let agent = try site.agent()
        let outcome = try #require(await agent.deliver(transaction(["hal@example.org"])).first)
        #expect(outcome.reply.code == 550)
        #expect(outcome.disposition == .rejected)
        #expect(outcome.copies.map(\.mailbox) == ["Audit"])
        #expect(site.messages("hal", ".Audit").count == 1)
    }

    @Test("a broken global script stops the chain and keeps the message in INBOX")
    func brokenGlobal() async throws {
        var site = try TestSite()
        let before = try site.dir.write("global/before.sieve", "fileinto \"X\";")  // missing require
        site.configuration.scripts.before = [before]
        try site.script("jo", "discard;")
        let outcome = try #require(try await site.agent().deliver(transaction(["jo@example.org"])).first)
        #expect(outcome.copies.map(\.mailbox) == ["INBOX"])
        #expect(outcome.disposition == .stored)
    }

    @Test("a relative global script path is refused when the agent is built")
    func relativeGlobal() throws {
        var site = try TestSite()
        site.configuration.scripts.after = ["after.sieve"]
        #expect(throws: DeliveryConfigurationError.globalScript(path: "after.sieve", reason: "expected an absolute path")) {
            try site.agent()
        }
    }
}

@Suite("Delivery plan: a sequence's actions as copies, redirects and replies")
struct DeliveryPlanTests {
    private func outcome(_ actions: [SieveAction], failed: Bool = false) -> ScriptSequenceOutcome {
        ScriptSequenceOutcome(actions: actions, steps: [], notes: [], failed: failed, fallbackKeep: failed)
    }

    @Test("reject with an earlier copy keeps both; discard and vacation map through")
    func rejectAndCopies() {
        let plan = PlanBuilder.plan(outcome([.fileinto(mailbox: "A", flags: [], copy: true, create: false),
                                             .reject(reason: "no")]))
        #expect(plan.rejection == "no")
        #expect(plan.copies == [DeliveryPlan.Copy(mailbox: "A", flags: [], create: false)])
        let vacation = VacationAction(to: "a@b", from: nil, subject: nil, reason: "r", isMime: false, handle: "h",
                                      seconds: 0, addresses: [])
        let discarded = PlanBuilder.plan(outcome([.vacation(vacation), .discard]))
        #expect(discarded.discarded && discarded.copies.isEmpty && discarded.vacation == vacation)
    }

    @Test("keep and fileinto \"inbox\" are one INBOX copy")
    func inboxOnce() {
        let plan = PlanBuilder.plan(outcome([.fileinto(mailbox: "inbox", flags: ["$X"], copy: true, create: false),
                                             .keep(flags: ["\\Seen"], implicit: true)]))
        #expect(plan.copies == [DeliveryPlan.Copy(mailbox: "INBOX", flags: ["$X"], create: false)])
    }

    @Test("a failed sequence is noted as such")
    func failed() {
        let plan = PlanBuilder.plan(outcome([.keep(flags: [], implicit: true)], failed: true))
        #expect(plan.scriptFailed)
        #expect(plan.copies.map(\.mailbox) == ["INBOX"])
    }
}

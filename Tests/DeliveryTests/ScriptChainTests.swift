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

    @Test("global scripts: actions accumulate, stop ends only its script, implicit keep if none cancelled")
    func globalScripts() async throws {
        var site = try TestSite()
        let before = try site.dir.write("global/before.sieve", """
            require ["fileinto", "imap4flags"];
            addflag "$Checked";
            if header :contains "subject" "Hello" { fileinto "Seen-By-Admin"; stop; }
            fileinto "Never";
            """)
        let after = try site.dir.write("global/after.sieve", "require \"fileinto\"; fileinto \"Archive\";")
        site.configuration.scripts.before = [before]
        site.configuration.scripts.after = [after]
        try site.script("eve", "keep;")
        let outcomes = try await site.agent().deliver(transaction(["eve@example.org", "flo@example.org"]))
        // eve: before files into one folder then stops; her script keeps; after archives.
        #expect(outcomes[0].copies.map(\.mailbox) == ["Seen-By-Admin", "INBOX", "Archive"])
        // flo has no script: the before and after scripts cancelled the implicit keep.
        #expect(outcomes[1].copies.map(\.mailbox) == ["Seen-By-Admin", "Archive"])
        #expect(site.messages("flo").isEmpty)
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

    @Test("a rejection that conflicts with another script's delivery is dropped")
    func rejectionConflict() async throws {
        var site = try TestSite()
        let before = try site.dir.write("global/before.sieve", "require \"fileinto\"; fileinto \"Audit\";")
        site.configuration.scripts.before = [before]
        try site.script("hal", "require \"reject\"; reject \"no\";")
        let agent = try site.agent()
        let outcome = try #require(await agent.deliver(transaction(["hal@example.org"])).first)
        #expect(outcome.reply.code == 250)
        #expect(outcome.copies.map(\.mailbox) == ["Audit"])
        #expect(outcome.notes.contains { $0.contains("rejection was dropped") })
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

@Suite("Delivery plan: merging script results")
struct DeliveryPlanTests {
    private func ran(_ actions: [SieveAction]) -> ScriptRun {
        .ran(path: "/s", result: SieveResult(actions: actions))
    }

    @Test("reject alone refuses; discard alone discards; vacation is dropped with a rejection")
    func rejectAndDiscard() {
        var builder = PlanBuilder()
        _ = builder.add(ran([.reject(reason: "no"), .discard]))
        _ = builder.add(ran([.vacation(VacationAction(to: "a@b", from: nil, subject: nil, reason: "r", isMime: false,
                                                       handle: "h", seconds: 0, addresses: [])),
                             .keep(flags: [], implicit: true)]))
        let plan = builder.finish()
        #expect(plan.rejection == "no")
        #expect(plan.copies.isEmpty)
        #expect(plan.vacation == nil)
    }

    @Test("fileinto INBOX and keep are one copy with united flags")
    func inboxMerges() {
        var builder = PlanBuilder()
        _ = builder.add(ran([.keep(flags: ["\\Seen"], implicit: false)]))
        _ = builder.add(ran([.fileinto(mailbox: "inbox", flags: ["$X"], copy: false, create: false)]))
        let plan = builder.finish()
        #expect(plan.copies == [DeliveryPlan.Copy(mailbox: "INBOX", flags: ["\\Seen", "$X"], create: false)])
    }

    @Test("an error after earlier actions keeps them and adds INBOX")
    func errorKeepsEarlier() {
        var builder = PlanBuilder()
        let goOn = builder.add(ran([.fileinto(mailbox: "A", flags: [], copy: false, create: false), .discard]))
        #expect(goOn)
        let failing = SieveResult(actions: [.keep(flags: [], implicit: true)],
                                  errors: [SieveRuntimeError("boom", at: SourceLocation(line: 1, column: 1, offset: 0))])
        let stopped = !builder.add(.ran(path: "/u", result: failing))
        #expect(stopped)
        let plan = builder.finish()
        #expect(plan.copies.map(\.mailbox) == ["A", "INBOX"])
        #expect(!plan.discarded)
        #expect(plan.scriptFailed)
    }
}

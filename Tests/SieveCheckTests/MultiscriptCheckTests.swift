import Foundation
import MultiscriptCases
import Testing

/// `sieve-check run --before/--after` over the shared multiscript table
/// (`SieveScripts/multiscript/`), checking the JSON report.
@Suite("sieve-check run --before/--after")
struct MultiscriptCheckTests {
    @Test("each case of SieveScripts/multiscript", arguments: try MultiscriptCase.all())
    func tableCase(_ example: MultiscriptCase) throws {
        let user = try #require(example.user, "every case has a user script")
        var arguments = ["run", "--json", "--to", MultiscriptCase.recipient, "--from", MultiscriptCase.sender]
        if let before = example.before { arguments += ["--before", before] }
        if let after = example.after { arguments += ["--after", after] }
        arguments += [user, MultiscriptCase.messagePath]
        let run = try SieveCheckCLITests.run(arguments)
        let expected = example.expected
        #expect((run.status != 0) == expected.failed, "exit \(run.status): \(run.stderr)")

        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        let actions = try #require(report["actions"] as? [[String: Any]])
        var seen = MultiscriptCase.Expectation()
        for action in actions {
            let flags = action["flags"] as? [String] ?? []
            switch action["action"] as? String {
            case "keep": seen.stored.append(.init(folder: "INBOX", flags: flags))
            case "fileinto": seen.stored.append(.init(folder: action["mailbox"] as? String ?? "?", flags: flags))
            case "redirect": seen.redirects.append(action["address"] as? String ?? "?")
            case "reject", "ereject": seen.rejection = action["reason"] as? String
            case "vacation": seen.vacation = action["reason"] as? String
            case "discard": seen.discarded = true
            default: Issue.record("unexpected action \(action)")
            }
        }
        let roles = [example.before: "before", user: "user", example.after: "after"]
        let scripts = try #require(report["scripts"] as? [[String: Any]])
        seen.ran = scripts.filter { $0["status"] as? String == "ran" }.compactMap { roles[$0["script"] as? String] }
        seen.failed = expected.failed
        seen.stored.sort()
        seen.redirects.sort()
        var want = expected
        want.stored.sort()
        want.redirects.sort()
        #expect(seen == want, "\(run.stdout)")
    }

    @Test("text output names each script and what it did; --trace groups the trace by script")
    func textAndTrace() throws {
        let cases = try MultiscriptCase.all()
        let example = try #require(cases.first { $0.name == "copy-then-reject" })
        let run = try SieveCheckCLITests.run(["run", "--trace", "--before", try #require(example.before),
                                              try #require(example.user), MultiscriptCase.messagePath])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("  \(example.before!):\n"))
        #expect(run.stdout.contains("scripts:\n  \(example.before!): ran (fileinto :copy \"Archive\")\n"))
        #expect(run.stdout.contains("  \(example.user!): ran (reject \"Not wanted here.\"); the keep is cancelled\n"))
        #expect(run.stdout.hasSuffix("actions:\n  fileinto :copy \"Archive\"\n  reject \"Not wanted here.\"\n"))
    }
}

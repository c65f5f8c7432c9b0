import Testing
@testable import Sieve

@Suite("RFC 5228 §4 actions")
struct RFC5228ActionTests {
    @Test func noActionsMeansImplicitKeep() throws {
        #expect(try actions("") == [implicitKeep])
    }

    @Test func keepIsExplicit() throws {
        #expect(try actions("keep;") == [.keep(flags: [], implicit: false)])
    }

    @Test func discardCancelsImplicitKeep() throws {
        #expect(try actions("discard;") == [.discard])
    }

    @Test func discardThenKeepStillKeeps() throws {
        #expect(try actions("discard; keep;") == [.discard, .keep(flags: [], implicit: false)])
    }

    @Test func fileintoCancelsImplicitKeep() throws {
        #expect(try actions("require \"fileinto\"; fileinto \"INBOX.harassment\";") == [fileinto("INBOX.harassment")])
    }

    @Test func fileintoSameMailboxTwiceCollapses() throws {
        #expect(try actions("require \"fileinto\"; fileinto \"a\"; fileinto \"a\";") == [fileinto("a")])
    }

    @Test func fileintoInboxAndKeepAreOneDelivery() throws {
        #expect(try actions("require \"fileinto\"; fileinto \"INBOX\"; keep;") == [.keep(flags: [], implicit: false)])
    }

    @Test(arguments: [
        ("bart@example.com", "bart@example.com"),
        ("Bart Simpson <bart@example.com>", "bart@example.com"),
        ("<bart@example.com>", "bart@example.com"),
        ("\"bart simpson\"@example.com", "\"bart simpson\"@example.com"),
        ("bart@[192.0.2.1]", "bart@[192.0.2.1]"),
    ])
    func redirectAddressIsReducedToMailbox(_ written: String, _ expected: String) throws {
        let script = "redirect \(quoted(written));"
        #expect(try actions(script) == [.redirect(address: expected, copy: false)])
    }

    @Test(arguments: ["bart", "bart@", "@example.com", "bart@exa mple.com", "bart@-example.com", "ba..rt@example.com", ""])
    func invalidRedirectAddressIsACompileError(_ written: String) {
        let found = diagnostics("redirect \(quoted(written));")
        #expect(found.count == 1)
        #expect(found.first?.contains("is not a valid mailbox") == true)
    }

    @Test func invalidRedirectFromVariablesIsARuntimeError() throws {
        let result = try run("require \"variables\"; set \"a\" \"not valid\"; redirect \"${a}\";")
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.map(\.description) == ["test.sieve:1:43: error: redirect address \"not valid\" is not a valid mailbox (expected local@domain)"])
    }

    @Test func duplicateRedirectsCollapse() throws {
        #expect(try actions("redirect \"a@example.com\"; redirect \"A <a@EXAMPLE.com>\";") == [.redirect(address: "a@example.com", copy: false)])
    }
}

@Suite("RFC 5228 §2.10.6 runtime errors")
struct RFC5228RuntimeErrorTests {
    @Test func errorDiscardsCollectedActionsAndKeeps() throws {
        let result = try run("""
        require ["fileinto", "reject"];
        fileinto "a";
        redirect "x@example.com";
        reject "no";
        """)
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.location.line == 4)
        #expect(result.errors.first?.description == "test.sieve:4:1: error: 'reject' cannot be combined with 'fileinto' in one run (RFC 5429)")
    }

    @Test func errorStopsTheRun() throws {
        let recorder = SieveTraceRecorder()
        let result = try run("require [\"reject\", \"fileinto\"]; reject \"x\"; keep; fileinto \"after\";", tracer: recorder)
        #expect(!result.succeeded)
        let commands = recorder.events.compactMap { if case .command(let name, _) = $0 { name } else { nil } }
        #expect(commands == ["reject", "keep"])
    }
}

@Suite("Sieve limits")
struct SieveLimitTests {
    @Test func evaluationStepLimit() throws {
        var options = SieveOptions()
        options.limits.maxEvaluationSteps = 50
        let script = String(repeating: "if header :contains \"subject\" \"zzz\" { discard; }\n", count: 30)
        let result = try run(script, options: options)
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.first?.message == "script exceeded the evaluation limit of 50 steps")
    }

    @Test func stringComparisonsCountAsSteps() throws {
        var options = SieveOptions()
        options.limits.maxEvaluationSteps = 100
        let keys = (1...200).map { "\"k\($0)\"" }.joined(separator: ", ")
        let result = try run("if header :is \"subject\" [\(keys)] { discard; }", options: options)
        #expect(result.errors.first?.message == "script exceeded the evaluation limit of 100 steps")
    }

    @Test func actionLimit() throws {
        var options = SieveOptions()
        options.limits.maxActions = 3
        let script = "require \"fileinto\";" + (1...4).map { "fileinto \"f\($0)\";" }.joined()
        let result = try run(script, options: options)
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.first?.message == "too many actions: the limit is 3 per message")
        #expect(result.errors.first?.location.column == 62)
    }

    @Test func redirectLimit() throws {
        let script = (1...5).map { "redirect \"u\($0)@example.com\";" }.joined(separator: "\n")
        let result = try run(script)
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.map(\.description) == ["test.sieve:5:1: error: too many redirects: the limit is 4 per message"])
    }

    @Test func variableCountLimitIsACompileError() {
        var options = SieveOptions()
        options.limits.maxVariables = 2
        let found = diagnostics("require \"variables\"; set \"a\" \"1\"; set \"b\" \"2\"; set \"A\" \"3\"; set \"c\" \"4\";", options: options)
        #expect(found == ["test.sieve:1:65: error: too many variables: 'c' is one more than the limit of 2 per script"])
    }

    @Test func variableSizeLimitTruncatesAtCharacterBoundary() throws {
        var options = SieveOptions()
        options.limits.maxVariableSize = 5
        // "aé" is 3 bytes; doubling gives 6; the cut must not split the second é.
        let list = try actions("require [\"variables\", \"fileinto\"]; set \"x\" \"aé\"; set \"y\" \"${x}${x}\"; fileinto \"${y}\";", options: options)
        #expect(list == [fileinto("aéa")])
    }

    @Test func constantValueOverTheSizeLimitIsACompileError() {
        var options = SieveOptions()
        options.limits.maxVariableSize = 3
        #expect(diagnostics("require \"variables\"; set \"x\" \"abcd\";", options: options)
                == ["test.sieve:1:30: error: value for variable 'x' is 4 bytes, the limit is 3"])
    }

    @Test func parserLimitsComeFromOptions() {
        var options = SieveOptions()
        options.parserLimits.maxScriptSize = 10
        #expect(SieveCompiler.compile("if true { keep; }", options: options).hasErrors)
    }
}

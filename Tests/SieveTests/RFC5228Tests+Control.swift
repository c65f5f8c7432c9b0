import Testing
@testable import Sieve

@Suite("RFC 5228 §3 control commands")
struct RFC5228ControlTests {
    @Test(arguments: [
        ("From", "coyote", "acm@example.com"),
        ("Subject", "$$$", "postmaster@example.com"),
        ("X-Nothing", "zzz", "field@example.com"),
    ])
    func ifElsifElseChoosesOneBranch(_ header: String, _ value: String, _ expected: String) throws {
        let message = makeMessage(["\(header): \(value)"])
        let list = try actions("""
        if header :contains ["from"] ["coyote"] {
           redirect "acm@example.com";
        } elsif header :contains "subject" "$$$" {
           redirect "postmaster@example.com";
        } else {
           redirect "field@example.com";
        }
        """, message: message)
        #expect(list == [.redirect(address: expected, copy: false)])
    }

    @Test func stopEndsTheScript() throws {
        let list = try actions("require \"fileinto\"; fileinto \"a\"; stop; fileinto \"b\";")
        #expect(list == [fileinto("a")])
    }

    @Test func stopInsideNestedBlockEndsTheScript() throws {
        let list = try actions("require \"fileinto\"; if true { if true { stop; } } fileinto \"b\";")
        #expect(list == [implicitKeep])
    }

    @Test func stopWithoutActionsKeepsImplicitly() throws {
        #expect(try actions("stop; discard;") == [implicitKeep])
    }

    @Test func requireWithSeveralCapabilitiesAndCaseInsensitiveNames() throws {
        #expect(try actions("require [\"FileInto\", \"envelope\"]; require \"copy\"; fileinto :copy \"x\";")
                == [fileinto("x", copy: true), implicitKeep])
    }

    @Test func elsifWithoutIfIsAnError() {
        #expect(diagnostics("keep; elsif true { keep; }") == ["test.sieve:1:7: error: 'elsif' must follow 'if' or 'elsif'"])
    }

    @Test func elseWithoutIfIsAnError() {
        #expect(diagnostics("else { keep; }") == ["test.sieve:1:1: error: 'else' must follow 'if' or 'elsif'"])
    }

    @Test func elseAfterElseIsAnError() {
        #expect(diagnostics("if true { keep; } else { keep; } else { discard; }")
                == ["test.sieve:1:34: error: 'else' must follow 'if' or 'elsif'"])
    }

    @Test func requireAfterCommandIsAnError() {
        #expect(diagnostics("keep;\nrequire \"fileinto\";") == ["test.sieve:2:1: error: 'require' must come before any other command"])
    }

    @Test func requireInsideBlockIsAnError() {
        #expect(diagnostics("if true { require \"fileinto\"; }")
                == ["test.sieve:1:11: error: 'require' is only allowed at the start of the script, not inside a block"])
    }

    @Test func unknownCapabilityIsNamed() {
        #expect(diagnostics("require [\"fileinto\", \"x-frobnicate\"];")
                == ["test.sieve:1:22: error: unsupported extension \"x-frobnicate\" in require"])
    }

    @Test func disabledCapabilityIsRefused() {
        var options = SieveOptions()
        options.enabledExtensions.remove("vacation")
        #expect(diagnostics("require \"vacation\";", options: options)
                == ["test.sieve:1:9: error: extension \"vacation\" is not enabled on this server"])
    }

    @Test func comparatorCapabilitiesAreAccepted() throws {
        #expect(try actions("require [\"comparator-i;octet\", \"comparator-i;ascii-casemap\", \"comparator-i;ascii-numeric\"];")
                == [implicitKeep])
    }

    @Test func ifNeedsATestAndABlock() {
        #expect(diagnostics("if { keep; }") == ["test.sieve:1:3: error: 'if' needs a test"])
    }

    @Test func ifWithTestListIsAnError() {
        let d = diagnostics("if (true, false) { keep; }")
        #expect(d.count == 1)
        #expect(d.first?.contains("'if' takes one test, found a test list") == true)
    }
}

@Suite("RFC 5228 §2.10.5 compile-time diagnostics")
struct RFC5228DiagnosticsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var script: String
        var expected: [String]
        var testDescription: String { script }
    }

    static let cases: [Case] = [
        Case(script: "frobnicate;", expected: ["test.sieve:1:1: error: unknown command 'frobnicate'"]),
        Case(script: "if frobnicate { keep; }", expected: ["test.sieve:1:4: error: unknown test 'frobnicate'"]),
        Case(script: "fileinto \"x\";",
             expected: ["test.sieve:1:1: error: command 'fileinto' requires the \"fileinto\" extension; add require \"fileinto\";"]),
        Case(script: "reject \"no\";",
             expected: ["test.sieve:1:1: error: command 'reject' requires the \"reject\" extension; add require \"reject\";"]),
        Case(script: "if envelope \"from\" \"a\" { keep; }",
             expected: ["test.sieve:1:4: error: test 'envelope' requires the \"envelope\" extension; add require \"envelope\";"]),
        Case(script: "redirect :copy \"a@b.c\";",
             expected: ["test.sieve:1:10: error: tag ':copy' requires the \"copy\" extension; add require \"copy\";"]),
        Case(script: "keep :frob;",
             expected: ["test.sieve:1:6: error: unknown tag ':frob' for command 'keep'; it accepts :flags (with require \"imap4flags\")"]),
        Case(script: "discard :frob;",
             expected: ["test.sieve:1:9: error: unknown tag ':frob' for command 'discard'; it takes no tagged arguments"]),
        Case(script: "require \"fileinto\"; fileinto :frob \"x\";",
             expected: ["test.sieve:1:30: error: unknown tag ':frob' for command 'fileinto'; it accepts :copy (with require \"copy\"), :create (with require \"mailbox\"), :flags (with require \"imap4flags\")"]),
        Case(script: "require \"fileinto\"; fileinto [\"a\", \"b\"];",
             expected: ["test.sieve:1:30: error: command 'fileinto' expects a string for the mailbox, found a string list"]),
        Case(script: "require \"fileinto\"; fileinto 12;",
             expected: ["test.sieve:1:30: error: command 'fileinto' expects a string for the mailbox, found a number"]),
        Case(script: "require \"fileinto\"; fileinto;",
             expected: ["test.sieve:1:21: error: command 'fileinto' expects 1 positional argument [mailbox (a string)], found 0"]),
        Case(script: "redirect \"a@b.c\" \"d@e.f\";",
             expected: ["test.sieve:1:18: error: command 'redirect' expects 1 positional argument [address (a string)], found 2"]),
        Case(script: "if size 10 { keep; }", expected: ["test.sieve:1:4: error: 'size' needs :over or :under before its limit"]),
        Case(script: "if size :over \"10\" { keep; }",
             expected: ["test.sieve:1:15: error: test 'size' expects a number for the limit, found a string"]),
        Case(script: "if size :over :under 10 { keep; }",
             expected: ["test.sieve:1:15: error: ':under' conflicts with ':over': only one size comparison may be given"]),
        Case(script: "if header :is :contains \"a\" \"b\" { keep; }",
             expected: ["test.sieve:1:15: error: ':contains' conflicts with ':is': only one match type may be given"]),
        Case(script: "if header :comparator \"i;frob\" \"a\" \"b\" { keep; }",
             expected: ["test.sieve:1:23: error: unknown comparator \"i;frob\"; available: \"i;octet\", \"i;ascii-casemap\", \"i;ascii-numeric\""]),
        Case(script: "if header :comparator \"i;ascii-numeric\" \"a\" \"1\" { keep; }",
             expected: ["test.sieve:1:23: error: comparator \"i;ascii-numeric\" requires the \"comparator-i;ascii-numeric\" extension; add require \"comparator-i;ascii-numeric\";"]),
        Case(script: "require \"comparator-i;ascii-numeric\"; if header :contains :comparator \"i;ascii-numeric\" \"a\" \"1\" { keep; }",
             expected: ["test.sieve:1:59: error: comparator \"i;ascii-numeric\" cannot be used with :contains (it has no substring match)"]),
        Case(script: "if header :comparator \"a\" { keep; }",
             expected: ["test.sieve:1:4: error: test 'header' expects 2 positional arguments [header names (a string list), key list (a string list)], found 0"]),
        Case(script: "if header :comparator { keep; }",
             expected: ["test.sieve:1:22: error: tag ':comparator' must be followed by a string"]),
        Case(script: "keep { discard; }", expected: ["test.sieve:1:1: error: command 'keep' does not take a block"]),
        Case(script: "if keep { discard; }", expected: ["test.sieve:1:4: error: 'keep' is a command, not a test"]),
        Case(script: "header \"a\" \"b\";",
             expected: ["test.sieve:1:1: error: 'header' is a test, not a command; use it in an if: if header ... { ... }"]),
        Case(script: "if not (true, false) { keep; }", expected: ["test.sieve:1:7: error: 'not' takes exactly one test (not a test list)"]),
        Case(script: "if address \"Subject\" \"x\" { keep; }",
             expected: ["test.sieve:1:12: error: header 'subject' does not hold addresses; the address test accepts "]),
        Case(script: "require \"envelope\"; if envelope \"date\" \"x\" { keep; }",
             expected: ["test.sieve:1:33: error: unknown envelope part \"date\"; expected \"from\" or \"to\""]),
        Case(script: "redirect \"not an address\";",
             expected: ["test.sieve:1:10: error: redirect address \"not an address\" is not a valid mailbox (expected local@domain)"]),
        Case(script: "if address :user \"to\" \"x\" { keep; }",
             expected: ["test.sieve:1:12: error: tag ':user' requires the \"subaddress\" extension; add require \"subaddress\";"]),
        Case(script: "if header :count \"eq\" \"to\" \"1\" { keep; }",
             expected: ["test.sieve:1:11: error: tag ':count' requires the \"relational\" extension; add require \"relational\";"]),
    ]

    /// Diagnostics match in full, or by prefix where the tail lists accepted names.
    @Test(arguments: cases)
    func diagnosticText(_ c: Case) {
        let found = diagnostics(c.script)
        #expect(found.count == c.expected.count, "\(found)")
        for (f, e) in zip(found, c.expected) {
            #expect(f.hasPrefix(e), "\(f)")
        }
    }

    @Test func severalErrorsInOneCompile() {
        let found = diagnostics("""
        frob;
        require_not;
        if header :is "a" { keep; }
        fileinto "x";
        """)
        #expect(found.count == 4, "\(found)")
        #expect(found.map { $0.split(separator: ":")[1] } == ["1", "2", "3", "4"])
    }

    @Test func compiledScriptIsNilOnErrors() {
        let result = SieveCompiler.compile("frob;")
        #expect(result.script == nil)
        #expect(result.hasErrors)
    }

    @Test func parseErrorsAreReported() {
        let result = SieveCompiler.compile("keep", file: "x.sieve")
        #expect(result.script == nil)
        #expect(result.diagnostics.first?.description.hasPrefix("x.sieve:1:") == true)
    }
}

import Testing
@testable import Sieve

/// Options with one extension turned off, as a site may configure.
private func without(_ capability: String) -> SieveOptions {
    var options = SieveOptions()
    options.enabledExtensions.remove(capability)
    return options
}

@Suite("RFC 5463 §3 ihave capability")
struct RFC5463CapabilityTests {
    @Test func ihaveIsSupported() {
        #expect(SieveOptions.supportedExtensions.contains("ihave"))
    }

    @Test func ihaveTestNeedsRequire() {
        #expect(diagnostics("if ihave \"fileinto\" { keep; }")
            == [#"test.sieve:1:4: error: test 'ihave' requires the "ihave" extension; add require "ihave";"#])
    }

    @Test func errorCommandNeedsRequire() {
        #expect(diagnostics("error \"no\";")
            == [#"test.sieve:1:1: error: command 'error' requires the "ihave" extension; add require "ihave";"#])
    }

    @Test func requireFailsWhenTheSiteDisablesIhave() {
        #expect(diagnostics("require \"ihave\";", options: without("ihave"))
            == [#"test.sieve:1:9: error: extension "ihave" is not enabled on this server"#])
    }
}

@Suite("RFC 5463 §4 ihave test")
struct RFC5463IhaveTestTests {
    @Test(arguments: [
        ("ihave \"fileinto\"", true),
        ("ihave [\"fileinto\", \"envelope\", \"vacation-seconds\"]", true),
        ("ihave \"FileInto\"", true),
        ("ihave \"ihave\"", true),
        ("ihave \"comparator-i;ascii-numeric\"", true),
        ("ihave \"x-no-such-extension\"", false),
        ("ihave [\"fileinto\", \"x-no-such-extension\"]", false),
        ("ihave \"vnd.dovecot.testsuite\"", false),
        ("not ihave \"x-no-such-extension\"", true),
        ("anyof(ihave \"x-no-such-extension\", true)", true),
        ("anyof(ihave \"x-no-such-extension\", false)", false),
    ])
    func answers(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test, require: ["ihave"]) == expected)
    }

    @Test func aDisabledExtensionIsNotAvailable() throws {
        #expect(try holds("ihave \"body\"", require: ["ihave"]) == true)
        #expect(try holds("ihave \"body\"", require: ["ihave"], options: without("body")) == false)
    }

    @Test func namesAreTakenLiterallyNotExpanded() throws {
        let list = try actions("""
        require ["ihave", "variables"];
        set "name" "envelope";
        if ihave "${name}" { discard; }
        """)
        #expect(list == [implicitKeep])
    }

    @Test(arguments: [
        ("if ihave 5 { keep; }", #"test.sieve:2:10: error: test 'ihave' expects a string list for the capability list, found a number"#),
        ("if ihave :is \"x\" { keep; }", "test.sieve:2:10: error: "),
        ("if ihave { keep; }", "test.sieve:2:4: error: "),
    ])
    func malformedIhaveIsAnError(_ body: String, _ prefix: String) {
        let found = diagnostics("require \"ihave\";\n" + body)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix(prefix) == true, "\(found)")
    }

    @Test func aGuardedBlockMayUseTheTestedExtensionWithoutRequire() throws {
        let list = try actions("""
        require "ihave";
        if ihave "fileinto" {
            fileinto "Lists";
        }
        """)
        #expect(list == [fileinto("Lists")])
    }

    @Test func aBlockGuardedByAnUnavailableExtensionIsNotCompiled() throws {
        // `x-foo` does not exist here: its command, its tag and its test are not errors,
        // and neither is a fileinto that nothing required.
        let list = try actions("""
        require "ihave";
        if ihave "x-foo" {
            foo :bar "baz";
            if foo_test "x" { fileinto "Nowhere"; }
        } else {
            discard;
        }
        """)
        #expect(list == [.discard])
    }

    @Test func theArchiveopteryxEjectExampleFollowsTheSite() throws {
        let script = """
        require "ihave";
        if ihave "ereject" {
            ereject "You're a spammer, Bob, and I don't want spam";
        } else {
            discard;
        }
        """
        #expect(try actions(script) == [.ereject(reason: "You're a spammer, Bob, and I don't want spam")])
        #expect(try actions(script, options: without("ereject")) == [.discard])
    }

    @Test func elsifChainTriesAlternatives() throws {
        let script = """
        require "ihave";
        if ihave "x-better_vacation" {
            better_vacation :smart "away";
        } elsif ihave "vacation" {
            vacation :days 3 "away";
        } else {
            keep;
        }
        """
        guard case .vacation(let reply)? = try actions(script).first else {
            Issue.record("expected a vacation action")
            return
        }
        #expect(reply.seconds == 3 * 86_400)
        #expect(try actions(script, options: without("vacation")) == [.keep(flags: [], implicit: false)])
    }

    @Test func allofGuardsItsBlockAndItsOtherMembers() throws {
        let list = try actions("""
        require "ihave";
        if allof(ihave "envelope", envelope :is "from" "coyote@desert.example.org") {
            discard;
        }
        if allof(true, ihave "x-foo", foo "bar") {
            foo "never";
        }
        """)
        #expect(list == [.discard])
    }

    @Test(arguments: [
        ("if ihave \"fileinto\" { keep; }\nfileinto \"B\";", "test.sieve:3:1: error: command 'fileinto' requires"),
        ("if ihave \"fileinto\" { keep; } else { fileinto \"B\"; }", "test.sieve:2:38: error: command 'fileinto' requires"),
        ("if not ihave \"fileinto\" { fileinto \"B\"; }", "test.sieve:2:27: error: command 'fileinto' requires"),
        ("if anyof(ihave \"fileinto\", true) { fileinto \"B\"; }", "test.sieve:2:36: error: command 'fileinto' requires"),
        ("if not ihave \"x-foo\" { foo; }", "test.sieve:2:24: error: unknown command 'foo'"),
        ("if ihave \"fileinto\" { fileinto :copy \"B\"; }", "test.sieve:2:32: error: "),
    ])
    func onlyTheGuardedBranchGainsTheCapability(_ body: String, _ prefix: String) {
        let found = diagnostics("require \"ihave\";\n" + body)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix(prefix) == true, "\(found)")
    }

    @Test func aSkippedBlockMustStillParse() {
        let found = diagnostics("require \"ihave\";\nif ihave \"x-foo\" { foo \"a\" }\n")
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { $0.contains(": error: ") })
    }

    @Test func nestedIhaveInsideAGuardedBlock() throws {
        let list = try actions("""
        require "ihave";
        if ihave "fileinto" {
            if ihave "copy" { fileinto :copy "Both"; }
            if ihave "x-foo" { foo; } else { fileinto "Plain"; }
        }
        """)
        #expect(list == [fileinto("Both", copy: true), fileinto("Plain")])
    }

    @Test func flagsFromAGuardedImap4flagsReachTheKeep() throws {
        let list = try actions("""
        require "ihave";
        if ihave "imap4flags" {
            addflag "\\\\Seen";
            keep;
        }
        """)
        #expect(list == [.keep(flags: ["\\Seen"], implicit: false)])
    }

    @Test func variablesGainedInABranchExpandThere() throws {
        let list = try actions("""
        require ["ihave", "fileinto"];
        if ihave "variables" {
            set "box" "Work";
            fileinto "${box}";
        }
        """)
        #expect(list == [fileinto("Work")])
    }
}

@Suite("RFC 5463 §5 error command")
struct RFC5463ErrorTests {
    @Test func errorEndsTheRunAndKeepsImplicitly() throws {
        let result = try run("""
        require ["ihave", "fileinto"];
        fileinto "Work";
        error "no filing today";
        discard;
        """)
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.map(\.description) == ["test.sieve:3:1: error: script error: no filing today"])
    }

    @Test func errorWhenNoAlternativeIsAvailable() throws {
        let script = """
        require "ihave";
        if ihave "x-foo" {
            foo "x";
        } elsif ihave "fileinto" {
            fileinto "Sorted";
        } else {
            error "this script needs x-foo or fileinto";
        }
        """
        let available = try run(script)
        #expect(available.errors.isEmpty)
        #expect(available.actions == [fileinto("Sorted")])
        let missing = try run(script, options: without("fileinto"))
        #expect(missing.actions == [implicitKeep])
        #expect(missing.errors.map(\.message) == ["script error: this script needs x-foo or fileinto"])
        #expect(missing.errors.first?.location.line == 7)
    }

    @Test func errorMessageExpandsVariables() throws {
        let result = try run("""
        require ["ihave", "variables"];
        if header :matches "subject" "* a present *" { error "refused: ${1}"; }
        """)
        #expect(result.errors.map(\.message) == ["script error: refused: I have"])
    }

    @Test(arguments: [
        ("error;", "test.sieve:2:1: error: "),
        ("error 5;", "test.sieve:2:7: error: "),
        ("error [\"a\", \"b\"];", "test.sieve:2:7: error: "),
        ("error \"a\" \"b\";", "test.sieve:2:11: error: command 'error' expects 1 positional argument [message (a string)], found 2"),
        ("error \"a\" { keep; }", "test.sieve:2:1: error: command 'error' does not take a block"),
        ("if error \"a\" { keep; }", "test.sieve:2:4: error: 'error' is a command, not a test"),
    ])
    func malformedErrorIsAnError(_ body: String, _ prefix: String) {
        let found = diagnostics("require \"ihave\";\n" + body)
        #expect(!found.isEmpty)
        #expect(found.first?.hasPrefix(prefix) == true, "\(found)")
    }
}

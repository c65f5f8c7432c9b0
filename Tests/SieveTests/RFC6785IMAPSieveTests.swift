import Testing
@testable import Sieve

/// One included script, `learn`, that requires `imapsieve`.
private struct LearnLoader: SieveScriptLoader {
    func loadScript(named name: String, at location: ScriptLocation) throws(ScriptLoadError) -> IncludedSource? {
        guard name == "learn" else { return nil }
        return IncludedSource(source: Array("require [\"imapsieve\", \"environment\"];\nkeep;\n".utf8),
                              displayName: "learn.sieve")
    }
}

@Suite("RFC 6785 imapsieve at delivery: compiles, never runs")
struct RFC6785IMAPSieveTests {
    private let trainingScript = """
        require ["imapsieve", "environment", "variables", "fileinto"];
        if environment :matches "imap.mailbox" "*" { set "mailbox" "${1}"; }
        if string "${mailbox}" "Junk" { fileinto "Trained"; }
        """

    @Test(arguments: ["imapsieve", "vnd.dovecot.imapsieve"])
    func compiles(_ capability: String) {
        #expect(diagnostics("require [\"\(capability)\", \"environment\"];\nkeep;").isEmpty)
    }

    @Test("a run fails at its start: the message is kept, the error says why")
    func runFails() throws {
        let result = try run(trainingScript)
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.count == 1)
        let message = result.errors.first?.description ?? ""
        #expect(message.contains("the imapsieve extension cannot be used at delivery"), "\(message)")
        #expect(message.contains("RFC 6785"), "\(message)")
    }

    @Test("vnd.dovecot.imapsieve brings imapsieve along, and fails the same way")
    func vendorForm() throws {
        let result = try run("require [\"vnd.dovecot.imapsieve\", \"fileinto\"];\nfileinto \"x\";")
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.first?.description.contains("cannot be used at delivery") == true)
    }

    @Test("a script that includes an imapsieve script fails too, naming the included script")
    func includedScript() throws {
        let compiled = SieveCompiler.compile("require \"include\";\ninclude \"learn\";\ndiscard;", file: "main.sieve",
                                             loader: LearnLoader())
        let script = try #require(compiled.script, "\(compiled.diagnostics)")
        let result = SieveInterpreter.run(script, context: SieveMessageContext(message: standardMessage, envelope: standardEnvelope))
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.first?.description.contains("learn.sieve requires \"imapsieve\"") == true)
    }

    @Test("scripts without it are untouched")
    func otherScripts() throws {
        #expect(try actions("discard;") == [.discard])
    }
}

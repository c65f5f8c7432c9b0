import Testing
@testable import Sieve

/// Scripts kept in memory, by location and name, as a loader hands them out.
private struct MemoryLoader: SieveScriptLoader {
    var personal: [String: String] = [:]
    var global: [String: String] = [:]
    /// Names whose lookup fails (as an unreadable file does).
    var unreadable: Set<String> = []

    func loadScript(named name: String, at location: ScriptLocation) throws(ScriptLoadError) -> IncludedSource? {
        if unreadable.contains(name) { throw ScriptLoadError("permission denied") }
        let scripts = location == .personal ? personal : global
        guard let text = scripts[name] else { return nil }
        return IncludedSource(source: Array(text.utf8), displayName: "\(location.rawValue)/\(name).sieve")
    }
}

private func compile(_ source: String, _ loader: MemoryLoader, options: SieveOptions = SieveOptions()) -> CompileResult {
    SieveCompiler.compile(source, file: "main.sieve", options: options, loader: loader)
}

private func includeErrors(_ source: String, _ loader: MemoryLoader, options: SieveOptions = SieveOptions()) -> [String] {
    compile(source, loader, options: options).diagnostics.filter { $0.severity == .error }.map(\.description)
}

private func runIncluding(_ source: String, _ loader: MemoryLoader, options: SieveOptions = SieveOptions()) throws -> SieveResult {
    let compiled = compile(source, loader, options: options)
    guard let script = compiled.script else { throw ScriptFailedToCompile(diagnostics: compiled.diagnostics) }
    return SieveInterpreter.run(script, context: SieveMessageContext(message: standardMessage, envelope: standardEnvelope),
                                options: options)
}

private func includedActions(_ source: String, _ loader: MemoryLoader) throws -> [SieveAction] {
    let result = try runIncluding(source, loader)
    #expect(result.errors.isEmpty, "unexpected runtime errors: \(result.errors)")
    return result.actions
}

private func limits(depth: Int = 10, includes: Int = 255) -> SieveOptions {
    var options = SieveOptions()
    options.limits.maxIncludeDepth = depth
    options.limits.maxIncludes = includes
    return options
}

@Suite("RFC 6609 §3.1 capability")
struct RFC6609CapabilityTests {
    @Test func includeIsSupported() {
        #expect(SieveOptions.supportedExtensions.contains("include"))
    }

    @Test(arguments: ["include \"a\";", "return;", "global \"x\";"])
    func commandsNeedRequire(_ line: String) {
        let name = String(line.prefix { $0.isLetter })
        #expect(includeErrors(line, MemoryLoader(personal: ["a": "keep;"]))
            == [#"main.sieve:1:1: error: command '\#(name)' requires the "include" extension; add require "include";"#])
    }
}

@Suite("RFC 6609 §3.2 include")
struct RFC6609IncludeCommandTests {
    @Test func includedActionsJoinTheResult() throws {
        let loader = MemoryLoader(personal: ["lists": "require \"fileinto\";\nfileinto \"Lists\";"])
        let list = try includedActions("require [\"include\", \"fileinto\"];\ninclude \"lists\";\nfileinto \"After\";", loader)
        #expect(list == [fileinto("Lists"), fileinto("After")])
    }

    @Test(arguments: [("include \"spam\";", "Personal"), ("include :personal \"spam\";", "Personal"),
                      ("include :global \"spam\";", "Global")])
    func theLocationTagChoosesWhereTheScriptIsLooked(_ line: String, _ folder: String) throws {
        let loader = MemoryLoader(personal: ["spam": "require \"fileinto\"; fileinto \"Personal\";"],
                                  global: ["spam": "require \"fileinto\"; fileinto \"Global\";"])
        #expect(try includedActions("require \"include\";\n" + line, loader) == [fileinto(folder)])
    }

    @Test func aMissingScriptIsACompileError() {
        #expect(includeErrors("require \"include\";\ninclude :global \"none\";", MemoryLoader())
            == [#"main.sieve:2:17: error: included global script "none" does not exist"#])
    }

    @Test func aMissingOptionalScriptIsSkipped() throws {
        let result = compile("require \"include\";\ninclude :optional \"none\";\ndiscard;", MemoryLoader())
        #expect(result.script != nil)
        #expect(result.includes == [IncludeDependency(location: .personal, name: "none", found: false)])
        #expect(try includedActions("require \"include\";\ninclude :optional \"none\";\ndiscard;", MemoryLoader()) == [.discard])
    }

    @Test func anUnreadableScriptIsACompileError() {
        #expect(includeErrors("require \"include\";\ninclude :optional \"x\";", MemoryLoader(unreadable: ["x"]))
            == [#"main.sieve:2:19: error: cannot read included personal script "x": permission denied"#])
    }

    @Test(arguments: ["", "../frop", "a/b", "bell\u{07}", "del\u{7F}", "nel\u{85}", "y\u{FF}", "ls\u{2028}", "ps\u{2029}",
                      String(repeating: "n", count: 257)])
    func invalidScriptNamesAreRefused(_ name: String) {
        let found = includeErrors("require \"include\";\ninclude \"\(name)\";", MemoryLoader(personal: [name: "keep;"]))
        #expect(found.count == 1)
        #expect(found.first?.contains("invalid script name") == true, "\(found)")
    }

    @Test(arguments: ["spam_tests", "Ünïcode name", "with.dots", String(repeating: "n", count: 256)])
    func validScriptNamesAreAccepted(_ name: String) {
        #expect(IncludeRules.isValidScriptName(name))
        #expect(includeErrors("require \"include\";\ninclude \"\(name)\";", MemoryLoader(personal: [name: "keep;"])) == [])
    }

    @Test func theNameMustBeConstant() {
        let found = includeErrors("require [\"include\", \"variables\"];\nset \"n\" \"a\";\ninclude \"${n}\";",
                                  MemoryLoader(personal: ["a": "keep;"]))
        #expect(found == ["main.sieve:3:9: error: the script name of 'include' must be a constant string, without variable references"])
    }

    @Test func aScriptIncludedTwiceRunsTwiceAndIsCompiledOnce() throws {
        let loader = MemoryLoader(personal: ["add": "require [\"include\", \"variables\"];\nglobal \"n\";\nset \"n\" \"${n}x\";"])
        let source = """
        require ["include", "variables", "fileinto"];
        global "n";
        include "add";
        include "add";
        fileinto "${n}";
        """
        let compiled = compile(source, loader)
        #expect(compiled.script?.includedScripts.count == 1)
        #expect(try includedActions(source, loader) == [fileinto("xx")])
    }

    @Test func onceIncludesAScriptAtMostOncePerRun() throws {
        let loader = MemoryLoader(personal: ["add": "require [\"include\", \"variables\"];\nglobal \"n\";\nset \"n\" \"${n}x\";"])
        let source = """
        require ["include", "variables", "fileinto"];
        global "n";
        include "add";
        include :once "add";
        include :once "add";
        fileinto "${n}";
        """
        #expect(try includedActions(source, loader) == [fileinto("x")])
    }

    @Test func onceAllowsAScriptToIncludeItsIncluder() throws {
        let loader = MemoryLoader(personal: [
            "a": "require [\"include\", \"fileinto\"];\nfileinto \"A\";\ninclude \"b\";",
            "b": "require [\"include\", \"fileinto\"];\nfileinto \"B\";\ninclude :once \"a\";",
        ])
        #expect(try includedActions("require \"include\";\ninclude \"a\";", loader) == [fileinto("A"), fileinto("B")])
    }

    @Test func aScriptIncludingItselfIsAnError() {
        let loader = MemoryLoader(personal: ["loop": "require \"include\";\ninclude \"loop\";"])
        #expect(includeErrors("require \"include\";\ninclude \"loop\";", loader) == [
            #"main.sieve:2:1 → personal/loop.sieve:2:1: error: circular include: personal script "loop" is already being included on this chain (use include :once to include it only when it has not run yet)"#,
            #"main.sieve:2:1: error: included personal script "loop" has errors (reported above)"#,
        ])
    }

    @Test func anIndirectCycleIsAnError() {
        let loader = MemoryLoader(personal: ["a": "require \"include\";\ninclude \"b\";", "b": "require \"include\";\ninclude \"a\";"])
        let found = includeErrors("require \"include\";\ninclude \"a\";", loader)
        #expect(found.count == 3)
        #expect(found.first?.hasPrefix("main.sieve:2:1 → personal/a.sieve:2:1 → personal/b.sieve:2:1: error: circular include") == true,
                "\(found)")
    }

    @Test func includesNestAtMostTheDepthLimit() {
        let loader = MemoryLoader(personal: ["1": "require \"include\"; include \"2\";", "2": "require \"include\"; include \"3\";",
                                             "3": "keep;"])
        #expect(includeErrors("require \"include\";\ninclude \"1\";", loader, options: limits(depth: 3)) == [])
        let found = includeErrors("require \"include\";\ninclude \"1\";", loader, options: limits(depth: 2))
        #expect(found.count == 3)
        #expect(found.first?.contains("includes may not nest deeper than 2 levels") == true, "\(found)")
    }

    @Test func theTreeHoldsAtMostTheIncludeLimit() {
        let loader = MemoryLoader(personal: ["a": "keep;", "b": "keep;", "c": "keep;"])
        let source = "require \"include\";\ninclude \"a\";\ninclude \"b\";\ninclude \"a\";\ninclude \"c\";"
        #expect(includeErrors(source, loader, options: limits(includes: 3)) == [])
        #expect(includeErrors(source, loader, options: limits(includes: 2))
            == [#"main.sieve:5:1: error: cannot include personal script "c": no more than 2 scripts may be included"#])
    }

    @Test func errorsInAnIncludedScriptNameTheChain() {
        let loader = MemoryLoader(personal: ["outer": "require \"include\";\n\ninclude :global \"inner\";"],
                                  global: ["inner": "keep;\nfileinto \"x\";"])
        #expect(includeErrors("require \"include\";\ninclude \"outer\";", loader) == [
            #"main.sieve:2:1 → personal/outer.sieve:3:1 → global/inner.sieve:2:1: error: command 'fileinto' requires the "fileinto" extension; add require "fileinto";"#,
            #"main.sieve:2:1 → personal/outer.sieve:3:1: error: included global script "inner" has errors (reported above)"#,
            #"main.sieve:2:1: error: included personal script "outer" has errors (reported above)"#,
        ])
    }

    @Test func runtimeErrorsInAnIncludedScriptNameTheChain() throws {
        let loader = MemoryLoader(personal: ["fail": "require \"ihave\";\n\nerror \"bad\";"])
        let result = try runIncluding("require \"include\";\nkeep;\ninclude \"fail\";", loader)
        #expect(result.errors.map(\.description) == ["main.sieve:3:1 → personal/fail.sieve:3:1: error: script error: bad"])
        #expect(result.actions == [implicitKeep])
    }

    @Test func aTraceShowsTheIncludeButNothingInsideIt() throws {
        let loader = MemoryLoader(personal: ["lib": "require \"fileinto\";\n\n\nfileinto \"Lib\";"])
        let compiled = compile("require [\"include\", \"fileinto\"];\ninclude \"lib\";\nfileinto \"Main\";", loader)
        let script = try #require(compiled.script)
        let recorder = SieveTraceRecorder()
        let result = SieveInterpreter.run(script, context: SieveMessageContext(message: standardMessage, envelope: standardEnvelope),
                                          tracer: recorder)
        #expect(result.actions == [fileinto("Lib"), fileinto("Main")])
        #expect(recorder.events.map(\.traceLine) == ["2: include", "3: fileinto", "3:   action fileinto \"Main\""])
    }

    @Test func aScriptReadsTheBodyWhenAScriptItIncludesDoes() throws {
        let loader = MemoryLoader(personal: ["text": "require \"body\";\nif body :contains \"anvil\" { discard; }"])
        let script = try #require(compile("require \"include\";\ninclude \"text\";", loader).script)
        #expect(script.readsMessageBody)
        #expect(try includedActions("require \"include\";\ninclude \"text\";", loader) == [.discard])
    }

    @Test func everyLookupIsADependency() {
        let loader = MemoryLoader(personal: ["a": "require \"include\";\ninclude :global :optional \"g\";"])
        #expect(compile("require \"include\";\ninclude \"a\";\ninclude :optional \"b\";", loader).includes == [
            IncludeDependency(location: .personal, name: "a", found: true),
            IncludeDependency(location: .personal, name: "b", found: false),
            IncludeDependency(location: .global, name: "g", found: false),
        ])
    }
}

@Suite("RFC 6609 §3.3 return")
struct RFC6609ReturnTests {
    @Test func returnEndsOnlyTheIncludedScript() throws {
        let loader = MemoryLoader(personal: ["part": "require [\"include\", \"fileinto\"];\nif true { fileinto \"In\"; return; }\nfileinto \"Never\";"])
        let list = try includedActions("require [\"include\", \"fileinto\"];\ninclude \"part\";\nfileinto \"After\";", loader)
        #expect(list == [fileinto("In"), fileinto("After")])
    }

    @Test func returnInTheMainScriptEndsItAsStopDoes() throws {
        let list = try includedActions("require [\"include\", \"fileinto\"];\nif true { return; }\nfileinto \"Never\";", MemoryLoader())
        #expect(list == [implicitKeep])
    }

    @Test func stopInAnIncludedScriptEndsEverything() throws {
        let loader = MemoryLoader(personal: ["halt": "require \"fileinto\";\nfileinto \"In\";\nstop;"])
        let list = try includedActions("require [\"include\", \"fileinto\"];\ninclude \"halt\";\nfileinto \"Never\";", loader)
        #expect(list == [fileinto("In")])
    }

    @Test func returnTakesNoArguments() {
        #expect(includeErrors("require \"include\";\nreturn \"x\";", MemoryLoader()).count == 1)
    }
}

@Suite("RFC 6609 §3.4–3.5 global variables")
struct RFC6609GlobalTests {
    @Test func eachScriptHasItsOwnLocalVariables() throws {
        let loader = MemoryLoader(personal: ["inner": "require [\"variables\", \"fileinto\"];\nfileinto \"in-${v}\";\nset \"v\" \"inner\";"])
        let list = try includedActions("""
        require ["include", "variables", "fileinto"];
        set "v" "main";
        include "inner";
        fileinto "out-${v}";
        """, loader)
        #expect(list == [fileinto("in-"), fileinto("out-main")])
    }

    @Test func globalsAreSharedByTheScriptsThatDeclareThem() throws {
        let loader = MemoryLoader(personal: [
            "inner": "require [\"include\", \"variables\"];\nglobal \"v\";\nset \"v\" \"${v}+inner\";",
        ])
        let list = try includedActions("""
        require ["include", "variables", "fileinto"];
        global "v";
        set "v" "main";
        include "inner";
        fileinto "${v}";
        """, loader)
        #expect(list == [fileinto("main+inner")])
    }

    @Test func theGlobalNamespaceNamesTheSameVariables() throws {
        let loader = MemoryLoader(personal: ["inner": "require [\"include\", \"variables\"];\nset \"global.V\" \"${global.v}+inner\";"])
        let list = try includedActions("""
        require ["include", "variables", "fileinto"];
        global "v";
        set "v" "main";
        include "inner";
        fileinto "${v}/${global.v}";
        """, loader)
        #expect(list == [fileinto("main+inner/main+inner")])
    }

    @Test func anUndeclaredNameStaysLocal() throws {
        let loader = MemoryLoader(personal: ["inner": "require [\"include\", \"variables\"];\nset \"v\" \"inner\";"])
        let list = try includedActions("""
        require ["include", "variables", "fileinto"];
        global "v";
        set "v" "main";
        include "inner";
        fileinto "${v}";
        """, loader)
        #expect(list == [fileinto("main")])
    }

    @Test(arguments: [
        ("global \"x\";", #"main.sieve:2:1: error: command 'global' requires the "variables" extension as well; add require "variables";"#),
        ("set \"x\" \"1\";\nglobal \"x\";", #"main.sieve:3:8: error: 'global "x"' comes after the script used "x" as a local variable; declare it global before its first use"#),
        ("global \"1x\";", #"main.sieve:2:8: error: '1x' is not a valid variable name for global (letters, digits and '_', not starting with a digit)"#),
        ("set \"global.env.x\" \"1\";", #"main.sieve:2:5: error: 'global.env.x' is not a global variable: after 'global.' comes one variable name (letters, digits and '_', not starting with a digit)"#),
        ("set \"global.12\" \"1\";", #"main.sieve:2:5: error: 'global.12' is not a global variable: after 'global.' comes one variable name (letters, digits and '_', not starting with a digit)"#),
        ("set \"globl.x\" \"1\";", #"main.sieve:2:5: error: unknown variable namespace 'globl' in set "globl.x""#),
    ])
    func malformedGlobalsAreErrors(_ body: String, _ expected: String) {
        let requires = body.hasPrefix("global \"x\"") ? "\"include\"" : "[\"include\", \"variables\"]"
        #expect(includeErrors("require \(requires);\n" + body, MemoryLoader()) == [expected])
    }

    @Test func declaringAGlobalTwiceIsFine() {
        #expect(includeErrors("require [\"include\", \"variables\"];\nglobal \"x\";\nkeep;\nglobal [\"x\", \"y\"];", MemoryLoader()) == [])
    }

    @Test func theGlobalNamespaceNeedsInclude() {
        #expect(includeErrors("require \"variables\";\nset \"global.x\" \"1\";", MemoryLoader())
            == [#"main.sieve:2:5: error: unknown variable namespace 'global' in set "global.x""#])
    }
}

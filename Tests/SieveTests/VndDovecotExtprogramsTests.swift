import MailCore
import Synchronization
import Testing
@testable import Sieve

/// Options with all three program extensions enabled (directories that the fake runners
/// below never look at).
private func programOptions() -> SieveOptions {
    var options = SieveOptions()
    options.programs.directories = [.pipe: "/srv/pipe", .filter: "/srv/filter", .execute: "/srv/execute"]
    ExternalProgramSettings.enable(in: &options)
    return options
}

/// Runs `source` with `runner` standing in for the site's programs.
private func runWith(_ source: String, message: Message = standardMessage,
                     runner: @escaping @Sendable (ExternalProgramRequest) -> ExternalProgramOutcome) throws -> SieveResult {
    let options = programOptions()
    let compiled = SieveCompiler.compile(source, file: "test.sieve", options: options)
    guard let script = compiled.script else { throw ScriptFailedToCompile(diagnostics: compiled.diagnostics) }
    let context = SieveMessageContext(message: message, envelope: standardEnvelope, programRunner: runner)
    return SieveInterpreter.run(script, context: context, options: options)
}

/// Remembers the requests a fake runner got.
private final class RequestLog: Sendable {
    let requests = Mutex<[ExternalProgramRequest]>([])
    func append(_ request: ExternalProgramRequest) { requests.withLock { $0.append(request) } }
    var all: [ExternalProgramRequest] { requests.withLock { $0 } }
}

@Suite("vnd.dovecot.pipe, .filter, .execute: syntax and validation")
struct ExtprogramsValidationTests {
    static let errors: [(String, String)] = [
        ("require \"vnd.dovecot.pipe\";\npipe;", "2:1: error: command 'pipe' expects 1 to 2 positional arguments"),
        ("require \"vnd.dovecot.pipe\";\npipe 1;", "2:6: error: command 'pipe' expects a string for the program name, found a number"),
        ("require \"vnd.dovecot.pipe\";\npipe \"a\" 1;", "2:10: error: command 'pipe' expects a string list for the arguments"),
        ("require \"vnd.dovecot.pipe\";\npipe \"a\" \"b\" \"c\";", "2:14: error: command 'pipe' expects 1 to 2 positional arguments"),
        ("require \"vnd.dovecot.pipe\";\npipe :copy \"a\";", "2:6: error: tag ':copy' requires the \"copy\" extension"),
        ("require \"vnd.dovecot.pipe\";\npipe \"../bin/sh\";", "2:6: error: invalid program name \"../bin/sh\" for command 'pipe': it contains '/'"),
        ("require \"vnd.dovecot.pipe\";\npipe \"\";", "2:6: error: invalid program name \"\" for command 'pipe': it is empty"),
        ("require [\"vnd.dovecot.pipe\", \"encoded-character\"];\npipe \"a${unicode:2028}\";", "2:6: error: invalid program name"),
        ("require [\"vnd.dovecot.pipe\", \"variables\"];\nset \"p\" \"x\";\npipe \"${p}\";",
         "3:6: error: the program name of command 'pipe' must be a constant string"),
        ("require \"vnd.dovecot.pipe\";\npipe \"a\" [\"ok\", \"two\nlines\"];", "2:17: error: invalid program argument"),
        ("require \"vnd.dovecot.filter\";\nfilter :try \"a\";", "2:8: error: unknown tag ':try' for command 'filter'"),
        ("require \"vnd.dovecot.execute\";\nexecute :input \"a\" :pipe \"p\";", "2:20: error: ':pipe' conflicts with ':input'"),
        ("require \"vnd.dovecot.execute\";\nexecute :output \"v\" \"p\";", "2:9: error: execute :output needs the \"variables\" extension"),
        ("require [\"vnd.dovecot.execute\", \"variables\"];\nexecute :output \"a-b\" \"p\";",
         "2:17: error: 'a-b' is not a valid variable name for execute :output"),
        ("require \"vnd.dovecot.pipe\";\nif pipe \"a\" { }", "2:4: error: 'pipe' is a command, not a test"),
        ("pipe \"a\";", "1:1: error: command 'pipe' requires the \"vnd.dovecot.pipe\" extension"),
    ]

    @Test("errors name the place and the mistake", arguments: errors)
    func rejects(_ source: String, _ expected: String) {
        let found = diagnostics(source, options: programOptions())
        #expect(found.contains { $0.contains(expected) }, "got \(found)")
    }

    static let valid = [
        "require \"vnd.dovecot.pipe\";\npipe \"archive\";",
        "require [\"vnd.dovecot.pipe\", \"copy\"];\npipe :copy :try \"archive\" [\"--folder\", \"Old\"];",
        "require \"vnd.dovecot.filter\";\nfilter \"spamc\" [\"-x\"];\nif filter \"other\" { stop; }",
        "require [\"vnd.dovecot.execute\", \"variables\"];\nexecute :input \"x\" :output \"out\" \"p\" [\"a b\"];\nif execute :pipe \"p\" { stop; }",
    ]

    @Test("the documented forms compile", arguments: valid)
    func accepts(_ source: String) {
        #expect(diagnostics(source, options: programOptions()).isEmpty)
    }

    @Test("off by default: requiring one says how the site enables it")
    func offByDefault() {
        for (name, setting) in [("vnd.dovecot.pipe", "pipe_dir"), ("vnd.dovecot.filter", "filter_dir"), ("vnd.dovecot.execute", "execute_dir")] {
            let found = diagnostics("require \"\(name)\";")
            #expect(found == ["test.sieve:1:9: error: extension \"\(name)\" is not enabled on this server: the administrator "
                              + "enables it by setting \(setting) in the [programs] table of sluice.toml"])
        }
        #expect(!SieveOptions.supportedExtensions.contains("vnd.dovecot.pipe"))
        // The command is not reported again as missing its require.
        #expect(diagnostics("require \"vnd.dovecot.pipe\";\npipe \"a\";\nfrob;").count == 2)
    }
}

@Suite("vnd.dovecot.pipe, .filter, .execute: evaluation")
struct ExtprogramsEvaluationTests {
    @Test("pipe is an action that cancels the implicit keep, unless :copy")
    func pipeAction() throws {
        let result = try runWith("require \"vnd.dovecot.pipe\";\npipe :try \"archive\" [\"a\", \"b c\"];") { _ in .failed(reason: "not called") }
        #expect(result.actions == [.pipe(PipeAction(program: "archive", arguments: ["a", "b c"], copy: false, isTry: true))])
        let copied = try runWith("require [\"vnd.dovecot.pipe\", \"copy\"];\npipe :copy \"archive\";") { _ in .failed(reason: "") }
        #expect(copied.actions == [.pipe(PipeAction(program: "archive", arguments: [], copy: true, isTry: false)), implicitKeep])
    }

    @Test("piping twice to one program is a runtime error; pipe conflicts with reject")
    func pipeRules() throws {
        let twice = try runWith("require \"vnd.dovecot.pipe\";\npipe \"a\";\npipe \"a\";") { _ in .failed(reason: "") }
        #expect(twice.errors.first?.message.contains("duplicate pipe to program \"a\"") == true)
        let rejected = try runWith("require [\"vnd.dovecot.pipe\", \"reject\"];\npipe \"a\";\nreject \"no\";") { _ in .failed(reason: "") }
        #expect(rejected.errors.first?.message == "'reject' cannot be combined with 'pipe' in one run (RFC 5429)")
    }

    @Test("execute :input sends the text with CRLF line ends and :output sets the variable")
    func executeOutput() throws {
        let log = RequestLog()
        let result = try runWith("""
            require ["vnd.dovecot.execute", "variables", "fileinto"];
            set "who" "world";
            execute :input "hello ${who}\n" :output "answer" "greet" ["--loud"];
            fileinto "${answer}";
            """) { request in
            log.append(request)
            return .succeeded(output: Array("Reply-${1}".utf8))
        }
        #expect(result.actions == [fileinto("Reply-${1}")])
        let request = try #require(log.all.first)
        #expect(request.kind == .execute && request.name == "greet" && request.arguments == ["--loud"])
        #expect(request.input == Array("hello world\r\n".utf8))
        #expect(request.capturesOutput)
        #expect(request.envelope == standardEnvelope)
    }

    @Test("execute as a test: true on status 0, false on another status or a missing program (a warning)")
    func executeTest() throws {
        let source = "require [\"vnd.dovecot.execute\", \"fileinto\"];\nif execute :pipe \"check\" { fileinto \"yes\"; }"
        #expect(try runWith(source) { _ in .succeeded(output: []) }.actions == [fileinto("yes")])
        let declined = try runWith(source) { _ in .declined(status: 1) }
        #expect(declined.actions == [implicitKeep] && declined.warnings.isEmpty)
        let missing = try runWith(source) { _ in .notFound(reason: "/srv/execute/check does not exist") }
        #expect(missing.actions == [implicitKeep] && missing.errors.isEmpty)
        #expect(missing.warnings.first?.message == "execute action: program \"check\" not found: /srv/execute/check does not exist")
    }

    @Test("execute as a command: a program that cannot run is a runtime error, a non-zero status is not")
    func executeCommand() throws {
        let failed = try runWith("require \"vnd.dovecot.execute\";\nexecute \"slow\";") { _ in .failed(reason: "it did not finish in time and was killed") }
        #expect(failed.errors.map(\.description) == [
            "test.sieve:2:1: error: execute action: failed to run program \"slow\": it did not finish in time and was killed",
        ])
        let declined = try runWith("require \"vnd.dovecot.execute\";\nexecute \"no\";") { _ in .declined(status: 3) }
        #expect(declined.succeeded)
    }

    @Test("filter replaces the message for later tests and the result")
    func filter() throws {
        let log = RequestLog()
        let result = try runWith("""
            require ["vnd.dovecot.filter", "fileinto"];
            filter "spamc";
            if header :contains "X-Spam-Flag" "YES" { fileinto "Junk"; }
            """) { request in
            log.append(request)
            return .succeeded(output: Array("X-Spam-Flag: YES\r\n".utf8) + request.input)
        }
        #expect(result.actions == [fileinto("Junk")])
        let modified = try #require(result.modifiedMessage)
        #expect(modified.bytes == Array("X-Spam-Flag: YES\r\n".utf8) + standardMessage.bytes)
        #expect(log.all.first?.inputIsOriginalMessage == true)
    }

    @Test("a filter that writes nothing leaves the message as it was, with a warning")
    func emptyFilter() throws {
        let result = try runWith("require \"vnd.dovecot.filter\";\nfilter \"quiet\";") { _ in .succeeded(output: []) }
        #expect(result.modifiedMessage == nil && result.succeeded)
        #expect(result.warnings.first?.message == "filter action: program \"quiet\" wrote no message; the message is left as it was")
    }

    @Test("without a program directory the run fails with a clear reason")
    func unconfigured() throws {
        var options = SieveOptions()
        options.enabledExtensions.insert("vnd.dovecot.execute")
        let result = try run("require \"vnd.dovecot.execute\";\nexecute \"p\";", options: options)
        #expect(result.errors.first?.message
                == "execute action: failed to run program \"p\": the vnd.dovecot.execute extension is not configured (no program directory)")
    }

    @Test("debug_log lines reach the result and the trace")
    func debugLog() throws {
        let recorder = SieveTraceRecorder()
        let result = try run("require [\"vnd.dovecot.debug\", \"variables\"];\nset \"a\" \"b\";\ndebug_log \"value ${a}\";",
                             tracer: recorder)
        #expect(result.debugMessages == ["value b"])
        #expect(recorder.events.contains(.debug(message: "value b", location: SourceLocation(line: 3, column: 1, offset: 57))))
    }

    @Test("line ends of program input are converted both ways")
    func lineEnds() {
        #expect(ExternalProgramRequest.converting(Array("a\nb\r\nc".utf8), to: .crlf) == Array("a\r\nb\r\nc".utf8))
        #expect(ExternalProgramRequest.converting(Array("a\nb\r\nc\r".utf8), to: .lf) == Array("a\nb\nc\r".utf8))
    }
}

/// Runs test files written in Sieve with Pigeonhole's `vnd.dovecot.testsuite`
/// extension: the engine behind `sieve-check test`.
///
/// Each `test "name" { ... }` block runs from the state the file's top level built
/// (message, envelope, settings, result); what the block changes is undone when it
/// ends, and a failing block does not stop the others. A block that does not compile
/// (unknown command, unsupported extension, bad arguments) fails alone with the reason;
/// the rest of the file still runs.
///
/// The runner does no I/O itself: files named by `test_script_compile` and
/// `test_multiscript` are read through `readFile`.
public struct TestSuiteRunner: Sendable {
    /// The options test files and the scripts they test compile and run with (the
    /// testsuite extension is added for the test file itself).
    public var options: SieveOptions
    /// Reads a file by path; the error's description becomes the reason shown.
    public var readFile: @Sendable (String) throws -> [UInt8]
    /// What `test_result_execute` sends for redirects and vacation replies. Default
    /// `BasicTestSuiteMailer`.
    public var mailer: any TestSuiteMailer
    /// What `environment` reports to test files and the scripts they run. Default
    /// `TestSuiteRunner.testEnvironment`.
    public var environment: SieveEnvironment = TestSuiteRunner.testEnvironment
    /// Runs the programs of `pipe`, `filter` and `execute` once a test file names their
    /// directories (`test_config_set "sieve_pipe_bin_dir"` ...); nil refuses them.
    public var programRunner: (@Sendable (ExternalProgramRequest) -> ExternalProgramOutcome)?

    public init(options: SieveOptions = SieveOptions(), mailer: any TestSuiteMailer = BasicTestSuiteMailer(),
                readFile: @escaping @Sendable (String) throws -> [UInt8]) {
        self.options = options
        self.mailer = mailer
        self.readFile = readFile
    }

    /// Reads and runs the test file at `path`.
    public func run(file path: String) -> TestFileReport {
        do {
            return run(source: try readFile(path), file: path)
        } catch {
            return TestFileReport(file: path, fileErrors: ["cannot read the test file: \(error)"])
        }
    }

    /// Runs a test file given as bytes; `file` names it in the report and is the base
    /// for relative paths.
    public func run(source: [UInt8], file: String) -> TestFileReport {
        var testOptions = options
        testOptions.enabledExtensions.insert(SieveCapability.testsuite.rawValue)
        // Test files may require the program extensions; their directories come from the file.
        for capability in SieveCapability.externalPrograms { testOptions.enabledExtensions.insert(capability.rawValue) }
        let parsed = SieveParser.parse(source, file: file, limits: testOptions.parserLimits)
        if parsed.hasErrors {
            return TestFileReport(file: file, fileErrors: parsed.diagnostics.filter { $0.severity == .error }.map(\.description))
        }
        guard Self.requiresTestSuite(parsed.script) else {
            return TestFileReport(file: file, fileErrors: [
                "not a test file: it must start with require \"vnd.dovecot.testsuite\"; (with the other extensions it uses)",
            ])
        }
        let loader = TestSuiteScriptLoader(directory: Self.directory(of: file), readFile: readFile)
        let prepared = Self.compile(parsed.script, file: file, options: testOptions, loader: loader)
        guard let script = prepared.script else {
            return TestFileReport(file: file, blocks: prepared.failedBlocks, fileErrors: prepared.fileErrors)
        }

        var run = Run(script: script, message: Run.defaultTestMessage, envelope: Run.defaultTestEnvelope,
                      options: testOptions, tracer: nil)
        run.environment = environment
        run.testSuite = TestSuiteState(directory: Self.directory(of: file), readFile: readFile, baseOptions: testOptions,
                                       mailer: mailer)
        if let programRunner {
            run.programRunner = programRunner
            run.testSuite?.programRunner = programRunner
        }
        var fileErrors: [String] = []
        do {
            _ = try run.execute(script.commands)
        } catch {
            let diagnostic = Diagnostic(.error, error.message, at: error.location, file: file)
            fileErrors.append("outside any test block: \(diagnostic)")
        }
        let ran = run.testSuite?.records ?? []
        let blocks = (ran + prepared.failedBlocks).sorted { $0.location.offset < $1.location.offset }
        return TestFileReport(file: file, blocks: blocks, fileErrors: fileErrors, output: run.testSuite?.output ?? [])
    }

    /// Whether a top-level `require` names the testsuite extension.
    static func requiresTestSuite(_ script: ScriptNode) -> Bool {
        script.commands.contains { command in
            guard command.name.lowercased() == "require", let argument = command.arguments.first else { return false }
            let names: [StringLiteral]
            switch argument {
            case .string(let literal): names = [literal]
            case .stringList(let list, _): names = list
            default: return false
            }
            return names.contains { $0.value.lowercased() == SieveCapability.testsuite.rawValue }
        }
    }

    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "" }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    struct Prepared {
        var script: CompiledScript?
        var failedBlocks: [TestBlockResult] = []
        var fileErrors: [String] = []
    }

    /// Compiles the test file; a test block with errors is left out and reported as
    /// failed, a `require` of an extension Sluice lacks is dropped (blocks that use it
    /// then fail). Errors anywhere else fail the file.
    static func compile(_ script: ScriptNode, file: String, options: SieveOptions,
                        loader: (any SieveScriptLoader)? = nil) -> Prepared {
        var prepared = Prepared()
        var commands = script.commands
        var unsupported: [String] = []
        // Each pass removes at least one failing block or require name, so this ends.
        while true {
            let result = SieveCompiler.validate(ScriptNode(commands: commands), file: file, options: options, loader: loader)
            if !result.hasErrors {
                prepared.script = result.script
                return prepared
            }
            var failedIndices: [Int: Diagnostic] = [:]
            var progress = false
            // Errors inside included scripts come with one at the include in this file.
            for diagnostic in result.diagnostics where diagnostic.severity == .error && diagnostic.file == file {
                let offset = diagnostic.location.offset
                guard let index = commands.firstIndex(where: { $0.range.start.offset <= offset && offset < $0.range.end.offset }) else {
                    prepared.fileErrors.append(diagnostic.description)
                    continue
                }
                let command = commands[index]
                switch command.name.lowercased() {
                case "test":
                    if failedIndices[index] == nil { failedIndices[index] = diagnostic }
                case "require":
                    if let name = removeRequired(at: offset, from: &commands[index]) {
                        unsupported.append(name)
                        progress = true
                    } else {
                        prepared.fileErrors.append(diagnostic.description)
                    }
                default:
                    prepared.fileErrors.append(diagnostic.description)
                }
            }
            if !prepared.fileErrors.isEmpty { return prepared }
            for (index, diagnostic) in failedIndices {
                let command = commands[index]
                var reason = "does not compile: \(diagnostic.message) (column \(diagnostic.location.column))"
                let missing = unsupported.filter { diagnostic.message.contains("\"\($0)\"") || diagnostic.message.hasPrefix("unknown") }
                if !missing.isEmpty {
                    reason += "; this file requires " + missing.map { "\"\($0)\"" }.joined(separator: ", ")
                        + ", which Sluice does not support"
                }
                prepared.failedBlocks.append(TestBlockResult(
                    name: blockName(command), location: command.nameRange.start,
                    failure: TestFailure(kind: .error, reason: reason, location: diagnostic.location)))
            }
            if failedIndices.isEmpty && !progress {
                prepared.fileErrors = result.diagnostics.filter { $0.severity == .error }.map(\.description)
                return prepared
            }
            commands = commands.enumerated().filter { failedIndices[$0.offset] == nil }.map(\.element)
        }
    }

    /// The name of a test block as written, or a placeholder.
    static func blockName(_ command: CommandNode) -> String {
        if case .string(let literal)? = command.arguments.first { return literal.value }
        return "(unnamed test at line \(command.nameRange.start.line))"
    }

    /// Drops the capability name at `offset` from a `require` whose extension is not
    /// available; returns the name, or nil when the error is about something else.
    static func removeRequired(at offset: Int, from command: inout CommandNode) -> String? {
        guard let argument = command.arguments.first else { return nil }
        switch argument {
        case .string(let literal) where literal.range.start.offset == offset:
            command.arguments = [.stringList([], range: literal.range)]
            return literal.value
        case .stringList(var list, let range):
            guard let i = list.firstIndex(where: { $0.range.start.offset == offset }) else { return nil }
            let name = list.remove(at: i).value
            command.arguments = [.stringList(list, range: range)]
            return name
        default:
            return nil
        }
    }
}

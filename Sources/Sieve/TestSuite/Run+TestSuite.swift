import MailCore

/// Running the `vnd.dovecot.testsuite` commands and tests.
extension Run {
    /// The default message of a test file until `test_set "message"` replaces it.
    static let defaultTestMessage = Message("From: sender@example.com\r\nTo: recipient@example.com\r\nSubject: Test\r\n\r\nTest.\r\n")
    /// The default envelope of a test file.
    static let defaultTestEnvelope = SieveEnvelope(from: "sender@example.com", to: "recipient@example.com")

    private func requireSuite(at location: SourceLocation) throws(Failure) {
        guard testSuite != nil else {
            throw Failure(message: "testsuite commands only run under 'sieve-check test'", location: location)
        }
    }

    /// Fails the current test block as an assertion failure.
    private mutating func fail(_ reason: String, at location: SourceLocation) throws(Failure) -> Never {
        testSuite?.failReason = reason
        throw Failure(message: reason, location: location)
    }

    mutating func execute(_ command: TestSuiteCommand, at location: SourceLocation) throws(Failure) -> Flow {
        try requireSuite(at: location)
        switch command {
        case .test(let name, let body):
            try runTestBlock(name: name, body: body, at: location)
        case .fail(let reason):
            try fail(expand(reason), at: location)
        case .set(let object, let value):
            set(object, to: expand(value))
        case .configSet(let key, let value):
            try configure(expand(key), value: expand(value), at: location)
        case .configUnset(let key):
            try configure(expand(key), value: nil, at: location)
        case .configReload:
            // Settings apply as soon as they are set; reload is accepted for Pigeonhole's suites.
            break
        case .resultReset:
            resetResult()
        case .resultPrint:
            let actions = testSuite?.sequence?.outcome.actions
                ?? result.finish(implicitKeepFlags: testSuite?.implicitKeepFlags ?? [])
            testSuite?.output.append(contentsOf: actions.isEmpty ? ["(no actions)"] : actions.map(\.description))
        case .message(let selector):
            if let missing = select(selector) { try fail(missing, at: location) }
        case .mailboxCreate(let name):
            let folder = expand(name)
            testSuite?.mailStore.create(folder)
        case .binarySave(let name):
            guard let script = testSuite?.compiled else {
                try fail("test_binary_save: no compiled script to save (test_script_compile failed or was not called)", at: location)
            }
            let key = expand(name)
            testSuite?.savedBinaries[key] = script
        case .binaryLoad(let name):
            let key = expand(name)
            guard let script = testSuite?.savedBinaries[key] else {
                try fail("test_binary_load: no binary saved as \(quoted(key)) in this test file", at: location)
            }
            testSuite?.compiled = script
        case .imapMetadataSet(let mailbox, let entry, let value):
            let (entryName, mailboxName, text) = (expand(entry), mailbox.map { expand($0) }, expand(value))
            testSuite?.mailboxAttributes.setMetadata(entryName, mailbox: mailboxName, to: text)
        }
        return .proceed
    }

    mutating func evaluate(_ test: TestSuiteTest, at location: SourceLocation, trace: inout TraceComparison?) throws(Failure) -> Bool {
        try requireSuite(at: location)
        switch test {
        case .resultAction(let index, let match):
            // The scripts' actions, then the test file's own (one result, as Pigeonhole's).
            let actions = (testSuite?.sequence?.listedActions ?? []) + result.allActions
            var selected = actions
            if let index { selected = index <= actions.count ? [actions[index - 1]] : [] }
            let values: [String]
            if case .count = match.type {
                values = selected.map { TestSuiteActionNames.names(of: $0)[0] }
            } else {
                values = selected.flatMap { TestSuiteActionNames.names(of: $0) }
            }
            return try compare(values, match, at: location, trace: &trace)
        case .error(let index, let match):
            let errors = testSuite?.errors ?? []
            var values = errors
            if let index { values = index <= errors.count ? [errors[index - 1]] : [] }
            return try compare(values, match, at: location, trace: &trace)
        case .resultExecute:
            return executeResult()
        case .message(let selector):
            return select(selector) == nil
        case .scriptCompile(let path):
            return compileScript(expand(path))
        case .scriptRun(let appendResult):
            return runScript(appendingResult: appendResult)
        case .multiscript(let paths):
            return runMultiscript(expand(paths))
        }
    }

    // MARK: test blocks

    /// Runs one test block from a copy of the current state, records its outcome and
    /// puts the state back, so the next block starts where this one started. Global
    /// variables (RFC 6609) are the exception: they belong to the whole run, as in
    /// Pigeonhole, so they keep what a block left in them.
    private mutating func runTestBlock(name: String, body: [Command], at location: SourceLocation) throws(Failure) {
        guard let before = testSuite else { return }
        let saved = (message, envelope, options, result, variables, matchVariables, internalFlags, steps)
        let savedEnvironment = environment
        testSuite?.currentTest = name
        testSuite?.failReason = nil
        testSuite?.output = []
        steps = 0
        let clock = ContinuousClock()
        let start = clock.now
        var failure: TestFailure?
        do {
            _ = try execute(body)
        } catch {
            if let reason = testSuite?.failReason {
                failure = TestFailure(kind: .assertion, reason: reason, location: error.location)
            } else {
                failure = TestFailure(kind: .error, reason: "runtime error: " + error.message, location: error.location)
            }
        }
        let record = TestBlockResult(name: name, location: location, failure: failure, output: testSuite?.output ?? [],
                                     duration: clock.now - start)
        let blockVariables = variables
        (message, envelope, options, result, variables, matchVariables, internalFlags, steps) = saved
        for slot in script.globalSlots { variables[slot] = blockVariables[slot] }
        environment = savedEnvironment
        // Saved binaries belong to the test file, not the block (they stand for files on disk).
        let binaries = testSuite?.savedBinaries ?? before.savedBinaries
        testSuite = before
        testSuite?.savedBinaries = binaries
        testSuite?.records.append(record)
    }

    // MARK: message and envelope

    private mutating func set(_ object: TestSuiteObject, to value: String) {
        switch object {
        case .message:
            replaceMessage(Message(value))
            envelope = Self.envelope(of: message)
        case .envelopeFrom: envelope.from = Self.bareAddress(value)
        case .envelopeTo:
            // The original recipient follows, as in Pigeonhole; "envelope.orig_to" after
            // this sets it apart.
            envelope.to = Self.bareAddress(value)
            envelope.origTo = envelope.to
        case .envelopeOrigTo: envelope.origTo = Self.bareAddress(value)
        case .envelopeAuth: envelope.auth = value
        }
    }

    /// The header index and parsed address lists live in the `Message` itself, so a new
    /// message brings its own (and `Run.message` drops the `body` strings of the old one).
    private mutating func replaceMessage(_ new: Message) {
        message = new
    }

    /// The envelope a new message brings, as Pigeonhole's test suite derives it from the
    /// header: the recipient from `Envelope-To`, else the first `To` address; the sender
    /// from `Return-Path`, else `Sender`, else `From`; the default test envelope's
    /// addresses where the message has none. The original recipient is the recipient.
    /// `test_set "envelope.…"` after `test_set "message"` changes it.
    static func envelope(of message: Message) -> SieveEnvelope {
        func first(_ names: [String]) -> String? {
            for name in names {
                guard let field = message.fields(named: name).first else { continue }
                if let address = field.addresses.mailboxes.first, address.domain != nil,
                   !address.localPart.isEmpty {
                    return address.addrSpec
                }
            }
            return nil
        }
        let to = first(["Envelope-To", "To"]) ?? defaultTestEnvelope.to
        let from = first(["Return-Path", "Sender", "From"]) ?? defaultTestEnvelope.from
        return SieveEnvelope(from: from, to: to, origTo: to)
    }

    /// An envelope address without its angle brackets (`<>` → "").
    static func bareAddress(_ value: String) -> String {
        var text = Substring(value).trimmingWhitespace()
        if text.hasPrefix("<") && text.hasSuffix(">") { text = text.dropFirst().dropLast() }
        return String(text)
    }

    /// Makes the selected message current; returns why it cannot, or nil.
    private mutating func select(_ selector: TestSuiteMessageSelector) -> String? {
        guard let state = testSuite else { return "no test suite" }
        switch selector {
        case .smtp(let index):
            guard index < state.outbox.count else {
                return "test_message :smtp \(index): no such message; \(state.outbox.count) sent (counting from 0)"
            }
            let sent = state.outbox[index]
            replaceMessage(sent.message)
            envelope = SieveEnvelope(from: sent.envelopeFrom, to: sent.envelopeTo)
        case .folder(let folder, let index):
            let name = expand(folder)
            let stored = state.mailStore.messages(in: name)
            guard index < stored.count else {
                return "test_message :folder \(quoted(name)) \(index): no such message; the folder holds \(stored.count) (counting from 0)"
            }
            replaceMessage(stored[index].message)
            envelope = Self.envelope(of: message)
        }
        return nil
    }

    // MARK: configuration

    private mutating func configure(_ key: String, value: String?, at location: SourceLocation) throws(Failure) {
        guard var state = testSuite else { return }
        if configureExtension(key, value: value, state: &state) {
            testSuite = state
            return
        }
        do {
            try TestSuiteConfig.apply(key, value: value, to: &options, store: &state.mailStore,
                                      delivery: &state.deliverySettings, defaults: state.baseOptions)
        } catch {
            try fail(error.message, at: location)
        }
        testSuite = state
    }

    // MARK: result

    private mutating func resetResult() {
        result = ResultBuilder(limits: options.limits)
        testSuite?.implicitKeepFlags = []
        testSuite?.sequence = nil
        testSuite?.outbox = []
        testSuite?.rejections = []
        // Stored messages stay, as in Pigeonhole's test suite: a block executes a result,
        // resets, and then looks at what was stored with `test_message :folder`.
    }

    /// Applies the current result to the in-memory mail store and outbox.
    private mutating func executeResult() -> Bool {
        guard var state = testSuite else { return false }
        let actions: [SieveAction]
        if var sequence = state.sequence {
            actions = sequence.carryOutPending()
            state.sequence = sequence
        } else {
            actions = result.finish(implicitKeepFlags: state.implicitKeepFlags)
        }
        state.errors = []
        let succeeded = TestSuiteExecution.execute(actions, message: message, envelope: envelope, into: &state,
                                                   programs: options.programs)
        testSuite = state
        return succeeded
    }

    // MARK: scripts under test

    private mutating func compileScript(_ path: String) -> Bool {
        guard var state = testSuite else { return false }
        defer { testSuite = state }
        state.compiled = nil
        let resolved = state.resolve(path)
        let source: [UInt8]
        do {
            source = try state.readFile(resolved)
        } catch {
            state.errors = ["cannot read \(resolved): \(error)"]
            return false
        }
        // As in Pigeonhole, a script under test may use the testsuite language itself.
        let compiled = SieveCompiler.compile(source, file: path, options: options, loader: state.scriptLoader)
        // Pigeonhole's test_error lists the compiler's warnings with its errors, in order.
        state.errors = compiled.diagnostics.filter { $0.severity == .error || $0.severity == .warning }.map(\.message)
        if compiled.script == nil {
            // Pigeonhole ends a failed compile with one more error naming the stage that
            // failed, and its test files count it (test_error :count).
            let parseFailed = SieveParser.parse(source, file: path, limits: options.parserLimits).hasErrors
            state.errors.append(parseFailed ? "parse failed" : "validation failed")
        }
        state.compiled = compiled.script
        return compiled.script != nil
    }

    /// Runs the compiled script on the current message as the next script of the test
    /// suite's sequence (a fresh one unless `appendingResult`). It runs whatever the keep
    /// (Pigeonhole's suites append scripts after a `fileinto` on purpose); the rules across
    /// scripts are `ScriptSequence`'s.
    private mutating func runScript(appendingResult: Bool) -> Bool {
        guard let script = testSuite?.compiled else {
            testSuite?.errors = ["test_script_run: no script compiled (test_script_compile failed or was not called)"]
            return false
        }
        var sequence = appendingResult ? testSuite?.sequence ?? ScriptSequence() : ScriptSequence()
        if !appendingResult { resetResult() }
        sequence.runRegardless(.compiled(name: script.file ?? "script", script: script), context: scriptContext,
                               options: TestSuiteState.scriptOptions(options), tracer: nil)
        testSuite?.sequence = sequence
        let step = sequence.steps.last
        let errors = (step?.result?.errors ?? []) + (step?.result?.warnings ?? [])
        testSuite?.errors = errors.map(\.message)
        // The script's header edits are the message its result is executed with.
        if let edited = step?.result?.modifiedMessage { message = edited }
        return step?.status == .ran
    }

    /// The context scripts under test run in: the current message, envelope and environment.
    var scriptContext: SieveMessageContext {
        var context = SieveMessageContext(message: message, envelope: envelope, htmlTextExtractor: htmlTextExtractor,
                                          environment: environment, programRunner: testSuite?.programRunner)
        context.mailboxCatalog = testSuite?.mailboxCatalog
        context.externalLists = externalLists
        return context
    }
}

extension CompiledScript {
    /// Line 1, column 1: where errors that belong to no command are reported.
    var startLocation: SourceLocation { SourceLocation(line: 1, column: 1, offset: 0) }
}

/// The names `test_result_action` matches actions by. The first is Pigeonhole's name
/// (`store` for both keep and fileinto), so suites written for Dovecot count and
/// match the same; the others are Sieve's own command names.
enum TestSuiteActionNames {
    static func names(of action: SieveAction) -> [String] {
        switch action {
        case .keep: return ["store", "keep"]
        case .fileinto: return ["store", "fileinto"]
        case .redirect: return ["redirect"]
        case .discard: return ["discard"]
        case .reject: return ["reject"]
        case .ereject: return ["ereject", "reject"]
        case .vacation: return ["vacation"]
        case .pipe: return ["pipe"]
        case .notify: return ["notify"]
        case .report: return ["report"]
        }
    }
}

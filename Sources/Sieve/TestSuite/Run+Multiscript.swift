/// `test_multiscript`: several scripts in sequence, as a delivery with scripts before
/// and after the user's would run them.
extension Run {
    /// Runs `paths` in order against the current message. Each script's result is
    /// executed into the mail store and outbox; the next script runs only while the
    /// implicit keep is still in force, and the last one's implicit keep stores into
    /// INBOX. True when every script compiled and ran without error.
    mutating func runMultiscript(_ paths: [String]) -> Bool {
        guard var state = testSuite else { return false }
        defer { testSuite = state }
        state.errors = []
        var keepFlags: [String] = []
        // Each script sees the edits (editheader) of the scripts before it.
        var current = message
        for path in paths {
            let resolved = state.resolve(path)
            let source: [UInt8]
            do {
                source = try state.readFile(resolved)
            } catch {
                state.errors = ["cannot read \(resolved): \(error)"]
                return false
            }
            let compiled = SieveCompiler.compile(source, file: path, options: TestSuiteState.scriptOptions(options))
            guard let script = compiled.script else {
                state.errors = compiled.diagnostics.filter { $0.severity == .error }.map(\.message)
                return false
            }
            switch runUnderTest(script, startingFrom: ResultBuilder(limits: options.limits), message: current) {
            case .failure(let error):
                // A failed script keeps the message, as delivery does.
                state.errors = [error.message]
                TestSuiteExecution.execute([.keep(flags: [], implicit: true)], message: current, envelope: envelope, into: &state)
                return false
            case .success(let outcome):
                if let edited = outcome.modifiedMessage { current = edited }
                let actions = outcome.result.finish(implicitKeepFlags: outcome.implicitKeepFlags)
                var keeps = false
                var explicit: [SieveAction] = []
                for action in actions {
                    if case .keep(let flags, true) = action {
                        keeps = true
                        keepFlags = flags
                    } else {
                        explicit.append(action)
                    }
                }
                TestSuiteExecution.execute(explicit, message: current, envelope: envelope, into: &state)
                if !keeps { return true }
            }
        }
        TestSuiteExecution.execute([.keep(flags: keepFlags, implicit: true)], message: current, envelope: envelope, into: &state)
        return true
    }
}

/// `test_multiscript`: several scripts in sequence, as a delivery with scripts before
/// and after the user's would run them (`ScriptSequence`'s rules).
extension Run {
    /// Runs `paths` in order against the current message and carries out the outcome
    /// into the mail store and outbox. True when every script compiled and ran without
    /// error.
    mutating func runMultiscript(_ paths: [String]) -> Bool {
        guard var state = testSuite else { return false }
        defer { testSuite = state }
        state.errors = []
        let scriptOptions = TestSuiteState.scriptOptions(options)
        var sequence = ScriptSequence()
        var compiledAll = true
        for path in paths where sequence.keepInEffect {
            let resolved = state.resolve(path)
            let script: SequencedScript
            do {
                let source = try state.readFile(resolved)
                let compiled = SieveCompiler.compile(source, file: path, options: scriptOptions,
                                                     loader: state.scriptLoader)
                if let program = compiled.script {
                    script = .compiled(name: path, script: program)
                } else {
                    let errors = compiled.diagnostics.filter { $0.severity == .error }.map(\.message)
                    state.errors += errors
                    script = .broken(name: path, diagnostics: errors)
                }
            } catch {
                state.errors.append("cannot read \(resolved): \(error)")
                script = .broken(name: path, diagnostics: ["cannot read \(resolved): \(error)"])
            }
            if case .broken = script { compiledAll = false }
            sequence.run(script, context: scriptContext, options: scriptOptions)
        }
        let outcome = sequence.outcome
        state.errors += outcome.errors.map(\.message)
        // The outcome is carried out on the message as the scripts edited it (editheader).
        TestSuiteExecution.execute(outcome.actions, message: outcome.message ?? message, envelope: envelope, into: &state)
        return compiledAll && !outcome.failed
    }
}

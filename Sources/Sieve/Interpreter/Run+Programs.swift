import MailCore

extension Run {
    /// Runs `pipe` (adds the action), `filter` or `execute` as a command. A program that
    /// cannot be run is a runtime error; one that ran and exited non-zero is not.
    ///
    /// - SeeAlso: Pigeonhole's spec-bosch-sieve-extprograms §3–§5
    mutating func executeProgram(_ call: ProgramCall, at location: SourceLocation) throws(Failure) {
        if call.kind == .pipe {
            let action = PipeAction(program: call.name, arguments: try programArguments(call, at: location), copy: call.copy,
                                    isTry: call.isTry)
            try add(.pipe(action), at: location)
            return
        }
        switch try runProgram(call, at: location) {
        case .succeeded, .declined:
            return
        case .notFound(let reason), .failed(let reason):
            throw Failure(message: reason, location: location)
        }
    }

    /// `filter` or `execute` as a test: true when the program exited with status 0. A
    /// program that cannot be run makes the test false and is reported as a warning.
    mutating func evaluateProgram(_ call: ProgramCall, at location: SourceLocation) throws(Failure) -> Bool {
        switch try runProgram(call, at: location) {
        case .succeeded:
            return true
        case .declined:
            return false
        case .notFound(let reason), .failed(let reason):
            let warning = SieveRuntimeError(reason, at: location, file: script.file)
            nonFatalErrors.append(warning)
            tracer?.record(.warning(warning))
            return false
        }
    }

    /// Asks the context to run the program; applies a successful `filter`'s new message and
    /// `execute :output`. Returns the outcome with the error text made operator-ready.
    private mutating func runProgram(_ call: ProgramCall, at location: SourceLocation) throws(Failure) -> ExternalProgramOutcome {
        let arguments = try programArguments(call, at: location)
        let settings = options.programs
        var input: [UInt8] = []
        var isOriginal = false
        switch call.input {
        case .none:
            break
        case .message:
            input = ExternalProgramRequest.converting(message.bytes, to: settings.inputLineEnds)
            isOriginal = !messageEdited
        case .text(let text):
            input = ExternalProgramRequest.converting(Array(expand(text).utf8), to: settings.inputLineEnds)
        }
        var request = ExternalProgramRequest(kind: call.kind, name: call.name, arguments: arguments, input: input,
                                             capturesOutput: call.kind == .filter || call.outputSlot != nil, settings: settings)
        request.inputIsOriginalMessage = isOriginal
        request.envelope = envelope
        let outcome: ExternalProgramOutcome
        if request.directory == nil {
            outcome = .failed(reason: "the vnd.dovecot.\(call.kind.rawValue) extension is not configured (no program directory)")
        } else {
            outcome = programRunner(request)
        }
        // An empty message is no message: it does not replace the one there is (a warning).
        if call.kind == .filter, case .succeeded(let output) = outcome, output.isEmpty {
            let warning = SieveRuntimeError("filter action: program \(quoted(call.name)) wrote no message; the message is left as it was",
                                            at: location, file: script.file)
            nonFatalErrors.append(warning)
            tracer?.record(.warning(warning))
            return outcome
        }
        switch outcome {
        case .succeeded(let output):
            if call.kind == .filter {
                let replaced = Message(bytes: output)
                message = replaced
                messageEdited = true
            } else if let slot = call.outputSlot {
                variables[slot] = limited(String(decoding: output, as: UTF8.self))
                tracer?.record(.variable(name: script.variableNames[slot], value: variables[slot], location: location))
            }
            return outcome
        case .declined:
            return outcome
        case .notFound(let reason):
            return .notFound(reason: "\(call.kind.rawValue) action: program \(quoted(call.name)) not found: \(reason)")
        case .failed(let reason):
            return .failed(reason: "\(call.kind.rawValue) action: failed to run program \(quoted(call.name)): \(reason)")
        }
    }

    /// The arguments after variable expansion, each checked again (a variable may have
    /// brought a line break).
    private func programArguments(_ call: ProgramCall, at location: SourceLocation) throws(Failure) -> [String] {
        guard let list = call.arguments else { return [] }
        let values = expand(list)
        for value in values {
            if let problem = ExternalProgramSettings.problem(withArgument: value) {
                throw Failure(message: "\(call.kind.rawValue) argument \(quoted(DiagnosticText.printable(String(value.prefix(64))))) "
                              + "is invalid: \(problem)", location: location)
            }
        }
        return values
    }

    /// `debug_log`: the line goes to the result (the delivery log), the trace and, in a
    /// test file, the output.
    mutating func debugLog(_ message: Str, at location: SourceLocation) {
        let text = expand(message)
        debugMessages.append(text)
        tracer?.record(.debug(message: text, location: location))
        testSuite?.output.append("debug_log: \(text)")
    }
}

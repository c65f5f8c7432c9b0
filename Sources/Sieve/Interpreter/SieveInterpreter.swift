import MailCore

/// Runs a compiled script against one message and collects the actions it asks for.
///
/// The interpreter never performs an action: it returns a `SieveResult` that the
/// delivery side applies. A runtime error stops the run, discards what it collected and
/// falls back to the implicit keep.
///
/// - SeeAlso: RFC 5228 §2.10 (actions, implicit keep, errors)
public enum SieveInterpreter {
    /// Runs `script` for one recipient of one message.
    ///
    /// - Parameters:
    ///   - script: the compiled script (shareable between concurrent runs).
    ///   - context: the message, the envelope and what else the run may ask.
    ///   - options: limits and site policy (the same options the script was compiled with).
    ///   - tracer: receives every command, test, action and error as it happens.
    /// - Returns: the final action list (implicit keep included when it applies) and any
    ///   runtime error.
    public static func run(_ script: CompiledScript, context: some SieveContext, options: SieveOptions = SieveOptions(),
                           tracer: (any SieveTracer)? = nil) -> SieveResult {
        var carried = SequenceCarry()
        return run(script, context: context, options: options, tracer: tracer, carrying: &carried)
    }

    /// What one run of a sequence of scripts takes from the runs before it and leaves
    /// for the next (see `ScriptSequence`).
    struct SequenceCarry {
        /// The imap4flags internal variable: it belongs to the whole sequence, so a
        /// later script's `fileinto` and the final implicit keep carry flags an earlier
        /// script set (Pigeonhole keeps it per result, not per script).
        var internalFlags = ""
        /// Actions earlier runs collected that are not carried out yet (the test suite's
        /// `test_script_run :append_result` without `test_result_execute`): this run's
        /// actions are checked against them as if one script had asked for all.
        var pending: [SieveAction] = []
        /// Actions (and redirects among them) earlier runs carried out: they count towards
        /// the per-message limits.
        var earlierActions = 0
        var earlierRedirects = 0
        /// Out: whether the next script may run (a `keep` ran or nothing cancelled the
        /// implicit keep). False after a runtime error.
        var keepInEffect = true
        /// Out: whether a `keep` command ran (its keep is deferred to the sequence's end).
        var keepCommand = false
    }

    /// Runs one script of a sequence: `carry` seeds the internal flags and pending
    /// actions and receives the keep state after the run.
    static func run(_ script: CompiledScript, context: some SieveContext, options: SieveOptions,
                    tracer: (any SieveTracer)?, carrying carry: inout SequenceCarry) -> SieveResult {
        if let reason = script.imapEventRequirement {
            let runtimeError = SieveRuntimeError(reason, at: script.startLocation, file: script.file)
            tracer?.record(.error(runtimeError))
            carry.keepInEffect = false
            return SieveResult(actions: [.keep(flags: [], implicit: true)], errors: [runtimeError])
        }
        var run = Run(script: script, message: context.message, envelope: context.envelope, options: options, tracer: tracer)
        run.htmlTextExtractor = context.htmlTextExtractor
        run.mailboxExists = { context.mailboxExists($0) }
        run.mailboxAttributes = MailboxAttributeLookup(context)
        if script.readsCurrentTime { run.clock = { context.currentDate } }
        run.environment = context.environment
        run.programRunner = { context.runProgram($0) }
        run.isDuplicate = { (key: DuplicateKey) throws(DuplicateTrackingError) -> Bool in try context.isDuplicate(key) }
        run.externalLists = context.externalLists
        run.internalFlags = carry.internalFlags
        run.result.earlierActions = carry.earlierActions
        run.result.earlierRedirects = carry.earlierRedirects
        do {
            for action in carry.pending { try run.result.add(action) }
        } catch {
            let runtimeError = SieveRuntimeError(error.message, at: script.startLocation, file: script.file)
            tracer?.record(.error(runtimeError))
            carry.keepInEffect = false
            return SieveResult(actions: [.keep(flags: [], implicit: true)], errors: [runtimeError])
        }
        do {
            _ = try run.execute(script.commands)
        } catch {
            let runtimeError = SieveRuntimeError(error.message, at: error.location, file: error.file ?? script.file)
            tracer?.record(.error(runtimeError))
            carry.keepInEffect = false
            carry.keepCommand = false
            var failed = SieveResult(actions: [.keep(flags: [], implicit: true)], errors: [runtimeError], warnings: run.nonFatalErrors)
            failed.debugMessages = run.debugMessages
            return failed
        }
        carry.internalFlags = run.internalFlags
        carry.keepInEffect = run.result.keepInEffect
        carry.keepCommand = run.result.keepCommandSeen
        let implicitFlags = script.usesFlags || !run.internalFlags.isEmpty ? FlagList.flags(in: [run.internalFlags]) : []
        var result = SieveResult(actions: run.result.finish(implicitKeepFlags: implicitFlags), warnings: run.nonFatalErrors,
                                 duplicateMarks: run.duplicateMarks, modifiedMessage: run.messageEdited ? run.message : nil)
        result.debugMessages = run.debugMessages
        result.specialUseCreations = run.specialUseCreations
        return result
    }
}

/// The state of one script run.
struct Run {
    /// The script running now: the main script, or an included one while it runs.
    var script: CompiledScript
    /// Variable only for the test suite (`test_set`, `test_message`); a new message
    /// drops the `body` strings extracted from the old one.
    var message: Message {
        didSet { bodyCache = [:] }
    }
    var envelope: SieveEnvelope
    /// Variable only for the test suite (`test_config_set`).
    var options: SieveOptions
    /// Nil while an included script runs (trace events name lines of the main script).
    var tracer: (any SieveTracer)?
    /// The state of a `sieve-check test` run; nil for every other run (testsuite
    /// commands then fail).
    var testSuite: TestSuiteState?

    var result: ResultBuilder
    /// Values of named variables, by slot.
    var variables: [String]
    /// `${0}`, `${1}`, ... from the last successful `:matches` (RFC 5229 §3.2).
    var matchVariables: [String] = []
    /// The imap4flags internal variable (RFC 5232 §3).
    var internalFlags = ""
    var steps = 0
    /// Converts HTML parts for `body :text` (RFC 5173); nil: the tag-stripping fallback.
    var htmlTextExtractor: (any HTMLTextExtractor)?
    /// Asks the context whether a mailbox exists (`mailboxexists`, RFC 5490).
    var mailboxExists: (String) -> Bool = { _ in true }
    /// Asks the context for special-use marks, mailbox ids and annotations.
    var mailboxAttributes = MailboxAttributeLookup()
    /// Folders `fileinto :specialuse ... :create` may create, with their use.
    var specialUseCreations: [SpecialUseCreation] = []
    /// Errors that did not stop the run (a `:regex` key invalid after expansion).
    var nonFatalErrors: [SieveRuntimeError] = []
    /// Whether the run reported the message's MIME structure limit already.
    var reportedStructureLimit = false
    /// What `environment` and `${env.NAME}` report (RFC 5183).
    var environment = SieveEnvironment()
    /// Strings already extracted for `body`, by transform key, kept for the run.
    var bodyCache: [String: [String]] = [:]
    /// Asks the context for the current time (`currentdate`, the local zone of `date`).
    var clock: () -> DateTime = DateTime.systemNow
    /// The current time once asked: one instant for the whole run (RFC 5260 §5).
    var fixedNow: DateTime?
    /// Runs `filter` and `execute` programs (the context's `runProgram`).
    var programRunner: (ExternalProgramRequest) -> ExternalProgramOutcome = { _ in
        .failed(reason: "running external programs is not available here")
    }
    /// Lines written by `debug_log`.
    var debugMessages: [String] = []
    /// The site's lists for `:list` and `valid_ext_list` (RFC 6134), from the context.
    var externalLists: any ExternalListSource = ExternalLists.standard
    /// Asks the context whether a `duplicate` value was seen by an earlier message.
    var isDuplicate: (DuplicateKey) throws(DuplicateTrackingError) -> Bool = { _ in false }
    /// The answers `duplicate` got in this run, so a test asked twice answers the same.
    var duplicateChecks: [DuplicateKey: Bool] = [:]
    /// Values to record as seen once the message is delivered (RFC 7352 §3).
    var duplicateMarks: [DuplicateMark] = []
    /// The include extension's run state: the compiled tree, globals, what ran.
    var includes: IncludeRunState
    /// Whether a command changed `message` (editheader, filter): the result then carries it.
    var messageEdited = false
    /// The open `foreverypart` loops and the parts they walk (RFC 5703).
    var mimeLoop = MIMELoopState()

    struct Failure: Error {
        var message: String
        var location: SourceLocation
        /// Set when the failure happened in an included script: the include chain and
        /// the script's name (`main.sieve:3:1 → lib.sieve`).
        var file: String? = nil
    }

    enum Flow {
        /// `returnFromScript`: `return` ended the current script (RFC 6609 §3.3).
        case proceed, stop, returnFromScript
        /// `break` (RFC 5703 §3) leaves the loops `mimeLoop.breakLevels` counts.
        case breakLoop
    }

    init(script: CompiledScript, message: Message, envelope: SieveEnvelope, options: SieveOptions, tracer: (any SieveTracer)?) {
        self.script = script
        self.message = message
        self.envelope = envelope
        self.options = options
        self.tracer = tracer
        self.result = ResultBuilder(limits: options.limits)
        self.variables = Array(repeating: "", count: script.variableNames.count)
        self.includes = IncludeRunState(table: script.includedScripts)
    }

    /// Counts evaluation work; fails past `maxEvaluationSteps`.
    mutating func step(_ amount: Int, at location: SourceLocation) throws(Failure) {
        steps += amount
        if steps > options.limits.maxEvaluationSteps {
            throw Failure(message: "script exceeded the evaluation limit of \(options.limits.maxEvaluationSteps) steps", location: location)
        }
    }

    // MARK: strings

    func expand(_ string: Str) -> String {
        switch string {
        case .constant(let value):
            return value
        case .template(let pieces):
            var out = ""
            for piece in pieces {
                switch piece {
                case .text(let text): out += text
                case .variable(let slot): out += variables[slot]
                case .match(let n): if n < matchVariables.count { out += matchVariables[n] }
                case .environment(let name): out += environment.variableValue(name)
                }
            }
            return out
        }
    }

    func expand(_ list: StrList) -> [String] {
        list.constant ?? list.items.map { expand($0) }
    }

    /// Expands a list whose constants were lowercased at compile time (header names).
    func expandLowercased(_ list: StrList) -> [String] {
        list.constant ?? list.items.map { item in
            if case .constant(let value) = item { return value }
            return expand(item).lowercased()
        }
    }

    /// Cuts a value to the variable size limit without splitting a character's UTF-8.
    /// - SeeAlso: RFC 5229 §6
    func limited(_ value: String) -> String {
        let max = options.limits.maxVariableSize
        guard value.utf8.count > max else { return value }
        var bytes = 0
        var end = value.unicodeScalars.startIndex
        for scalar in value.unicodeScalars {
            let width = UTF8.width(scalar)
            if bytes + width > max { break }
            bytes += width
            end = value.unicodeScalars.index(after: end)
        }
        return String(value.unicodeScalars[..<end])
    }

    // MARK: commands

    mutating func execute(_ commands: [Command]) throws(Failure) -> Flow {
        for command in commands {
            try step(1, at: command.location)
            tracer?.record(.command(name: command.name, location: command.location))
            switch command.kind {
            case .conditional(let branches, let otherwise):
                var taken = false
                for branch in branches where try evaluate(branch.test) {
                    taken = true
                    let flow = try execute(branch.block)
                    if flow != .proceed { return flow }
                    break
                }
                if !taken, let otherwise {
                    let flow = try execute(otherwise)
                    if flow != .proceed { return flow }
                }
            case .stop:
                tracer?.record(.stop(location: command.location))
                return .stop
            case .keep(let flags):
                try add(.keep(flags: actionFlags(flags), implicit: false), at: command.location)
            case .discard:
                try add(.discard, at: command.location)
            case .fileinto(let mailbox, let flags, let copy, let create):
                let name = expand(mailbox)
                guard !name.isEmpty else {
                    throw Failure(message: "fileinto mailbox name is empty (after variable expansion)", location: command.location)
                }
                try add(.fileinto(mailbox: name, flags: actionFlags(flags), copy: copy, create: create), at: command.location)
            case .redirect(let address, let copy):
                var target = expand(address)
                if case .template = address {
                    guard let mailbox = MailboxSyntax.mailbox(in: target) else {
                        throw Failure(message: "redirect address \(quoted(target)) is not a valid mailbox (expected local@domain)",
                                      location: command.location)
                    }
                    target = mailbox
                }
                try add(.redirect(address: target, copy: copy), at: command.location)
            case .reject(let reason, let extended):
                let text = expand(reason)
                try add(extended ? .ereject(reason: text) : .reject(reason: text), at: command.location)
            case .error(let message):
                throw Failure(message: "script error: \(expand(message))", location: command.location)
            case .vacation(let vacation):
                try add(.vacation(try vacationAction(vacation, at: command.location)), at: command.location)
            case .set(let slot, let value, let modifiers):
                let text = modifiers.isEmpty ? expand(value) : VariableModifier.applyAll(modifiers, to: expand(value))
                variables[slot] = limited(text)
                tracer?.record(.variable(name: script.variableNames[slot], value: variables[slot], location: command.location))
            case .include(let include):
                if try execute(include, at: command.location) == .stop { return .stop }
            case .returnFromScript:
                return .returnFromScript
            case .testSuite(let testSuiteCommand):
                if try execute(testSuiteCommand, at: command.location) == .stop { return .stop }
            case .editHeader(let edit):
                try execute(edit, at: command.location)
            case .program(let call):
                try executeProgram(call, at: command.location)
            case .debugLog(let message):
                debugLog(message, at: command.location)
            case .forEveryPart(let loop):
                let flow = try execute(loop, at: command.location)
                if flow != .proceed { return flow }
            case .breakLoop(let levels):
                mimeLoop.breakLevels = levels
                return .breakLoop
            case .extractText(let extract):
                try execute(extract, at: command.location)
            case .replace(let replacement):
                try execute(replacement, at: command.location)
            case .enclose(let enclosure):
                try execute(enclosure, at: command.location)
            case .fileintoSelecting(let selection):
                try fileinto(selection, at: command.location)
            case .notify(let notify):
                try executeNotify(notify, at: command.location)
            case .denotify(let denotify):
                try executeDenotify(denotify, at: command.location)
            case .report(let report):
                try executeReport(report, at: command.location)
            case .flags(let operation, let slot, let flags):
                let list = expand(flags)
                let current = slot.map { variables[$0] } ?? internalFlags
                let updated: String
                switch operation {
                case .set: updated = FlagList.flags(in: list).joined(separator: " ")
                case .add: updated = FlagList.adding(list, to: current)
                case .remove: updated = FlagList.removing(list, from: current)
                }
                if let slot { variables[slot] = limited(updated) } else { internalFlags = limited(updated) }
                tracer?.record(.variable(name: slot.map { script.variableNames[$0] } ?? "", value: updated, location: command.location))
            }
        }
        return .proceed
    }

    /// The flags a keep/fileinto carries: its `:flags`, else the internal variable.
    /// - SeeAlso: RFC 5232 §5
    func actionFlags(_ flags: StrList?) -> [String] {
        if let flags { return FlagList.flags(in: expand(flags)) }
        return script.usesFlags || !internalFlags.isEmpty ? FlagList.flags(in: [internalFlags]) : []
    }

    mutating func add(_ action: SieveAction, at location: SourceLocation) throws(Failure) {
        do {
            try result.add(action)
        } catch {
            throw Failure(message: error.message, location: location)
        }
        tracer?.record(.action(action, location: location))
    }

    /// Resolves a vacation command into the action, defaults applied.
    /// - SeeAlso: RFC 5230 §4, §4.2 (handle), §4.3 (from), RFC 6131
    func vacationAction(_ v: Command.Vacation, at location: SourceLocation) throws(Failure) -> VacationAction {
        let reason = expand(v.reason)
        let subject = v.subject.map { expand($0) }
        var from: String?
        if let fromString = v.from {
            let text = expand(fromString)
            if case .template = fromString, MailboxSyntax.mailbox(in: text) == nil {
                throw Failure(message: "vacation :from \(quoted(text)) is not a valid address", location: location)
            }
            from = text
        }
        let handle = v.handle.map { expand($0) }
            ?? VacationRules.defaultHandle(reason: reason, subject: subject, from: from, isMime: v.isMime)
        var sender = Substring(envelope.from).trimmingWhitespace()
        if sender.hasPrefix("<") && sender.hasSuffix(">") { sender = sender.dropFirst().dropLast() }
        var action = VacationAction(to: String(sender), from: from, subject: subject, reason: reason, isMime: v.isMime,
                                    handle: handle, seconds: v.seconds, addresses: v.addresses.map { expand($0) } ?? [])
        if let fcc = v.fcc { action.fcc = try fccTarget(fcc, at: location) }
        return action
    }
}

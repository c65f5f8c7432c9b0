import MailCore

/// Executes a result for `test_result_execute`: stores into the in-memory mail store and
/// hands redirects and vacation replies to the run's `TestSuiteMailer`, whose messages go
/// into the in-memory outbox (missing folders are created by default, as Sluice's
/// delivery does). Pipes run through the state's program runner; a failed one (not
/// `:try`) makes the execution fail with its errors in `state.errors`.
enum TestSuiteExecution {
    @discardableResult
    static func execute(_ actions: [SieveAction], message: Message, envelope: SieveEnvelope, into state: inout TestSuiteState,
                        programs: ExternalProgramSettings = ExternalProgramSettings()) -> Bool {
        var succeeded = true
        for action in actions {
            switch action {
            case .keep(let flags, _):
                state.mailStore.store(message, in: "INBOX", flags: flags, create: true)
            case .fileinto(let mailbox, let flags, _, let create):
                state.mailStore.store(message, in: mailbox, flags: flags, create: create)
            case .redirect(let address, _):
                if let sent = state.mailer.redirect(message, to: address, envelope: envelope) { state.send(sent) }
            case .vacation(let vacation):
                if let sent = state.mailer.vacation(vacation, replyingTo: message, envelope: envelope,
                                                    settings: state.deliverySettings) {
                    state.send(sent)
                    storeFcc(vacation.fcc, sent, into: &state)
                }
            case .notify(let notification):
                let sent = state.mailer.notify(notification, triggeredBy: message, envelope: envelope, settings: state.deliverySettings)
                for copy in sent { state.send(copy) }
                if let first = sent.first { storeFcc(notification.fcc, first, into: &state) }
            case .report(let report):
                if let sent = state.mailer.report(report, about: message, envelope: envelope, settings: state.deliverySettings) {
                    state.send(sent)
                }
            case .reject(let reason), .ereject(let reason):
                state.rejections.append(reason)
            case .discard:
                break
            case .pipe(let pipe):
                let problems = pipeProblems(pipe, message: message, envelope: envelope, state: state, programs: programs)
                if !problems.isEmpty && !pipe.isTry {
                    state.errors += problems
                    succeeded = false
                }
            }
        }
        return succeeded
    }

    /// RFC 8580: a copy of a message that went out, into the `:fcc` folder.
    private static func storeFcc(_ fcc: FccTarget?, _ sent: TestSuiteSentMessage, into state: inout TestSuiteState) {
        guard let fcc else { return }
        state.mailStore.store(Message(bytes: sent.bytes), in: fcc.mailbox, flags: fcc.flags, create: fcc.create)
    }

    /// What went wrong piping the message (empty when the program took it and exited 0):
    /// the cause, then the failure of the action, as Pigeonhole reports them.
    static func pipeProblems(_ pipe: PipeAction, message: Message, envelope: SieveEnvelope, state: TestSuiteState,
                             programs: ExternalProgramSettings) -> [String] {
        let failed = "failed to pipe message to program \(quoted(pipe.program))"
        guard programs.directories[.pipe] != nil else {
            return ["\(failed): the vnd.dovecot.pipe extension is not configured (no program directory)"]
        }
        var request = ExternalProgramRequest(
            kind: .pipe, name: pipe.program, arguments: pipe.arguments,
            input: ExternalProgramRequest.converting(message.bytes, to: programs.inputLineEnds), capturesOutput: false,
            settings: programs)
        request.envelope = envelope
        switch state.programRunner(request) {
        case .succeeded: return []
        case .declined(let status): return ["\(failed): it exited with status \(status)"]
        case .notFound(let reason): return ["\(failed): program not found (\(reason))"]
        case .failed(let reason): return [reason, failed]
        }
    }
}

import MailCore

/// Executes a result for `test_result_execute`: stores into the in-memory mail store and
/// hands redirects and vacation replies to the run's `TestSuiteMailer`, whose messages go
/// into the in-memory outbox (missing folders are created by default, as Sluice's
/// delivery does).
enum TestSuiteExecution {
    static func execute(_ actions: [SieveAction], message: Message, envelope: SieveEnvelope, into state: inout TestSuiteState) {
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
                }
            case .reject(let reason), .ereject(let reason):
                state.rejections.append(reason)
            case .discard:
                break
            }
        }
    }
}

import MailCore
extension LMTPSession {
    /// How the message phase of a transaction ended.
    public enum PostDataResult: Sendable {
        /// The delivery handler answered with these replies.
        case delivered([LMTPReply])
        /// The message was never whole; nothing was delivered.
        case failed(DataFailure)
    }

    /// The replies after DATA or BDAT LAST: exactly one per accepted recipient, in RCPT
    /// order, a repeated recipient answered again. This is the only function that makes
    /// them, whatever the outcome.
    ///
    /// - A data failure gives every recipient its reply (552, 554 or 451).
    /// - A handler that returned too few replies: the missing ones become `451 4.3.0`;
    ///   too many: the extra ones are dropped. An intermediate (3xx) handler reply
    ///   cannot end a transaction and becomes `451 4.3.0` too.
    ///
    /// - SeeAlso: RFC 2033 §4.2.
    public static func postDataReplies(recipients: [MailPath], result: PostDataResult) -> [LMTPReply] {
        recipients.enumerated().map { index, recipient in
            switch result {
            case .failed(let failure):
                return failure.reply
            case .delivered(let replies):
                guard index < replies.count else {
                    return LMTPReply(code: 451, .temporarySystemFailure, "<\(recipient)>: no delivery result, try again later")
                }
                let reply = replies[index]
                guard !(300...399).contains(reply.code) else {
                    return LMTPReply(code: 451, .temporarySystemFailure, "<\(recipient)>: invalid delivery result, try again later")
                }
                return reply
            }
        }
    }
}

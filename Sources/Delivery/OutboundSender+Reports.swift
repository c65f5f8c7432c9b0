import AutoReply
import Foundation
import MailCore
import Sieve
import Submission

extension OutboundSender {
    /// Composes and submits each feedback report (vnd.dovecot.report) about the message as
    /// it arrived; returns one status line per report, in order (`<a@b> sent 'abuse'
    /// report`, `<a@b> failed: ...`). A report that cannot be sent never changes the
    /// recipient's outcome: it is logged.
    ///
    /// - SeeAlso: RFC 5965
    func sendReports(_ reports: [ReportAction], user: DeliveryUser, transaction: DeliveryTransaction,
                     wholeMessage: @escaping @Sendable () async -> Result<Message, DeliveryAgent.MessageUnreadable>)
        async -> [String]
    {
        let original: Message
        switch await wholeMessage() {
        case .success(let message): original = message
        case .failure(let error): return reports.map { "<\($0.address)> failed: \(error.message)" }
        }
        var results: [String] = []
        for action in reports {
            let report = FeedbackReport(action: action, original: original, envelopeSender: transaction.sender,
                                        recipient: user.recipient, userEmail: user.address, sourceIP: transaction.clientAddress,
                                        arrival: Date(timeIntervalSince1970: TimeInterval(transaction.receivedAt)))
            let outbound: OutboundMessage
            do {
                outbound = try reportComposer.compose(report, now: Date())
            } catch {
                results.append("<\(action.address)> failed: \(error.message)")
                continue
            }
            do throws(SubmissionError) {
                _ = try await services.submitter.submit(envelopeFrom: outbound.envelopeSender, recipients: outbound.recipients,
                                                        message: outbound.bytes)
                results.append("<\(action.address)> sent '\(action.feedbackType)' report")
            } catch {
                results.append("<\(action.address)> failed: \(error)")
            }
        }
        return results
    }
}

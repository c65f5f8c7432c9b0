import AutoReply
import Foundation
import MailCore
import Sieve
import Submission

extension OutboundSender {
    /// Stores a copy of a message that went out in the `:fcc` folder (RFC 8580); returns
    /// the line for the log (`copy stored in "Sent"`, `copy for :fcc "Sent" failed: ...`).
    typealias CopyStorer = @Sendable (_ sent: [UInt8], _ fcc: FccTarget) async -> String

    /// Sends each notification (RFC 5435 `notify`, `mailto` method) the policy allows,
    /// then stores its `:fcc` copy; returns one status line per notification, in order.
    /// Never fails the delivery: a notification that cannot go out is only logged, and is
    /// not retried (RFC 5436 §2.7: a notification is submitted at most once).
    ///
    /// - SeeAlso: RFC 5436 §2.7, RFC 8580 §3
    func sendNotifications(_ notifications: [NotifyAction], user: DeliveryUser, sender: String, message: Message,
                           storeCopy: CopyStorer?) async -> [String] {
        let policy = NotificationPolicy(systemSenderPatterns: responder.policy.configuration.systemSenderPatterns)
        let composer = NotificationComposer(hostname: responder.composer.hostname, envelopeSender: notifyEnvelopeSender)
        var results: [String] = []
        for action in notifications {
            let target = action.method.sanitizedMethod
            let request = NotificationRequest(action: action, message: message, recipient: user.address, envelopeSender: sender)
            if case .suppress(let reason) = policy.check(request) {
                results.append("\(target) not sent: \(reason)")
                continue
            }
            let notification: OutboundMessage
            do throws(AutoReplyError) {
                notification = try composer.compose(request, now: Date())
            } catch {
                results.append("\(target) failed: \(error)")
                continue
            }
            do throws(SubmissionError) {
                _ = try await services.submitter.submit(envelopeFrom: notification.envelopeSender,
                                                        recipients: notification.recipients, message: notification.bytes)
            } catch {
                results.append("\(target) failed: \(error)")
                continue
            }
            var line = "\(target) sent to <\(notification.recipients.joined(separator: ">, <"))>"
            if let fcc = action.fcc, let storeCopy { line += "; " + (await storeCopy(notification.bytes, fcc)) }
            results.append(line)
        }
        return results
    }
}

extension DeliveryEnvironment {
    /// RFC 8580 `:fcc`: stores `sent` (a vacation reply or notification that went out)
    /// in the user's folder, with the `:flags` and creating it with `:create` (or when the
    /// site creates missing folders). A failure is a line for the log, never a failed
    /// delivery: the message itself was delivered and the reply sent.
    func storeSentCopy(_ sent: [UInt8], in fcc: FccTarget, user: DeliveryUser) -> String {
        let request = CopyRequest(user: user, mailbox: fcc.mailbox, flags: fcc.flags,
                                  create: fcc.create || configuration.storage.createMissingFolders,
                                  traceFields: [], message: .bytes(sent))
        do throws(StoreFailure) {
            let stored = try store.store(request)
            return "copy stored in \"\(stored.mailbox)\""
        } catch {
            return "copy for :fcc \"\(fcc.mailbox)\" failed: \(error.message)"
        }
    }
}

extension String {
    /// A notification method URI cut for the log (printable, at most 100 characters).
    fileprivate var sanitizedMethod: String {
        let printable = String(String.UnicodeScalarView(unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        return printable.count > 100 ? String(printable.prefix(100)) + "…" : printable
    }
}

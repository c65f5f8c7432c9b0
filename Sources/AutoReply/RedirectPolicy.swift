import Foundation
import MailCore
import Tracking

/// One redirect to decide: the script's target and the delivery it came from.
public struct RedirectRequest: Sendable {
    /// The redirect address as the script gave it (`a@b`, `<a@b>` or `Name <a@b>`).
    public var target: String
    /// The message to resend.
    public var message: Message
    /// The original envelope sender (reverse-path, with or without angle brackets);
    /// "" or `<>` for the null sender.
    public var envelopeSender: String
    /// This delivery's envelope recipient: the user whose script redirects.
    public var userAddress: String
    /// The user's identity in the tracking store; the normalised user address when nil.
    public var user: String?

    /// Makes a request.
    public init(target: String, message: Message, envelopeSender: String, userAddress: String, user: String? = nil) {
        self.target = target
        self.message = message
        self.envelopeSender = envelopeSender
        self.userAddress = userAddress
        self.user = user
    }
}

/// What to do with a redirect.
public enum RedirectDecision: Sendable, Hashable, CustomStringConvertible {
    /// Submit this message.
    case send(OutboundMessage)
    /// Do not send: the same message went to the same target recently. Not an error:
    /// the earlier redirect delivered it.
    case suppressed(RedirectReason)
    /// Do not send: the redirect is not allowed (a loop, an invalid address). The
    /// caller treats it as a failed redirect (the implicit keep applies).
    case refused(RedirectReason)

    public var description: String {
        switch self {
        case .send(let message): return "send to \(message.recipients.joined(separator: ", "))"
        case .suppressed(let reason): return "suppressed: \(reason)"
        case .refused(let reason): return "refused: \(reason)"
        }
    }
}

/// Why a redirect is not sent. `description` is a sentence for operators.
public enum RedirectReason: Error, Sendable, Hashable, CustomStringConvertible {
    /// The target is not a valid RFC 5321 mailbox.
    case invalidTarget(String)
    /// The user's own address is not a mailbox, so no loop header can be written.
    case invalidUserAddress(String)
    /// The message already passed this user's redirect (its loop header names them).
    case loop(userAddress: String)
    /// The same message went to the same target within the period.
    case duplicate(target: String, messageKey: String, seconds: Int)

    public var description: String {
        switch self {
        case .invalidTarget(let text):
            return "redirect address \"\(text)\" is not a valid mailbox (expected local@domain)"
        case .invalidUserAddress(let text):
            return "the recipient address \"\(text)\" is not a valid mailbox, so the redirect cannot be traced"
        case .loop(let address):
            return "mail loop: the message already carries \(RedirectPolicy.loopHeaderName): \(address)"
        case .duplicate(let target, let key, let seconds):
            return "message \(key) was already redirected to \(target) within the last \(seconds) seconds"
        }
    }
}

/// Decides whether a redirect is sent, and composes it.
///
/// In order: the target must be a valid mailbox (a display name is stripped);
/// a message whose `X-Sieve-Redirected-From` field already names this user is refused
/// as a loop; the same message (by Message-ID, else a digest of its header fields)
/// redirected to the same target within `duplicatePeriod` (12 hours by default) is
/// suppressed through the tracking store. The message is then resent unchanged apart
/// from a new `X-Sieve-Redirected-From: <user>` field at the top, with the original
/// envelope sender (a null sender stays null).
///
/// - SeeAlso: RFC 5228 §4.2 (redirect, loop control), RFC 3894 (`:copy`),
///   RFC 5321 §4.1.2 (mailbox syntax)
public struct RedirectPolicy: Sendable {
    /// The trace field that marks a message as redirected by a user.
    public static let loopHeaderName = "X-Sieve-Redirected-From"

    /// How long a redirect of one message to one target suppresses another. Default
    /// 12 hours.
    public var duplicatePeriod: Duration

    /// Makes a policy.
    public init(duplicatePeriod: Duration = .seconds(12 * 3600)) {
        self.duplicatePeriod = duplicatePeriod
    }

    /// The pure checks (target, user address, loop). Returns the outbound message, or
    /// the reason for refusing.
    public func check(_ request: RedirectRequest) -> Result<OutboundMessage, RedirectReason> {
        guard let target = AddressMatching.smtpMailbox(in: request.target) else {
            return .failure(.invalidTarget(request.target.sanitizedForLog))
        }
        guard let user = AddressMatching.smtpMailbox(in: request.userAddress) else {
            return .failure(.invalidUserAddress(request.userAddress.sanitizedForLog))
        }
        let userKey = user.addrSpec.lowercased()
        for field in request.message.fields(named: Self.loopHeaderName) {
            let named = field.addresses.mailboxes.map { $0.addrSpec.lowercased() }
            if named.contains(userKey) { return .failure(.loop(userAddress: userKey.sanitizedForLog)) }
        }
        return .success(RedirectComposer.compose(
            message: request.message, envelopeSender: request.envelopeSender, userAddress: user, target: target))
    }

    /// Every check, the duplicate check last. When it decides `.send`, the redirect is
    /// already recorded in `store` (atomically, so concurrent deliveries of one message
    /// cannot both send); call `forget(_:store:)` if the submission then fails.
    ///
    /// - Throws: the store's error; the caller treats the redirect as failed.
    public func decide(_ request: RedirectRequest, store: any TrackingStore, now: Date) async throws -> RedirectDecision {
        let outbound: OutboundMessage
        switch check(request) {
        case .failure(let reason): return .refused(reason)
        case .success(let message): outbound = message
        }
        let record = trackingRecord(request)
        let send = try await store.shouldSend(
            kind: .redirect, user: record.user, peer: record.peer, key: record.key, period: duplicatePeriod, now: now)
        guard send else {
            return .suppressed(.duplicate(target: record.peer.sanitizedForLog, messageKey: record.key.sanitizedForLog,
                                          seconds: Int(duplicatePeriod.components.seconds)))
        }
        return .send(outbound)
    }

    /// Removes the tracking record `decide` made for this request (after a failed send).
    public func forget(_ request: RedirectRequest, store: any TrackingStore) async throws {
        let record = trackingRecord(request)
        try await store.forget(kind: .redirect, user: record.user, peer: record.peer, key: record.key)
    }

    /// The tracking identity of a request: (user, target, message key).
    func trackingRecord(_ request: RedirectRequest) -> (user: String, peer: String, key: String) {
        let user = request.user ?? AddressMatching.normalized(request.userAddress) ?? request.userAddress
        let peer = AddressMatching.normalized(request.target) ?? request.target
        return (user, peer, RedirectComposer.messageKey(request.message))
    }
}

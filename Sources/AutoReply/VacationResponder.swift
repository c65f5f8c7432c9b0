import Foundation
import Tracking

/// What to do about one vacation action.
public enum VacationOutcome: Sendable, Hashable, CustomStringConvertible {
    /// Submit this reply (envelope sender `<>`).
    case send(OutboundMessage)
    /// Send nothing; the reason is for the delivery log.
    case suppressed(VacationSuppression)

    public var description: String {
        switch self {
        case .send(let message): return "send vacation reply to \(message.recipients.joined(separator: ", "))"
        case .suppressed(let reason): return "no vacation reply: \(reason)"
        }
    }
}

/// Policy and composer together, in the safe order: the pure checks, then composing
/// (which may fail on a bad `:from` or `:mime` reason), and only then the tracking
/// record, so a reply that could not even be built never blocks a later one.
///
/// If submitting the returned reply fails, call `policy.forget(_:store:)`.
///
/// - SeeAlso: RFC 5230 §4, §5
public struct VacationResponder: Sendable {
    /// The checks.
    public var policy: VacationPolicy
    /// The message builder.
    public var composer: VacationReplyComposer

    /// Makes a responder.
    public init(policy: VacationPolicy = VacationPolicy(), composer: VacationReplyComposer) {
        self.policy = policy
        self.composer = composer
    }

    /// Decides and, when a reply is due, composes it and records it in `store`.
    ///
    /// - Throws: `AutoReplyError` when the reply cannot be composed; the store's error
    ///   when tracking fails. Either way nothing is recorded by this call's compose
    ///   step and the delivery itself must go on (a failed reply never fails it).
    public func respond(to request: VacationRequest, store: any TrackingStore, now: Date) async throws -> VacationOutcome {
        var generator = SystemRandomNumberGenerator()
        return try await respond(to: request, store: store, now: now, using: &generator)
    }

    /// As `respond(to:store:now:)`, with the randomness for Message-ID and boundary
    /// taken from `generator`.
    public func respond(
        to request: VacationRequest, store: any TrackingStore, now: Date, using generator: inout some RandomNumberGenerator
    ) async throws -> VacationOutcome {
        if case .suppress(let reason) = policy.check(request) { return .suppressed(reason) }
        let reply = try composer.compose(request, now: now, using: &generator)
        switch try await policy.decide(request, store: store, now: now) {
        case .respond: return .send(reply)
        case .suppress(let reason): return .suppressed(reason)
        }
    }
}

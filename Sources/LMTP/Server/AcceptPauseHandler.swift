#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Keeps a listener from spinning when `accept` fails for lack of resources (no file
/// descriptors left, no buffer memory).
///
/// After a failed accept, NIO leaves the listening socket registered for reading; the
/// connection still waiting in the backlog makes the (level-triggered) poll report it at
/// once, and every loop iteration fails the same accept: one core at 100% and nothing
/// served. This handler, first in the listener's pipeline, takes the listener out of the
/// poll on such an error, reports it once per episode, and tries again after `retryAfter`,
/// so the server serves as soon as descriptors are free. Other errors pass on.
final class AcceptPauseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel
    typealias OutboundIn = any Channel

    /// The accept errors that resources freed later can cure.
    static let transientErrors: Set<CInt> = [EMFILE, ENFILE, ENOBUFS, ENOMEM]

    private let retryAfter: TimeAmount
    private let report: @Sendable (ListenerEvent) -> Void
    /// Whether this episode was reported (reset by the next accepted connection).
    private var reported = false
    private var retry: Scheduled<Void>?

    /// - Parameters:
    ///   - retryAfter: how long accepting stays paused after a failure.
    ///   - report: receives the start and the end of each episode, for the operator's log.
    init(retryAfter: TimeAmount = .milliseconds(250), report: @escaping @Sendable (ListenerEvent) -> Void) {
        self.retryAfter = retryAfter
        self.report = report
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if reported {
            reported = false
            report(.acceptResumed)
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let ioError = error as? IOError, Self.transientErrors.contains(ioError.errnoCode) else {
            context.fireErrorCaught(error)
            return
        }
        if !reported {
            reported = true
            report(.acceptPaused(reason: String(cString: strerror(ioError.errnoCode)), retryMilliseconds: Int(retryAfter.nanoseconds / 1_000_000)))
        }
        guard retry == nil, let options = context.channel.syncOptions else { return }
        // Setting autoRead to false takes the listener out of the poll. When it is already
        // false, setting it true first makes the change take effect (NIO acts on changes).
        let autoRead = (try? options.getOption(.autoRead)) ?? false
        if !autoRead { try? options.setOption(.autoRead, value: true) }
        try? options.setOption(.autoRead, value: false)
        retry = context.eventLoop.assumeIsolated().scheduleTask(in: retryAfter) {
            self.retry = nil
            if autoRead {
                try? options.setOption(.autoRead, value: true)
            } else {
                context.read()
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        retry?.cancel()
        retry = nil
    }
}

/// What happened to a listener, for the operator's log.
public enum ListenerEvent: Sendable, Hashable, CustomStringConvertible {
    /// Accepting failed for lack of resources (`reason`: the system's words); it is retried
    /// every `retryMilliseconds` and reported once until a connection is accepted again.
    case acceptPaused(reason: String, retryMilliseconds: Int)
    /// A connection was accepted again after a pause.
    case acceptResumed

    public var description: String {
        switch self {
        case .acceptPaused(let reason, let retry):
            return "cannot accept LMTP connections: \(reason); retrying every \(retry) ms until descriptors are free"
        case .acceptResumed:
            return "accepting LMTP connections again"
        }
    }
}

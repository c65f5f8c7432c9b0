import NIOCore
import Synchronization

/// The state a connection shares between its session task, its watchdog and the server's
/// shutdown: the timeout machine, whether shutdown was asked, whether the session is
/// between transactions. All access goes through one `Mutex`.
final class ConnectionControl<C: Clock>: Sendable where C.Duration == Duration {
    private struct State {
        var timeouts: TimeoutStateMachine<C>
        var betweenTransactions = true
        var shutdownRequested = false
        var outbound: NIOAsyncChannelOutboundWriter<LMTPOutbound>?
    }

    /// What the closer of an idle connection must do.
    enum CloseAction: Sendable {
        case none
        case close(LMTPReply, NIOAsyncChannelOutboundWriter<LMTPOutbound>?)
    }

    private let state: Mutex<State>
    let clock: C
    let channel: any Channel
    let serverName: String

    init(clock: C, timeouts: ConnectionTimeouts, channel: any Channel, serverName: String) {
        self.clock = clock
        self.channel = channel
        self.serverName = serverName
        self.state = Mutex(State(timeouts: TimeoutStateMachine(timeouts: timeouts, now: clock.now)))
    }

    func attach(_ outbound: NIOAsyncChannelOutboundWriter<LMTPOutbound>) {
        state.withLock { $0.outbound = outbound }
    }

    /// A frame arrived; false if the connection was already closed by a timeout or shutdown.
    func progress() -> Bool {
        let now = clock.now
        return state.withLock { $0.timeouts.progress(now: now) }
    }

    func serverBusy() { state.withLock { $0.timeouts.serverBusy() } }

    /// The session waits for its client again; returns true when a shutdown was asked and
    /// the session is between transactions, so it should say goodbye now. `clientIdle`:
    /// the last command only kept the connection open (its idle clock keeps running).
    func waitForClient(betweenTransactions: Bool, clientIdle: Bool = false) -> Bool {
        let now = clock.now
        return state.withLock { state in
            state.betweenTransactions = betweenTransactions
            state.timeouts.startPhase(now: now, useful: !clientIdle)
            if state.shutdownRequested && betweenTransactions {
                state.timeouts.close()
                return true
            }
            return false
        }
    }

    func markClosed() { state.withLock { $0.timeouts.close() } }

    /// Asks the connection to end at its next quiet moment; closes it now if it is
    /// waiting for its client between transactions.
    func requestShutdown() -> CloseAction {
        state.withLock { state in
            state.shutdownRequested = true
            guard state.betweenTransactions, state.timeouts.deadline != nil else { return .none }
            state.timeouts.close()
            return .close(LMTPSession.shutdownReply(serverName: serverName), state.outbound)
        }
    }

    /// The watchdog's next step: when to look again, or close now.
    enum WatchdogStep: Sendable {
        case sleep(until: C.Instant)
        case sleepAWhile
        case expired(NIOAsyncChannelOutboundWriter<LMTPOutbound>?)
        case stop
    }

    func watchdogStep() -> WatchdogStep {
        let now = clock.now
        return state.withLock { state in
            if state.timeouts.isClosed { return .stop }
            if state.timeouts.expire(now: now) { return .expired(state.outbound) }
            guard let deadline = state.timeouts.deadline else { return .sleepAWhile }
            return .sleep(until: deadline)
        }
    }

    /// Runs until the connection closes: writes `421 4.4.2` and closes it when a
    /// timeout passes.
    func runWatchdog() async {
        while !Task.isCancelled {
            switch watchdogStep() {
            case .stop: return
            case .sleep(let deadline):
                do { try await clock.sleep(until: deadline, tolerance: nil) } catch { return }
            case .sleepAWhile:
                let pause = state.withLock { $0.timeouts.timeouts.idle }
                do { try await clock.sleep(until: clock.now.advanced(by: pause), tolerance: nil) } catch { return }
            case .expired(let outbound):
                await Self.closeConnection(channel, outbound, with: LMTPSession.timeoutReply(serverName: serverName))
                return
            }
        }
    }

    /// Sends a last reply and closes; errors mean the peer is already gone.
    static func closeConnection(
        _ channel: any Channel, _ outbound: NIOAsyncChannelOutboundWriter<LMTPOutbound>?, with reply: LMTPReply
    ) async {
        if let outbound { try? await outbound.write(.replies([reply])) }
        try? await channel.close()
    }
}

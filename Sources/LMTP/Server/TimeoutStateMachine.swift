/// The two client timeouts of a connection. Every limit has a documented default.
///
/// - SeeAlso: RFC 5321 §4.5.3.2 (server timeouts: at least 5 minutes per command,
///   10 minutes for the data termination).
public struct ConnectionTimeouts: Sendable, Hashable {
    /// The longest the client may stay silent while the server waits for it (no complete
    /// command line, no message bytes). Default 5 minutes.
    public var idle: Duration
    /// The longest one client phase may take even if bytes keep trickling in: sending one
    /// command line, or one whole DATA message or BDAT chunk. Default 10 minutes.
    public var command: Duration

    /// Creates timeouts.
    public init(idle: Duration = .seconds(300), command: Duration = .seconds(600)) {
        self.idle = idle
        self.command = command
    }
}

/// Decides when a connection has waited too long for its client, for any `Clock`.
///
/// Pure: it is told the time, it never reads a clock, so tests run without sleeping.
/// Time spent waiting for the delivery handler never counts against the client.
struct TimeoutStateMachine<C: Clock>: Sendable where C.Duration == Duration {
    enum State: Sendable {
        /// Waiting for the client since `phaseStart`; the last frame came at `lastProgress`.
        case waiting(lastProgress: C.Instant, phaseStart: C.Instant)
        /// The server is working (recipient check, delivery): no client deadline.
        case busy
        /// Timed out or closed: no more deadlines.
        case closed
    }

    let timeouts: ConnectionTimeouts
    private(set) var state: State
    /// When the client last did more than keep the connection open (the greeting, or the
    /// end of a command other than NOOP, RSET, VRFY, HELP or a refused one).
    private(set) var lastUseful: C.Instant

    /// Starts waiting for the client at `now` (the greeting was just sent).
    init(timeouts: ConnectionTimeouts, now: C.Instant) {
        self.timeouts = timeouts
        self.state = .waiting(lastProgress: now, phaseStart: now)
        self.lastUseful = now
    }

    /// The server starts working; the client's clocks stop.
    mutating func serverBusy() {
        if case .closed = state { return }
        state = .busy
    }

    /// A new client phase begins at `now` (after replies were sent, or DATA was accepted).
    /// After a command that only kept the connection open (`useful` false) the idle
    /// clock keeps running from the last useful command, so NOOPs do not keep an
    /// otherwise idle client connected.
    mutating func startPhase(now: C.Instant, useful: Bool = true) {
        if case .closed = state { return }
        if useful { lastUseful = now }
        state = .waiting(lastProgress: lastUseful, phaseStart: now)
    }

    /// A frame arrived at `now`; returns false when the connection already timed out.
    mutating func progress(now: C.Instant) -> Bool {
        switch state {
        case .closed: return false
        case .busy: return true
        case .waiting(_, let phaseStart):
            state = .waiting(lastProgress: now, phaseStart: phaseStart)
            return true
        }
    }

    /// When the connection times out if nothing happens; nil while the server is busy or closed.
    var deadline: C.Instant? {
        guard case .waiting(let lastProgress, let phaseStart) = state else { return nil }
        let idleEnd = lastProgress.advanced(by: timeouts.idle)
        let phaseEnd = phaseStart.advanced(by: timeouts.command)
        return idleEnd < phaseEnd ? idleEnd : phaseEnd
    }

    /// True (and closed from now on) when the deadline has passed at `now`.
    mutating func expire(now: C.Instant) -> Bool {
        guard let deadline, now >= deadline else { return false }
        state = .closed
        return true
    }

    /// Marks the connection closed for another reason.
    mutating func close() { state = .closed }

    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }
}

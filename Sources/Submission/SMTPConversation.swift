import NIOCore
import Synchronization

/// Records that a deadline closed the channel, so a read that ends can be told apart from the
/// server hanging up.
final class DeadlineFlag: Sendable {
    private let fired = Atomic<Bool>(false)

    func fire() { fired.store(true, ordering: .sequentiallyConsistent) }
    var hasFired: Bool { fired.load(ordering: .sequentiallyConsistent) }
}

/// One open SMTP connection as the client sees it: send command bytes, read whole replies, each
/// step bounded by a deadline that closes the channel when it passes.
///
/// Used by one task only, inside `NIOAsyncChannel.executeThenClose`; it is not shared.
final class SMTPConversation {
    private var lines: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel
    private let deadlineFired = DeadlineFlag()
    private var assembler = SMTPReplyAssembler()
    /// No step runs past this point in time, whatever its own timeout.
    let totalDeadline: NIODeadline
    /// Where we are connected, for error messages.
    let peer: String

    init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: any Channel, totalDeadline: NIODeadline, peer: String
    ) {
        self.lines = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.channel = channel
        self.totalDeadline = totalDeadline
        self.peer = peer
    }

    /// Runs `body` with a deadline of `timeout` from now (or the total deadline, if sooner).
    private func withDeadline<T>(
        _ timeout: TimeAmount, stage: SubmissionError.Stage, waitingFor what: String,
        _ body: () async throws -> T
    ) async throws(SubmissionError) -> T {
        let deadline = min(NIODeadline.now() + timeout, totalDeadline)
        let flag = deadlineFired
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            flag.fire()
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await body()
        } catch let error as SubmissionError {
            throw error
        } catch {
            throw failure(stage: stage, waitingFor: what, underlying: error)
        }
    }

    /// Maps a failed read or write to the error an operator should see.
    private func failure(stage: SubmissionError.Stage, waitingFor what: String, underlying: (any Error)?)
        -> SubmissionError
    {
        if deadlineFired.hasFired {
            return SubmissionError(
                stage: stage, code: .timeout, isTransient: true,
                detail: "no \(what) from \(peer) in time; the connection was closed")
        }
        if Task.isCancelled {
            return SubmissionError(
                stage: stage, code: .cancelled, isTransient: true,
                detail: "the submission to \(peer) was cancelled while waiting for \(what)")
        }
        if let violation = underlying as? SMTPReplyAssembler.Violation {
            return SubmissionError(
                stage: stage, code: .protocolViolation, isTransient: true,
                detail: "\(peer) sent an invalid reply while we waited for \(what): \(violation.message)")
        }
        if let tooLong = underlying as? ReplyLineDecoder.LineTooLong {
            return SubmissionError(
                stage: stage, code: .protocolViolation, isTransient: true,
                detail: "\(peer) broke the protocol while we waited for \(what): \(tooLong)")
        }
        let cause = underlying.map { " (\($0))" } ?? ""
        return SubmissionError(
            stage: stage, code: .connectionClosed, isTransient: true,
            detail: "\(peer) closed the connection while we waited for \(what)\(cause)")
    }

    /// Reads one complete (possibly multi-line) reply.
    func readReply(stage: SubmissionError.Stage, timeout: TimeAmount, waitingFor what: String)
        async throws(SubmissionError) -> SMTPReply
    {
        try await withDeadline(timeout, stage: stage, waitingFor: what) {
            while true {
                guard let line = try await self.lines.next() else {
                    throw self.failure(stage: stage, waitingFor: what, underlying: nil)
                }
                if let reply = try self.assembler.consume(line: line.readableBytesView) {
                    return reply
                }
            }
        }
    }

    /// Writes bytes (one command, a pipelined group, or the message) to the server.
    func send(_ bytes: some Collection<UInt8>, stage: SubmissionError.Stage, timeout: TimeAmount, what: String)
        async throws(SubmissionError)
    {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try await withDeadline(timeout, stage: stage, waitingFor: "\(what) to be sent") {
            try await self.outbound.write(buffer)
        }
    }

    /// Sends `QUIT` and waits briefly for its reply; failures here change nothing and are ignored.
    func quitQuietly(timeout: TimeAmount) async {
        do {
            try await send(Array("QUIT\r\n".utf8), stage: .message, timeout: timeout, what: "QUIT")
            _ = try await readReply(stage: .message, timeout: timeout, waitingFor: "the reply to QUIT")
        } catch {
            // The message's fate was decided before QUIT; a server that hangs up early is fine.
        }
    }
}

import MailCore
import NIOCore

/// Drives one connection: frames in, session events, handler calls, replies out.
///
/// One task per connection runs ``run()``; a second, the watchdog, closes the connection
/// with `421 4.4.2` when the client is too slow. Every error stays inside: a broken
/// connection ends itself and nothing else.
struct LMTPConnection<Handler: DeliveryHandler, C: Clock>: Sendable where C.Duration == Duration {
    let channel: NIOAsyncChannel<LMTPFrame, LMTPOutbound>
    let handler: Handler
    let session: LMTPSession.Configuration
    let spool: MessageSpoolConfiguration
    let control: ConnectionControl<C>
    let connectionID: String

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await control.runWatchdog() }
            do {
                try await channel.executeThenClose { inbound, outbound in
                    control.attach(outbound)
                    try await serve(inbound, outbound)
                }
            } catch {
                // The peer went away or the channel failed: this connection is over.
            }
            control.markClosed()
            group.cancelAll()
        }
    }

    private func serve(
        _ inbound: NIOAsyncChannelInboundStream<LMTPFrame>, _ outbound: NIOAsyncChannelOutboundWriter<LMTPOutbound>
    ) async throws {
        var session = LMTPSession(configuration: session, connectionID: connectionID,
                                  clientAddress: channel.channel.remoteAddress?.ipAddress)
        var receiver = MessageReceiver(spool: spool)
        var replies: [LMTPReply] = []

        func flush() async throws {
            guard !replies.isEmpty else { return }
            let batch = replies
            replies = []
            try await outbound.write(.replies(batch))
        }

        /// Runs the session on `event` and on every event its outputs lead to; returns
        /// false when the connection must close.
        func process(_ first: LMTPSession.Event, pausedLine: Bool) async throws -> Bool {
            var pending = [first]
            var resumed = false
            while !pending.isEmpty {
                let event = pending.removeFirst()
                for output in session.receive(event) {
                    switch output {
                    case .reply(let reply):
                        replies.append(reply)
                    case .receiveData(let reception):
                        let preamble = reception.isBinary ? nil : reception.transaction.flatMap {
                            handler.spoolPreamble(transactionID: $0.id, envelope: $0.envelope)
                        }
                        receiver.begin(reception, preamble: preamble)
                        switch reception.framing {
                        case .dotTerminated: try await outbound.write(.resume(.dotTerminated))
                        case .chunk(let size, _): try await outbound.write(.resume(.chunk(size: size)))
                        }
                        resumed = true
                    case .checkRecipient(let path):
                        try await flush()
                        control.serverBusy()
                        pending.append(.recipientChecked(await handler.checkRecipient(path)))
                    case .deliver(let transaction):
                        try await flush()
                        control.serverBusy()
                        pending.append(.delivered(await handler.deliver(transaction)))
                    case .close:
                        try await flush()
                        return false
                    }
                }
            }
            if pausedLine && !resumed { try await outbound.write(.resume(.commands)) }
            try await flush()
            return true
        }

        for output in session.start() {
            if case .reply(let reply) = output { replies.append(reply) }
        }
        try await flush()
        if control.waitForClient(betweenTransactions: true) {
            _ = try await process(.shutdown, pausedLine: false)
            return
        }

        for try await frame in inbound {
            guard control.progress() else { return }
            let event: LMTPSession.Event?
            var pausedLine = false
            switch frame {
            case .command(let line):
                pausedLine = LMTPFrameDecoder.startsDataTransfer(line)
                do {
                    event = .command(try LMTPCommandParser.parse(line))
                } catch {
                    event = .commandError(error)
                }
            case .commandTooLong(let maximum):
                event = .commandError(
                    LMTPCommandError(.lineTooLong, verb: nil, "command line too long: at most \(maximum) octets"))
            case .message(let bytes):
                await receiver.receive(bytes)
                continue
            case .messageEnd:
                // nil for a discarded chunk: the session replied when it refused the BDAT.
                event = await receiver.finish()
            }
            if let event {
                guard try await process(event, pausedLine: pausedLine) else { return }
            }
            let between: Bool
            switch session.phase {
            case .awaitingLHLO, .ready(inTransaction: false): between = true
            default: between = false
            }
            if control.waitForClient(betweenTransactions: between, clientIdle: session.lastEventKeptIdle) {
                _ = try await process(.shutdown, pausedLine: false)
                return
            }
        }
    }
}

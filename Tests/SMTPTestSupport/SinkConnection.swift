import NIOCore

/// One connection to the sink: its own minimal SMTP server state machine.
struct SinkConnection {
    let behaviour: SMTPSink.Behaviour
    let recorder: Recorder
    let session: Int

    /// What to do after handling some input.
    private enum Next {
        case goOn
        case stall
        case close
    }

    private struct State {
        var buffer: [UInt8] = []
        var inData = false
        var mailFrom: String?
        var mailParameters: [String] = []
        var recipients: [String] = []
        var message: [UInt8] = []
        var wireData: [UInt8] = []
        var pendingLine: [UInt8] = []
    }

    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var state = State()
            var out: [UInt8] = []
            switch action(.greeting, default: .init(220, "sink.test ESMTP test sink ready"), out: &out) {
            case .goOn: break
            case .close: return
            case .stall:
                for try await _ in inbound {}
                return
            }
            try await flush(&out, outbound)
            var stalled = false
            for try await chunk in inbound {
                if stalled { continue }
                state.buffer.append(contentsOf: chunk.readableBytesView)
                let next = handleInput(&state, out: &out)
                try await flush(&out, outbound)
                switch next {
                case .goOn: continue
                case .stall: stalled = true
                case .close: return
                }
            }
        }
    }

    private func flush(_ out: inout [UInt8], _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        guard !out.isEmpty else { return }
        if behaviour.trickleReplies {
            for byte in out { try await outbound.write(ByteBuffer(bytes: [byte])) }
        } else {
            try await outbound.write(ByteBuffer(bytes: out))
        }
        out.removeAll()
    }

    /// Applies the override for a stage, or the default reply.
    private func action(_ stage: SMTPSink.Stage, default reply: SMTPSink.Reply, out: inout [UInt8]) -> Next {
        perform(behaviour.overrides[stage] ?? .reply(reply), out: &out)
    }

    private func perform(_ action: SMTPSink.Action, out: inout [UInt8]) -> Next {
        switch action {
        case .reply(let reply):
            out.append(contentsOf: reply.wire)
            return .goOn
        case .stall: return .stall
        case .close: return .close
        }
    }

    /// Consumes every complete line in the buffer (commands, or message data after 354).
    private func handleInput(_ state: inout State, out: inout [UInt8]) -> Next {
        var batch: [String] = []
        defer {
            if !batch.isEmpty { recorder.update(session) { $0.batches.append(batch) } }
        }
        while true {
            if state.inData {
                let next = handleData(&state, out: &out)
                if case .goOn = next, state.inData { return .goOn }  // need more bytes
                if case .goOn = next { continue }
                return next
            }
            guard let line = Self.takeLine(&state.buffer) else { return .goOn }
            let text = String(decoding: line, as: UTF8.self)
            batch.append(text)
            recorder.update(session) { $0.commands.append(text) }
            let next = handleCommand(text, &state, out: &out)
            if case .goOn = next { continue }
            return next
        }
    }

    /// Removes and returns one CRLF-terminated line (without CRLF), if the buffer holds one.
    private static func takeLine(_ buffer: inout [UInt8]) -> [UInt8]? {
        var index = 0
        while index + 1 < buffer.count {
            if buffer[index] == 13 && buffer[index + 1] == 10 {
                let line = Array(buffer[..<index])
                buffer.removeFirst(index + 2)
                return line
            }
            index += 1
        }
        return nil
    }

    private func handleCommand(_ line: String, _ state: inout State, out: inout [UInt8]) -> Next {
        let verb = line.prefix { $0 != " " && $0 != ":" }.uppercased()
        switch verb {
        case "EHLO":
            var lines = ["sink.test greets you"]
            if behaviour.pipelining { lines.append("PIPELINING") }
            if let size = behaviour.size { lines.append("SIZE \(size)") }
            if behaviour.smtpUTF8 { lines.append("SMTPUTF8") }
            if behaviour.eightBitMIME { lines.append("8BITMIME") }
            lines.append("ENHANCEDSTATUSCODES")
            var reply = SMTPSink.Reply(250)
            reply.lines = lines
            return action(.ehlo, default: reply, out: &out)
        case "HELO":
            return action(.helo, default: .init(250, "sink.test"), out: &out)
        case "MAIL":
            guard line.uppercased().hasPrefix("MAIL FROM:<"), let close = line.firstIndex(of: ">") else {
                out.append(contentsOf: SMTPSink.Reply(501, "5.5.4 Syntax: MAIL FROM:<address>").wire)
                return .goOn
            }
            let open = line.index(line.startIndex, offsetBy: 11)
            let next = action(.mail, default: .init(250, "2.1.0 Ok"), out: &out)
            if case .reply(let reply) = behaviour.overrides[.mail] ?? .reply(.init(250)), reply.code / 100 == 2 {
                state.mailFrom = String(line[open..<close])
                state.mailParameters = line[line.index(after: close)...].split(separator: " ").map(String.init)
                state.recipients = []
            }
            return next
        case "RCPT":
            guard line.uppercased().hasPrefix("RCPT TO:<"), let close = line.firstIndex(of: ">") else {
                out.append(contentsOf: SMTPSink.Reply(501, "5.5.4 Syntax: RCPT TO:<address>").wire)
                return .goOn
            }
            guard state.mailFrom != nil else {
                out.append(contentsOf: SMTPSink.Reply(503, "5.5.1 Error: need MAIL command").wire)
                return .goOn
            }
            let address = String(line[line.index(line.startIndex, offsetBy: 9)..<close])
            let chosen = behaviour.recipientOverrides[address] ?? behaviour.overrides[.rcpt] ?? .reply(.init(250, "2.1.5 Ok"))
            if case .reply(let reply) = chosen, reply.code / 100 == 2 { state.recipients.append(address) }
            return perform(chosen, out: &out)
        case "DATA":
            guard state.mailFrom != nil, !state.recipients.isEmpty else {
                out.append(contentsOf: SMTPSink.Reply(554, "5.5.1 Error: no valid recipients").wire)
                return .goOn
            }
            let next = action(.data, default: .init(354, "End data with <CR><LF>.<CR><LF>"), out: &out)
            if case .reply(let reply) = behaviour.overrides[.data] ?? .reply(.init(354)), reply.code == 354 {
                state.inData = true
                state.message = []
                state.wireData = []
            }
            return next
        case "RSET":
            state.mailFrom = nil
            state.recipients = []
            out.append(contentsOf: SMTPSink.Reply(250, "2.0.0 Ok").wire)
            return .goOn
        case "NOOP":
            out.append(contentsOf: SMTPSink.Reply(250, "2.0.0 Ok").wire)
            return .goOn
        case "QUIT":
            recorder.update(session) { $0.quitReceived = true }
            let next = action(.quit, default: .init(221, "2.0.0 Bye"), out: &out)
            if case .goOn = next { return .close }
            return next
        default:
            out.append(contentsOf: SMTPSink.Reply(500, "5.5.2 Error: command not recognized").wire)
            return .goOn
        }
    }

    /// Consumes message lines; at the lone dot, records the transaction and replies.
    private func handleData(_ state: inout State, out: inout [UInt8]) -> Next {
        while true {
            if let limit = behaviour.closeAfterDataOctets, state.wireData.count + state.buffer.count >= limit {
                return .close
            }
            guard let line = Self.takeLine(&state.buffer) else { return .goOn }
            state.wireData += line + [13, 10]
            if line == [46] {  // "."
                state.inData = false
                let transaction = SMTPSink.Transaction(
                    mailFrom: state.mailFrom ?? "", mailParameters: state.mailParameters,
                    recipients: state.recipients, message: state.message, wireData: state.wireData)
                state.mailFrom = nil
                state.recipients = []
                let next = action(.message, default: .init(250, "2.0.0 Ok: queued as SINK1"), out: &out)
                if case .reply(let reply) = behaviour.overrides[.message] ?? .reply(.init(250)), reply.code / 100 == 2 {
                    recorder.update(session) { $0.transactions.append(transaction) }
                }
                return next
            }
            state.message += line.first == 46 ? Array(line.dropFirst()) : line
            state.message += [13, 10]
        }
    }
}

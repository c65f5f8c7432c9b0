import Synchronization

/// What one connection thread measured.
struct WorkerResult: Sendable {
    var transactions = 0
    /// Recipients answered 250 after the data.
    var acceptedRecipients = 0
    /// Seconds from the end of the data to the last recipient's reply, per transaction.
    var latencies: [Double] = []
    /// Every unexpected reply or failure, as a sentence.
    var failures: [String] = []
    var connections = 0
}

/// State shared by the worker threads: the work counter and the results.
final class SharedState: Sendable {
    let started = Atomic<Int>(0)
    /// Transactions finished so far (for progress lines).
    let completed = Atomic<Int>(0)
    let results = Mutex<[WorkerResult]>([])
}

/// Drives one connection at a time, transaction after transaction, until the work is done.
struct Worker: Sendable {
    let index: Int
    let options: LoadOptions
    let factory: MessageFactory
    let shared: SharedState
    let deadline: Double

    func run() -> WorkerResult {
        var result = WorkerResult()
        var sequence = index
        outer: while true {
            let connection: LMTPConnection
            do throws(LoadError) {
                connection = try LMTPConnection(endpoint: options.endpoint, timeout: options.replyTimeout)
                result.connections += 1
                let greeting = try connection.readReply()
                guard greeting.code == 220 else {
                    result.failures.append("greeting: expected 220, found \(greeting)")
                    break outer
                }
                try connection.send("LHLO load.origin.example\r\n")
                let lhlo = try connection.readReply()
                guard lhlo.code == 250 else {
                    result.failures.append("LHLO: expected 250, found \(lhlo)")
                    break outer
                }
                let pipelining = lhlo.lines.contains { $0.uppercased().hasPrefix("PIPELINING") }
                // Like Postfix: SIZE= only when the server announces the extension.
                let announcesSize = lhlo.lines.contains { $0.uppercased().hasPrefix("SIZE") }
                var onThisConnection = 0
                while claimWork() {
                    try transaction(on: connection, sequence: sequence, pipelining: pipelining, announcesSize: announcesSize, result: &result)
                    sequence += options.concurrency
                    onThisConnection += 1
                    if options.transactionsPerConnection > 0 && onThisConnection >= options.transactionsPerConnection {
                        try quit(connection, result: &result)
                        continue outer
                    }
                }
                try quit(connection, result: &result)
                break outer
            } catch {
                result.failures.append("connection \(result.connections): \(error)")
                break outer
            }
        }
        return result
    }

    /// Whether another transaction should start (by message count or by time).
    private func claimWork() -> Bool {
        if let total = options.messages {
            return shared.started.add(1, ordering: .relaxed).newValue <= total
        }
        return Clock.now() < deadline
    }

    private func quit(_ connection: LMTPConnection, result: inout WorkerResult) throws(LoadError) {
        try connection.send("QUIT\r\n")
        let reply = try connection.readReply()
        if reply.code != 221 { result.failures.append("QUIT: expected 221, found \(reply) (an extra reply earlier?)") }
    }

    private func recipients(for sequence: Int) -> [String] {
        let base = (sequence &* 7) % options.users
        return (0..<options.recipients).map { offset in
            "\(options.userPrefix)\((base + offset) % options.users + 1)@\(options.domain)"
        }
    }

    private func transaction(on connection: LMTPConnection, sequence: Int, pipelining: Bool, announcesSize: Bool, result: inout WorkerResult) throws(LoadError) {
        let to = recipients(for: sequence)
        let header = factory.header(sequence: sequence, worker: index, recipients: to)
        let size = header.count + factory.wireBody.count
        var commands = ["MAIL FROM:<\(options.sender)>\(announcesSize ? " SIZE=\(size)" : "")\r\n"]
        commands += to.map { "RCPT TO:<\($0)>\r\n" }
        commands.append("DATA\r\n")
        if pipelining {
            try connection.send(commands.joined())
        }
        for (position, command) in commands.enumerated() {
            if !pipelining { try connection.send(command) }
            let reply = try connection.readReply()
            let expected = position == commands.count - 1 ? 354 : 250
            guard reply.code == expected else {
                throw .protocolViolation("\(command.dropLast()): expected \(expected), found \(reply)")
            }
        }
        try connection.send(header)
        try connection.send(factory.wireBody)
        let sent = Clock.now()
        for recipient in to {
            let reply = try connection.readReply()
            if reply.code == 250 {
                result.acceptedRecipients += 1
            } else {
                result.failures.append("after DATA for <\(recipient)>: expected 250, found \(reply)")
            }
        }
        result.latencies.append(Clock.now() - sent)
        result.transactions += 1
        shared.completed.add(1, ordering: .relaxed)
        if connection.hasUnsolicitedBytes() {
            throw .protocolViolation("more replies after DATA than the \(to.count) recipient(s)")
        }
    }
}

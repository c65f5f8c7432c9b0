import LMTP
import MailCore
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("RFC 2033 over loopback: the real server and a raw client")
struct LoopbackServerTests {
    @Test func multiRecipientRepliesInOrder() async throws {
        let handler = FakeDeliveryHandler()
        try await Loopback.withServer(Loopback.configuration(), handler: handler) { _, address in
            let replies = try await Loopback.withClient(address) { client -> [String] in
                var lines = try await client.read(1)
                try await client.send("LHLO client.test\r\n")
                lines += try await client.read(1)
                try await client.send("MAIL FROM:<sender@x.test>\r\n")
                lines += try await client.read(1)
                for rcpt in ["alice", "nobody", "reject-me", "bob", "alice", "tempfail"] {
                    try await client.send("RCPT TO:<\(rcpt)@x.test>\r\n")
                    lines += try await client.read(1)
                }
                try await client.send("DATA\r\n")
                lines += try await client.read(1)
                try await client.send("Subject: hi\r\n\r\n..dot line\r\nend\r\n.\r\n")
                lines += try await client.read(4)
                try await client.send("QUIT\r\n")
                lines += try await client.readToEnd()
                return lines
            }
            #expect(codes(replies, 3) == ["220", "250", "250", "250", "550", "250", "250", "250", "451", "354", "250", "550", "250", "250", "221"])
            #expect(replies[10].contains("<alice@x.test> delivered"))
            #expect(replies[11].hasPrefix("550 5.7.1 <reject-me@x.test>"))
            #expect(replies[12].contains("<bob@x.test>"))
            #expect(replies[13].contains("<alice@x.test>"))
            #expect(handler.messages == [Array("Subject: hi\r\n\r\n.dot line\r\nend\r\n".utf8)])
            #expect(handler.envelopes.first?.recipients.map(\.localPart) == ["alice", "reject-me", "bob", "alice"])
        }
    }

    @Test func pipelinedTransactionInOneWrite() async throws {
        let handler = FakeDeliveryHandler()
        try await Loopback.withServer(Loopback.configuration(), handler: handler) { _, address in
            let replies = try await Loopback.withClient(address) { client -> [String] in
                try await client.send(
                    "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nRCPT TO:<carol@x>\r\nDATA\r\nhello\r\n.\r\n"
                        + "MAIL FROM:<s@x>\r\nRCPT TO:<ghost@x>\r\nDATA\r\nRSET\r\nQUIT\r\n")
                return try await client.readToEnd()
            }
            #expect(codes(replies) == [
                "220 lmtp.", "250 SMTPU", "250 2.1.0", "250 2.1.5", "250 2.1.5", "354 send ", "250 2.0.0", "250 2.0.0",
                "250 2.1.0", "550 5.1.1", "503 5.5.1", "250 2.0.0", "221 2.0.0",
            ])
            #expect(handler.messages == [Array("hello\r\n".utf8)])
        }
    }

    @Test func chunkedTransactionWithBDAT() async throws {
        let handler = FakeDeliveryHandler()
        try await Loopback.withServer(Loopback.configuration(), handler: handler) { _, address in
            let replies = try await Loopback.withClient(address) { client -> [String] in
                try await client.send("LHLO c\r\nMAIL FROM:<s@x> BODY=BINARYMIME\r\nRCPT TO:<alice@x>\r\nRCPT TO:<bob@x>\r\n")
                try await client.send(bytes: Array("BDAT 6\r\n".utf8) + [0, 1, 0x0D, 0x0A, 0x2E, 0x0D])
                try await client.send("BDAT 4 LAST\r\n\n.\r\nQUIT\r\n")
                return try await client.readToEnd()
            }
            #expect(codes(replies) == ["220 lmtp.", "250 SMTPU", "250 2.1.0", "250 2.1.5", "250 2.1.5", "250 2.0.0", "250 2.0.0", "250 2.0.0", "221 2.0.0"])
            #expect(handler.messages == [[0, 1, 0x0D, 0x0A, 0x2E, 0x0D, 0x0A, 0x2E, 0x0D, 0x0A]])
        }
    }

    @Test func refusedChunksArePipelinedAwayThenTheSessionGoesOn() async throws {
        try await Loopback.withServer(Loopback.configuration()) { _, address in
            let replies = try await Loopback.withClient(address) { client -> [String] in
                try await client.send("LHLO c\r\nMAIL FROM:<s@x>\r\nRCPT TO:<ghost@x>\r\nBDAT 6\r\nRSET\r\nBDAT 3 LAST\r\nabcNOOP\r\nQUIT\r\n")
                return try await client.readToEnd()
            }
            #expect(codes(replies) == ["220 lmtp.", "250 SMTPU", "250 2.1.0", "550 5.1.1", "503 5.5.1", "503 5.5.1", "250 2.0.0", "221 2.0.0"])
        }
    }

    @Test func sizeLimitDeclaredAndActual() async throws {
        try await Loopback.withServer(Loopback.configuration(maximumMessageSize: 100)) { _, address in
            let replies = try await Loopback.withClient(address) { client -> [String] in
                let big = String(repeating: "x", count: 70) + "\r\n"
                try await client.send(
                    "LHLO c\r\nMAIL FROM:<s@x> SIZE=101\r\nMAIL FROM:<s@x>\r\nRCPT TO:<alice@x>\r\nRCPT TO:<bob@x>\r\nDATA\r\n"
                        + big + big + ".\r\nNOOP\r\nQUIT\r\n")
                return try await client.readToEnd()
            }
            #expect(codes(replies) == [
                "220 lmtp.", "250 SMTPU", "552 5.2.3", "250 2.1.0", "250 2.1.5", "250 2.1.5", "354 send ", "552 5.2.3", "552 5.2.3",
                "250 2.0.0", "221 2.0.0",
            ])
        }
    }

    @Test func nulByteGivesOne554PerRecipient() async throws {
        try await Loopback.withServer(Loopback.configuration()) { _, address in
            let replies = try await Loopback.withClient(address) { client -> [String] in
                try await client.send("LHLO c\r\nMAIL FROM:<s@x>\r\nRCPT TO:<alice@x>\r\nRCPT TO:<alice@x>\r\nDATA\r\n")
                try await client.send(bytes: [0x61, 0x00, 0x0D, 0x0A, 0x2E, 0x0D, 0x0A])
                try await client.send("QUIT\r\n")
                return try await client.readToEnd()
            }
            #expect(codes(replies).suffix(3) == ["554 5.6.0", "554 5.6.0", "221 2.0.0"])
        }
    }

    @Test func concurrentConnections() async throws {
        let handler = FakeDeliveryHandler()
        try await Loopback.withServer(Loopback.configuration(), handler: handler) { _, address in
            try await withThrowingTaskGroup(of: [String].self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await Loopback.withClient(address) { client in
                            try await client.send("LHLO c\(index)\r\nMAIL FROM:<s\(index)@x>\r\nRCPT TO:<alice@x>\r\nDATA\r\nmessage \(index)\r\n.\r\nQUIT\r\n")
                            return try await client.readToEnd()
                        }
                    }
                }
                for try await replies in group {
                    #expect(codes(replies, 3) == ["220", "250", "250", "250", "354", "250", "221"])
                }
            }
            #expect(Set(handler.messages.map { String(decoding: $0, as: UTF8.self) }) == Set((0..<8).map { "message \($0)\r\n" }))
        }
    }

    @Test func gracefulShutdownClosesIdleAndLetsTransactionsFinish() async throws {
        let handler = FakeDeliveryHandler()
        try await Loopback.withServer(Loopback.configuration(), handler: handler) { server, address in
            let (greeted, greetedContinuation) = AsyncStream<Void>.makeStream()
            async let idle: [String] = Loopback.withClient(address) { client in
                try await client.send("LHLO idle\r\n")
                _ = try await client.read(2)
                greetedContinuation.yield()
                return try await client.readToEnd()
            }
            try await Loopback.withClient(address) { client in
                try await client.send("LHLO busy\r\nMAIL FROM:<s@x>\r\nRCPT TO:<alice@x>\r\nDATA\r\n")
                #expect(codes(try await client.read(5), 3) == ["220", "250", "250", "250", "354"])
                // Wait until the idle client is connected and greeted before shutting down
                // (a signal, not a sleep: under load a fixed delay is not enough).
                for await _ in greeted { break }
                server.shutdownGracefully()
                try await client.send("still in the transaction\r\n.\r\n")
                #expect(codes(try await client.readToEnd()) == ["250 2.0.0", "421 4.3.2"])
            }
            #expect(codes(try await idle) == ["421 4.3.2"])
            #expect(handler.messages.count == 1)
        }
    }

    @Test func idleTimeoutCloses421() async throws {
        // Long enough that a loaded machine still handles the LHLO before the timer fires.
        let configuration = Loopback.configuration(timeouts: ConnectionTimeouts(idle: .seconds(3), command: .seconds(10)))
        try await Loopback.withServer(configuration) { _, address in
            let replies = try await Loopback.withClient(address) { client in
                try await client.send("LHLO c\r\nNOOP")  // an unfinished line does not count as activity
                return try await client.readToEnd()
            }
            #expect(codes(replies) == ["220 lmtp.", "250 SMTPU", "421 4.4.2"])
        }
    }

    @Test("a client that sends only NOOP, RSET, VRFY and HELP is cut off at the idle timeout")
    func noopFloodIsCutOff() async throws {
        let configuration = Loopback.configuration(timeouts: ConnectionTimeouts(idle: .seconds(3), command: .seconds(30)))
        try await Loopback.withServer(configuration) { _, address in
            let start = ContinuousClock.now
            let replies = try await Loopback.withClient(address) { client in
                try await client.send("LHLO c\r\n")
                for index in 0..<40 {
                    // Once the server closed, writing may fail: that is the point.
                    do { try await client.send(["NOOP\r\n", "RSET\r\n", "VRFY x\r\n", "HELP\r\n"][index % 4]) } catch { break }
                    try await Task.sleep(for: .milliseconds(250))
                }
                return try await client.readToEnd()
            }
            // Ten seconds of keep-alive commands: the connection closed after about three,
            // long before the 40th was answered.
            #expect(codes(replies).last == "421 4.4.2", "\(replies)")
            #expect(replies.count < 2 + 40, "\(replies.count) replies")
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }

    @Test func unixDomainSocketWithMode() async throws {
        let folder = "/tmp/sluice-lmtp-test-\(UInt32.random(in: .min ... .max))"
        #expect(mkdir(folder, 0o700) == 0)
        defer {
            unlink(folder + "/lmtp.sock")
            rmdir(folder)
        }
        var configuration = Loopback.configuration()
        configuration.address = .unixDomainSocket(path: folder + "/lmtp.sock", mode: 0o660)
        try await Loopback.withServer(configuration) { _, address in
            var info = stat()
            #expect(stat(folder + "/lmtp.sock", &info) == 0)
            #expect(info.st_mode & 0o777 == 0o660)
            let replies = try await Loopback.withClient(address) { client in
                try await client.send("LHLO c\r\nQUIT\r\n")
                return try await client.readToEnd()
            }
            #expect(codes(replies, 3) == ["220", "250", "221"])
        }
    }
}

import Glibc
import SMTPTestSupport
import Submission

/// Generous limits for tests that are not about timing: `swift test` runs every target's tests
/// in one process, and blocking tests elsewhere can starve the concurrency pool for many seconds.
let patientReplyTimeout = Duration.seconds(120)

/// Elapsed-time bound for "promptly": far below the timeouts a hang would run into.
let promptly = Duration.seconds(60)

/// Starts a sink with the behaviour, runs `body` with a client pointed at it, stops the sink.
func withSink<T>(
    _ behaviour: SMTPSink.Behaviour = SMTPSink.Behaviour(),
    replyTimeout: Duration = patientReplyTimeout,
    _ body: (SMTPSink, SMTPSubmissionClient) async throws -> T
) async throws -> T {
    let sink = try await SMTPSink.start(behaviour)
    let client = SMTPSubmissionClient(
        configuration: .init(
            port: sink.port, heloName: "sluice.test", connectTimeout: .seconds(120), replyTimeout: replyTimeout,
            messageTimeout: replyTimeout, totalTimeout: .seconds(300)))
    do {
        let result = try await body(sink, client)
        await sink.stop()
        return result
    } catch {
        await sink.stop()
        throw error
    }
}

/// Runs a submission and returns its error, or nil when it succeeded.
func submissionError(
    _ client: some MessageSubmitter, from sender: String = "sender@example.org",
    to recipients: [String] = ["rcpt@example.net"], message: String = "Subject: t\r\n\r\nbody\r\n"
) async -> SubmissionError? {
    do {
        _ = try await client.submit(envelopeFrom: sender, recipients: recipients, message: Array(message.utf8))
        return nil
    } catch {
        return error
    }
}

/// A sink behaviour with one stage overridden.
func behaviour(
    pipelining: Bool = true, _ stage: SMTPSink.Stage? = nil, _ action: SMTPSink.Action? = nil
) -> SMTPSink.Behaviour {
    var behaviour = SMTPSink.Behaviour()
    behaviour.pipelining = pipelining
    if let stage, let action { behaviour.overrides[stage] = action }
    return behaviour
}

/// A TCP port on 127.0.0.1 that is bound but not listening: connecting to it is refused.
struct BoundPort {
    let number: Int
    private let descriptor: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard fd >= 0, bound else {
            if fd >= 0 { Glibc.close(fd) }
            throw SinkError(message: "could not bind a socket on 127.0.0.1")
        }
        descriptor = fd
        number = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}

public import MailCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import NIOCore

/// Collects the message frames of DATA and BDAT into a spool and judges them: size,
/// NUL octets, line length. Turns the end of a message or chunk into the session event.
///
/// Limits are enforced while reading: once a limit is passed the rest is still read (the
/// client sends it anyway) but dropped, and the failure is reported at the end, where
/// every recipient gets the same reply.
public struct MessageReceiver {
    private let spoolConfiguration: MessageSpoolConfiguration
    private var writer: MessageSpoolWriter?
    private var reception: DataReception?
    private var failure: DataFailure?
    private var octets = 0
    private var chunkOctets = 0
    private var lineLength = 0
    /// Bytes bound for the spool file, gathered for one hand-over to the blocking runner.
    private var pending: [ByteBuffer] = []
    private var pendingBytes = 0

    /// Creates a receiver that spools with this configuration.
    public init(spool: MessageSpoolConfiguration = MessageSpoolConfiguration()) {
        self.spoolConfiguration = spool
    }

    /// Starts reading the bytes the session described; a message's spool file starts with
    /// `preamble` when one is given. A binary message (`BODY=BINARYMIME`) is spooled byte
    /// for byte: no line-end conversion and no preamble (which is in the converted form).
    public mutating func begin(_ reception: DataReception, preamble: SpoolPreamble? = nil) {
        self.reception = reception
        chunkOctets = 0
        if reception.startsMessage && !reception.discard {
            pending = []
            pendingBytes = 0
            var spool = spoolConfiguration
            if reception.isBinary { spool.lineEnding = nil }
            writer = MessageSpoolWriter(configuration: spool, preamble: reception.isBinary ? nil : preamble)
            failure = nil
            octets = 0
            lineLength = 0
        }
    }

    /// Runs blocking spool writes away from the caller's thread; `BlockingIO.run` by default.
    public typealias BlockingRunner = (@escaping @Sendable () -> SpoolError?) async -> SpoolError?

    /// Bytes bound for the spool file gathered before one hand-over to `runBlocking`: one
    /// thread hop per this many octets, not one per network read.
    static let batchBytes = 1 << 20

    /// Takes some message bytes, from an async context: writes to the spool file (blocking
    /// `write(2)` calls, which can wait on the disk) are gathered up to `batchBytes` and
    /// run through `runBlocking`, so that they never hold a thread of Swift's cooperative
    /// pool; bytes that stay in memory are taken at once. `finish(runBlocking:)` writes what
    /// is still gathered.
    public mutating func receive(_ bytes: ByteBuffer, runBlocking: BlockingRunner = { await BlockingIO.run($0) }) async {
        guard let writer = admit(bytes) else { return }
        if pending.isEmpty && !writer.mayWriteToDisk(adding: bytes.readableBytes) {
            store(bytes, in: writer)
            return
        }
        pending.append(bytes)
        pendingBytes += bytes.readableBytes
        if pendingBytes >= Self.batchBytes { await writePending(runBlocking) }
    }

    /// Hands the gathered bytes to `runBlocking` in one job.
    private mutating func writePending(_ runBlocking: BlockingRunner) async {
        let batch = pending
        pending = []
        pendingBytes = 0
        guard let writer, !batch.isEmpty else { return }
        let failure = await runBlocking {
            do throws(SpoolError) {
                for bytes in batch { try writer.append(bytes.readableBytesView) }
                return nil
            } catch {
                return error
            }
        }
        if let failure { fail(.spoolFailed(failure.message)) }
    }

    /// The message or chunk ended (see `end()`), from an async context: bytes still
    /// gathered for the spool file are written through `runBlocking` first.
    public mutating func finish(runBlocking: BlockingRunner = { await BlockingIO.run($0) }) async -> LMTPSession.Event? {
        if let reception, !reception.discard, reception.framing.endsMessage { await writePending(runBlocking) }
        return end()
    }

    /// Takes some message bytes, writing to the spool on the caller's thread (behind any
    /// bytes `receive` gathered, which `end()` writes first).
    public mutating func append(_ bytes: ByteBuffer) {
        guard let writer = admit(bytes) else { return }
        if !pending.isEmpty {
            pending.append(bytes)
            pendingBytes += bytes.readableBytes
            return
        }
        store(bytes, in: writer)
    }

    private mutating func store(_ bytes: ByteBuffer, in writer: MessageSpoolWriter) {
        do {
            try writer.append(bytes.readableBytesView)
        } catch {
            fail(.spoolFailed(error.message))
        }
    }

    /// Counts the bytes and judges them against the limits; the writer to keep them in, or
    /// nil when they are dropped (a discarded chunk, or a message that already failed).
    private mutating func admit(_ bytes: ByteBuffer) -> MessageSpoolWriter? {
        guard let reception, !reception.discard else { return nil }
        let view = bytes.readableBytesView
        chunkOctets += view.count
        octets += view.count
        guard failure == nil, let writer else { return nil }
        if octets > reception.maximumSize {
            fail(.tooBig(maximum: reception.maximumSize))
            return nil
        }
        if reception.rejectsNUL, bytes.withUnsafeReadableBytes({ raw in raw.baseAddress.map { memchr($0, 0, raw.count) != nil } ?? false }) {
            fail(.nulByte)
            return nil
        }
        if let maximum = reception.maximumLineLength {
            for byte in view {
                if byte == 0x0A {
                    lineLength = 0
                } else if byte != 0x0D {
                    lineLength += 1
                    if lineLength > maximum {
                        fail(.lineTooLong(maximum: maximum))
                        return nil
                    }
                }
            }
        }
        return writer
    }

    private mutating func fail(_ reason: DataFailure) {
        failure = reason
        writer = nil  // frees memory or the temporary file at once
        pending = []
        pendingBytes = 0
    }

    /// The message or chunk ended: the event for the session, or nil for a discarded chunk
    /// (the session replied to it already).
    public mutating func end() -> LMTPSession.Event? {
        guard let reception else { return nil }
        self.reception = nil
        if reception.discard { return nil }
        if case .chunk(_, last: false) = reception.framing {
            return .chunkReceived(octets: chunkOctets)
        }
        defer {
            writer = nil
            failure = nil
        }
        if let failure { return .messageReceived(.failed(failure)) }
        guard let writer else { return .messageReceived(.failed(.spoolFailed("no message was started"))) }
        do {
            // Gathered bytes not yet written (`finish(runBlocking:)` writes them off the caller's thread).
            for bytes in pending { try writer.append(bytes.readableBytesView) }
            pending = []
            pendingBytes = 0
            return .messageReceived(.complete(try writer.finish()))
        } catch {
            return .messageReceived(.failed(.spoolFailed(error.message)))
        }
    }
}

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
            var spool = spoolConfiguration
            if reception.isBinary { spool.lineEnding = nil }
            writer = MessageSpoolWriter(configuration: spool, preamble: reception.isBinary ? nil : preamble)
            failure = nil
            octets = 0
            lineLength = 0
        }
    }

    /// Takes some message bytes, from an async context: a write to the spool file (a
    /// blocking `write(2)`, which can wait on the disk) runs through `runBlocking`
    /// (`BlockingIO.run`) so that it never holds a thread of Swift's cooperative pool; bytes
    /// that stay in memory are taken at once.
    public mutating func receive(
        _ bytes: ByteBuffer,
        runBlocking: (@escaping @Sendable () -> SpoolError?) async -> SpoolError? = { await BlockingIO.run($0) }
    ) async {
        guard let writer = admit(bytes) else { return }
        guard writer.mayWriteToDisk(adding: bytes.readableBytes) else {
            store(bytes, in: writer)
            return
        }
        let failure = await runBlocking {
            do throws(SpoolError) {
                try writer.append(bytes.readableBytesView)
                return nil
            } catch {
                return error
            }
        }
        if let failure { fail(.spoolFailed(failure.message)) }
    }

    /// Takes some message bytes, writing to the spool on the caller's thread.
    public mutating func append(_ bytes: ByteBuffer) {
        guard let writer = admit(bytes) else { return }
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
            return .messageReceived(.complete(try writer.finish()))
        } catch {
            return .messageReceived(.failed(.spoolFailed(error.message)))
        }
    }
}

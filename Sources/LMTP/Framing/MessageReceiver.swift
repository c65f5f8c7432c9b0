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
    /// `preamble` when one is given.
    public mutating func begin(_ reception: DataReception, preamble: SpoolPreamble? = nil) {
        self.reception = reception
        chunkOctets = 0
        if reception.startsMessage && !reception.discard {
            writer = MessageSpoolWriter(configuration: spoolConfiguration, preamble: preamble)
            failure = nil
            octets = 0
            lineLength = 0
        }
    }

    /// Takes some message bytes.
    public mutating func append(_ bytes: ByteBuffer) {
        guard let reception, !reception.discard else { return }
        let view = bytes.readableBytesView
        chunkOctets += view.count
        octets += view.count
        guard failure == nil, let writer else { return }
        if octets > reception.maximumSize {
            fail(.tooBig(maximum: reception.maximumSize))
            return
        }
        if reception.rejectsNUL, bytes.withUnsafeReadableBytes({ raw in raw.baseAddress.map { memchr($0, 0, raw.count) != nil } ?? false }) {
            fail(.nulByte)
            return
        }
        if let maximum = reception.maximumLineLength {
            for byte in view {
                if byte == 0x0A {
                    lineLength = 0
                } else if byte != 0x0D {
                    lineLength += 1
                    if lineLength > maximum {
                        fail(.lineTooLong(maximum: maximum))
                        return
                    }
                }
            }
        }
        do {
            try writer.append(view)
        } catch {
            fail(.spoolFailed(error.message))
        }
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

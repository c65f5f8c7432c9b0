public import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the framing hands to the session driver.
public enum LMTPFrame: Hashable, Sendable {
    /// One command line, CRLF (or bare LF) removed.
    case command(ByteBuffer)
    /// A command line longer than the limit: its bytes were dropped up to the line end.
    case commandTooLong(maximum: Int)
    /// Some message bytes, dot-unstuffed for DATA, as-is for BDAT.
    case message(ByteBuffer)
    /// DATA's `CRLF.CRLF` was seen, or a BDAT chunk's octets were all read.
    case messageEnd
}

/// Splits LMTP input into command lines and message bytes, in three modes.
///
/// - **Commands**: lines end at LF; a CR before it is removed (a bare LF is accepted
///   for commands, as many clients send it). A line over `maximumLineLength` octets is
///   dropped up to its line end and reported once as ``LMTPFrame/commandTooLong(maximum:)``.
/// - **Dot-terminated** (DATA): only `CRLF . CRLF` ends the message; the message starts at
///   a line start. A dot that begins a line (after CRLF) is removed once
///   (RFC 5321 §4.5.2). Bare LF and bare CR are message bytes kept exactly as received:
///   they never end a line for the terminator or unstuffing, so `LF . LF`, `CR . CR` or
///   `LF . CRLF` cannot end the message early and smuggle a second one.
/// - **Chunk** (BDAT): exactly n octets, no unstuffing, no line structure.
///
/// After a DATA or BDAT command line the decoder **pauses**: it emits nothing more until
/// the driver calls ``resume(_:)``, because only the session knows whether the bytes
/// that follow are a message (354 was sent) or more commands (DATA was refused). This
/// keeps pipelined bytes from being read in the wrong mode.
///
/// Why not `ByteToMessageHandler`: it decodes only when new bytes arrive, so a decoder
/// resumed by the driver with a whole pipelined transaction already buffered would wait
/// forever. ``LMTPFramingHandler`` owns the buffer and decodes again on resume.
///
/// - SeeAlso: RFC 5321 §4.1.1.4 (DATA), §4.5.2 (transparency), RFC 3030 §2 (BDAT).
public struct LMTPFrameDecoder: Sendable {
    /// What the next bytes are.
    public enum Mode: Hashable, Sendable {
        /// Command lines.
        case commands
        /// Waiting for ``LMTPFrameDecoder/resume(_:)`` after a DATA or BDAT line.
        case paused
        /// DATA: dot-stuffed lines up to `CRLF.CRLF`.
        case dotTerminated
        /// BDAT: this many octets remain.
        case chunk(remaining: Int)
    }

    /// What the driver says after a paused command.
    public enum Resumption: Hashable, Sendable {
        /// The DATA or BDAT line was refused (or was not DATA/BDAT after all): read commands.
        case commands
        /// Read a dot-terminated message.
        case dotTerminated
        /// Read exactly this many octets.
        case chunk(size: Int)
    }

    private enum LinePosition: Sendable { case lineStart, midLine, afterCR }

    /// The longest command line accepted, CRLF excluded. Default 4096 (RFC 5321 §4.5.3.1.4
    /// sets 512 as a minimum an implementation must accept).
    public let maximumLineLength: Int
    /// The current mode.
    public private(set) var mode: Mode = .commands
    private var position: LinePosition = .lineStart
    private var discardingLongLine = false

    /// Creates a decoder in command mode.
    public init(maximumLineLength: Int = 4096) {
        self.maximumLineLength = max(16, maximumLineLength)
    }

    /// Switches out of the paused mode; ignored in any other mode.
    public mutating func resume(_ resumption: Resumption) {
        guard mode == .paused else { return }
        switch resumption {
        case .commands: mode = .commands
        case .dotTerminated:
            mode = .dotTerminated
            position = .lineStart
        case .chunk(let size): mode = .chunk(remaining: max(0, size))
        }
    }

    /// Decodes the next frame from `buffer`, consuming its bytes; nil when more bytes are
    /// needed or the decoder is paused.
    public mutating func next(_ buffer: inout ByteBuffer) -> LMTPFrame? {
        switch mode {
        case .paused: return nil
        case .commands: return nextCommand(&buffer)
        case .dotTerminated: return nextDataPiece(&buffer)
        case .chunk(let remaining):
            if remaining == 0 {
                mode = .commands
                return .messageEnd
            }
            guard buffer.readableBytes > 0, let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes)) else {
                return nil
            }
            mode = .chunk(remaining: remaining - piece.readableBytes)
            return .message(piece)
        }
    }

    // command-line = *( %x00-09 / %x0B-FF ) [ CR ] LF
    private mutating func nextCommand(_ buffer: inout ByteBuffer) -> LMTPFrame? {
        let view = buffer.readableBytesView
        guard let lineFeed = view.firstIndex(of: 0x0A) else {
            if buffer.readableBytes > maximumLineLength + 1 {
                // Too long already: drop what we have, keep dropping until the line end.
                discardingLongLine = true
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            }
            return nil
        }
        let length = lineFeed - view.startIndex
        guard var line = buffer.readSlice(length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == 0x0D { line.moveWriterIndex(to: line.writerIndex - 1) }
        if discardingLongLine || line.readableBytes > maximumLineLength {
            discardingLongLine = false
            return .commandTooLong(maximum: maximumLineLength)
        }
        if Self.startsDataTransfer(line) { mode = .paused }
        return .command(line)
    }

    /// True for lines whose verb is DATA or BDAT (any case), after which the decoder pauses.
    static func startsDataTransfer(_ line: ByteBuffer) -> Bool {
        let view = line.readableBytesView
        guard view.count >= 4 else { return false }
        let verb = view.prefix(4).map(LineCursor.upper)
        guard verb == Array("DATA".utf8) || verb == Array("BDAT".utf8) else { return false }
        return view.count == 4 || view[view.startIndex + 4] == 0x20 || view[view.startIndex + 4] == 0x09
    }

    // data = *( stuffed-line ) CRLF "." CRLF ; a line starting with "." loses that dot
    private mutating func nextDataPiece(_ buffer: inout ByteBuffer) -> LMTPFrame? {
        let view = buffer.readableBytesView
        var index = view.startIndex
        let end = view.endIndex
        while index < end {
            if position == .lineStart {
                if view[index] == UInt8(ascii: ".") {
                    if index > view.startIndex {
                        // Hand over the bytes before the dot first; the dot is handled next call.
                        return .message(readPiece(&buffer, upTo: index))
                    }
                    guard index + 1 < end else { return nil }
                    if view[index + 1] == 0x0D {
                        guard index + 2 < end else { return nil }
                        if view[index + 2] == 0x0A {
                            buffer.moveReaderIndex(forwardBy: 3)
                            mode = .commands
                            return .messageEnd
                        }
                    }
                    // A stuffed dot: drop it; the line goes on.
                    buffer.moveReaderIndex(forwardBy: 1)
                    position = .midLine
                    return nextDataPiece(&buffer)
                }
                position = .midLine
            }
            // Only an LF can start a line: jump to the next one (memchr) instead of
            // walking byte by byte. It starts a line only when a CR comes right before it
            // (in this piece, or as the last byte of the previous one: `.afterCR`).
            guard let lineFeed = Self.firstLineFeed(in: view, from: index) else {
                position = view[end - 1] == 0x0D ? .afterCR : .midLine
                index = end
                break
            }
            let afterCR = lineFeed > index ? view[lineFeed - 1] == 0x0D : position == .afterCR
            position = afterCR ? .lineStart : .midLine
            index = lineFeed + 1
        }
        guard index > view.startIndex else { return nil }
        return .message(readPiece(&buffer, upTo: index))
    }

    /// The index of the first LF at or after `index`, nil when there is none.
    private static func firstLineFeed(in view: ByteBufferView, from index: Int) -> Int? {
        view.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress else { return nil }
            let offset = index - view.startIndex
            guard let found = memchr(base + offset, 0x0A, raw.count - offset) else { return nil }
            return view.startIndex + (found - UnsafeMutableRawPointer(mutating: base))
        }
    }

    private func readPiece(_ buffer: inout ByteBuffer, upTo index: Int) -> ByteBuffer {
        let length = index - buffer.readableBytesView.startIndex
        return buffer.readSlice(length: length) ?? ByteBuffer()
    }
}

import NIOCore

/// Frames the server's byte stream into reply lines, without their line ending.
///
/// Replies end with CRLF; a bare LF is also taken as a line end, since that costs nothing on the
/// reading side and some servers send it. A line longer than `maximumLineLength` is an error,
/// so a broken server cannot make the client buffer without bound.
///
/// - SeeAlso: RFC 5321 §4.5.3.1.5 (reply lines are at most 512 octets; we allow more).
struct ReplyLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// The server sent a line longer than the client accepts.
    struct LineTooLong: Error, CustomStringConvertible {
        var limit: Int
        var description: String { "the server sent a reply line longer than \(limit) octets" }
    }

    let maximumLineLength: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maximumLineLength { throw LineTooLong(limit: maximumLineLength) }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard length <= maximumLineLength + 1 else { throw LineTooLong(limit: maximumLineLength) }
        guard var line = buffer.readSlice(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        // A partial line left at end of stream is not a reply; the reader sees the close.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

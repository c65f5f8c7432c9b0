public import NIOCore

/// What the session driver writes to the channel.
public enum LMTPOutbound: Hashable, Sendable {
    /// Replies, encoded in order.
    case replies([LMTPReply])
    /// Tells the paused decoder how to read the bytes after a DATA or BDAT line.
    case resume(LMTPFrameDecoder.Resumption)
}

/// The channel handler that owns the inbound bytes and the ``LMTPFrameDecoder``, and
/// encodes replies.
///
/// Inbound it turns bytes into ``LMTPFrame``s; outbound it encodes
/// ``LMTPOutbound/replies(_:)`` and applies ``LMTPOutbound/resume(_:)`` to the decoder,
/// then decodes whatever was already buffered. While the decoder is paused and more than
/// `maximumBufferedBytes` are waiting, it holds back `read()` so a flooding client is
/// slowed by TCP instead of filling memory.
public final class LMTPFramingHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = LMTPFrame
    public typealias OutboundIn = LMTPOutbound
    public typealias OutboundOut = ByteBuffer

    private var decoder: LMTPFrameDecoder
    private var buffer = ByteBuffer()
    private let maximumBufferedBytes: Int
    private var heldRead = false

    /// Creates a handler; `maximumBufferedBytes` bounds what is kept while paused.
    public init(maximumLineLength: Int = 4096, maximumBufferedBytes: Int = 64 * 1024) {
        self.decoder = LMTPFrameDecoder(maximumLineLength: maximumLineLength)
        self.maximumBufferedBytes = max(maximumBufferedBytes, maximumLineLength + 2)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffer.readableBytes == 0 {
            buffer = incoming
        } else {
            buffer.writeBuffer(&incoming)
        }
        decodeAvailable(context: context)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .replies(let replies):
            var out = context.channel.allocator.buffer(capacity: 128 * replies.count)
            for reply in replies { reply.encode(into: &out) }
            context.write(wrapOutboundOut(out), promise: promise)
        case .resume(let resumption):
            decoder.resume(resumption)
            promise?.succeed(())
            decodeAvailable(context: context)
            if heldRead, decoder.mode != .paused {
                heldRead = false
                context.read()
            }
        }
    }

    public func read(context: ChannelHandlerContext) {
        if decoder.mode == .paused, buffer.readableBytes >= maximumBufferedBytes {
            heldRead = true
            return
        }
        context.read()
    }

    private func decodeAvailable(context: ChannelHandlerContext) {
        var produced = false
        while let frame = decoder.next(&buffer) {
            produced = true
            context.fireChannelRead(wrapInboundOut(frame))
        }
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex > 4096 {
            buffer.discardReadBytes()
        }
        if produced { context.fireChannelReadComplete() }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        // Frames were already followed by their own read-complete in decodeAvailable.
        context.fireChannelReadComplete()
    }
}

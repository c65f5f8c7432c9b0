import NIOCore
import NIOEmbedded
import Testing

@testable import LMTP

/// Feeds bytes into an ``LMTPFramingHandler`` on an `EmbeddedChannel`, resumes the
/// decoder after DATA/BDAT lines the way a session would, and records the frames as
/// short strings: `cmd:<line>`, `msg:<bytes>` (adjacent pieces merged), `end`, `toolong`.
final class FramingHarness {
    private var pendingMessage: [UInt8] = []
    /// How the fake session answers a paused DATA/BDAT line.
    let refuseData: Bool

    init(refuseData: Bool = false) { self.refuseData = refuseData }

    func run(_ input: String, trickle: Bool, maximumLineLength: Int = 4096) throws -> [String] {
        try run(Array(input.utf8), trickle: trickle, maximumLineLength: maximumLineLength)
    }

    func run(_ input: [UInt8], trickle: Bool, maximumLineLength: Int = 4096) throws -> [String] {
        let channel = EmbeddedChannel(handler: LMTPFramingHandler(maximumLineLength: maximumLineLength))
        var events: [String] = []
        let pieces: [[UInt8]] = trickle ? input.map { [$0] } : [input]
        for piece in pieces {
            try channel.writeInbound(ByteBuffer(bytes: piece))
            try drain(channel, into: &events)
        }
        #expect(try channel.finish().isClean)
        return events
    }

    private func drain(_ channel: EmbeddedChannel, into events: inout [String]) throws {
        while let frame = try channel.readInbound(as: LMTPFrame.self) {
            switch frame {
            case .command(let line):
                let text = String(decoding: line.readableBytesView, as: UTF8.self)
                events.append("cmd:\(text)")
                if let resumption = resumption(for: text) {
                    try channel.writeOutbound(LMTPOutbound.resume(resumption))
                }
            case .commandTooLong: events.append("toolong")
            case .message(let bytes):
                // Merge pieces as bytes: a trickled UTF-8 sequence arrives split.
                if let last = events.last, last.hasPrefix("msg:") {
                    pendingMessage += Array(bytes.readableBytesView)
                    events[events.count - 1] = "msg:" + String(decoding: pendingMessage, as: UTF8.self)
                } else {
                    pendingMessage = Array(bytes.readableBytesView)
                    events.append("msg:" + String(decoding: pendingMessage, as: UTF8.self))
                }
            case .messageEnd: events.append("end")
            }
        }
    }

    private func resumption(for line: String) -> LMTPFrameDecoder.Resumption? {
        let words = line.split(separator: " ")
        switch words.first?.uppercased() {
        case "DATA": return refuseData ? .commands : .dotTerminated
        case "BDAT":
            guard words.count > 1, let size = Int(words[1]) else { return .commands }
            return .chunk(size: size)
        default: return nil
        }
    }
}

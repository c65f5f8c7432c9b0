import Glibc

/// The bytes of one message, produced as a sequence of chunks so a large spooled message can be
/// streamed from a file without being loaded whole.
///
/// A per-recipient prefix of header lines (`Delivered-To:`, `Return-Path:`) is simply a first
/// chunk; `ConcatenatedMessageSource` joins it to the shared message.
public protocol MessageSource {
    /// Calls `body` with each chunk, in order. Chunks may be empty; a CRLF may span two chunks.
    func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError)
}

extension Array: MessageSource where Element == [UInt8] {
    /// Each element is one chunk.
    public func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError) {
        for chunk in self { try body(chunk) }
    }
}

/// A message held in memory as one chunk.
public struct BytesMessageSource: MessageSource, Sendable {
    /// The message bytes.
    public var bytes: [UInt8]

    /// Wraps the bytes of a message.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError) {
        try body(bytes)
    }
}

/// One source after another: typically per-recipient header lines, then the shared message.
public struct ConcatenatedMessageSource<First: MessageSource, Second: MessageSource>: MessageSource {
    /// Produced first.
    public var first: First
    /// Produced second.
    public var second: Second

    /// Joins two sources.
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    public func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError) {
        try first.forEachChunk(body)
        try second.forEachChunk(body)
    }
}

/// A message read from a file (such as a spool file) in chunks, never loaded whole.
public struct FileMessageSource: MessageSource, Sendable {
    /// The file to read.
    public var path: String
    /// Bytes per chunk. Default 64 KiB.
    public var chunkSize: Int

    /// Reads the message at `path` in chunks of `chunkSize` bytes.
    public init(path: String, chunkSize: Int = 64 * 1024) {
        self.path = path
        self.chunkSize = max(1, chunkSize)
    }

    public func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .messageSource("open \(path) failed: \(errorText(errno))") }
        defer { _ = Glibc.close(fd) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .messageSource("read \(path) failed: \(errorText(errno))")
            }
            if count == 0 { return }
            try body(count == buffer.count ? buffer : Array(buffer[..<count]))
        }
    }
}

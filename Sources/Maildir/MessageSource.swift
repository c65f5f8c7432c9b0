import Glibc
public import MailCore

/// The bytes of one message, produced as a sequence of chunks so a large spooled message can be
/// streamed from a file without being loaded whole.
///
/// A per-recipient prefix of header lines (`Delivered-To:`, `Return-Path:`) is simply a first
/// chunk; `ConcatenatedMessageSource` joins it to the shared message.
public protocol MessageSource {
    /// Calls `body` with each chunk, in order. Chunks may be empty; a CRLF may span two chunks.
    func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError)

    /// Writes the message to the file being delivered. The default hands `forEachChunk`'s
    /// chunks to `output.write(_:)` (which converts their line ends); a source whose bytes are
    /// already in the store's form can hand them over whole with `output.write(converted:as:)`
    /// or `output.copy(convertedFrom:as:)` instead, falling back to chunks when those decline.
    func write(to output: inout MessageOutput) throws(MaildirError)

    /// Puts the whole message, already in `lineEnding` form and durable on disk, at `path`
    /// (a new name in a `tmp/` folder) without writing it: a spool file that holds exactly
    /// this message is linked there. The default is `.unavailable`: the store then writes
    /// the message with `write(to:)`.
    func placeWhole(at path: String, lineEnding: LineEnding) -> WholePlacement
}

/// What became of `MessageSource.placeWhole(at:lineEnding:)`.
public enum WholePlacement: Sendable, Hashable {
    /// The message is at the path, fsynced; these are its form and sizes.
    case placed(ConvertedBytes)
    /// Linking failed with this errno (`EEXIST`: the name is taken; `ENOENT`: the folder
    /// is missing); the store tries another name, makes the folder, or writes instead.
    case failed(errno: Int32)
    /// This source cannot be placed; the store writes it.
    case unavailable
}

extension MessageSource {
    public func write(to output: inout MessageOutput) throws(MaildirError) {
        try forEachChunk { (chunk: [UInt8]) throws(MaildirError) in try output.write(chunk) }
    }

    public func placeWhole(at path: String, lineEnding: LineEnding) -> WholePlacement { .unavailable }
}

/// The temporary file a copy is being written to, as a `MessageSource` sees it: chunks are
/// converted to the store's line ends and buffered; bytes already converted (a spool that
/// converted them on the way in) are written or copied by the kernel as they are. Counts the
/// stored size (`S`) and the size with CRLF line ends (`W`) either way.
///
/// With `keepsLineEnds` (a `BODY=BINARYMIME` message, whose CR and LF octets may be data)
/// chunks are written byte for byte instead, and nothing converted elsewhere is accepted.
public struct MessageOutput {
    private let store: MaildirStore
    private let descriptor: Int32
    private let path: String
    private var converter: LineEndingConverter
    /// Write chunks as they are (no line-end conversion).
    public let keepsLineEnds: Bool
    /// `keepsLineEnds`: octets written, LFs among them not right after a CR, and the last octet.
    private var keptSize = 0
    private var keptBareLineFeeds = 0
    private var lastKept: UInt8 = 0
    /// Converted bytes not yet written; `buffer.count` is its capacity.
    private let buffer: UnsafeMutableRawBufferPointer
    private var buffered = 0

    /// Input octets converted per step.
    static let stepInput = 64 * 1024

    /// The line ends this output writes.
    public var lineEnding: LineEnding { converter.target }

    /// An output into `descriptor` (the file at `path`) through `buffer`, which must hold
    /// at least `LineEndingConverter.maximumOutput(forInput: stepInput)` octets and stay
    /// allocated while the output is used.
    init(store: MaildirStore, descriptor: Int32, path: String, buffer: UnsafeMutableRawBufferPointer,
         keepsLineEnds: Bool = false) {
        self.store = store
        self.descriptor = descriptor
        self.path = path
        self.keepsLineEnds = keepsLineEnds
        self.converter = LineEndingConverter(target: store.configuration.lineEnding)
        self.buffer = buffer
        precondition(buffer.count >= converter.maximumOutput(forInput: Self.stepInput), "output buffer too small")
    }

    /// The buffer size an output needs.
    static func bufferSize(for lineEnding: LineEnding) -> Int {
        LineEndingConverter(target: lineEnding).maximumOutput(forInput: stepInput) + 1
    }

    /// Octets stored so far (`S`).
    var storedSize: Int { keepsLineEnds ? keptSize : converter.storedSize }
    /// The stored octets with every line end counted as CRLF (`W`).
    var virtualSize: Int { keepsLineEnds ? keptSize + keptBareLineFeeds : converter.virtualSize }

    /// Converts and writes one chunk of the message.
    public mutating func write(_ chunk: [UInt8]) throws(MaildirError) {
        let result = chunk.withUnsafeBytes { raw in Result { () throws(MaildirError) in try write(raw) } }
        try result.get()
    }

    /// Converts and writes one chunk of the message.
    public mutating func write(_ chunk: UnsafeRawBufferPointer) throws(MaildirError) {
        if keepsLineEnds {
            try writeKept(chunk)
            return
        }
        guard let output = buffer.baseAddress else { return }
        var offset = 0
        while offset < chunk.count {
            if buffered + converter.maximumOutput(forInput: Self.stepInput) > buffer.count { try flush() }
            let end = min(chunk.count, offset + Self.stepInput)
            buffered += converter.convert(UnsafeRawBufferPointer(rebasing: chunk[offset..<end]), into: output + buffered)
            offset = end
        }
    }

    /// Writes a chunk byte for byte (`keepsLineEnds`), counting S and W.
    private mutating func writeKept(_ chunk: UnsafeRawBufferPointer) throws(MaildirError) {
        guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), !chunk.isEmpty else { return }
        try store.writeAll(descriptor, chunk, path: path)
        var index = 0
        while index < chunk.count, let found = memchr(base + index, 0x0A, chunk.count - index) {
            let lineFeed = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let before = lineFeed > 0 ? base[lineFeed - 1] : lastKept
            if before != 0x0D { keptBareLineFeeds += 1 }
            index = lineFeed + 1
        }
        keptSize += chunk.count
        lastKept = base[chunk.count - 1]
    }

    /// Writes bytes already in this output's form, described by `converted`, as they are.
    /// Returns false, writing nothing, when they cannot follow what was written so far
    /// (another form, a CR just before them, or an output that keeps line ends); the
    /// caller then writes them as chunks.
    public mutating func write(converted bytes: UnsafeRawBufferPointer, as converted: ConvertedBytes) throws(MaildirError) -> Bool {
        guard !keepsLineEnds, converted.count == bytes.count, converter.canAppend(converted) else { return false }
        try flush()
        try store.writeAll(descriptor, bytes, path: path)
        converter.append(converted)
        return true
    }

    /// Copies `converted.count` bytes already in this output's form from the file `source`
    /// at `offset`, inside the kernel (`sendfile`; a read/write loop where the file
    /// systems do not support it). Returns false, copying nothing, when they cannot follow
    /// what was written so far; the caller then writes them as chunks.
    public mutating func copy(convertedFrom source: Int32, offset: Int = 0, as converted: ConvertedBytes) throws(MaildirError) -> Bool {
        guard !keepsLineEnds, converter.canAppend(converted) else { return false }
        try flush()
        try store.copyAll(from: source, offset: offset, count: converted.count, to: descriptor, path: path)
        converter.append(converted)
        return true
    }

    /// Ends the message: a CR held back at the very end is written, and the buffer.
    mutating func finish() throws(MaildirError) {
        if !keepsLineEnds, let output = buffer.baseAddress { buffered += converter.finish(into: output + buffered) }
        try flush()
    }

    private mutating func flush() throws(MaildirError) {
        guard buffered > 0 else { return }
        try store.writeAll(descriptor, UnsafeRawBufferPointer(rebasing: buffer[..<buffered]), path: path)
        buffered = 0
    }
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

    public func write(to output: inout MessageOutput) throws(MaildirError) {
        try first.write(to: &output)
        try second.write(to: &output)
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

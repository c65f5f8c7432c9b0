#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where and how a message being received is kept.
public struct MessageSpoolConfiguration: Sendable, Hashable {
    /// Bytes kept in memory before the spool moves to a temporary file. Default 1 MiB.
    public var memoryThreshold: Int
    /// The folder for temporary files. Default `$TMPDIR`, else `/tmp`.
    public var directory: String
    /// The line ends the spool keeps: `nil` (the default) keeps the bytes exactly as
    /// received; `.lf` or `.crlf` converts them on the way in (see `LineEndingConverter`),
    /// so a store that writes that form copies the spool as it is, once per transaction
    /// instead of converting once per copy, and the spool counts the sizes on the way.
    public var lineEnding: LineEnding?

    /// Whether spool files made in `directory` can later be linked into a mail store
    /// (`SpooledMessage.link(to:)`): its file system makes unnamed files (`O_TMPFILE`).
    /// Tries to make one, and closes it at once.
    public var makesLinkableFiles: Bool {
        let fd = open(directory, SpoolFile.temporaryFileFlag | O_RDWR | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        return fd >= 0
    }

    /// Creates a configuration.
    public init(memoryThreshold: Int = 1 << 20, directory: String? = nil, lineEnding: LineEnding? = nil) {
        self.memoryThreshold = max(0, memoryThreshold)
        self.lineEnding = lineEnding
        if let directory {
            self.directory = directory
        } else if let tmp = getenv("TMPDIR"), let text = String(validatingCString: tmp), !text.isEmpty {
            self.directory = text
        } else {
            self.directory = "/tmp"
        }
    }
}

/// A spool failed to create, write or read its temporary file.
public struct SpoolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What the spool was doing, with the system's reason.
    public let message: String

    init(_ operation: String, errno code: Int32) {
        let reason = String(cString: strerror(code))
        self.message = "message spool: \(operation) failed: \(reason) (errno \(code))"
    }

    public var description: String { message }
}

/// Bytes put in a spool file in front of the message, already in the spool's line-end form:
/// the trace header fields of a transaction's only recipient, so that the spool file can be
/// linked into that recipient's Maildir as it is (`SpooledMessage.link(to:)`) instead of
/// being copied. Everything else about the spooled message (its size, reads, contents)
/// leaves the preamble out.
public struct SpoolPreamble: Sendable, Hashable {
    /// The bytes.
    public var bytes: [UInt8]
    /// Their form and sizes.
    public var converted: ConvertedBytes
    /// When they were made (seconds since the epoch): the date they carry, which later
    /// copies of the same message must carry as well.
    public var createdAt: Int64
    /// What the bytes were made from, in the maker's own terms: whoever later needs the same
    /// bytes compares this instead of making them again. Empty when not given.
    public var origin: String

    /// A preamble, fields as documented above.
    public init(bytes: [UInt8], converted: ConvertedBytes, createdAt: Int64, origin: String = "") {
        self.bytes = bytes
        self.converted = converted
        self.createdAt = createdAt
        self.origin = origin
    }
}

/// Collects one message's bytes as they arrive: in memory up to the configured
/// threshold, then in a temporary file; converting line ends on the way when the
/// configuration asks for a `LineEnding`.
///
/// The file never has a name a crash could leave behind: it is made with `O_TMPFILE` (so
/// that `SpooledMessage.link(to:)` can name it later), or where the file system cannot, made
/// and unlinked at once. It lives as long as the ``SpooledMessage`` made from it (longer
/// only under a name it was linked to). Writes are plain blocking `write(2)` calls.
///
/// A writer has one owner at a time (the connection receiving the message). It is
/// `@unchecked Sendable` so that the owner can hand a write to a Dispatch thread
/// (`BlockingIO.run`) while it awaits the result: the owner touches the writer again only
/// after that await returns, and the continuation's resumption orders the Dispatch
/// thread's accesses before the owner's next ones, so no two threads ever use it at once.
public final class MessageSpoolWriter: @unchecked Sendable {
    private let configuration: MessageSpoolConfiguration
    private var memory: [UInt8] = []
    private var file: SpoolFile?
    /// Converts line ends when `configuration.lineEnding` is set.
    private var converter: LineEndingConverter?
    /// The converter's output for one piece of input (allocated with the converter).
    private let staging: UnsafeMutableRawBufferPointer?
    /// Octets stored so far (after conversion).
    private var stored = 0
    /// Bytes that go in front of the message in the spool file; see `SpoolPreamble`.
    private var preamble: SpoolPreamble?
    /// Octets appended so far (as received).
    public private(set) var count: Int = 0

    /// Input octets converted per step: bounds the staging buffer.
    private static let stagingInput = 64 * 1024

    /// Creates an empty writer; with a `preamble`, the spool file of the first message
    /// written starts with it.
    public init(configuration: MessageSpoolConfiguration = MessageSpoolConfiguration(), preamble: SpoolPreamble? = nil) {
        self.configuration = configuration
        self.preamble = preamble
        if let lineEnding = configuration.lineEnding {
            let converter = LineEndingConverter(target: lineEnding)
            self.converter = converter
            staging = .allocate(byteCount: converter.maximumOutput(forInput: Self.stagingInput), alignment: 16)
        } else {
            staging = nil
        }
    }

    deinit { staging?.deallocate() }

    /// Appends bytes; moves to a temporary file once the threshold is passed.
    public func append(_ bytes: some Collection<UInt8>) throws(SpoolError) {
        guard !bytes.isEmpty else { return }
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(SpoolError) in try append(UnsafeRawBufferPointer(buffer)) }
        }
        if let contiguous {
            try contiguous.get()
        } else {
            try Array(bytes).withUnsafeBytes { raw in Result { () throws(SpoolError) in try append(raw) } }.get()
        }
    }

    /// Appends bytes; moves to a temporary file once the threshold is passed.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(SpoolError) {
        guard !bytes.isEmpty else { return }
        count += bytes.count
        guard converter != nil, let staging, let output = staging.baseAddress else {
            try store(bytes)
            return
        }
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + Self.stagingInput)
            let produced = converter?.convert(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), into: output) ?? 0
            try store(UnsafeRawBufferPointer(start: output, count: produced))
            offset = end
        }
    }

    /// Keeps converted (or unconverted) bytes in memory or in the file.
    private func store(_ bytes: UnsafeRawBufferPointer) throws(SpoolError) {
        guard !bytes.isEmpty else { return }
        if let file {
            try file.write(bytes)
        } else if memory.count + bytes.count <= configuration.memoryThreshold {
            memory.append(contentsOf: bytes)
        } else {
            let file = try SpoolFile(directory: configuration.directory, preamble: preamble?.bytes ?? [])
            try memory.withUnsafeBytes { raw in Result { () throws(SpoolError) in try file.write(raw) } }.get()
            try file.write(bytes)
            memory = []
            self.file = file
        }
        stored += bytes.count
    }

    /// True once the spool has moved to a temporary file.
    public var isOnDisk: Bool { file != nil }

    /// Whether appending `byteCount` more octets may write to the temporary file (it is
    /// there already, or they may pass the memory threshold): a blocking write, which an
    /// owner on Swift's cooperative pool should hand to `BlockingIO`.
    public func mayWriteToDisk(adding byteCount: Int) -> Bool {
        file != nil || memory.count + byteCount > configuration.memoryThreshold
    }

    /// Ends writing and returns the message; the writer is empty afterwards (and keeps
    /// converting line ends for a next message).
    public func finish() throws(SpoolError) -> SpooledMessage {
        var sizes: SpooledMessage.Sizes?
        if var converter, let staging, let output = staging.baseAddress {
            let produced = converter.finish(into: output)
            try store(UnsafeRawBufferPointer(start: output, count: produced))
            sizes = SpooledMessage.Sizes(converted: converter.produced, rfc5322Size: converter.inputRFC5322Size)
            self.converter = LineEndingConverter(target: converter.target)
        }
        let message: SpooledMessage
        if let file {
            message = SpooledMessage(file: file, size: stored, receivedSize: count, sizes: sizes, preamble: preamble)
        } else {
            message = SpooledMessage(memory: memory, receivedSize: count, sizes: sizes, preamble: preamble)
        }
        preamble = nil
        memory = []
        file = nil
        count = 0
        stored = 0
        return message
    }
}

/// A complete received message, in memory or in a temporary file without a name.
/// Immutable and safe to read from several tasks at once.
public final class SpooledMessage: Sendable {
    private enum Storage: Sendable {
        case memory([UInt8])
        case file(SpoolFile)
    }

    /// What a spool that converted line ends counted on the way in.
    struct Sizes: Sendable {
        var converted: ConvertedBytes
        var rfc5322Size: Int
    }

    /// The spooled bytes, for a store that copies them as they are.
    public enum Contents {
        /// The message in memory.
        case memory(UnsafeRawBufferPointer)
        /// The message in a temporary file: `size` octets from `offset` (after the preamble).
        /// Read it with positional reads (`pread`, `sendfile` with an offset) only, never
        /// move the file's own offset.
        case file(descriptor: Int32, offset: Int)
    }

    private let storage: Storage
    private let sizes: Sizes?
    /// The message size in octets as spooled (after dot-unstuffing, and after line-end
    /// conversion when the spool converted).
    public let size: Int
    /// Octets as received (after dot-unstuffing), before any line-end conversion.
    public let receivedSize: Int
    /// The bytes in front of the message in the spool file, if the writer was given them.
    public let preamble: SpoolPreamble?

    /// A message held in memory, exactly as received.
    public init(bytes: [UInt8]) {
        self.storage = .memory(bytes)
        self.size = bytes.count
        self.receivedSize = bytes.count
        self.sizes = nil
        self.preamble = nil
    }

    fileprivate init(memory: [UInt8], receivedSize: Int, sizes: Sizes?, preamble: SpoolPreamble?) {
        self.storage = .memory(memory)
        self.size = memory.count
        self.receivedSize = receivedSize
        self.sizes = sizes
        self.preamble = preamble
    }

    fileprivate init(file: SpoolFile, size: Int, receivedSize: Int, sizes: Sizes?, preamble: SpoolPreamble?) {
        self.storage = .file(file)
        self.size = size
        self.receivedSize = receivedSize
        self.sizes = sizes
        self.preamble = preamble
    }

    /// True when the message lives in a temporary file.
    public var isOnDisk: Bool {
        if case .file = storage { return true }
        return false
    }

    /// The form and sizes of the spooled bytes when the spool converted their line ends;
    /// `nil` when the bytes are exactly as received.
    public var converted: ConvertedBytes? { sizes?.converted }

    /// The size Sieve's `size` test gives the message as received (each bare LF counted as
    /// CRLF; RFC 5228 §5.9), when the spool counted it (it does when it converts line ends).
    public var rfc5322Size: Int? { sizes?.rfc5322Size }

    /// Reads up to `count` octets starting at `offset` (fewer at the end of the message).
    public func read(offset: Int, count: Int) throws(SpoolError) -> [UInt8] {
        let start = min(max(0, offset), size)
        let end = min(size, start + max(0, count))
        switch storage {
        case .memory(let bytes): return Array(bytes[start..<end])
        case .file(let file): return try file.read(offset: file.messageOffset + start, count: end - start)
        }
    }

    /// The whole message.
    public func bytes() throws(SpoolError) -> [UInt8] {
        try read(offset: 0, count: size)
    }

    /// Calls `body` with the spooled bytes: the buffer, or the open temporary file.
    public func withContents<T, E: Error>(_ body: (Contents) throws(E) -> T) throws(E) -> T {
        switch storage {
        case .memory(let bytes): try bytes.withUnsafeBytes { raw in Result { () throws(E) in try body(.memory(raw)) } }.get()
        case .file(let file): try body(.file(descriptor: file.descriptor, offset: file.messageOffset))
        }
    }

    /// Whether `link(to:)` can give the spool file a name: it is a file made with
    /// `O_TMPFILE` (on a file system that supports it) and it starts with a preamble.
    public var isLinkable: Bool {
        if case .file(let file) = storage { return file.isLinkable && preamble != nil }
        return false
    }

    /// Makes the spool file, preamble and message, durable (`fsync`) and gives it the name
    /// `path` (`linkat` through `/proc/self/fd`), so it becomes a file of its own without
    /// a copy. Returns 0, or the `errno` of the failed step (`EXDEV` when `path` is on
    /// another file system, `EEXIST` when it is taken, `ENOTSUP` when not `isLinkable`).
    /// The file's contents must not change afterwards; nothing here changes them.
    public func link(to path: String) -> Int32 {
        guard isLinkable, case .file(let file) = storage else { return ENOTSUP }
        return file.link(to: path)
    }
}

/// A temporary file without a name, closed when the last reference goes.
///
/// Sendable: the stored properties are immutable; reads use `pread(2)`, which takes an
/// explicit offset and shares no file position between threads. Writes happen only
/// through ``MessageSpoolWriter`` before the file is handed to a ``SpooledMessage``,
/// never after.
private final class SpoolFile: Sendable {
    let descriptor: Int32
    /// Made with `O_TMPFILE`, so `linkat` can give it a name.
    let isLinkable: Bool
    /// Where the message starts: after the preamble written first.
    let messageOffset: Int

    /// `O_TMPFILE` (Linux: `__O_TMPFILE | O_DIRECTORY`), which Glibc's module does not export.
    static let temporaryFileFlag: Int32 = 0o20000000 | O_DIRECTORY

    /// A new file in `directory` holding `preamble`.
    init(directory: String, preamble: [UInt8]) throws(SpoolError) {
        (descriptor, isLinkable) = try Self.create(in: directory)
        messageOffset = preamble.count
        do throws(SpoolError) {
            try preamble.withUnsafeBytes { raw in Result { () throws(SpoolError) in try Self.write(raw, to: descriptor) } }.get()
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// An unnamed file that can be linked later (`O_TMPFILE`); where the file system cannot
    /// make one, a named file removed at once.
    private static func create(in directory: String) throws(SpoolError) -> (descriptor: Int32, isLinkable: Bool) {
        let unnamed = open(directory, temporaryFileFlag | O_RDWR | O_CLOEXEC, 0o600)
        if unnamed >= 0 { return (unnamed, true) }
        var template = Array("\(directory)/sluice-spool-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw SpoolError("creating a temporary file in \(directory)", errno: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = template.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { unlink($0) }
        }
        return (fd, false)
    }

    deinit { close(descriptor) }

    /// fsync, then a name through `/proc/self/fd`; 0 or the failing step's errno.
    func link(to path: String) -> Int32 {
        while fsync(descriptor) != 0 {
            if errno != EINTR { return errno }
        }
        return linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 ? 0 : errno
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(SpoolError) {
        try Self.write(bytes, to: descriptor)
    }

    private static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws(SpoolError) {
        guard let base = bytes.baseAddress else { return }
        var written = 0
        while written < bytes.count {
            let result = systemWrite(descriptor, base + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw SpoolError("writing the temporary file", errno: errno)
            }
            written += result
        }
    }

    func read(offset: Int, count: Int) throws(SpoolError) -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            while initialized < count {
                let result = pread(descriptor, base + initialized, count - initialized, off_t(offset + initialized))
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if result == 0 { return }
                initialized += result
            }
        }
        if failure != 0 { throw SpoolError("reading the temporary file", errno: failure) }
        return bytes
    }
}

/// `write(2)`, named apart from ``SpoolFile/write(_:)``.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

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

    /// Creates a configuration.
    public init(memoryThreshold: Int = 1 << 20, directory: String? = nil) {
        self.memoryThreshold = max(0, memoryThreshold)
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

/// Collects one message's bytes as they arrive: in memory up to the configured
/// threshold, then in a temporary file.
///
/// The file is unlinked as soon as it is created, so it has no name a crash could leave
/// behind; it lives exactly as long as the ``SpooledMessage`` made from it. Writes are
/// plain blocking `write(2)` calls.
///
/// A writer is used by one owner at a time and is not `Sendable`.
public final class MessageSpoolWriter {
    private let configuration: MessageSpoolConfiguration
    private var memory: [UInt8] = []
    private var file: SpoolFile?
    /// Octets appended so far.
    public private(set) var count: Int = 0

    /// Creates an empty writer.
    public init(configuration: MessageSpoolConfiguration = MessageSpoolConfiguration()) {
        self.configuration = configuration
    }

    /// Appends bytes; moves to a temporary file once the threshold is passed.
    public func append(_ bytes: some Collection<UInt8>) throws(SpoolError) {
        guard !bytes.isEmpty else { return }
        if let file {
            try file.write(Array(bytes))
        } else if memory.count + bytes.count <= configuration.memoryThreshold {
            memory.append(contentsOf: bytes)
        } else {
            let file = try SpoolFile(directory: configuration.directory)
            try file.write(memory)
            try file.write(Array(bytes))
            memory = []
            self.file = file
        }
        count += bytes.count
    }

    /// True once the spool has moved to a temporary file.
    public var isOnDisk: Bool { file != nil }

    /// Ends writing and returns the message; the writer is empty afterwards.
    public func finish() -> SpooledMessage {
        let message: SpooledMessage
        if let file {
            message = SpooledMessage(file: file, size: count)
        } else {
            message = SpooledMessage(bytes: memory)
        }
        memory = []
        file = nil
        count = 0
        return message
    }
}

/// A complete received message, in memory or in an unlinked temporary file.
/// Immutable and safe to read from several tasks at once.
public final class SpooledMessage: Sendable {
    private enum Storage: Sendable {
        case memory([UInt8])
        case file(SpoolFile)
    }

    private let storage: Storage
    /// The message size in octets, exactly as received (after dot-unstuffing).
    public let size: Int

    /// A message held in memory.
    public init(bytes: [UInt8]) {
        self.storage = .memory(bytes)
        self.size = bytes.count
    }

    fileprivate init(file: SpoolFile, size: Int) {
        self.storage = .file(file)
        self.size = size
    }

    /// True when the message lives in a temporary file.
    public var isOnDisk: Bool {
        if case .file = storage { return true }
        return false
    }

    /// Reads up to `count` octets starting at `offset` (fewer at the end of the message).
    public func read(offset: Int, count: Int) throws(SpoolError) -> [UInt8] {
        let start = min(max(0, offset), size)
        let end = min(size, start + max(0, count))
        switch storage {
        case .memory(let bytes): return Array(bytes[start..<end])
        case .file(let file): return try file.read(offset: start, count: end - start)
        }
    }

    /// The whole message.
    public func bytes() throws(SpoolError) -> [UInt8] {
        try read(offset: 0, count: size)
    }
}

/// An unlinked temporary file, closed when the last reference goes.
///
/// Sendable: the only stored property is an immutable descriptor; reads use `pread(2)`,
/// which takes an explicit offset and shares no file position between threads. Writes
/// happen only through ``MessageSpoolWriter`` before the file is handed to a
/// ``SpooledMessage``, never after.
private final class SpoolFile: Sendable {
    let descriptor: Int32

    init(directory: String) throws(SpoolError) {
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
        self.descriptor = fd
    }

    deinit { close(descriptor) }

    func write(_ bytes: [UInt8]) throws(SpoolError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return systemWrite(descriptor, base + written, raw.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw SpoolError("writing the temporary file", errno: errno)
            }
            written += result
        }
    }

    func read(offset: Int, count: Int) throws(SpoolError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = out.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(descriptor, base + done, count - done, off_t(offset + done))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw SpoolError("reading the temporary file", errno: errno)
            }
            if result == 0 { break }
            done += result
        }
        return Array(out[0..<done])
    }
}

/// `write(2)`, named apart from ``SpoolFile/write(_:)``.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

import Glibc

/// One user's Maildir++: folders, durable delivery, flags and quota.
///
/// Every method blocks on file I/O; call it off the event loop. The store holds no mutable
/// state of its own, so one value may be used from many tasks at once: unique names, `O_EXCL`
/// and `link` keep concurrent deliveries apart, as the Maildir design intends.
///
/// - SeeAlso: https://cr.yp.to/proto/maildir.html, Courier's README.maildirquota (Maildir++).
public struct MaildirStore: Sendable {
    /// The Maildir root, which is also INBOX.
    public let root: String
    /// The user's quota limits.
    public let quota: MaildirQuota
    /// Site-wide settings.
    public let configuration: MaildirConfiguration

    let fileSystem: any FileSystem
    let names: UniqueNameGenerator
    /// Wall-clock time in nanoseconds since the epoch (for stale-file decisions).
    let now: @Sendable () -> Int64

    /// A store for the Maildir at `root` (created on first delivery if missing).
    public init(root: String, quota: MaildirQuota = .unlimited, configuration: MaildirConfiguration = .init()) {
        self.init(root: root, quota: quota, configuration: configuration, fileSystem: SystemFileSystem())
    }

    init(
        root: String,
        quota: MaildirQuota = .unlimited,
        configuration: MaildirConfiguration = .init(),
        fileSystem: any FileSystem,
        now: @escaping @Sendable () -> Int64 = { let t = UniqueNameGenerator.realtime(); return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) }
    ) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
        self.quota = quota
        self.configuration = configuration
        self.fileSystem = fileSystem
        self.names = UniqueNameGenerator(hostname: configuration.hostname)
        self.now = now
    }

    /// Maps a mailbox name to its folder under this store's configuration.
    public func folder(named mailboxName: String) throws(MaildirError) -> MaildirFolder {
        try MaildirFolder(mailboxName: mailboxName, configuration: configuration)
    }

    /// The directory of a folder: the root for INBOX, `root/.Lists.swift` otherwise.
    public func path(of folder: MaildirFolder) -> String {
        guard let directory = folder.directoryName else { return root }
        return root + "/" + directory
    }

    /// Whether the mailbox exists (INBOX always does). For Sieve's `mailboxexists`.
    ///
    /// - SeeAlso: RFC 5490 §3.1
    public func mailboxExists(_ mailboxName: String) throws(MaildirError) -> Bool {
        let folder = try folder(named: mailboxName)
        if folder.isInbox { return true }
        do throws(SystemCallError) {
            return try fileSystem.stat(path(of: folder)).isDirectory
        } catch where error.errno == ENOENT || error.errno == ENOTDIR {
            return false
        } catch {
            throw .system("stat", error.errno, path(of: folder))
        }
    }

    /// Creates the folder (with `cur/ new/ tmp/` and, below the root, `maildirfolder`) if missing.
    public func createMailbox(_ mailboxName: String) throws(MaildirError) {
        try prepare(try folder(named: mailboxName), create: true)
    }

    // MARK: - System calls with error mapping

    /// Runs one system call; a failure becomes `.diskFull` or `.io` naming the operation and path.
    @inline(__always)
    func sys<T>(_ operation: String, _ path: String, _ body: () throws(SystemCallError) -> T) throws(MaildirError) -> T {
        do throws(SystemCallError) {
            return try body()
        } catch {
            throw .system(operation, error.errno, path)
        }
    }

    /// Writes all of `bytes`, retrying short writes and EINTR.
    func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(MaildirError) {
        var offset = 0
        while offset < bytes.count {
            do throws(SystemCallError) {
                let written = try fileSystem.write(fd, UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                // A regular file never accepts 0 bytes of a non-empty write; don't spin on it.
                if written <= 0 { throw SystemCallError(errno: EIO) }
                offset += written
            } catch where error.errno == EINTR {
                continue
            } catch {
                throw .system("write", error.errno, path)
            }
        }
    }

    /// Copies `count` bytes from the file `source` at `offset` to `destination`'s current
    /// position inside the kernel, retrying short copies and EINTR. Where `sendfile` does not
    /// work between these files (EINVAL, ENOSYS) it reads and writes instead.
    func copyAll(from source: Int32, offset start: Int, count: Int, to destination: Int32, path: String) throws(MaildirError) {
        var offset = start
        while offset < start + count {
            let copied: Int
            do throws(SystemCallError) {
                copied = try fileSystem.copy(from: source, offset: &offset, count: start + count - offset, to: destination)
            } catch where error.errno == EINTR {
                continue
            } catch where offset == start && (error.errno == EINVAL || error.errno == ENOSYS) {
                try readAndWrite(from: source, offset: start, count: count, to: destination, path: path)
                return
            } catch {
                throw .system("write", error.errno, path)
            }
            if copied == 0 { throw .messageSource("the spooled message ended after \(offset - start) of \(count) octets") }
        }
    }

    /// `copyAll` without `sendfile`: positional reads into a buffer, then writes.
    private func readAndWrite(from source: Int32, offset start: Int, count: Int, to destination: Int32, path: String) throws(MaildirError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        var done = 0
        while done < count {
            let wanted = min(buffer.count, count - done)
            let got = pread(source, buffer.baseAddress, wanted, off_t(start + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw .messageSource("reading the spooled message failed: \(errorText(errno))")
            }
            if got == 0 { throw .messageSource("the spooled message ended after \(done) of \(count) octets") }
            try writeAll(destination, UnsafeRawBufferPointer(rebasing: buffer[..<got]), path: path)
            done += got
        }
    }

    /// Writes all of an array's bytes, retrying short writes and EINTR.
    func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(MaildirError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(MaildirError) in try writeAll(fd, raw, path: path) }
        }
        try result.get()
    }

    /// Removes a file, ignoring failure (clean-up on an error path, where the first error counts).
    func discard(_ path: String) {
        do throws(SystemCallError) { try fileSystem.unlink(path) } catch {}
    }

    /// Closes a descriptor on an error path, ignoring failure.
    func discard(fd: Int32) {
        do throws(SystemCallError) { try fileSystem.close(fd) } catch {}
    }

    // MARK: - Folders

    /// Makes a directory with the configured mode, and with `parents` any missing parents
    /// first (as `mkdir -p`). Returns false when it already existed.
    @discardableResult
    func makeDirectory(_ path: String, parents: Bool = false) throws(MaildirError) -> Bool {
        do throws(SystemCallError) {
            try fileSystem.mkdir(path, mode: configuration.directoryMode)
        } catch where error.errno == EEXIST {
            return false
        } catch where error.errno == ENOENT && parents {
            guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
                throw .system("mkdir", error.errno, path)
            }
            try makeDirectory(String(path[..<slash]), parents: true)
            return try makeDirectory(path)
        } catch {
            throw .system("mkdir", error.errno, path)
        }
        // mkdir's mode passes through the umask; set exactly what was configured.
        try sys("chmod", path) { () throws(SystemCallError) in try fileSystem.chmod(path, mode: configuration.directoryMode) }
        return true
    }

    /// Makes sure a folder is ready for delivery: the root and, for INBOX or when `create` is
    /// set, the folder directory, its `maildirfolder` marker and `cur/ new/ tmp/`. New directory
    /// entries are fsynced so the folder survives a crash along with the message.
    func prepare(_ folder: MaildirFolder, create: Bool) throws(MaildirError) {
        let directory = path(of: folder)
        if !folder.isInbox {
            let exists: Bool
            do throws(SystemCallError) {
                exists = try fileSystem.stat(directory).isDirectory
            } catch where error.errno == ENOENT {
                exists = false
            } catch {
                throw .system("stat", error.errno, directory)
            }
            if !exists && !create {
                throw .mailboxDoesNotExist(name: folder.mailboxName, path: directory)
            }
            try prepare(.inbox, create: true)
            if try makeDirectory(directory) {
                let marker = directory + "/maildirfolder"
                let fd = try sys("open", marker) { () throws(SystemCallError) in
                    try fileSystem.open(marker, flags: O_WRONLY | O_CREAT, mode: configuration.fileMode)
                }
                try sys("close", marker) { () throws(SystemCallError) in try fileSystem.close(fd) }
                try sys("fsync", root) { () throws(SystemCallError) in try fileSystem.fsyncDirectory(root) }
            }
        } else {
            try makeDirectory(directory, parents: true)
        }
        var created = false
        for sub in ["cur", "new", "tmp"] {
            if try makeDirectory(directory + "/" + sub) { created = true }
        }
        if created {
            try sys("fsync", directory) { () throws(SystemCallError) in try fileSystem.fsyncDirectory(directory) }
        }
    }
}

/// A user's Maildir++ quota: total bytes and/or message count, each optional.
///
/// - SeeAlso: Courier's README.maildirquota ("Contents of maildirsize").
public struct MaildirQuota: Equatable, Sendable {
    /// Most bytes all messages may take (S), or `nil` for no byte limit.
    public var bytes: UInt64?
    /// Most messages (C), or `nil` for no count limit.
    public var messages: UInt64?

    /// No limits: no quota accounting at all.
    public static let unlimited = MaildirQuota()

    /// A quota with the given limits.
    public init(bytes: UInt64? = nil, messages: UInt64? = nil) {
        self.bytes = bytes
        self.messages = messages
    }

    /// Whether any limit is set.
    public var isLimited: Bool { bytes != nil || messages != nil }
}

import Glibc
import MailCore

/// What a successful delivery stored, and anything the caller should log.
public struct DeliveryReceipt: Equatable, Sendable {
    /// The folder the message went to.
    public var folder: MaildirFolder
    /// The full path of the stored file (in `new/` or `cur/`).
    public var path: String
    /// The file name (`<unique>,S=<size>,W=<vsize>[:2,<flags>]`).
    public var fileName: String
    /// Bytes on disk (S).
    public var size: UInt64
    /// Bytes with CRLF line ends, the RFC 822 size (W).
    public var virtualSize: UInt64
    /// Flag letters in the file name (`FS`, `Sab`), empty when stored in `new/`.
    public var flagLetters: String
    /// Flags that could not be recorded, with the reason, for the log.
    public var ignoredFlags: [IgnoredFlag]
    /// Non-fatal problems after the message was safely stored, for the log.
    public var warnings: [String]
}

/// A flag the store could not record on the message, and why.
public struct IgnoredFlag: Equatable, Sendable, CustomStringConvertible {
    /// The flag as given (`\Recent`, `$Label1`, ...).
    public var flag: String
    /// Why it was ignored.
    public var reason: String

    /// Records that `flag` was ignored and why.
    public init(flag: String, reason: String) {
        self.flag = flag
        self.reason = reason
    }

    /// A log line.
    public var description: String { "flag \(DiagnosticText.quoted(flag)) ignored: \(reason)" }
}

extension MaildirStore {
    /// How many fresh names to try when a name is taken (which unique names make next to impossible).
    static let nameAttempts = 5

    /// Delivers one recipient's copy to a mailbox, durably.
    ///
    /// Writes to `tmp/` (`O_CREAT|O_EXCL`), fsyncs and closes the file, checks the quota now
    /// that the size is known (`.quotaExceeded` if it would be exceeded), links it into `new/`
    /// (or `cur/` with `:2,<flags>` when flags are set), removes the `tmp/` name and fsyncs the
    /// destination directory. Only when this returns is the message safe; on any error nothing
    /// is left in `new/` or `cur/` and the `tmp/` file is removed.
    ///
    /// - Parameters:
    ///   - message: The message bytes; line ends are converted to `configuration.lineEnding`.
    ///   - mailboxName: A Sieve/IMAP mailbox name (UTF-8); `INBOX` is the root.
    ///   - flags: imap4flags flags and keywords (`\Seen`, `$Label1`, ...).
    ///   - createIfMissing: Create the folder if it does not exist (`fileinto :create`, configuration).
    ///   - keepingLineEnds: Store the bytes exactly as given, without line-end conversion (a
    ///     `BODY=BINARYMIME` message, whose CR and LF octets may be data).
    /// - SeeAlso: https://cr.yp.to/proto/maildir.html; RFC 5232 (imap4flags); RFC 5490 §3.2 (`:create`).
    public func deliver(
        _ message: some MessageSource,
        to mailboxName: String = "INBOX",
        flags: [String] = [],
        createIfMissing: Bool = false,
        keepingLineEnds: Bool = false
    ) throws(MaildirError) -> DeliveryReceipt {
        try deliver(message, to: try folder(named: mailboxName), flags: flags, createIfMissing: createIfMissing,
                    keepingLineEnds: keepingLineEnds)
    }

    /// Delivers one recipient's copy to an already mapped folder; see `deliver(_:to:flags:createIfMissing:keepingLineEnds:)`.
    public func deliver(
        _ message: some MessageSource,
        to folder: MaildirFolder,
        flags: [String] = [],
        createIfMissing: Bool = false,
        keepingLineEnds: Bool = false
    ) throws(MaildirError) -> DeliveryReceipt {
        let directory = path(of: folder)
        let temporary = try writeTemporaryFile(message, in: folder, createIfMissing: createIfMissing,
                                               keepingLineEnds: keepingLineEnds)
        do throws(MaildirError) {
            try checkQuota(adding: temporary.size)
        } catch {
            discard(temporary.path)
            throw error
        }
        var warnings: [String] = []
        let (letters, ignored) = flagLetters(for: flags, in: directory, warnings: &warnings)
        let stored: (path: String, name: String)
        do throws(MaildirError) {
            stored = try moveIntoPlace(temporary, folder: folder, letters: letters, createIfMissing: createIfMissing, warnings: &warnings)
        } catch {
            discard(temporary.path)
            throw error
        }
        recordDelivery(size: temporary.size, warnings: &warnings)
        return DeliveryReceipt(
            folder: folder,
            path: stored.path,
            fileName: stored.name,
            size: temporary.size,
            virtualSize: temporary.virtualSize,
            flagLetters: letters,
            ignoredFlags: ignored,
            warnings: warnings
        )
    }

    /// A message written and fsynced in `tmp/`.
    struct TemporaryFile {
        var path: String
        var baseName: String
        var size: UInt64
        var virtualSize: UInt64
    }

    /// Creates a file in the folder's `tmp/`, streams the message into it, fsyncs and closes it.
    /// On failure the file is removed.
    func writeTemporaryFile(_ message: some MessageSource, in folder: MaildirFolder, createIfMissing: Bool,
                            keepingLineEnds: Bool = false) throws(MaildirError) -> TemporaryFile {
        if !keepingLineEnds, let placed = try placeTemporaryFile(message, in: folder, createIfMissing: createIfMissing) {
            return placed
        }
        let directory = path(of: folder)
        var prepared = false
        var attempt = 0
        var baseName: String
        var temporaryPath: String
        var fd: Int32
        while true {
            attempt += 1
            baseName = names.next()
            temporaryPath = directory + "/tmp/" + baseName
            do throws(SystemCallError) {
                fd = try fileSystem.open(temporaryPath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: configuration.fileMode)
                break
            } catch where error.errno == ENOENT && !prepared {
                try prepare(folder, create: createIfMissing)
                prepared = true
            } catch where error.errno == EEXIST && attempt < Self.nameAttempts {
                continue
            } catch {
                throw .system("open", error.errno, temporaryPath)
            }
        }
        if configuration.fileMode & 0o077 != 0 {
            // The umask may have taken group/other bits the configuration asks for.
            do throws(MaildirError) {
                try sys("chmod", temporaryPath) { () throws(SystemCallError) in try fileSystem.chmod(temporaryPath, mode: configuration.fileMode) }
            } catch {
                discard(fd: fd)
                discard(temporaryPath)
                throw error
            }
        }

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: MessageOutput.bufferSize(for: configuration.lineEnding),
                                                            alignment: 16)
        defer { buffer.deallocate() }
        var output = MessageOutput(store: self, descriptor: fd, path: temporaryPath, buffer: buffer,
                                   keepsLineEnds: keepingLineEnds)
        do throws(MaildirError) {
            try message.write(to: &output)
            try output.finish()
            try sys("fsync", temporaryPath) { () throws(SystemCallError) in try fileSystem.fsync(fd) }
        } catch {
            discard(fd: fd)
            discard(temporaryPath)
            throw error
        }
        do throws(MaildirError) {
            // close can report a delayed write error (NFS); it counts like a failed write.
            try sys("close", temporaryPath) { () throws(SystemCallError) in try fileSystem.close(fd) }
        } catch {
            discard(temporaryPath)
            throw error
        }
        return TemporaryFile(path: temporaryPath, baseName: baseName, size: UInt64(output.storedSize),
                             virtualSize: UInt64(output.virtualSize))
    }

    /// Asks the message to put itself in the folder's `tmp/` without a write (a spool file
    /// linked there, `MessageSource.placeWhole`); nil when it cannot, and the message is
    /// then written. The file gets the configured mode.
    func placeTemporaryFile(_ message: some MessageSource, in folder: MaildirFolder,
                            createIfMissing: Bool) throws(MaildirError) -> TemporaryFile? {
        let directory = path(of: folder)
        var prepared = false
        for _ in 0..<Self.nameAttempts {
            let baseName = names.next()
            let temporaryPath = directory + "/tmp/" + baseName
            switch message.placeWhole(at: temporaryPath, lineEnding: configuration.lineEnding) {
            case .unavailable:
                return nil
            case .failed(let code) where code == EEXIST:
                continue
            case .failed(let code) where code == ENOENT && !prepared:
                try prepare(folder, create: createIfMissing)
                prepared = true
            case .failed:
                // Another file system, no /proc, ...: the message is written instead.
                return nil
            case .placed(let sizes):
                do throws(MaildirError) {
                    try sys("chmod", temporaryPath) { () throws(SystemCallError) in
                        try fileSystem.chmod(temporaryPath, mode: configuration.fileMode)
                    }
                } catch {
                    discard(temporaryPath)
                    throw error
                }
                return TemporaryFile(path: temporaryPath, baseName: baseName, size: UInt64(sizes.count),
                                     virtualSize: UInt64(sizes.virtualSize))
            }
        }
        return nil
    }

    /// Errors with which `link` says the file system has no hard links; then we rename.
    static func linkUnsupported(_ code: Int32) -> Bool {
        code == EPERM || code == ENOSYS || code == EOPNOTSUPP || code == ENOTSUP
    }

    /// Links the temporary file into `new/` or `cur/`, removes the `tmp/` name and fsyncs the
    /// destination directory. On failure nothing is left at the destination.
    func moveIntoPlace(
        _ temporary: TemporaryFile,
        folder: MaildirFolder,
        letters: String,
        createIfMissing: Bool,
        warnings: inout [String]
    ) throws(MaildirError) -> (path: String, name: String) {
        let directory = path(of: folder)
        let subdirectory = directory + (letters.isEmpty ? "/new" : "/cur")
        let sizes = ",S=\(temporary.size),W=\(temporary.virtualSize)"
        let info = letters.isEmpty ? "" : ":2," + letters
        var baseName = temporary.baseName
        var prepared = false
        var renamed = false
        var attempt = 0
        var destination: String
        var fileName: String
        while true {
            attempt += 1
            fileName = baseName + sizes + info
            destination = subdirectory + "/" + fileName
            do throws(SystemCallError) {
                try fileSystem.link(temporary.path, destination)
                break
            } catch where error.errno == EEXIST && attempt < Self.nameAttempts {
                baseName = names.next()
            } catch where error.errno == ENOENT && !prepared {
                try prepare(folder, create: createIfMissing)
                prepared = true
            } catch where Self.linkUnsupported(error.errno) {
                // No hard links here: rename instead, but never over an existing file.
                if (try? fileSystem.stat(destination)) != nil {
                    if attempt < Self.nameAttempts { baseName = names.next(); continue }
                    throw .system("rename", EEXIST, destination)
                }
                try sys("rename", destination) { () throws(SystemCallError) in try fileSystem.rename(temporary.path, destination) }
                renamed = true
                break
            } catch {
                throw .system("link", error.errno, destination)
            }
        }
        if !renamed {
            do throws(SystemCallError) {
                try fileSystem.unlink(temporary.path)
            } catch {
                // The message is safely in place; the tmp/ name is removed by the next clean-up.
                warnings.append("unlink \(temporary.path) failed: \(errorText(error.errno)) (errno \(error.errno)); left for tmp/ clean-up")
            }
        }
        do throws(MaildirError) {
            try sys("fsync", subdirectory) { () throws(SystemCallError) in try fileSystem.fsyncDirectory(subdirectory) }
        } catch {
            // Not durable, so the recipient gets a 4xx and the MTA retries: take the copy back
            // so the retry does not leave a duplicate.
            discard(destination)
            throw error
        }
        return (destination, fileName)
    }
}

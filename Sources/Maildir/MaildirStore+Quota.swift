import Glibc

/// What a Maildir holds, for quota decisions.
public struct QuotaUsage: Equatable, Sendable {
    /// Total size of all messages, in bytes (S sizes).
    public var bytes: Int64
    /// Number of messages.
    public var messages: Int64

    /// Usage of `bytes` bytes in `messages` messages.
    public init(bytes: Int64, messages: Int64) {
        self.bytes = bytes
        self.messages = messages
    }
}

/// The Maildir++ `maildirsize` file: a first line with the limits (`<bytes>S,<count>C`), then
/// lines `<bytes> <count>`, one per change, that add up to the usage.
///
/// - SeeAlso: Courier's README.maildirquota ("Contents of maildirsize", "Calculating the quota").
enum MaildirSizeFile {
    static let name = "maildirsize"
    /// A file this large or larger is recalculated rather than summed.
    static let recalculationSize = 5120
    /// An over-quota answer from a file this old is checked by recalculating.
    static let staleNanoseconds: Int64 = 15 * 60 * 1_000_000_000

    /// The first line for a quota, e.g. `10000000S,1000C`.
    static func header(for quota: MaildirQuota) -> String {
        var parts: [String] = []
        if let bytes = quota.bytes { parts.append("\(bytes)S") }
        if let messages = quota.messages { parts.append("\(messages)C") }
        return parts.joined(separator: ",")
    }

    struct Contents: Equatable {
        var header: String
        var usage: QuotaUsage
        /// Lines after the header.
        var usageLines: Int
    }

    /// Parses the file; `nil` when it is malformed (including a last line cut short by a crash).
    static func parse(_ bytes: [UInt8]) -> Contents? {
        guard bytes.last == UInt8(ascii: "\n") else { return nil }
        var lines = bytes.dropLast().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard !lines.isEmpty else { return nil }
        let header = String(decoding: lines.removeFirst(), as: UTF8.self)
        var usage = QuotaUsage(bytes: 0, messages: 0)
        for line in lines {
            let fields = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            guard fields.count == 2,
                let bytes = Int64(String(decoding: fields[0], as: UTF8.self)),
                let count = Int64(String(decoding: fields[1], as: UTF8.self))
            else { return nil }
            let (sumBytes, overflowBytes) = usage.bytes.addingReportingOverflow(bytes)
            let (sumCount, overflowCount) = usage.messages.addingReportingOverflow(count)
            guard !overflowBytes, !overflowCount else { return nil }
            usage = QuotaUsage(bytes: sumBytes, messages: sumCount)
        }
        return Contents(header: header, usage: usage, usageLines: lines.count)
    }

    /// The size a Maildir++ writer put in the file name (`,S=<size>`), if any.
    static func sizeInName(_ name: String) -> Int64? {
        let bytes = Array(name.utf8)
        guard bytes.count > 3 else { return nil }
        for start in 0..<(bytes.count - 3) where bytes[start] == UInt8(ascii: ",") && bytes[start + 1] == UInt8(ascii: "S") && bytes[start + 2] == UInt8(ascii: "=") {
            let digits = bytes[(start + 3)...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            return digits.isEmpty ? nil : Int64(String(decoding: digits, as: UTF8.self))
        }
        return nil
    }
}

extension MaildirStore {
    var maildirSizePath: String { root + "/" + MaildirSizeFile.name }

    /// The user's usage, from `maildirsize` when it can be trusted, else by recalculating.
    ///
    /// `maildirsize` is recalculated when it is missing, malformed, 5120 bytes or larger, or
    /// when its first line does not match the configured limits (those changed).
    public func quotaUsage() throws(MaildirError) -> QuotaUsage {
        try readQuotaUsage(adding: nil)
    }

    /// Reads the usage; when it shows that `adding` would go over quota, and the file has more
    /// than one usage line or is 15 minutes old, the numbers are recalculated to be sure.
    func readQuotaUsage(adding: UInt64?) throws(MaildirError) -> QuotaUsage {
        let path = maildirSizePath
        guard let bytes = try readSmallFile(path, limit: MaildirSizeFile.recalculationSize),
            bytes.count < MaildirSizeFile.recalculationSize,
            let file = MaildirSizeFile.parse(bytes),
            file.header == MaildirSizeFile.header(for: quota)
        else {
            return try recalculateQuota()
        }
        if let adding, refusal(for: file.usage, adding: adding) != nil {
            let modified: Int64
            do throws(SystemCallError) {
                modified = try fileSystem.stat(path).modified
            } catch {
                return try recalculateQuota()
            }
            if file.usageLines > 1 || now() - modified >= MaildirSizeFile.staleNanoseconds {
                return try recalculateQuota()
            }
        }
        return file.usage
    }

    /// Why adding a message of `size` bytes to `usage` breaks the quota, or `nil` if it fits.
    func refusal(for usage: QuotaUsage, adding size: UInt64) -> QuotaExceeded? {
        let usedBytes = UInt64(max(0, usage.bytes))
        let usedMessages = UInt64(max(0, usage.messages))
        if let limit = quota.bytes, usedBytes.addingReportingOverflow(size).partialValue > limit || usedBytes > limit {
            return QuotaExceeded(limit: .bytes, maximum: limit, used: usedBytes, adding: size)
        }
        if let limit = quota.messages, usedMessages + 1 > limit {
            return QuotaExceeded(limit: .messages, maximum: limit, used: usedMessages, adding: 1)
        }
        return nil
    }

    /// Refuses a message that would put the user over quota. No-op without limits.
    func checkQuota(adding size: UInt64) throws(MaildirError) {
        guard quota.isLimited else { return }
        if let refused = refusal(for: try readQuotaUsage(adding: size), adding: size) {
            throw .quotaExceeded(refused)
        }
    }

    /// Appends this delivery to `maildirsize` (`O_APPEND`, one line `<size> 1`). A missing file
    /// is left missing (the next check recalculates); failures become warnings, since the
    /// message is already stored and the next recalculation corrects the numbers.
    func recordDelivery(size: UInt64, warnings: inout [String]) {
        guard quota.isLimited else { return }
        let path = maildirSizePath
        do throws(MaildirError) {
            let fd: Int32
            do throws(SystemCallError) {
                fd = try fileSystem.open(path, flags: O_WRONLY | O_APPEND, mode: 0)
            } catch where error.errno == ENOENT {
                return
            } catch {
                throw .system("open", error.errno, path)
            }
            do throws(MaildirError) {
                try writeAll(fd, Array("\(size) 1\n".utf8), path: path)
            } catch {
                discard(fd: fd)
                throw error
            }
            try sys("close", path) { () throws(SystemCallError) in try fileSystem.close(fd) }
        } catch {
            warnings.append("quota usage not recorded in maildirsize: \(error)")
        }
    }

    /// Counts every message in `new/` and `cur/` of INBOX and of all folders (Trash included, as
    /// Dovecot counts it), then, with limits configured, rewrites `maildirsize` atomically
    /// (written in `tmp/`, renamed into place). If a folder changed during the scan the new file
    /// is removed again, so the next delivery recounts.
    ///
    /// - SeeAlso: Courier's README.maildirquota ("Calculating maildirsize").
    @discardableResult
    public func recalculateQuota() throws(MaildirError) -> QuotaUsage {
        var usage = QuotaUsage(bytes: 0, messages: 0)
        var latest: Int64 = 0
        var scanned: [String] = []
        for directory in try folderDirectories() {
            for sub in ["new", "cur"] {
                let path = directory + "/" + sub
                let names: [String]
                do throws(SystemCallError) {
                    latest = max(latest, try fileSystem.stat(path).modified)
                    names = try fileSystem.contentsOfDirectory(path)
                } catch where error.errno == ENOENT || error.errno == ENOTDIR {
                    continue
                } catch {
                    throw .system("scan", error.errno, path)
                }
                scanned.append(path)
                for name in names where !name.hasPrefix(".") {
                    if let size = MaildirSizeFile.sizeInName(name) {
                        usage.bytes += size
                    } else if let status = try? fileSystem.stat(path + "/" + name), status.isRegularFile {
                        usage.bytes += status.size
                    } else {
                        continue  // removed meanwhile, or not a message
                    }
                    usage.messages += 1
                }
            }
        }
        guard quota.isLimited else { return usage }

        try prepare(.inbox, create: true)
        let temporary = root + "/tmp/" + names.next()
        let text = MaildirSizeFile.header(for: quota) + "\n\(usage.bytes) \(usage.messages)\n"
        do throws(MaildirError) {
            let fd = try sys("open", temporary) { () throws(SystemCallError) in
                try fileSystem.open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL, mode: configuration.fileMode)
            }
            do throws(MaildirError) {
                try writeAll(fd, Array(text.utf8), path: temporary)
            } catch {
                discard(fd: fd)
                throw error
            }
            try sys("close", temporary) { () throws(SystemCallError) in try fileSystem.close(fd) }
            try sys("rename", maildirSizePath) { () throws(SystemCallError) in try fileSystem.rename(temporary, maildirSizePath) }
        } catch {
            discard(temporary)
            throw error
        }
        for path in scanned {
            if let status = try? fileSystem.stat(path), status.modified > latest {
                discard(maildirSizePath)
                break
            }
        }
        return usage
    }
}

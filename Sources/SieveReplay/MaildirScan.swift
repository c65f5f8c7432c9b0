#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Maildir

/// One message file found in a Maildir.
public struct MaildirMessageFile: Sendable, Hashable {
    /// The mailbox the file is in: `INBOX`, or the decoded Maildir++ folder name with `/`
    /// between levels (`.Lists.swift` is `Lists/swift`, `.Entw&APw-rfe` is `Entwürfe`).
    public var mailbox: String
    /// The path relative to the Maildir root (`cur/1700000000.M1P2.host:2,S`).
    public var relativePath: String
    /// When the message was delivered, in seconds since the epoch: the leading seconds of
    /// the unique name, else the file's modification time.
    public var deliveryTime: Int

    public init(mailbox: String, relativePath: String, deliveryTime: Int) {
        self.mailbox = mailbox
        self.relativePath = relativePath
        self.deliveryTime = deliveryTime
    }
}

/// Why a Maildir could not be read.
public struct ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }
}

/// Lists and reads the messages of a Maildir without changing anything: directories are
/// read with `opendir`, files opened `O_RDONLY`; nothing is renamed, created or touched.
public enum MaildirScan {
    /// Every message in `new/` and `cur/` of INBOX (the root) and of every Maildir++
    /// folder (`.Name` directories that have a `cur/`), sorted by mailbox, then path.
    /// `tmp/` is skipped: files there are deliveries in progress.
    ///
    /// - Throws: `ReplayError` when `root` is not a Maildir (it has no `cur/` or `new/`).
    public static func messages(in root: String) throws(ReplayError) -> [MaildirMessageFile] {
        guard isDirectory(root + "/cur") || isDirectory(root + "/new") else {
            throw ReplayError("\(root) is not a Maildir: it has no cur/ or new/ directory")
        }
        var folders: [(mailbox: String, directory: String)] = [("INBOX", "")]
        for entry in entries(of: root).sorted() where entry.hasPrefix(".") && entry != "." && entry != ".." {
            guard isDirectory(root + "/" + entry + "/cur") || isDirectory(root + "/" + entry + "/new") else { continue }
            folders.append((mailboxName(ofDirectory: entry), entry + "/"))
        }
        var files: [MaildirMessageFile] = []
        for folder in folders {
            for sub in ["cur", "new"] {
                let directory = folder.directory + sub
                for name in entries(of: root + "/" + directory).sorted() where !name.hasPrefix(".") {
                    let relative = directory + "/" + name
                    guard let info = status(root + "/" + relative), (info.st_mode & S_IFMT) == S_IFREG else { continue }
                    let time = deliveryTime(uniqueName: name) ?? Int(info.st_mtim.tv_sec)
                    files.append(MaildirMessageFile(mailbox: folder.mailbox, relativePath: relative, deliveryTime: time))
                }
            }
        }
        return files
    }

    /// The mailbox name of a Maildir++ directory: levels split at `.`, each decoded from
    /// modified UTF-7, joined with `/`. A level that is not valid modified UTF-7 is kept as
    /// written.
    public static func mailboxName(ofDirectory directory: String) -> String {
        directory.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map { level in
            (try? ModifiedUTF7.decode(String(level))) ?? String(level)
        }.joined(separator: "/")
    }

    /// The delivery time a Maildir unique name starts with (`1700000000.M1P2.host`), if any.
    public static func deliveryTime(uniqueName name: String) -> Int? {
        let digits = name.utf8.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard !digits.isEmpty, digits.count <= 12, name.utf8.dropFirst(digits.count).first == 0x2E else { return nil }
        return Int(String(decoding: digits, as: UTF8.self))
    }

    /// Reads a whole file opened read-only.
    public static func contents(of path: String) throws(ReplayError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReplayError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReplayError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    static func isDirectory(_ path: String) -> Bool {
        guard let info = status(path) else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func status(_ path: String) -> stat? {
        var info = stat()
        return stat(path, &info) == 0 ? info : nil
    }

    static func entries(of path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

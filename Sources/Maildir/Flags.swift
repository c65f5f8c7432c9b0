import Glibc

/// The Maildir info letters of the IMAP system flags (`:2,<letters>`), as Dovecot and Courier use them.
///
/// - SeeAlso: https://cr.yp.to/proto/maildir.html ("Info semantics"); RFC 3501 §2.3.2 (system flags).
enum SystemFlag {
    static let letters: [String: Character] = [
        "\\seen": "S",
        "\\answered": "R",
        "\\flagged": "F",
        "\\deleted": "T",
        "\\draft": "D",
    ]
}

/// Keywords beyond the system flags: at most 26 per folder, letters `a`–`z`, listed in the
/// folder's `dovecot-keywords` file as lines `<index> <keyword>`.
enum KeywordFile {
    static let name = "dovecot-keywords"
    /// Dovecot's lock name; we write the new file under it, then rename it into place.
    static let lockName = "dovecot-keywords.lock"
    static let maximumKeywords = 26
    /// A lock older than this is taken to be left by a crash (Dovecot uses the same 2 minutes).
    static let staleLockNanoseconds: Int64 = 120 * 1_000_000_000
    /// How long to wait for another writer's lock before giving up on the keywords.
    static let lockWaitNanoseconds: Int64 = 5 * 1_000_000_000

    /// Parses the file the way Dovecot reads it: lines `<index> <name>`, index 0–25; anything
    /// else is skipped.
    static func parse(_ bytes: [UInt8]) -> [Int: String] {
        var result: [Int: String] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { continue }
            let digits = line[line.startIndex..<space]
            let name = line[line.index(after: space)...]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !name.isEmpty,
                let index = Int(String(decoding: digits, as: UTF8.self)), index < maximumKeywords
            else { continue }
            result[index] = String(decoding: name, as: UTF8.self)
        }
        return result
    }

    static func render(_ keywords: [Int: String]) -> [UInt8] {
        var text = ""
        for index in keywords.keys.sorted() {
            if let name = keywords[index] { text += "\(index) \(name)\n" }
        }
        return Array(text.utf8)
    }

    /// Whether a keyword is an IMAP atom (RFC 3501 §9 `flag-keyword`): no space, control,
    /// `( ) { % * " \ ]`, nor 8-bit characters.
    ///
    /// - SeeAlso: RFC 3501 §9 (`atom`, `ATOM-CHAR`)
    static func isValidKeyword(_ keyword: String) -> Bool {
        !keyword.isEmpty
            && keyword.utf8.allSatisfy { byte in
                byte > 0x20 && byte < 0x7F && !"(){%*\"\\]".utf8.contains(byte)
            }
    }
}

extension MaildirStore {
    /// Turns imap4flags flags into sorted Maildir info letters, recording keywords in the folder's
    /// `dovecot-keywords`. Flags that cannot be recorded are returned with the reason.
    ///
    /// - SeeAlso: RFC 5232 §3 (imap4flags: flags are case-insensitive, space-separated lists)
    func flagLetters(for flags: [String], in directory: String, warnings: inout [String]) -> (String, [IgnoredFlag]) {
        var letters = Set<Character>()
        var ignored: [IgnoredFlag] = []
        var keywords: [String] = []
        var seenKeywords = Set<String>()
        // imap4flags variables may hold space-separated lists; split them here too.
        for flag in flags.flatMap({ $0.split(separator: " ").map(String.init) }) {
            if flag.hasPrefix("\\") {
                if let letter = SystemFlag.letters[flag.lowercased()] {
                    letters.insert(letter)
                } else {
                    ignored.append(IgnoredFlag(flag: flag, reason: "not a system flag that can be stored (\\Seen, \\Answered, \\Flagged, \\Deleted, \\Draft)"))
                }
            } else if !KeywordFile.isValidKeyword(flag) {
                ignored.append(IgnoredFlag(flag: flag, reason: "not a valid IMAP keyword (an atom of printable ASCII without ( ) { % * \" \\ ])"))
            } else if seenKeywords.insert(flag.lowercased()).inserted {
                keywords.append(flag)
            }
        }
        if !keywords.isEmpty {
            let (keywordLetters, refused) = keywordLetters(for: keywords, in: directory)
            letters.formUnion(keywordLetters)
            ignored += refused
        }
        return (String(letters.sorted()), ignored)
    }

    /// Looks keywords up in `dovecot-keywords` (case-insensitively, as Dovecot does), adding the
    /// missing ones in free slots. The file is replaced atomically: written under Dovecot's lock
    /// name `dovecot-keywords.lock` (created with `O_EXCL`, so concurrent writers wait), fsynced,
    /// then renamed over `dovecot-keywords`.
    func keywordLetters(for keywords: [String], in directory: String) -> ([Character], [IgnoredFlag]) {
        let filePath = directory + "/" + KeywordFile.name
        let lockPath = directory + "/" + KeywordFile.lockName
        var existing: [Int: String]
        do throws(MaildirError) {
            existing = try readKeywordFile(filePath)
        } catch {
            return ([], keywords.map { IgnoredFlag(flag: $0, reason: "cannot read \(KeywordFile.name): \(error)") })
        }
        func lookup(_ table: [Int: String]) -> (found: [Character], missing: [String]) {
            var found: [Character] = []
            var missing: [String] = []
            for keyword in keywords {
                if let index = table.first(where: { $0.value.lowercased() == keyword.lowercased() })?.key {
                    found.append(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(index))))
                } else {
                    missing.append(keyword)
                }
            }
            return (found, missing)
        }
        if lookup(existing).missing.isEmpty { return (lookup(existing).found, []) }

        // Some keywords are new: take the lock, re-read (another writer may have added them), extend, replace.
        let lockFd: Int32
        do throws(MaildirError) {
            lockFd = try acquireKeywordLock(lockPath)
        } catch {
            return (lookup(existing).found, lookup(existing).missing.map { IgnoredFlag(flag: $0, reason: "cannot lock \(KeywordFile.name): \(error)") })
        }
        var ignored: [IgnoredFlag] = []
        // Track what the error path must undo: never close twice (the number may be reused by
        // another thread) and never remove a lock file that is no longer ours.
        var descriptorOpen = true
        var lockHeld = true
        do throws(MaildirError) {
            existing = try readKeywordFile(filePath)
            var updated = existing
            for keyword in lookup(existing).missing {
                guard let free = (0..<KeywordFile.maximumKeywords).first(where: { updated[$0] == nil }) else {
                    ignored.append(IgnoredFlag(flag: keyword, reason: "the folder already has \(KeywordFile.maximumKeywords) keywords, the most a Maildir file name can carry (letters a-z)"))
                    continue
                }
                updated[free] = keyword
            }
            if updated != existing {
                try writeAll(lockFd, KeywordFile.render(updated), path: lockPath)
                try sys("fsync", lockPath) { () throws(SystemCallError) in try fileSystem.fsync(lockFd) }
            }
            descriptorOpen = false
            try sys("close", lockPath) { () throws(SystemCallError) in try fileSystem.close(lockFd) }
            if updated != existing {
                try sys("rename", filePath) { () throws(SystemCallError) in try fileSystem.rename(lockPath, filePath) }
                lockHeld = false
                // The message's letters refer to this file: make the new entry durable first.
                try sys("fsync", directory) { () throws(SystemCallError) in try fileSystem.fsyncDirectory(directory) }
            } else {
                lockHeld = false
                discard(lockPath)
            }
            existing = updated
        } catch {
            if descriptorOpen { discard(fd: lockFd) }
            if lockHeld { discard(lockPath) }
            let result = lookup(existing)
            return (result.found, result.missing.map { IgnoredFlag(flag: $0, reason: "cannot update \(KeywordFile.name): \(error)") })
        }
        let result = lookup(existing)
        return (result.found, ignored)
    }

    /// Reads `dovecot-keywords`; a missing file is an empty table.
    func readKeywordFile(_ path: String) throws(MaildirError) -> [Int: String] {
        guard let bytes = try readSmallFile(path, limit: 64 * 1024) else { return [:] }
        return KeywordFile.parse(bytes)
    }

    /// Reads a whole small file, or returns `nil` when it does not exist. Reads at most `limit` bytes.
    func readSmallFile(_ path: String, limit: Int) throws(MaildirError) -> [UInt8]? {
        let fd: Int32
        do throws(SystemCallError) {
            fd = try fileSystem.open(path, flags: O_RDONLY, mode: 0)
        } catch where error.errno == ENOENT {
            return nil
        } catch {
            throw .system("open", error.errno, path)
        }
        defer { discard(fd: fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while result.count < limit {
            let count: Int
            do throws(SystemCallError) {
                count = try buffer.withUnsafeMutableBytes { raw in
                    Result { () throws(SystemCallError) in try fileSystem.read(fd, into: raw) }
                }.get()
            } catch where error.errno == EINTR {
                continue
            } catch {
                throw .system("read", error.errno, path)
            }
            if count == 0 { break }
            result += buffer[..<count]
        }
        return result
    }

    /// Creates the lock file with `O_EXCL`, waiting while another writer holds it and breaking a
    /// lock left behind by a crash.
    func acquireKeywordLock(_ lockPath: String) throws(MaildirError) -> Int32 {
        let deadline = now() + KeywordFile.lockWaitNanoseconds
        while true {
            do throws(SystemCallError) {
                return try fileSystem.open(lockPath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: configuration.fileMode)
            } catch where error.errno == EEXIST {
                if let status = try? fileSystem.stat(lockPath), now() - status.modified > KeywordFile.staleLockNanoseconds {
                    discard(lockPath)
                    continue
                }
                if now() > deadline { throw .io(operation: "waiting 5 s for the lock held by another writer: open", errno: EEXIST, path: lockPath) }
                usleep(2_000)
            } catch {
                throw .system("open", error.errno, lockPath)
            }
        }
    }
}

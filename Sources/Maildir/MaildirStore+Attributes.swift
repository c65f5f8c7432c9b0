import Glibc

/// Mailbox attributes kept in small text files beside the mail, for Sieve's `special-use`
/// (RFC 8579), `mailboxid` (RFC 9042) and `mboxmetadata` (RFC 5490). A Maildir has no
/// place of its own for them; an IMAP server or a provisioning script that shares the
/// Maildir writes these files, Sluice only reads them (and adds a special-use line when
/// `fileinto :specialuse ... :create` creates the folder).
///
/// - `<root>/sluice-special-use`: one mark per line, `<attribute> <mailbox name>`, such
///   as `\Junk Spam` or `\Archive Lists/Archive`; `#` starts a comment line.
/// - `<folder>/sluice-mailboxid` (`<root>/sluice-mailboxid` for INBOX): the folder's
///   object id on its first line (RFC 8474: 1 to 255 letters, digits, `-`, `_`).
/// - `<folder>/sluice-metadata`: one annotation per line, `<entry name> <value>`, such as
///   `/private/comment Family mail`; `#` starts a comment line.
///
/// Files that are missing or unreadable count as empty; lines that do not parse are
/// skipped. Every method blocks on file I/O.
extension MaildirStore {
    /// The special-use file's name, at the Maildir root.
    public static let specialUseFileName = "sluice-special-use"
    /// The mailbox-id file's name, in each folder.
    public static let mailboxIDFileName = "sluice-mailboxid"
    /// The annotation file's name, in each folder.
    public static let metadataFileName = "sluice-metadata"

    /// The special-use marks of this Maildir, in file order.
    ///
    /// - SeeAlso: RFC 6154 §2 (the attributes), RFC 8579
    public func specialUseMarks() -> [(use: String, mailbox: String)] {
        Self.parseSpecialUse(readTextFile(root + "/" + Self.specialUseFileName) ?? "")
    }

    /// `<attribute> <mailbox name>` lines; the attribute starts with `\`, the name is the
    /// rest of the line with surrounding white space removed.
    public static func parseSpecialUse(_ text: String) -> [(use: String, mailbox: String)] {
        var marks: [(use: String, mailbox: String)] = []
        for line in lines(text) {
            guard line.hasPrefix("\\"), let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else { continue }
            let mailbox = line[space...].trimmingCharacters(" \t")
            guard !mailbox.isEmpty else { continue }
            marks.append((use: String(line[..<space]), mailbox: mailbox))
        }
        return marks
    }

    /// The object id of the mailbox, nil when its folder has no id file (or it is not a
    /// valid folder name).
    ///
    /// - SeeAlso: RFC 8474 §4, RFC 9042
    public func mailboxID(of mailboxName: String) -> String? {
        guard let folder = try? folder(named: mailboxName),
              let text = readTextFile(path(of: folder) + "/" + Self.mailboxIDFileName),
              let first = Self.lines(text).first
        else { return nil }
        return first
    }

    /// The existing mailbox whose id file holds `id`: INBOX, then the folders in name order.
    public func mailbox(withID id: String) -> String? {
        if mailboxID(of: "INBOX") == id { return "INBOX" }
        guard let entries = try? fileSystem.contentsOfDirectory(root) else { return nil }
        for entry in entries.sorted() where entry.hasPrefix(".") && entry != "." && entry != ".." {
            let directory = root + "/" + entry
            guard let text = readTextFile(directory + "/" + Self.mailboxIDFileName), Self.lines(text).first == id,
                  let name = mailboxName(ofDirectory: entry)
            else { continue }
            return name
        }
        return nil
    }

    /// The annotations of the mailbox, by lowercased entry name.
    ///
    /// - SeeAlso: RFC 5464 §3.2, RFC 5490 §3
    public func metadata(of mailboxName: String) -> [String: String] {
        guard let folder = try? folder(named: mailboxName),
              let text = readTextFile(path(of: folder) + "/" + Self.metadataFileName)
        else { return [:] }
        return Self.parseMetadata(text)
    }

    /// `<entry name> <value>` lines (the value may be empty or hold spaces); a later line
    /// for the same entry wins.
    public static func parseMetadata(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in lines(text) where line.hasPrefix("/") {
            guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                values[line.lowercased()] = ""
                continue
            }
            values[String(line[..<space]).lowercased()] = line[line.index(after: space)...].trimmingCharacters(" \t")
        }
        return values
    }

    /// Adds a special-use mark (after `fileinto :specialuse ... :create` created the
    /// folder), unless the file marks that mailbox with that use already.
    public func recordSpecialUse(_ use: String, mailbox: String) throws(MaildirError) {
        if specialUseMarks().contains(where: { $0.use.lowercased() == use.lowercased() && $0.mailbox == mailbox }) { return }
        let path = root + "/" + Self.specialUseFileName
        let fd = try sys("open", path) { () throws(SystemCallError) in
            try fileSystem.open(path, flags: O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode: configuration.fileMode)
        }
        defer { _ = try? fileSystem.close(fd) }
        let line = Array((use + " " + mailbox + "\n").utf8)
        let result = line.withUnsafeBytes { raw in Result { () throws(MaildirError) in try writeAll(fd, raw, path: path) } }
        try result.get()
        try sys("fsync", path) { () throws(SystemCallError) in try fileSystem.fsync(fd) }
    }

    /// The mailbox names of the folders under the root (INBOX not included), in
    /// directory-name order; unreadable roots and undecodable names are left out.
    public func folderNames() -> [String] {
        guard let entries = try? fileSystem.contentsOfDirectory(root) else { return [] }
        return entries.sorted().compactMap { entry in
            guard entry.hasPrefix("."), entry != ".", entry != "..",
                  (try? fileSystem.stat(root + "/" + entry).isDirectory) == true else { return nil }
            return mailboxName(ofDirectory: entry)
        }
    }

    /// The mailbox name of a folder directory (`.Lists.swift` → `Lists/swift` with `/` as
    /// the separator); nil when a level does not decode.
    func mailboxName(ofDirectory directory: String) -> String? {
        var levels: [String] = []
        for level in directory.dropFirst().split(separator: ".", omittingEmptySubsequences: false) {
            guard let decoded = try? ModifiedUTF7.decode(String(level)) else { return nil }
            levels.append(decoded)
        }
        return levels.joined(separator: String(configuration.hierarchySeparator))
    }

    /// The file's text when it exists and is at most 64 KiB; nil otherwise.
    public func readTextFile(_ path: String) -> String? {
        guard let fd = try? fileSystem.open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0) else { return nil }
        defer { _ = try? fileSystem.close(fd) }
        var bytes: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { buffer.deallocate() }
        while bytes.count <= 65_536 {
            guard let got = try? fileSystem.read(fd, into: buffer) else { return nil }
            if got == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(contentsOf: buffer[..<got])
        }
        return nil
    }

    /// The non-empty lines that are not comments, without surrounding white space.
    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(" \t") }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}

extension StringProtocol {
    /// The text without the given leading and trailing characters.
    fileprivate func trimmingCharacters(_ set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

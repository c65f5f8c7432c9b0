/// A mailbox name mapped onto the Maildir++ layout: INBOX is the Maildir root, every other
/// mailbox a directory `.<level>.<level>` directly under it.
///
/// Mapping rules:
/// - `INBOX` (any case) is the root. Other names keep their case.
/// - Levels are split at the configured hierarchy separator and also at `.`, which is the
///   separator on disk (so `Lists/swift` and `Lists.swift`, as Roundcube-style scripts write
///   it, both map to `.Lists.swift`).
/// - Each level is encoded in modified UTF-7 (RFC 3501 §5.1.3), like Dovecot and Courier do.
/// - Refused: empty names and levels, `.`/`..` levels, levels starting with `.`, `/` when it
///   is not the separator, control characters (C0, DEL, C1), levels over
///   `maximumComponentBytes` UTF-8 bytes, directory names over `maximumFolderNameBytes` bytes.
///
/// - SeeAlso: Courier's Maildir++ description (README.maildirquota), folders section.
public struct MaildirFolder: Hashable, Sendable {
    /// The mailbox name as the caller gave it.
    public let mailboxName: String
    /// The hierarchy levels, decoded (Unicode).
    public let components: [String]
    /// The directory under the Maildir root (`.Lists.swift`), or `nil` for INBOX.
    public let directoryName: String?

    /// Whether this is INBOX, the Maildir root.
    public var isInbox: Bool { directoryName == nil }

    /// The INBOX folder.
    public static let inbox = MaildirFolder(mailboxName: "INBOX", components: ["INBOX"], directoryName: nil)

    private init(mailboxName: String, components: [String], directoryName: String?) {
        self.mailboxName = mailboxName
        self.components = components
        self.directoryName = directoryName
    }

    /// Maps a Sieve/IMAP mailbox name (UTF-8) to its folder, or refuses it with a specific reason.
    public init(mailboxName name: String, configuration: MaildirConfiguration = .init()) throws(MaildirError) {
        func refuse(_ reason: InvalidMailboxNameReason) -> MaildirError {
            .invalidMailboxName(name: name, reason: reason)
        }
        if name.isEmpty { throw refuse(.empty) }
        if name.utf8.count == 5 && name.utf8.elementsEqual("INBOX".utf8, by: { $0 & 0xDF == $1 }) {
            self = .inbox
            return
        }
        for scalar in name.unicodeScalars {
            let value = scalar.value
            if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) {
                throw refuse(.controlCharacter(value))
            }
        }
        if name == "." || name == ".." { throw refuse(.parentReference) }
        let separator = configuration.hierarchySeparator
        if separator == "." && name.hasPrefix(".") { throw refuse(.leadingDot) }
        if separator != "/" && name.unicodeScalars.contains("/") { throw refuse(.slashNotSeparator) }

        var levels: [String] = []
        for part in name.unicodeScalars.split(separator: separator, omittingEmptySubsequences: false) {
            let level = String(String.UnicodeScalarView(part))
            if level.isEmpty { throw refuse(.emptyComponent) }
            if level == "." || level == ".." { throw refuse(.parentReference) }
            if level.hasPrefix(".") { throw refuse(.leadingDot) }
            for piece in level.split(separator: ".", omittingEmptySubsequences: false) {
                if piece.isEmpty { throw refuse(.emptyComponent) }
                levels.append(String(piece))
            }
        }
        for level in levels where level.utf8.count > configuration.maximumComponentBytes {
            throw refuse(.componentTooLong(component: level, bytes: level.utf8.count, limit: configuration.maximumComponentBytes))
        }
        let directory = "." + levels.map(ModifiedUTF7.encode).joined(separator: ".")
        if directory.utf8.count > configuration.maximumFolderNameBytes {
            throw refuse(.nameTooLong(bytes: directory.utf8.count, limit: configuration.maximumFolderNameBytes))
        }
        self.init(mailboxName: name, components: levels, directoryName: directory)
    }
}

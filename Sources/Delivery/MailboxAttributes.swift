import Maildir
import Sieve

/// The site's part of the mailbox attributes Sieve asks about: special-use marks that hold
/// for every user (a mark counts for a user whose Maildir has that folder) and the file
/// of server annotations for `servermetadata`.
///
/// - SeeAlso: RFC 8579 (special-use), RFC 5490 §4 (servermetadata)
public struct MailboxAttributeConfiguration: Sendable, Hashable {
    /// Site-wide marks, `(use, mailbox)`, after each user's own `sluice-special-use` file.
    public var specialUse: [SpecialUseMark] = []
    /// The server annotation file (lines `<entry name> <value>`); nil: none.
    public var serverMetadataFile: String?

    public init(specialUse: [SpecialUseMark] = [], serverMetadataFile: String? = nil) {
        self.specialUse = specialUse
        self.serverMetadataFile = serverMetadataFile
    }
}

/// A special-use attribute (`\Junk`) given to a mailbox name.
public struct SpecialUseMark: Sendable, Hashable {
    public var use: String
    public var mailbox: String

    public init(use: String, mailbox: String) {
        self.use = use
        self.mailbox = mailbox
    }
}

extension MailStore {
    public func specialUseMarks(user: DeliveryUser) -> [(use: String, mailbox: String)] { [] }
    public func mailbox(withID id: String, user: DeliveryUser) -> String? { nil }
    public func metadata(of mailbox: String, user: DeliveryUser) -> [String: String] { [:] }
    public func recordSpecialUse(_ use: String, mailbox: String, user: DeliveryUser) throws(StoreFailure) {}
}

extension MaildirMailStore {
    private func maildirStore(for user: DeliveryUser) -> MaildirStore {
        MaildirStore(root: user.maildirPath, configuration: configuration)
    }

    /// The marks of the user's `sluice-special-use` file.
    public func specialUseMarks(user: DeliveryUser) -> [(use: String, mailbox: String)] {
        maildirStore(for: user).specialUseMarks()
    }

    /// The folder whose `sluice-mailboxid` file holds `id`.
    public func mailbox(withID id: String, user: DeliveryUser) -> String? {
        maildirStore(for: user).mailbox(withID: id)
    }

    /// The folder's `sluice-metadata` annotations.
    public func metadata(of mailbox: String, user: DeliveryUser) -> [String: String] {
        maildirStore(for: user).metadata(of: mailbox)
    }

    /// Appends the mark to the user's `sluice-special-use` file.
    public func recordSpecialUse(_ use: String, mailbox: String, user: DeliveryUser) throws(StoreFailure) {
        do throws(MaildirError) {
            try maildirStore(for: user).recordSpecialUse(use, mailbox: mailbox)
        } catch {
            throw Self.failure(error)
        }
    }
}

extension RecipientSieveContext {
    /// The user's marks first, then the site's.
    private var marks: [(use: String, mailbox: String)] {
        store.specialUseMarks(user: user) + siteMailboxes.specialUse.map { (use: $0.use, mailbox: $0.mailbox) }
    }

    func mailboxes(withSpecialUse use: String) -> [String] {
        var found: [String] = []
        for mark in marks where mark.use.lowercased() == use.lowercased() && !found.contains(mark.mailbox) {
            if store.mailboxExists(mark.mailbox, user: user) { found.append(mark.mailbox) }
        }
        return found
    }

    func specialUses(ofMailbox name: String) -> [String] {
        let key = MailboxAttributeConfiguration.key(name)
        return marks.filter { MailboxAttributeConfiguration.key($0.mailbox) == key }.map(\.use)
    }

    func mailbox(withID id: String) -> String? {
        store.mailbox(withID: id, user: user)
    }

    func metadata(_ entry: String, mailbox: String?) -> String? {
        guard let mailbox else {
            guard let path = siteMailboxes.serverMetadataFile else { return nil }
            return MaildirStore.parseMetadata(MailboxAttributeConfiguration.readFile(path))[entry.lowercased()]
        }
        return store.metadata(of: mailbox, user: user)[entry.lowercased()]
    }
}

extension MailboxAttributeConfiguration {
    /// `INBOX` in any case is INBOX; other names as written.
    static func key(_ name: String) -> String { name.lowercased() == "inbox" ? "INBOX" : name }

    /// The text of a small file, "" when it cannot be read.
    static func readFile(_ path: String) -> String {
        guard let data = MaildirStore(root: "/").readTextFile(path) else { return "" }
        return data
    }
}

extension DeliveryEnvironment {
    /// Gives a folder that `fileinto :specialuse ... :create` just created its use; a
    /// failure is a note for the log (the copy is stored all the same).
    ///
    /// - SeeAlso: RFC 8579 §4
    func recordSpecialUse(_ creation: SpecialUseCreation, user: DeliveryUser) -> [String] {
        do throws(StoreFailure) {
            try store.recordSpecialUse(creation.use, mailbox: creation.mailbox, user: user)
            return []
        } catch {
            return ["could not mark the new folder \"\(creation.mailbox)\" as \(creation.use): \(error.message)"]
        }
    }
}

import Maildir
import Sieve

extension MailboxCatalog {
    /// What a Maildir says about its mailboxes, read once for a dry run (`sieve-check run
    /// --maildir`): its folders, the marks of `sluice-special-use`, and each folder's
    /// `sluice-mailboxid` and `sluice-metadata` files (README "Mailbox attributes").
    public static func reading(maildir root: String, configuration: MaildirConfiguration = MaildirConfiguration()) -> MailboxCatalog {
        let store = MaildirStore(root: root, configuration: configuration)
        let folders = store.folderNames()
        var catalog = MailboxCatalog(mailboxes: Set(folders))
        for mark in store.specialUseMarks() {
            catalog.specialUses[mark.mailbox, default: []].append(mark.use)
        }
        for mailbox in ["INBOX"] + folders {
            if let id = store.mailboxID(of: mailbox) { catalog.ids[mailbox] = id }
            for (entry, value) in store.metadata(of: mailbox) { catalog.setMetadata(entry, mailbox: mailbox, to: value) }
        }
        return catalog
    }
}

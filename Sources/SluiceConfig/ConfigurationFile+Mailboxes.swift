import Delivery
import Foundation
import Sieve

/// The `[mailboxes]` table: special-use marks that hold for every user (Dovecot keeps
/// these in its `mailbox NAME { special_use = ... }` settings) and the file of server
/// annotations that Sieve's `servermetadata` reads. Each user's own marks, ids and
/// annotations live in files in the Maildir (README "Mailbox attributes").
///
/// ```toml
/// [mailboxes]
/// special_use = { "\\Junk" = "Junk", "\\Sent" = "Sent", "\\Archive" = "Archive" }
/// server_metadata = "/etc/sluice/server-metadata"
/// ```
extension ConfigurationFile {
    static func readMailboxes(_ table: inout TOMLReader, into configuration: inout MailboxAttributeConfiguration)
        throws(ConfigurationError)
    {
        if var marks = try table.subtable("special_use") {
            for use in marks.table.keys.sorted() {
                guard MailboxAttributeSyntax.isSpecialUse(use) else {
                    throw ConfigurationError("\(table.file): 'mailboxes.special_use' names \"\(use)\", expected a special-use "
                                             + "attribute: a backslash and an atom, such as \"\\\\Junk\"")
                }
                guard let mailbox = try marks.string(use), !mailbox.isEmpty else {
                    throw ConfigurationError("\(table.file): 'mailboxes.special_use' gives \"\(use)\" an empty mailbox name")
                }
                configuration.specialUse.append(SpecialUseMark(use: use, mailbox: mailbox))
            }
            try marks.finish()
        }
        if let path = try table.string("server_metadata") {
            guard path.hasPrefix("/"), FileManager.default.isReadableFile(atPath: path) else {
                throw ConfigurationError("\(table.file): 'mailboxes.server_metadata' is \"\(path)\", expected the absolute path "
                                         + "of a readable file")
            }
            configuration.serverMetadataFile = path
        }
    }
}

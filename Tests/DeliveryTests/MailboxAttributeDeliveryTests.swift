import Foundation
import Sieve
import Testing
@testable import Delivery

/// The mailbox attribute files of README "Mailbox attributes", read by the real agent.
@Suite("Delivery: special-use marks, mailbox ids and annotations from the Maildir's files")
struct MailboxAttributeDeliveryTests {
    /// Makes a folder of ann's Maildir exist.
    func folder(_ site: TestSite, _ directory: String) throws {
        try site.dir.write(site.folder("ann", directory) + "maildirfolder", "")
    }

    @Test("fileinto :specialuse stores into the folder the user's sluice-special-use file marks")
    func userMark() async throws {
        let site = try TestSite()
        try folder(site, ".Spam")
        try site.dir.write("mail/ann/Maildir/sluice-special-use", "# marks\n\\Junk Spam\n\\Sent Sent\n")
        try site.script("ann", """
            require ["fileinto", "special-use"];
            if specialuse_exists "\\\\Sent" { fileinto "wrong"; }
            if specialuse_exists "Spam" "\\\\Junk" { fileinto :specialuse "\\\\Junk" "Junk"; }
            """)
        let outcome = try await site.agent().deliver(transaction(["ann@example.org"]))
        #expect(outcome.map { $0.copies.map(\.mailbox) } == [["Spam"]])
        #expect(site.messages("ann", ".Spam").count == 1)
        #expect(site.messages("ann", ".Junk").isEmpty)
    }

    @Test("the site's [mailboxes] special_use marks count when the user's folder exists; the user's file comes first")
    func siteMarks() async throws {
        var site = try TestSite()
        site.configuration.mailboxes.specialUse = [SpecialUseMark(use: "\\Junk", mailbox: "Junk"),
                                                   SpecialUseMark(use: "\\Archive", mailbox: "Archive")]
        try folder(site, ".Junk")
        try folder(site, ".Quarantine")
        try site.script("ann", """
            require ["fileinto", "special-use"];
            fileinto :specialuse "\\\\Junk" "Elsewhere";
            fileinto :specialuse "\\\\Archive" "Kept";
            """)
        let first = try await site.agent().deliver(transaction(["ann@example.org"]))
        #expect(first.map { $0.copies.map(\.mailbox) } == [["Junk", "Kept"]])
        try site.dir.write("mail/ann/Maildir/sluice-special-use", "\\Junk Quarantine\n")
        let second = try await site.agent().deliver(transaction(["ann@example.org"], id: "TX2"))
        #expect(second.map { $0.copies.map(\.mailbox) } == [["Quarantine", "Kept"]])
    }

    @Test("fileinto :specialuse :create makes the folder and marks it, so the next message finds it by its use")
    func createMarks() async throws {
        let site = try TestSite()
        try site.script("ann", """
            require ["fileinto", "special-use", "mailbox"];
            fileinto :specialuse "\\\\Junk" :create "Spam";
            """)
        let first = try await site.agent().deliver(transaction(["ann@example.org"]))
        #expect(first.map { $0.copies.map(\.mailbox) } == [["Spam"]])
        #expect(try site.dir.contents("mail/ann/Maildir/sluice-special-use") == "\\Junk Spam\n")
        try site.script("ann", """
            require ["fileinto", "special-use", "mailbox"];
            fileinto :specialuse "\\\\Junk" :create "Other";
            """)
        let second = try await site.agent().deliver(transaction(["ann@example.org"], id: "TX2"))
        #expect(second.map { $0.copies.map(\.mailbox) } == [["Spam"]])
        #expect(site.messages("ann", ".Spam").count == 2)
        #expect(try site.dir.contents("mail/ann/Maildir/sluice-special-use") == "\\Junk Spam\n")
    }

    @Test("fileinto :mailboxid stores into the folder whose sluice-mailboxid file holds the id, else the named one")
    func mailboxID() async throws {
        let site = try TestSite()
        try site.dir.write(site.folder("ann", ".Lists.swift") + "sluice-mailboxid", "F6352ae03\n")
        try site.script("ann", """
            require ["fileinto", "mailboxid"];
            if mailboxidexists "F6352ae03" { fileinto :mailboxid "F6352ae03" "Old name"; }
            fileinto :mailboxid "Fnosuch" "Fallback";
            """)
        let outcome = try await site.agent().deliver(transaction(["ann@example.org"]))
        #expect(outcome.map { $0.copies.map(\.mailbox) } == [["Lists/swift", "Fallback"]])
        #expect(site.messages("ann", ".Lists.swift").count == 1)
    }

    @Test("metadata reads the folder's sluice-metadata file, servermetadata the site's file")
    func metadata() async throws {
        var site = try TestSite()
        let server = try site.dir.write("server-metadata", "/shared/admin mailto:postmaster@example.org\n")
        site.configuration.mailboxes.serverMetadataFile = server
        try site.dir.write("mail/ann/Maildir/sluice-metadata", "/private/vendor/x/auto-replies on\n")
        try site.script("ann", """
            require ["fileinto", "mboxmetadata", "servermetadata"];
            if metadata "INBOX" "/private/vendor/x/auto-replies" "on" { fileinto "Away"; }
            if metadataexists "INBOX" "/private/other" { fileinto "wrong"; }
            if servermetadata :matches "/shared/admin" "mailto:*" { fileinto "Admin"; }
            """)
        let outcome = try await site.agent().deliver(transaction(["ann@example.org"]))
        #expect(outcome.map { $0.copies.map(\.mailbox) } == [["Away", "Admin"]])
    }
}

import Foundation
import Testing
@testable import Maildir

@Suite("Mailbox attribute files: sluice-special-use, sluice-mailboxid, sluice-metadata")
struct AttributeFileTests {
    private func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("special-use lines: attribute, then the rest of the line; comments, blanks and bad lines skipped")
    func specialUseLines() {
        let marks = MaildirStore.parseSpecialUse("# marks\n\\Junk Spam\r\n\n  \\Sent   Sent Messages  \nJunk Spam\n\\Trash\n")
        #expect(marks.map(\.use) == ["\\Junk", "\\Sent"])
        #expect(marks.map(\.mailbox) == ["Spam", "Sent Messages"])
    }

    @Test("metadata lines: entry name, then the value; names lowercased, a later line wins")
    func metadataLines() {
        let values = MaildirStore.parseMetadata("/private/Comment  Family mail \n# x\n/shared/empty\n/private/comment again\nnot/an/entry x\n")
        #expect(values == ["/private/comment": "again", "/shared/empty": ""])
    }

    @Test("ids and annotations are found per folder, names decoded from modified UTF-7; a new mark is appended once")
    func perFolder() throws {
        try withTemporaryDirectory { root in
            let store = MaildirStore(root: root)
            try store.createMailbox("Lists/Café")
            try store.createMailbox("Work")
            try write(root + "/.Lists.Caf&AOk-/sluice-mailboxid", "Fcafe\n")
            try write(root + "/sluice-mailboxid", "Finbox\n")
            try write(root + "/.Work/sluice-metadata", "/shared/comment Team\n")
            #expect(store.folderNames() == ["Lists/Café", "Work"])
            #expect(store.mailbox(withID: "Fcafe") == "Lists/Café")
            #expect(store.mailbox(withID: "Finbox") == "INBOX")
            #expect(store.mailbox(withID: "Fnone") == nil)
            #expect(store.mailboxID(of: "Work") == nil)
            #expect(store.metadata(of: "Work") == ["/shared/comment": "Team"])
            #expect(store.metadata(of: "INBOX").isEmpty)
            try store.recordSpecialUse("\\Junk", mailbox: "Spam")
            try store.recordSpecialUse("\\junk", mailbox: "Spam")
            #expect(store.specialUseMarks().map(\.mailbox) == ["Spam"])
            #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: root + "/sluice-special-use")), as: UTF8.self)
                == "\\Junk Spam\n")
        }
    }
}

import Testing
@testable import Maildir

@Suite("RFC 3501 §5.1.3 modified UTF-7")
struct ModifiedUTF7Tests {
    @Test(
        "encodes and decodes",
        arguments: [
            ("☺", "&Jjo-"),
            ("☺!", "&Jjo-!"),
            ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
            ("Tom & Jerry", "Tom &- Jerry"),
            ("plain ASCII", "plain ASCII"),
            ("Entwürfe", "Entw&APw-rfe"),
            ("😀", "&2D3eAA-"),
            ("a\u{7F}b", "a&AH8-b"),
        ]
    )
    func roundTrip(decoded: String, encoded: String) throws {
        #expect(ModifiedUTF7.encode(decoded) == encoded)
        #expect(try ModifiedUTF7.decode(encoded) == decoded)
    }

    @Test(
        "refuses malformed input",
        arguments: [
            ("&Jjo", ModifiedUTF7.DecodingError.unterminatedShift(offset: 0)),
            ("ab&J*o-", .malformedBase64(offset: 2)),
            ("&Jj-", .malformedBase64(offset: 0)),
            ("&AGE-", .encodedPrintableASCII(offset: 0)),
            ("ü", .unencodedCharacter(offset: 0)),
        ]
    )
    func malformed(input: String, error: ModifiedUTF7.DecodingError) {
        #expect(throws: error) { try ModifiedUTF7.decode(input) }
    }
}

@Suite("Maildir++ folder names")
struct FolderNameTests {
    @Test(
        "maps mailbox names to folder directories",
        arguments: [
            ("Lists/swift", ".Lists.swift"),
            ("Lists.swift", ".Lists.swift"),
            ("Junk", ".Junk"),
            ("Archive/2024/Q1", ".Archive.2024.Q1"),
            ("台北/日本語", ".&U,BTFw-.&ZeVnLIqe-"),
            ("Tom & Jerry", ".Tom &- Jerry"),
            ("inbox/sub", ".inbox.sub"),
            ("~peter", ".~peter"),
        ]
    )
    func mapping(name: String, directory: String) throws {
        let folder = try MaildirFolder(mailboxName: name)
        #expect(folder.directoryName == directory)
        #expect(!folder.isInbox)
    }

    @Test("INBOX in any case is the Maildir root", arguments: ["INBOX", "inbox", "InBoX"])
    func inbox(name: String) throws {
        #expect(try MaildirFolder(mailboxName: name).isInbox)
    }

    @Test("a dotless ı does not make INBOX")
    func dotlessI() throws {
        #expect(try MaildirFolder(mailboxName: "ınbox").directoryName == ".&ATE-nbox")
    }

    @Test(
        "refuses names that are invalid or could escape the Maildir",
        arguments: [
            ("", InvalidMailboxNameReason.empty),
            ("..", .parentReference),
            ("a/../b", .parentReference),
            ("a/./b", .parentReference),
            ("../etc", .parentReference),
            (".hidden", .leadingDot),
            ("a/.b", .leadingDot),
            ("a//b", .emptyComponent),
            ("a/", .emptyComponent),
            ("/a", .emptyComponent),
            ("a..b", .emptyComponent),
            ("a.", .emptyComponent),
            ("a\u{0}b", .controlCharacter(0)),
            ("a\nb", .controlCharacter(0x0A)),
            ("a\u{7F}b", .controlCharacter(0x7F)),
            ("a\u{85}b", .controlCharacter(0x85)),
        ]
    )
    func refused(name: String, reason: InvalidMailboxNameReason) {
        #expect(throws: MaildirError.invalidMailboxName(name: name, reason: reason)) {
            try MaildirFolder(mailboxName: name)
        }
    }

    @Test("with '.' as separator, '/' is refused and '.' splits")
    func dotSeparator() throws {
        var configuration = MaildirConfiguration()
        configuration.hierarchySeparator = "."
        #expect(try MaildirFolder(mailboxName: "Lists.swift", configuration: configuration).directoryName == ".Lists.swift")
        #expect(throws: MaildirError.invalidMailboxName(name: ".Lists", reason: .leadingDot)) {
            try MaildirFolder(mailboxName: ".Lists", configuration: configuration)
        }
        #expect(throws: MaildirError.invalidMailboxName(name: "a/b", reason: .slashNotSeparator)) {
            try MaildirFolder(mailboxName: "a/b", configuration: configuration)
        }
    }

    @Test("refuses a level longer than 255 bytes")
    func longComponent() {
        let level = String(repeating: "é", count: 128)  // 256 bytes
        #expect(throws: MaildirError.invalidMailboxName(name: "a/" + level, reason: .componentTooLong(component: level, bytes: 256, limit: 255))) {
            try MaildirFolder(mailboxName: "a/" + level)
        }
    }

    @Test("refuses a folder whose directory name exceeds 255 bytes")
    func longTotal() throws {
        let name = Array(repeating: String(repeating: "x", count: 50), count: 5).joined(separator: "/")
        #expect(try MaildirFolder(mailboxName: name).directoryName?.utf8.count == 255)
        let longer = name + "/y"
        #expect(throws: MaildirError.invalidMailboxName(name: longer, reason: .nameTooLong(bytes: 257, limit: 255))) {
            try MaildirFolder(mailboxName: longer)
        }
    }

    @Test("error text names the mailbox and the rule")
    func errorText() {
        let error = MaildirError.invalidMailboxName(name: "a/../b", reason: .parentReference)
        #expect(error.description == "invalid mailbox name \"a/../b\": a hierarchy level is '.' or '..', which could point outside the Maildir")
    }
}

import Delivery
import Foundation
import Testing
import SluiceConfig

@Suite("sluice.toml [mailboxes]: special-use marks and the server annotation file")
struct MailboxesConfigurationTests {
    @Test("special_use and server_metadata reach the delivery configuration")
    func read() throws {
        let file = NSTemporaryDirectory() + "/sluice-server-metadata-" + UUID().uuidString
        try Data("/shared/admin mailto:postmaster@example.org\n".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let configuration = try ConfigurationFile.parse("""
            [mailboxes]
            special_use = { "\\\\Junk" = "Junk", "\\\\Archive" = "Lists/Archive" }
            server_metadata = "\(file)"
            """, file: "test.toml")
        #expect(configuration.delivery.mailboxes.specialUse
            == [SpecialUseMark(use: "\\Archive", mailbox: "Lists/Archive"), SpecialUseMark(use: "\\Junk", mailbox: "Junk")])
        #expect(configuration.delivery.mailboxes.serverMetadataFile == file)
        #expect(try ConfigurationFile.parse("", file: "empty.toml").delivery.mailboxes == MailboxAttributeConfiguration())
    }

    @Test("errors name the key and what was expected", arguments: [
        (#"special_use = { "Junk" = "Junk" }"#, #"'mailboxes.special_use' names "Junk", expected a special-use attribute"#),
        (#"special_use = { "\\Junk" = "" }"#, "an empty mailbox name"),
        (#"server_metadata = "relative/file""#, "expected the absolute path of a readable file"),
        (#"server_meta = "/x""#, "unknown key 'mailboxes.server_meta'"),
    ])
    func errors(line: String, expected: String) {
        #expect {
            try ConfigurationFile.parse("[mailboxes]\n" + line, file: "test.toml")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}

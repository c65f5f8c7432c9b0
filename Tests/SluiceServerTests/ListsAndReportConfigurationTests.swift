import AutoReply
import Delivery
import Foundation
import Sieve
import Testing
@testable import SluiceConfig

@Suite("sluice.toml [lists] (RFC 6134) and [report] (vnd.dovecot.report)")
struct ListsAndReportConfigurationTests {
    @Test("lists are entries or per-user files; names are normalized")
    func lists() throws {
        let text = """
            [lists]
            ":addrbook:default" = "/var/mail/%d/%n/contacts.txt"
            "tag:example.org,2024:vip" = ["ceo@example.org", "board@example.org"]
            """
        let lists = try ConfigurationFile.parse(text, file: "t.toml").delivery.lists
        #expect(lists.count == 2)
        #expect(lists[ExternalListName.defaultAddressBook] == .file(try PathTemplate("/var/mail/%d/%n/contacts.txt")))
        #expect(lists[ExternalListName("TAG:example.org,2024:vip")!] == .entries(["ceo@example.org", "board@example.org"]))
        #expect(try ConfigurationFile.parse("", file: "t.toml").delivery.lists.isEmpty)
    }

    @Test("report from and postmaster are read")
    func report() throws {
        let text = "[report]\nfrom = \"<abuse-desk@example.org>\"\npostmaster = \"pm@example.org\"\n"
        let report = try ConfigurationFile.parse(text, file: "t.toml").delivery.report
        #expect(report.from == .address("abuse-desk@example.org"))
        #expect(report.postmaster == "pm@example.org")
        #expect(try ConfigurationFile.parse("", file: "t.toml").delivery.report.from == .postmaster)
    }

    @Test("mistakes are refused with the key named", arguments: [
        ("[lists]\n\"frop:666\" = [\"a@example.org\"]\n", "t.toml: [lists] key \"frop:666\": \"frop:666\" is not a list name"),
        ("[lists]\n\":addrbook:x\" = \"contacts.txt\"\n", "t.toml: 'lists.\":addrbook:x\"' is \"contacts.txt\""),
        ("[lists]\n\":addrbook:x\" = [1, 2]\n", "t.toml: 'lists.\":addrbook:x\"' must list strings only"),
        ("[lists]\n\":addrbook:x\" = 3\n", "t.toml: 'lists.\":addrbook:x\"' must be a list of entries or the path of a list file"),
        ("[report]\nfrom = \"abuse@example.org\"\n", "t.toml: 'report.from' is \"abuse@example.org\", expected \"postmaster\""),
        ("[report]\npostmaster = \"nobody\"\n", "t.toml: 'report.postmaster' is \"nobody\", expected local@domain"),
        ("[report]\nsender = \"x\"\n", "t.toml: unknown key 'report.sender'"),
    ])
    func errors(text: String, expected: String) {
        do {
            _ = try ConfigurationFile.parse(text, file: "t.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.hasPrefix(expected), "\(error.message)")
        }
    }
}

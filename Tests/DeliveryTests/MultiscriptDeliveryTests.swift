import Foundation
import MultiscriptCases
import Sieve
import Testing
@testable import Delivery

/// The shared multiscript table (`SieveScripts/multiscript/`) through the real agent and
/// a temporary Maildir: the site's before and after scripts around the user's.
@Suite("Delivery: the multiscript table through the agent")
struct MultiscriptDeliveryTests {
    /// Flags from a Maildir file name's `:2,` info part.
    static func flags(ofFile path: String) -> [String] {
        guard let info = path.split(separator: ":").last, info.hasPrefix("2,") else { return [] }
        let names: [Character: String] = ["S": "\\Seen", "F": "\\Flagged", "R": "\\Answered", "D": "\\Draft", "T": "\\Deleted"]
        return info.dropFirst(2).compactMap { names[$0] }
    }

    @Test("each case of SieveScripts/multiscript", arguments: try MultiscriptCase.all())
    func tableCase(_ example: MultiscriptCase) async throws {
        var site = try TestSite()
        site.configuration.scripts.before = example.before.map { [$0] } ?? []
        site.configuration.scripts.after = example.after.map { [$0] } ?? []
        if let user = example.user {
            try site.script("dana", try String(contentsOfFile: user, encoding: .utf8))
        }
        let message = String(decoding: try MultiscriptCase.messageBytes(), as: UTF8.self)
        let outcome = try #require(try await site.agent().deliver(
            transaction([MultiscriptCase.recipient], message: message, sender: MultiscriptCase.sender)).first)
        let expected = example.expected

        let stored = outcome.copies.map { MultiscriptCase.Copy(folder: $0.mailbox, flags: Self.flags(ofFile: $0.path)) }
        #expect(stored.sorted() == expected.stored.sorted(), "notes: \(outcome.notes)")
        #expect(outcome.redirects.map(\.address).sorted() == expected.redirects.sorted())
        #expect(outcome.vacation?.reason == expected.vacation)
        if let reason = expected.rejection {
            #expect(outcome.reply.code == 550)
            #expect(outcome.reply.status.description == "5.7.1")
            #expect(outcome.rejectionReason == reason)
            #expect(outcome.disposition == .rejected)
        } else {
            #expect(outcome.reply.code == 250)
        }
        if expected.discarded && expected.stored.isEmpty {
            #expect(outcome.disposition == .discarded)
        }
        #expect(outcome.notes.contains { $0.contains("failed at run time") || $0.contains("does not compile") } == expected.failed)
        // Every copy is on disk, and nothing else is.
        let onDisk = (["INBOX"] + expected.stored.map(\.folder).filter { $0 != "INBOX" }).reduce(0) { count, folder in
            count + site.messages("dana", folder == "INBOX" ? "" : "." + folder).count
        }
        #expect(onDisk == expected.stored.count)
    }
}

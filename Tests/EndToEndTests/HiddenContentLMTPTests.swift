import Foundation
import Testing

/// `SieveScripts/hidden-content`: words hidden past the MIME parser's limits (10,001
/// parts, 1,000 levels) over a real LMTP session.
@Suite("End to end: content past the MIME parser's limits is still filtered")
struct HiddenContentLMTPTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SieveScripts").appendingPathComponent("hidden-content")

    @Test("the bait in the last of 10,001 parts and 1,000 levels deep is found; the log names the limit",
          arguments: [("10001-parts.eml", "more than 10000 MIME parts"), ("1000-deep.eml", "deeper than 50 levels")])
    func hiddenWord(_ file: String, _ limit: String) async throws {
        let log = LogCapture()
        try await withTestServer(logger: log.logger) { server in
            try server.writeScript("jan", try String(contentsOf: Self.folder.appendingPathComponent("script.sieve"), encoding: .utf8))
            let message = try String(contentsOf: Self.folder.appendingPathComponent("messages").appendingPathComponent(file),
                                     encoding: .utf8)
            let (rcpt, replies) = try await transaction(server, from: "promo@spam.example.com", to: ["jan@example.org"],
                                                        message: message)
            #expect(rcpt.map(\.code) == [250])
            #expect(replies.map(\.code) == [250])
            #expect(server.messages("jan", folder: ".Quarantine").count == 1)
            #expect(server.messages("jan").isEmpty)
            let notes = log.delivery(of: "jan@example.org")?.metadata["notes"] ?? ""
            #expect(notes.contains("/jan.sieve:5:4: warning: the message "), "\(notes)")
            #expect(notes.contains(limit), "\(notes)")
        }
    }
}

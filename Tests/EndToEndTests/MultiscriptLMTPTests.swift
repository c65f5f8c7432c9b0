import Foundation
import MultiscriptCases
import SluiceServer
import Testing

/// The shared multiscript table (`SieveScripts/multiscript/`) over a real LMTP session:
/// the site's before and after scripts configured on the server, two recipients with
/// the case's user script and one without a script in one transaction, each answered
/// after DATA.
@Suite("End to end: scripts before and after the user's, one reply per recipient")
struct MultiscriptLMTPTests {
    @Test("each case of SieveScripts/multiscript", arguments: try MultiscriptCase.all())
    func tableCase(_ example: MultiscriptCase) async throws {
        try await withTestServer(configure: { configuration, _ in
            configuration.delivery.scripts.before = example.before.map { [$0] } ?? []
            configuration.delivery.scripts.after = example.after.map { [$0] } ?? []
        }) { server in
            if let user = example.user {
                let text = try String(contentsOfFile: user, encoding: .utf8)
                try server.writeScript("dana", text)
                try server.writeScript("erin", text)
            }
            let message = String(decoding: try MultiscriptCase.messageBytes(), as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
            let (rcpt, replies) = try await transaction(server, from: MultiscriptCase.sender,
                                                        to: ["dana@example.org", "erin@example.org"], message: message)
            #expect(rcpt.map(\.code) == [250, 250])
            try #require(replies.count == 2)
            let expected = example.expected
            for (user, reply) in zip(["dana", "erin"], replies) {
                if let reason = expected.rejection {
                    #expect(reply.code == 550, "\(user): \(reply)")
                    #expect(reply.lines == ["5.7.1 " + reason], "\(user)")
                } else {
                    #expect(reply.code == 250, "\(user): \(reply)")
                    #expect(reply.text.hasPrefix("2.0.0"), "\(user)")
                }
                var folders: [String] = []
                for folder in Set(expected.stored.map(\.folder) + ["INBOX"]) {
                    let path = folder == "INBOX" ? "" : "." + folder
                    let count = server.messages(user, folder: path).count + server.messages(user, folder: path, in: "cur").count
                    folders += Array(repeating: folder, count: count)
                }
                #expect(folders.sorted() == expected.stored.map(\.folder).sorted(), "\(user)")
            }
        }
    }
}

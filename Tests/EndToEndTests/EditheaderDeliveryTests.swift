import Foundation
import Testing

/// The field names of a stored copy (LF line ends), trace fields included, in order.
private func fields(of stored: String) -> [String] {
    let header = stored.components(separatedBy: "\n\n").first ?? ""
    return header.components(separatedBy: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("\t") }
        .map { String($0.prefix { $0 != ":" }) }
}

@Suite("End to end: editheader over LMTP (RFC 5293)")
struct EditheaderDeliveryTests {
    @Test("two recipients of one message: the one whose script edits gets the edited copy, the other the original")
    func twoRecipients() async throws {
        try await withTestServer { server in
            try server.writeScript("editor", """
                require ["editheader", "fileinto"];
                deleteheader "Subject";
                addheader "Subject" "[edited] Hello";
                addheader :last "X-Filed-By" "editor's script";
                if header :is "subject" "[edited] Hello" { fileinto "Edited"; }
                """)
            let message = testMessage()
            let (rcpt, replies) = try await transaction(server, to: ["editor@example.org", "plain@example.org"],
                                                        message: message)
            #expect(rcpt.map(\.code) == [250, 250])
            #expect(replies.map(\.code) == [250, 250])

            let edited = try String(contentsOf: try #require(server.messages("editor", folder: ".Edited").first), encoding: .utf8)
            let plain = try String(contentsOf: try #require(server.messages("plain").first), encoding: .utf8)
            #expect(edited.contains("\nSubject: [edited] Hello\n"))
            #expect(!edited.contains("Subject: Hello\n"))
            #expect(fields(of: edited).suffix(1) == ["X-Filed-By"])
            #expect(plain.contains("\nSubject: Hello\n"))
            #expect(!plain.contains("X-Filed-By") && !plain.contains("[edited]"))
            // Below the trace fields both copies hold the same body, and the plain copy is the message as sent.
            let sent = message.replacingOccurrences(of: "\r\n", with: "\n")
            #expect(plain.hasSuffix("\n" + sent))
            let body = sent.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
            #expect(edited.hasSuffix("\n\n" + body))
        }
    }
}

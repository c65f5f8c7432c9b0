import Foundation
import Testing

@Suite("sieve-check run with RFC 5703's loops and replace")
struct SieveCheckMIMECLITests {
    @Test("run --trace shows each foreverypart iteration and the replacement; the output says the body changed")
    func traceAndEditedBody() throws {
        let dir = try SieveCheckCLITests.folder([
            "strip.sieve": """
                require ["foreverypart", "mime", "replace"];
                foreverypart {
                    if header :mime :type "Content-Type" "application" { replace "Removed."; }
                }
                """,
            "message.eml": "From: a@example.org\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
                + "--B\r\nContent-Type: text/plain\r\n\r\nHi.\r\n--B\r\nContent-Type: application/zip\r\n\r\nPK\r\n--B--\r\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try SieveCheckCLITests.run(["run", dir.appendingPathComponent("strip.sieve").path,
                                                  dir.appendingPathComponent("message.eml").path, "--trace"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("2:   foreverypart part 1 of 3: multipart/mixed at depth 0"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("2:   foreverypart part 3 of 3: application/zip at depth 1"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("3:   edit replace: part 3 (application/zip) will be replaced when the loop ends"))
        #expect(outcome.stdout.contains("2:   edit replace: 1 part(s) replaced"))
        #expect(outcome.stdout.contains("edited body: "), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("MIME type multipart/mixed"))
    }
}

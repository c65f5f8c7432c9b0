import Foundation
import Testing

/// `sieve-check run` on `SieveScripts/hidden-content`: words hidden past the MIME
/// parser's limits are found, and the limit is shown.
@Suite("sieve-check run: content past the MIME parser's limits")
struct SieveCheckHiddenContentCLITests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SieveScripts").appendingPathComponent("hidden-content")

    @Test("the bait is found; the warning is printed and traced",
          arguments: [("10001-parts.eml", "more than 10000 MIME parts"), ("1000-deep.eml", "deeper than 50 levels")])
    func hiddenWord(_ file: String, _ limit: String) throws {
        let script = Self.folder.appendingPathComponent("script.sieve").path
        let message = Self.folder.appendingPathComponent("messages").appendingPathComponent(file).path
        let plain = try SieveCheckCLITests.run(["run", script, message])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("fileinto \"Quarantine\""), "\(plain.stdout)")
        #expect(plain.stderr.contains("script.sieve:5:4: warning: the message "), "\(plain.stderr)")
        #expect(plain.stderr.contains(limit), "\(plain.stderr)")
        let traced = try SieveCheckCLITests.run(["run", "--trace", script, message])
        #expect(traced.stdout.contains("5:   warning: the message"), "\(traced.stdout)")
        #expect(traced.stdout.contains(limit))
    }
}

import MailCore
import Testing
@testable import Sieve

/// Past the MIME parser's limits (10,000 parts, 50 levels) nothing is hidden: deeper parts
/// are listed flat, the parts past the count are one raw text part; `body` still finds
/// what is there, and the run says so.
@Suite("RFC 5173 body past the MIME parser's limits")
struct RFC5173BodyLimitTests {
    /// `count` text parts, the last one with `last`.
    static func manyParts(_ count: Int, last: String) -> Message {
        var text = "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n"
        for index in 1..<count { text += "--p\r\n\r\nfiller \(index)\r\n" }
        text += "--p\r\n\r\n\(last)\r\n--p--\r\n"
        return Message(text)
    }

    /// Multiparts nested `depth` levels, the innermost text part with `last`.
    static func deep(_ depth: Int, last: String) -> Message {
        var text = "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
        for level in 0..<depth - 1 {
            text += "--b\(level)\r\nContent-Type: multipart/alternative; boundary=b\(level + 1)\r\n\r\n"
        }
        text += "--b\(depth - 1)\r\nContent-Type: text/plain; name=bait.txt\r\n\r\n\(last)\r\n"
        for level in (0..<depth).reversed() { text += "--b\(level)--\r\n" }
        return Message(text)
    }

    static let hidden: [(String, Message)] = [
        ("10,001 parts", manyParts(10_001, last: "claim your jackpot")),
        ("1,000 deep", deep(1_000, last: "claim your jackpot")),
    ]

    @Test("body :text and :content \"text\" find a word past the limits", arguments: ["body :text", "body :content \"text\""])
    func findsHiddenWord(_ test: String) throws {
        for (name, message) in Self.hidden {
            #expect(try holds("\(test) :contains \"jackpot\"", require: ["body"], message: message), "\(name)")
            #expect(try !holds("\(test) :contains \"no such word\"", require: ["body"], message: message), "\(name)")
        }
    }

    @Test("the limit is a warning of the run and a trace event, once per run")
    func reportsLimit() throws {
        let expected: [String: String] = [
            "10,001 parts": "the message has more than 10000 MIME parts: the parts past the limit are searched as one raw text part",
            "1,000 deep": "the message nests MIME parts deeper than 50 levels: the deeper parts are listed flat below level 50",
        ]
        for (name, message) in Self.hidden {
            let recorder = SieveTraceRecorder()
            let result = try run("""
                require ["body", "fileinto"];
                if body :text :contains "nothing" { keep; }
                if body :content "text" :contains "jackpot" { fileinto "Quarantine"; }
                """, message: message, tracer: recorder)
            #expect(result.actions == [fileinto("Quarantine")], "\(name)")
            #expect(result.warnings.map(\.warningDescription) == ["test.sieve:2:4: warning: \(expected[name] ?? "")"], "\(name)")
            let traced = recorder.events.filter { if case .warning = $0 { true } else { false } }
            #expect(traced.count == 1, "\(name)")
        }
    }

    @Test("mime: a part 1,000 levels deep keeps its header for :mime :anychild, and foreverypart reaches it")
    func mimeSeesDeepPart() throws {
        let message = Self.deep(1_000, last: "claim your jackpot")
        #expect(try holds("header :mime :anychild :param \"name\" \"Content-Type\" \"bait.txt\"", require: ["mime"], message: message))
        #expect(try !holds("header :mime :anychild :param \"name\" \"Content-Type\" \"other.txt\"", require: ["mime"], message: message))
        let result = try run("""
            require ["foreverypart", "mime", "extracttext", "variables", "fileinto"];
            foreverypart {
                if header :mime :param "name" "Content-Type" "bait.txt" {
                    extracttext "text";
                    if string :contains "${text}" "jackpot" { fileinto "Quarantine"; break; }
                }
            }
            """, message: message)
        #expect(result.actions == [fileinto("Quarantine")])
        #expect(result.warnings.count == 1)
    }

    @Test("a message within the limits, and body :raw, report nothing")
    func noWarning() throws {
        let small = try run("require \"body\";\nif body :text :contains \"jackpot\" { discard; }", message: Self.manyParts(3, last: "jackpot"))
        #expect(small.actions == [.discard] && small.warnings.isEmpty)
        let raw = try run("require \"body\";\nif body :raw :contains \"jackpot\" { discard; }", message: Self.manyParts(10_001, last: "jackpot"))
        #expect(raw.actions == [.discard] && raw.warnings.isEmpty)
    }
}

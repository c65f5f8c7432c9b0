import Foundation
import MailCore
import Sieve
import Testing

@testable import AutoReply

/// A stand-in for the Reports module's renderer: escapes and wraps in <p>.
let testRenderer: VacationReplyComposer.HTMLRenderer = { text in
    let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    return Array("<!DOCTYPE html><html><body><p>\(escaped)</p></body></html>".utf8)
}

@Suite("RFC 5230 §5.8 vacation reply: the body")
struct VacationReplyBodyTests {
    @Test("reason texts survive transfer encoding", arguments: [
        "Short ASCII reason.",
        "Ich bin bis zum 15. August nicht im Büro.\nIn dringenden Fällen: Frau Schäfer.",
        String(repeating: "A very long line without breaks ", count: 60),
        "Trailing spaces   \nand tabs\t\nequals = signs =3D and =\n.\n.leading dot\nFrom the office",
        "Lone CR\rand LF\nand CRLF\r\nend",
        "Emoji 🏖️ and CJK 休暇",
    ])
    func roundTrip(_ reason: String) throws {
        let (outbound, reply) = try composeReply(vacationRequest(action: vacationAction(reason: reason)))
        let expected = reason.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        #expect(reply.mimeRoot.text == expected)
        let body = Array(reply.body)
        #expect(BodyEncoding.lines(body).allSatisfy { $0.count <= 76 })
        #expect(body.allSatisfy { $0 < 0x80 })
        // No body line that SMTP or mbox could misread.
        #expect(!BodyEncoding.lines(body).contains { $0.first == UInt8(ascii: ".") || $0.starts(with: "From ".utf8) })
        #expect(headerSectionIsWellFormed(outbound.bytes))
    }

    @Test("short ASCII goes as 7bit, anything else as quoted-printable")
    func encodingChoice() throws {
        let (_, ascii) = try composeReply(vacationRequest(action: vacationAction(reason: "Away.")))
        #expect(ascii.mimeRoot.transferEncoding == .sevenBit)
        let (_, accented) = try composeReply(vacationRequest(action: vacationAction(reason: "Abwesend bis März.")))
        #expect(accented.mimeRoot.transferEncoding == .quotedPrintable)
    }

    @Test("with an HTML renderer: multipart/alternative, text then HTML")
    func alternative() throws {
        let composer = VacationReplyComposer(hostname: "mx.example.com", htmlRenderer: testRenderer)
        let reason = "Away until Monday.\nUrgent: call <desk> & ask for Jörg."
        let (outbound, reply) = try composeReply(vacationRequest(action: vacationAction(reason: reason)), composer: composer)
        let root = reply.mimeRoot
        #expect(root.contentType.mimeType == "multipart/alternative")
        let boundary = try #require(root.contentType.boundary)
        #expect(boundary.count >= 30 && boundary.count <= 70)
        #expect(root.children.count == 2)
        #expect(root.children.map(\.contentType.mimeType) == ["text/plain", "text/html"])
        #expect(root.children.allSatisfy { $0.contentType.charset == "utf-8" })
        #expect(root.children[0].text == reason.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(root.children[1].text?.contains("call &lt;desk> &amp; ask for Jörg.") == true)
        // The boundary occurs only as delimiters: 2 openings and the close.
        let text = String(decoding: outbound.bytes, as: UTF8.self)
        #expect(text.components(separatedBy: "--" + boundary).count - 1 == 3)
        #expect(text.hasSuffix("--" + boundary + "--\r\n"))
        #expect(headerSectionIsWellFormed(outbound.bytes))
    }

    @Test("a renderer that returns nil gives a plain text reply")
    func rendererDeclines() throws {
        let composer = VacationReplyComposer(hostname: "mx.example.com", htmlRenderer: { _ in nil })
        let (_, reply) = try composeReply(vacationRequest(), composer: composer)
        #expect(reply.mimeRoot.contentType.mimeType == "text/plain")
    }

    @Test("the boundary never occurs in the content, even when the first pick does")
    func boundaryAvoidsContent() throws {
        // Replay the generator to learn the first boundary the composer would pick.
        var probe = SeededGenerator(seed: 7)
        _ = VacationReplyComposer.randomToken(length: 20, using: &probe)  // the Message-ID
        let firstPick = "=_sluice_" + VacationReplyComposer.randomToken(length: 24, using: &probe)
        let composer = VacationReplyComposer(hostname: "mx.example.com", htmlRenderer: testRenderer)
        let reason = "Trap: " + firstPick
        let (outbound, reply) = try composeReply(vacationRequest(action: vacationAction(reason: reason)), composer: composer, seed: 7)
        let boundary = try #require(reply.mimeRoot.contentType.boundary)
        #expect(boundary != firstPick)
        #expect(reply.mimeRoot.children.count == 2)
        #expect(reply.mimeRoot.children[0].text == reason)
        #expect(String(decoding: outbound.bytes, as: UTF8.self).contains(firstPick))
    }

    @Test(":mime reason: its MIME fields follow the top-level fields, no extra wrapping")
    func mimeReason() throws {
        let reason = "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nAbwesend bis M=E4rz.\n"
        let (outbound, reply) = try composeReply(vacationRequest(action: vacationAction(reason: reason, isMime: true)))
        #expect(reply.mimeRoot.contentType.mimeType == "text/plain")
        #expect(reply.mimeRoot.contentType.charset == "iso-8859-1")
        #expect(reply.mimeRoot.transferEncoding == .quotedPrintable)
        #expect(reply.mimeRoot.text == "Abwesend bis März.\r\n")
        #expect(reply.fields(named: "Content-Type").count == 1)
        #expect(reply.fields(named: "MIME-Version").count == 1)
        let lines = headerLines(outbound.bytes)
        let mimeVersion = try #require(lines.firstIndex(of: "MIME-Version: 1.0"))
        #expect(lines[mimeVersion + 1] == "Content-Type: text/plain; charset=iso-8859-1")
        #expect(headerSectionIsWellFormed(outbound.bytes))
    }

    @Test(":mime multipart reason keeps its structure")
    func mimeMultipart() throws {
        let reason = """
            Content-Type: multipart/alternative; boundary="b1"

            --b1
            Content-Type: text/plain

            Away.
            --b1
            Content-Type: text/html

            <p>Away.</p>
            --b1--

            """
        let (_, reply) = try composeReply(vacationRequest(action: vacationAction(reason: reason, isMime: true)))
        #expect(reply.mimeRoot.contentType.mimeType == "multipart/alternative")
        #expect(reply.mimeRoot.children.map(\.contentType.mimeType) == ["text/plain", "text/html"])
        #expect(reply.mimeRoot.children[1].text == "<p>Away.</p>")
    }

    @Test(":mime reason: non-MIME fields are dropped, 8-bit body is declared")
    func mimeReasonCleaned() throws {
        let reason = "Content-Type: text/plain; charset=utf-8\nBcc: victim@example.net\nMIME-Version: 1.0\n\nAbwesend bis März.\n"
        let (outbound, reply) = try composeReply(vacationRequest(action: vacationAction(reason: reason, isMime: true)))
        #expect(reply.fields(named: "Bcc").isEmpty)
        #expect(reply.fields(named: "MIME-Version").count == 1)
        #expect(reply.mimeRoot.transferEncoding == .eightBit)
        #expect(reply.mimeRoot.text == "Abwesend bis März.\r\n")
        #expect(headerSectionIsWellFormed(outbound.bytes))
    }

    @Test(":mime reason with a line over 998 octets is refused")
    func mimeLongLine() {
        let reason = "Content-Type: text/plain\n\n" + String(repeating: "x", count: 1000) + "\n"
        let error = #expect(throws: AutoReplyError.self) {
            try composeReply(vacationRequest(action: vacationAction(reason: reason, isMime: true)))
        }
        #expect(error?.message.contains("998") == true)
    }
}

@Suite("RFC 2045 §6.7 quoted-printable encoder")
struct QuotedPrintableTests {
    @Test("round trip through MailCore's decoder, lines at most 76", arguments: [
        "", "plain", "a=b", "tail space ", "tail tab\t", String(repeating: "x", count: 200),
        String(repeating: "ä", count: 100), "line1\r\nline2\r\n", ".\r\n", "From me\r\n", "F", "=" + String(repeating: "é", count: 40),
    ])
    func roundTrip(_ text: String) {
        let input = Array(text.utf8)
        let encoded = BodyEncoding.quotedPrintable(input)
        #expect(TransferDecoding.decodeQuotedPrintable(encoded) == input)
        #expect(BodyEncoding.lines(encoded).allSatisfy { $0.count <= 76 })
        #expect(encoded.allSatisfy { $0 < 0x80 })
    }
}

@Suite("RFC 5321 §4.5.2 vacation reply: lines transports could misread")
struct TransportSafetyTests {
    @Test("a reason with a leading dot or From line goes quoted-printable", arguments: [
        "Away.\n.\nback soon", "Away.\nFrom Monday I am back.",
    ])
    func riskyLines(_ reason: String) throws {
        let (_, reply) = try composeReply(vacationRequest(action: vacationAction(reason: reason)))
        #expect(reply.mimeRoot.transferEncoding == .quotedPrintable)
        #expect(reply.mimeRoot.text == reason.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
        let body = Array(reply.body)
        #expect(!BodyEncoding.lines(body).contains { $0.first == UInt8(ascii: ".") || $0.starts(with: "From ".utf8) })
    }
}

@Suite("RFC 5322 §2.2.3 :mime entity fields")
struct MimeFieldFoldingTests {
    @Test("a field that fits is written exactly; a long one folds and unfolds back")
    func folding() {
        let short = Array("text/plain;  charset=\"a  b\"".utf8)
        #expect(VacationReplyComposer.foldedField(name: "Content-Type", value: short)
            == Array("Content-Type: text/plain;  charset=\"a  b\"\r\n".utf8))
        let long = Array(("multipart/mixed; " + (1...200).map { "p\($0)=v\($0);" }.joined(separator: " ")).utf8)
        let folded = VacationReplyComposer.foldedField(name: "Content-Type", value: long)
        let lines = BodyEncoding.lines(folded)
        #expect(lines.count > 1 && lines.allSatisfy { $0.count <= 998 })
        let parsed = Message(bytes: folded + [0x0D, 0x0A])
        #expect(parsed.headerFields.first?.rawValue == long)
    }
}

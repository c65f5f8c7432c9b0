import XMLTestSupport
import Testing

@testable import Reports

/// The paragraphs of a rendered notification: for each `<p>`, its lines (text between `<br>`s).
private func paragraphs(_ root: ParsedNode) -> [[String]] {
    root.descendants(named: "p").map { paragraph in
        var lines = [""]
        for child in paragraph.children {
            if child.name == "br" {
                lines.append("")
            } else {
                lines[lines.count - 1] += child.textContent
            }
        }
        return lines
    }
}

@Suite("HTML notifications (RFC 5230 §4.7 vacation reason, RFC 5429 reject reason)")
struct HTMLNotificationTests {
    static let cases: [(text: String, expected: [[String]])] = [
        ("I am away until Monday.", [["I am away until Monday."]]),
        ("First paragraph.\n\nSecond paragraph.", [["First paragraph."], ["Second paragraph."]]),
        ("Line one\nline two\n\n\n\nNext", [["Line one", "line two"], ["Next"]]),
        ("CRLF line\r\nsecond\r\n\r\nthird", [["CRLF line", "second"], ["third"]]),
        ("old Mac\rline\r\rnext", [["old Mac", "line"], ["next"]]),
        ("\n\n  leading and trailing blank lines \n \t \n", [["  leading and trailing blank lines "]]),
        ("", []),
        (" \n\t\n", []),
    ]

    @Test("blank lines separate paragraphs, line breaks become <br>", arguments: cases)
    func structure(text: String, expected: [[String]]) throws {
        let root = try #require(parse(try HTMLNotification.render(paragraphs: text), as: .html))
        #expect(paragraphs(root) == expected)
        let body = try #require(root.children(named: "body").first)
        #expect(body.children.compactMap(\.name).allSatisfy { $0 == "p" })
    }

    static let hostile = [
        "<script>alert(1)</script>",
        "</p><h1>big</h1><p>",
        "<!-- comment --> & &amp; \"quotes\" 'single'",
        "</style></title></body></html><img src=x onerror=alert(1)>",
        "unicode: Grüße, 日本語, ✉️",
    ]

    @Test("markup in the text is shown as written", arguments: hostile)
    func escaping(text: String) throws {
        let bytes = try HTMLNotification.render(paragraphs: "\(text)\nsecond line\n\n\(text)")
        let root = try #require(parse(bytes, as: .html))
        #expect(paragraphs(root) == [[text, "second line"], [text]])
        #expect(Set(root.allElementNames) == ["head", "meta", "title", "body", "p", "br"])
        #expect(root.allComments.isEmpty)
        #expect(bytes.allSatisfy { $0 < 0x80 })
    }

    @Test func documentHead() throws {
        let bytes = try HTMLNotification.render(paragraphs: "Away <until> Monday\nreally")
        #expect(doctypeName(ofHTML: bytes) == "html")
        let root = try #require(parse(bytes, as: .html))
        #expect(root["lang"] == "en")
        #expect(root.descendants(named: "title").first?.textContent == "Away <until> Monday")
        #expect(root.descendants(named: "meta").first?["charset"] == "utf-8")

        let titled = try #require(parse(try HTMLNotification.render(paragraphs: "text", title: "Out of office"), as: .html))
        #expect(titled.descendants(named: "title").first?.textContent == "Out of office")
    }

    @Test func controlCharactersAreDropped() throws {
        let root = try #require(parse(try HTMLNotification.render(paragraphs: "bell\u{7} nul\u{0} esc\u{1B}"), as: .html))
        #expect(paragraphs(root) == [["bell nul esc"]])
    }

    @Test func roundTripsThroughTextExtraction() throws {
        let text = "Dear sender,\n\nI am out of the office & back on <Monday>.\nUrgent: call 555-0100."
        let bytes = try HTMLNotification.render(paragraphs: text)
        #expect(HTMLText.extractText(fromHTML: bytes, charset: nil) == text)
    }
}

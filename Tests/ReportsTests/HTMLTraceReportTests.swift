import XMLTestSupport
import Testing

@testable import Reports

/// A trace of a small spam-filing script, used by several tests.
private func sampleInput() -> HTMLTraceReport.Input {
    HTMLTraceReport.Input(
        scriptName: "spam.sieve",
        scriptLines: [
            #"require ["fileinto"];"#,
            "",
            #"if header :contains "X-Spam-Flag" "YES" {"#,
            #"    fileinto "Spam";"#,
            #"} elsif address :is "from" "boss@example.com" {"#,
            "    keep;",
            "}",
        ],
        lineMarks: [
            3: .init(.matched, notes: [#"X-Spam-Flag = "YES" :contains "YES" → true"#]),
            5: .init(.notEvaluated),
        ],
        actions: [#"fileinto "Spam""#],
        implicitKeep: false,
        envelope: [.init("from", "sender@example.net"), .init("to", "user@example.com")],
        headers: [.init("Subject", "Cheap pills"), .init("X-Spam-Flag", "YES")],
        errors: []
    )
}

private func rows(_ root: ParsedNode) -> [ParsedNode] {
    root.descendants(named: "tr").filter { $0.classes.contains("line") }
}

private func cell(_ row: ParsedNode, _ className: String) -> ParsedNode? {
    row.children(named: "td").first { $0.classes.contains(className) }
}

@Suite("HTML trace report: page structure")
struct HTMLTraceStructureTests {
    @Test func oneRowPerScriptLineWithNumbers() throws {
        let input = sampleInput()
        let root = try #require(parse(try HTMLTraceReport.render(input), as: .html))
        let lines = rows(root)
        #expect(lines.count == input.scriptLines.count)
        #expect(lines.compactMap { cell($0, "number")?.textContent } == (1...7).map(String.init))
        #expect(lines.compactMap { cell($0, "code")?.textContent } == input.scriptLines)
        #expect(lines.map { $0["id"] } == (1...7).map { "L\($0)" })
    }

    @Test func lineClassesFollowTheMarks() throws {
        let root = try #require(parse(try HTMLTraceReport.render(sampleInput()), as: .html))
        let classes = rows(root).map(\.classes)
        #expect(classes[2] == ["line", "matched"])
        #expect(classes[4] == ["line", "not-evaluated"])
        for index in [0, 1, 3, 5, 6] {
            #expect(classes[index] == ["line"])
        }
        #expect(cell(rows(root)[2], "notes")?.descendants(named: "li").map(\.textContent) == [#"X-Spam-Flag = "YES" :contains "YES" → true"#])
        #expect(cell(rows(root)[2], "mark")?["title"] == "matched")
        #expect(cell(rows(root)[4], "notes")?.children.isEmpty == true)
    }

    @Test("every state gets its class and legend entry", arguments: HTMLTraceReport.LineMark.State.allCases)
    func states(state: HTMLTraceReport.LineMark.State) throws {
        var input = sampleInput()
        input.lineMarks = [1: .init(state, notes: ["compared"])]
        let root = try #require(parse(try HTMLTraceReport.render(input), as: .html))
        #expect(rows(root)[0].classes == ["line", state.cssClass])
        let legend = try #require(root.descendants(withClass: "legend").first)
        let entries = legend.children(named: "li")
        #expect(entries.map(\.classes) == [["matched"], ["not-matched"], ["not-evaluated"]])
        #expect(entries.contains { $0.classes == [state.cssClass] && $0.textContent.hasSuffix(state.label) })
    }

    @Test func resultSection() throws {
        let root = try #require(parse(try HTMLTraceReport.render(sampleInput()), as: .html))
        let actions = try #require(root.descendants(withClass: "actions").first)
        #expect(actions.name == "ol")
        #expect(actions.children(named: "li").map(\.textContent) == [#"fileinto "Spam""#])
        let keep = try #require(root.descendants(withClass: "implicit-keep").first)
        #expect(keep.classes.contains("cancelled"))

        var kept = sampleInput()
        kept.actions = []
        kept.implicitKeep = true
        let keptRoot = try #require(parse(try HTMLTraceReport.render(kept), as: .html))
        #expect(keptRoot.descendants(withClass: "actions").isEmpty)
        #expect(keptRoot.descendants(withClass: "no-actions").count == 1)
        #expect(keptRoot.descendants(withClass: "implicit-keep").first?.classes.contains("kept") == true)
    }

    @Test func envelopeHeadersAndErrors() throws {
        var input = sampleInput()
        input.errors = ["line 4: mailbox \"Spam\" does not exist"]
        let root = try #require(parse(try HTMLTraceReport.render(input), as: .html))
        func fields(_ section: String) -> [[String]] {
            root.descendants(withClass: section).first?.descendants(named: "tr").map { row in
                row.children.filter { $0.name == "th" || $0.name == "td" }.map(\.textContent)
            } ?? []
        }
        #expect(fields("envelope") == [["from", "sender@example.net"], ["to", "user@example.com"]])
        #expect(fields("headers") == [["Subject", "Cheap pills"], ["X-Spam-Flag", "YES"]])
        #expect(root.descendants(withClass: "errors").first?.descendants(named: "li").map(\.textContent) == [#"line 4: mailbox "Spam" does not exist"#])
    }

    @Test func selfContainedPageWithoutScript() throws {
        let bytes = try HTMLTraceReport.render(sampleInput())
        #expect(doctypeName(ofHTML: bytes) == "html")
        let root = try #require(parse(bytes, as: .html))
        let names = Set(root.allElementNames)
        #expect(!names.contains("script"))
        #expect(!names.contains("link"))
        #expect(!names.contains("img"))
        #expect(root.descendants(named: "style").map(\.textContent) == [HTMLTraceReport.stylesheet])
        #expect(root.descendants(named: "meta").first?["charset"] == "utf-8")
        #expect(root.descendants(named: "title").first?.textContent == "Sieve trace: spam.sieve")
        #expect(bytes.allSatisfy { $0 < 0x80 }, "output is ASCII; other characters are references")
    }

    @Test func emptyScriptAndSections() throws {
        let input = HTMLTraceReport.Input(scriptName: "empty.sieve", scriptLines: [], lineMarks: [9: .init(.matched)], implicitKeep: true)
        let root = try #require(parse(try HTMLTraceReport.render(input), as: .html))
        #expect(rows(root).isEmpty)
        #expect(root.descendants(withClass: "empty").count == 2)
        #expect(root.descendants(withClass: "errors").isEmpty)
    }
}

@Suite("HTML trace report: hostile input stays text")
struct HTMLTraceHostileTests {
    static let hostile: [String] = [
        "</script><script>alert(1)</script>",
        "</style><style>body{display:none}</style>",
        "<!-- open comment",
        "--> close comment",
        #"" onmouseover="alert(1)" x=""#,
        "' onmouseover='alert(1)' x='",
        #"both ' and " quotes"#,
        "<![CDATA[ x ]]> <?php echo 1 ?> <!DOCTYPE html>",
        "&lt; is not decoded, &amp; neither &#60;",
        "</td></tr></table><h1>injected</h1>",
        "<textarea><plaintext>",
        String(decoding: [0x48, 0xC3, 0xA9, 0xFF, 0xFE, 0x3C, 0x62, 0x3E, 0xE2, 0x82] as [UInt8], as: UTF8.self),
        "tabs\tand  spaces   kept; unicode ✉️ 日本語 𝄞",
    ]

    @Test("hostile strings appear as text everywhere", arguments: hostile)
    func hostileText(text: String) throws {
        let input = HTMLTraceReport.Input(
            scriptName: text,
            scriptLines: [text, "if true { keep; }", text],
            lineMarks: [1: .init(.notMatched, notes: [text]), 3: .init(.matched, notes: [text, text])],
            actions: [text],
            implicitKeep: true,
            envelope: [.init(text, text)],
            headers: [.init(text, text), .init("Subject", text)],
            errors: [text]
        )
        let root = try #require(parse(try HTMLTraceReport.render(input), as: .html))
        // The structure is exactly what a harmless input produces.
        var harmless = input
        let plain = "plain"
        harmless.scriptName = plain
        harmless.scriptLines = [plain, "if true { keep; }", plain]
        harmless.lineMarks = [1: .init(.notMatched, notes: [plain]), 3: .init(.matched, notes: [plain, plain])]
        harmless.actions = [plain]
        harmless.envelope = [.init(plain, plain)]
        harmless.headers = [.init(plain, plain), .init("Subject", plain)]
        harmless.errors = [plain]
        let harmlessRoot = try #require(parse(try HTMLTraceReport.render(harmless), as: .html))
        #expect(root.allElementNames == harmlessRoot.allElementNames)
        #expect(root.allComments.isEmpty)
        #expect(root.descendants(named: "script").isEmpty)
        #expect(root.descendants(named: "style").map(\.textContent) == [HTMLTraceReport.stylesheet])

        // And the text comes back unchanged wherever it was put.
        let lines = rows(root)
        try #require(lines.count == 3)
        #expect(cell(lines[0], "code")?.textContent == text)
        #expect(cell(lines[2], "code")?.textContent == text)
        #expect(cell(lines[0], "notes")?.descendants(named: "li").map(\.textContent) == [text])
        #expect(root.descendants(withClass: "actions").first?.children(named: "li").map(\.textContent) == [text])
        #expect(root.descendants(withClass: "errors").first?.descendants(named: "li").map(\.textContent) == [text])
        #expect(root.descendants(named: "title").first?.textContent == "Sieve trace: \(text)")
        let headerRows = root.descendants(withClass: "headers").first?.descendants(named: "tr") ?? []
        #expect(headerRows.first?.children(named: "th").first?.textContent == text)
        #expect(headerRows.last?.children(named: "td").first?.textContent == text)
    }

    static let controls: [(String, String)] = [
        ("a\u{0}b\u{1}c", "abc"),
        ("esc\u{1B}[0m", "esc[0m"),
        ("c1\u{85}\u{9F}del\u{7F}", "c1del"),
        ("non" + scalar(0xFDD0) + "char\u{FFFF}", "nonchar"),
        ("keep\ttab", "keep\ttab"),
    ]

    @Test("control characters are dropped", arguments: controls)
    func controlCharacters(input: String, expected: String) throws {
        let trace = HTMLTraceReport.Input(scriptName: "s", scriptLines: [input], implicitKeep: true, headers: [.init("Subject", input)])
        let root = try #require(parse(try HTMLTraceReport.render(trace), as: .html))
        #expect(rows(root).first.flatMap { cell($0, "code") }?.textContent == expected)
        #expect(root.descendants(withClass: "headers").first?.descendants(named: "td").first?.textContent == expected)
    }
}

/// A one-scalar string for scalars Swift literals refuse (noncharacters such as U+FDD0).
private func scalar(_ value: UInt32) -> String {
    Unicode.Scalar(value).map { String(Character($0)) } ?? ""
}

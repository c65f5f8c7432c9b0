import XMLTestSupport
import MailCore
import Reports
import Sieve
import SieveCheckKit
import Testing

/// Compiles and runs `script` against `message` with a tracer, and renders the page.
private func explain(_ script: String, message: String, envelope: SieveEnvelope? = nil) throws -> (HTMLTraceReport.Input, ParsedNode) {
    try explain(bytes: Array(script.utf8), message: Array(message.utf8), envelope: envelope)
}

private func explain(bytes script: [UInt8], message bytes: [UInt8], envelope: SieveEnvelope? = nil) throws -> (HTMLTraceReport.Input, ParsedNode) {
    let message = Message(bytes: bytes)
    let envelope = envelope ?? SieveEnvelope(from: "sender@example.net", to: "user@example.com")
    let compiled = SieveCompiler.compile(script, file: "test.sieve")
    let outcome: RunExplanation.Outcome
    if let program = compiled.script {
        let tracer = SieveTraceRecorder()
        let result = SieveInterpreter.run(program, context: SieveMessageContext(message: message, envelope: envelope), tracer: tracer)
        outcome = .ran(result: result, events: tracer.events, warnings: compiled.diagnostics)
    } else {
        outcome = .notCompiled(diagnostics: compiled.diagnostics)
    }
    let input = RunExplanation.input(scriptName: "test.sieve", source: script, outcome: outcome, envelope: envelope, message: message)
    let root = try #require(parse(try HTMLTraceReport.render(input), as: .html))
    return (input, root)
}

private func rows(_ root: ParsedNode) -> [ParsedNode] {
    root.descendants(named: "tr").filter { $0.classes.contains("line") }
}

private func cell(_ row: ParsedNode, _ className: String) -> ParsedNode? {
    row.children(named: "td").first { $0.classes.contains(className) }
}

/// The state class of each script line ("" for unmarked lines).
private func states(_ root: ParsedNode) -> [String] {
    rows(root).map { $0.classes.first { $0 != "line" } ?? "" }
}

private func notes(_ root: ParsedNode, line: Int) -> [String] {
    let lines = rows(root)
    guard line >= 1, line <= lines.count else { return [] }
    return cell(lines[line - 1], "notes")?.descendants(named: "li").map(\.textContent) ?? []
}

private let spam = """
    Return-Path: <sender@example.net>\r
    From: Sender <sender@example.net>\r
    To: user@example.com\r
    Subject: Big sale today\r
    X-Spam-Score: 7\r
    \r
    Buy.\r

    """

@Suite("sieve-check run --html: marks from the trace")
struct RunExplanationMarkTests {
    @Test func ifElsifElseMarksTakenSkippedAndUnreached() throws {
        let script = """
            require ["fileinto", "relational", "comparator-i;ascii-numeric"];
            if header :contains "subject" "newsletter" {
                fileinto "News";
            } elsif header :value "ge" :comparator "i;ascii-numeric" "x-spam-score" "5" {
                fileinto "Spam";
            } elsif exists "x-never" {
                discard;
            } else {
                keep;
            }

            """
        let (input, root) = try explain(script, message: spam)
        #expect(rows(root).count == 10)
        #expect(states(root) == ["", "not-matched", "", "matched", "", "not-evaluated", "", "", "", ""])
        #expect(notes(root, line: 2) == [#"header :contains :comparator "i;ascii-casemap" compared ["Big sale today"] with ["newsletter"] → false"#])
        #expect(notes(root, line: 4) == [#"header :value "ge" :comparator "i;ascii-numeric" compared ["7"] with ["5"] → true"#])
        #expect(notes(root, line: 6).isEmpty)
        #expect(input.actions == [#"fileinto "Spam""#])
        #expect(!input.implicitKeep)
        #expect(root.descendants(withClass: "actions").first?.children(named: "li").map(\.textContent) == [#"fileinto "Spam""#])
        #expect(root.descendants(withClass: "implicit-keep").first?.classes.contains("cancelled") == true)
    }

    @Test func nestedTestsOnOneLineAndAcrossLines() throws {
        let script = """
            if anyof (exists "x-none", header :is "to" "user@example.com") { keep; }
            if allof (not exists "x-spam-score",
                      size :over 1M) {
                discard;
            }
            """
        let (input, root) = try explain(script, message: spam)
        #expect(states(root) == ["matched", "not-matched", "not-evaluated", "", ""])
        // Outermost first: the anyof, then its members in order.
        #expect(notes(root, line: 1) == [
            "anyof → true",
            #"exists present [] of ["x-none"] → false"#,
            #"header :is :comparator "i;ascii-casemap" compared ["user@example.com"] with ["user@example.com"] → true"#,
        ])
        #expect(notes(root, line: 2) == ["allof → false", "not → false", #"exists present ["x-spam-score"] of ["x-spam-score"] → true"#])
        #expect(input.actions == ["keep"])
        #expect(!input.implicitKeep)
    }

    @Test func sizeAndImplicitKeep() throws {
        let (input, root) = try explain("if size :under 10 { discard; }\n", message: spam)
        #expect(states(root) == ["not-matched"])
        #expect(notes(root, line: 1) == [#"size :under compared size ["\#(Message(spam).size)"] with ["10"] → false"#])
        #expect(input.actions.isEmpty)
        #expect(input.implicitKeep)
        #expect(root.descendants(withClass: "no-actions").count == 1)
        #expect(root.descendants(withClass: "implicit-keep").first?.classes.contains("kept") == true)
    }

    @Test func envelopeAndHeadersInMessageOrder() throws {
        let envelope = SieveEnvelope(from: "", to: "user@example.com", origTo: "alias@example.com", auth: "submitter")
        let (_, root) = try explain("keep;\n", message: spam, envelope: envelope)
        func fields(_ section: String) -> [[String]] {
            root.descendants(withClass: section).first?.descendants(named: "tr").map { row in
                row.children.filter { $0.name == "th" || $0.name == "td" }.map(\.textContent)
            } ?? []
        }
        #expect(fields("envelope") == [["from", "<> (null sender)"], ["to", "user@example.com"],
                                       ["orig_to", "alias@example.com"], ["auth", "submitter"]])
        #expect(fields("headers").map { $0.first ?? "" } == ["Return-Path", "From", "To", "Subject", "X-Spam-Score"])
        #expect(fields("headers")[3] == ["Subject", "Big sale today"])
    }

    @Test func runtimeErrorLeavesLaterTestsUnevaluated() throws {
        let script = """
            require ["reject"];
            if true { keep; }
            reject "no";
            if header :is "subject" "x" { discard; }
            """
        let (input, root) = try explain(script, message: spam)
        #expect(states(root) == ["", "matched", "", "not-evaluated"])
        #expect(input.implicitKeep)
        #expect(input.actions.isEmpty)
        let errors = root.descendants(withClass: "errors").first?.descendants(named: "li").map(\.textContent) ?? []
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("test.sieve:3:1: error:") == true)
    }

    @Test func scriptThatDoesNotCompileIsShownWithItsErrors() throws {
        let (input, root) = try explain("if header :contains \"subject\" \"x\" {\n  fileinto \"A\";\n}\n", message: spam)
        #expect(input.lineMarks.isEmpty)
        #expect(rows(root).count == 3)
        #expect(input.implicitKeep)
        let errors = root.descendants(withClass: "errors").first?.descendants(named: "li").map(\.textContent) ?? []
        #expect(errors.first?.contains("does not compile") == true)
        #expect(errors.dropFirst().first?.hasPrefix("test.sieve:2:3: error:") == true)
    }

    @Test("script lines split on LF and CRLF; a final line end adds no line", arguments: [
        ("keep;", ["keep;"]),
        ("keep;\n", ["keep;"]),
        ("keep;\r\n\r\nstop;\r\n", ["keep;", "", "stop;"]),
        ("# a\n\n", ["# a", ""]),
        ("", []),
    ])
    func scriptLines(source: String, expected: [String]) throws {
        let (input, root) = try explain(source, message: spam)
        #expect(input.scriptLines == expected)
        #expect(rows(root).compactMap { cell($0, "code")?.textContent } == expected)
    }

    @Test func longValuesAreCutInNotes() throws {
        let long = String(repeating: "x", count: 500)
        let (_, root) = try explain("if header :is \"subject\" \"\(long)\" { keep; }\n", message: "Subject: \(long)\r\n\r\n")
        let note = try #require(notes(root, line: 1).first)
        let shown = String(repeating: "x", count: RunExplanation.maxShownValueLength) + "…"
        #expect(note == "header :is :comparator \"i;ascii-casemap\" compared [\"\(shown)\"] with [\"\(shown)\"] → true")
    }
}

@Suite("sieve-check run --html: hostile scripts and messages stay text")
struct RunExplanationHostileTests {
    static let hostile = [
        "</script><script>alert(1)</script>",
        "</style><h1>x</h1>",
        #"" onmouseover="alert(1)" x='"#,
        "<!-- -->&amp;&lt;",
    ]

    @Test("hostile header and script strings round-trip as text", arguments: hostile)
    func hostileText(text: String) throws {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let script = "# \(text)\nif header :contains \"x-evil\" \"\(escaped)\" { keep; }\n"
        let message = "X-Evil: \(text)\r\nSubject: hi\r\n\r\nbody\r\n"
        let (_, root) = try explain(script, message: message)
        #expect(root.descendants(named: "script").isEmpty)
        #expect(root.descendants(named: "h1").count == 1)
        #expect(root.allComments.isEmpty)
        #expect(states(root) == ["", "matched"])
        #expect(cell(rows(root)[0], "code")?.textContent == "# \(text)")
        #expect(notes(root, line: 2).first?.contains("compared [\"\(text)\"]") == true)
        let headerRow = root.descendants(withClass: "headers").first?.descendants(named: "tr").first
        #expect(headerRow?.children(named: "td").first?.textContent == text)
    }

    @Test func invalidUTF8InScriptAndHeader() throws {
        // The script does not compile (strings must be UTF-8); the page still shows it.
        let script: [UInt8] = Array("x \u{22}bad ".utf8) + [0xFF, 0xFE] + Array("</script>\u{22};\nkeep;\n".utf8)
        let message: [UInt8] = Array("Subject: caf".utf8) + [0xE9, 0xFF] + Array("</script>\r\n\r\nx\r\n".utf8)
        let (input, root) = try explain(bytes: script, message: message)
        #expect(input.lineMarks.isEmpty)
        #expect(root.descendants(named: "script").isEmpty)
        #expect(cell(rows(root)[0], "code")?.textContent == "x \"bad \u{FFFD}\u{FFFD}</script>\";")
        let subject = root.descendants(withClass: "headers").first?.descendants(named: "td").first?.textContent
        #expect(subject == "caf\u{E9}\u{FF}</script>")
        let errors = root.descendants(withClass: "errors").first?.descendants(named: "li").map(\.textContent) ?? []
        #expect(errors.contains { $0.contains("invalid UTF-8") })
    }
}

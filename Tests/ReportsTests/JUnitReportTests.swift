import XMLTestSupport
import Foundation
import Testing

@testable import Reports

/// A report with one suite of each outcome, used by several tests.
private func sampleReport() -> JUnitReport {
    JUnitReport(name: "sieve-check", suites: [
        .init(
            name: "vacation.svtest", file: "tests/vacation.svtest",
            timestamp: .init(secondsSince1970: 1_709_211_909),
            cases: [
                .init(name: "replies once", className: "vacation", file: "tests/vacation.svtest", line: 3,
                      duration: .milliseconds(1250), outcome: .passed),
                .init(name: "skips lists", className: "vacation", line: 17,
                      duration: .milliseconds(5), outcome: .failed(message: "expected no reply", detail: "vacation action was taken\nat line 20")),
                .init(name: "bad script", className: "vacation",
                      outcome: .error(message: "script does not compile", detail: "vacation.sieve:4:1: error: unknown command")),
                .init(name: "later", className: "vacation", outcome: .skipped(reason: "needs :days 0")),
            ],
            systemOut: "ran 4 tests"
        ),
        .init(name: "spam.svtest", file: "tests/spam.svtest", cases: [
            .init(name: "files spam", className: "spam", duration: .seconds(2), outcome: .passed),
        ]),
    ])
}

@Suite("JUnit XML report: structure CI tools read")
struct JUnitStructureTests {
    @Test func rootCarriesTotals() throws {
        let root = try #require(parse(try sampleReport().xmlBytes(), as: .xml))
        #expect(root.name == "testsuites")
        #expect(root["name"] == "sieve-check")
        #expect(root["tests"] == "5")
        #expect(root["failures"] == "1")
        #expect(root["errors"] == "1")
        #expect(root["skipped"] == "1")
        #expect(root["time"] == "3.255")
        #expect(root.children(named: "testsuite").count == 2)
    }

    @Test func suiteAttributes() throws {
        let root = try #require(parse(try sampleReport().xmlBytes(), as: .xml))
        let suites = root.children(named: "testsuite")
        let first = try #require(suites.first)
        #expect(first["name"] == "vacation.svtest")
        #expect(first["file"] == "tests/vacation.svtest")
        #expect(first["tests"] == "4")
        #expect(first["failures"] == "1")
        #expect(first["errors"] == "1")
        #expect(first["skipped"] == "1")
        #expect(first["time"] == "1.255")
        #expect(first["timestamp"] == "2024-02-29T13:05:09")
        #expect(first.children(named: "testcase").count == 4)
        #expect(first.children(named: "system-out").map(\.textContent) == ["ran 4 tests"])
        let second = suites[1]
        #expect(second["timestamp"] == nil)
        #expect(second["tests"] == "1")
        #expect(second["failures"] == "0")
        #expect(second.children(named: "system-out").isEmpty)
    }

    @Test func caseAttributesAndOutcomes() throws {
        let root = try #require(parse(try sampleReport().xmlBytes(), as: .xml))
        let cases = root.descendants(named: "testcase")
        try #require(cases.count == 5)

        #expect(cases[0]["name"] == "replies once")
        #expect(cases[0]["classname"] == "vacation")
        #expect(cases[0]["file"] == "tests/vacation.svtest")
        #expect(cases[0]["line"] == "3")
        #expect(cases[0]["time"] == "1.250")
        #expect(cases[0].allElementNames.isEmpty)

        #expect(cases[1]["file"] == nil)
        #expect(cases[1]["line"] == "17")
        let failure = try #require(cases[1].children(named: "failure").first)
        #expect(failure["message"] == "expected no reply")
        #expect(failure["type"] == "failure")
        #expect(failure.textContent == "vacation action was taken\nat line 20")

        let error = try #require(cases[2].children(named: "error").first)
        #expect(error["message"] == "script does not compile")
        #expect(error["type"] == "error")
        #expect(error.textContent == "vacation.sieve:4:1: error: unknown command")
        #expect(cases[2]["line"] == nil)

        let skipped = try #require(cases[3].children(named: "skipped").first)
        #expect(skipped["message"] == "needs :days 0")
        #expect(skipped.children.isEmpty)
    }

    @Test func startsWithXMLDeclaration() throws {
        let bytes = try sampleReport().xmlBytes()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"))
    }

    @Test func emptyReportIsValid() throws {
        let root = try #require(parse(try JUnitReport(suites: []).xmlBytes(), as: .xml))
        #expect(root.name == "testsuites")
        #expect(root["tests"] == "0")
        #expect(root["name"] == nil)
        #expect(root.children.allSatisfy { $0.name == nil })
    }

    @Test func perCaseSystemOut() throws {
        let report = JUnitReport(suites: [
            .init(name: "s", file: "s.svtest", cases: [
                .init(name: "t", className: "s", outcome: .passed, systemOut: "trace line 1\ntrace line 2"),
            ]),
        ])
        let root = try #require(parse(try report.xmlBytes(), as: .xml))
        let testCase = try #require(root.descendants(named: "testcase").first)
        #expect(testCase.children(named: "system-out").map(\.textContent) == ["trace line 1\ntrace line 2"])
    }
}

@Suite("JUnit XML report: hostile text stays text")
struct JUnitEscapingTests {
    static let hostile: [String] = [
        #"<failure message="x">&amp;'"</failure>"#,
        "]]> <![CDATA[ x ]]>",
        "<!-- not a comment -->",
        "tab\there, cr\r\nand lf\n",
        "héllo wörld ✉️ 日本語 𝄞",
        "&#x1; &lt; &",
    ]

    @Test("markup characters round-trip in attributes and text", arguments: hostile)
    func roundTrips(text: String) throws {
        let report = JUnitReport(name: text, suites: [
            .init(name: text, file: text, cases: [
                .init(name: text, className: text, file: text, outcome: .failed(message: text, detail: text)),
            ], systemOut: text),
        ])
        let root = try #require(parse(try report.xmlBytes(), as: .xml))
        #expect(root["name"] == text)
        let suite = try #require(root.children(named: "testsuite").first)
        #expect(suite["name"] == text)
        #expect(suite["file"] == text)
        let testCase = try #require(suite.children(named: "testcase").first)
        #expect(testCase["name"] == text)
        #expect(testCase["classname"] == text)
        let failure = try #require(testCase.children(named: "failure").first)
        #expect(failure["message"] == text)
        #expect(failure.textContent == text)
        #expect(suite.children(named: "system-out").first?.textContent == text)
        // Nothing in the text became markup.
        #expect(root.allElementNames.sorted() == ["failure", "system-out", "testcase", "testsuite"])
        #expect(root.allComments.isEmpty)
    }

    static let forbidden: [(input: String, expected: String)] = [
        ("a\u{1}b", "ab"),
        ("\u{0}nul", "nul"),
        ("bell\u{7} and escape\u{1B}[31m", "bell and escape[31m"),
        ("vertical\u{B}tab form\u{C}feed", "verticaltab formfeed"),
        ("\u{FFFE}\u{FFFF}kept\u{FFFD}", "kept\u{FFFD}"),
        (String(decoding: [0x61, 0xFF, 0xC3, 0x28, 0x62] as [UInt8], as: UTF8.self), "a\u{FFFD}\u{FFFD}(b"),
    ]

    @Test("characters XML 1.0 forbids are removed", arguments: forbidden)
    func forbiddenCharactersRemoved(input: String, expected: String) throws {
        let report = JUnitReport(suites: [
            .init(name: input, file: "f", cases: [
                .init(name: input, className: "c", outcome: .error(message: input, detail: input)),
            ]),
        ])
        let bytes = try report.xmlBytes()
        let root = try #require(parse(bytes, as: .xml), "output must be well-formed XML")
        let suite = try #require(root.children(named: "testsuite").first)
        #expect(suite["name"] == expected)
        let error = try #require(suite.descendants(named: "error").first)
        #expect(error["message"] == expected)
        #expect(error.textContent == expected)
    }
}

@Suite("JUnit XML report: numbers and files")
struct JUnitFormattingTests {
    static let durations: [(Duration, String)] = [
        (.zero, "0.000"),
        (.milliseconds(1), "0.001"),
        (.microseconds(1999), "0.001"),
        (.seconds(61) + .milliseconds(20), "61.020"),
        (.milliseconds(-5), "0.000"),
    ]

    @Test("time attribute is seconds with milliseconds", arguments: durations)
    func seconds(duration: Duration, expected: String) {
        #expect(junitSeconds(duration) == expected)
    }

    static let timestamps: [(Int64, String)] = [
        (0, "1970-01-01T00:00:00"),
        (951_782_400, "2000-02-29T00:00:00"),
        (1_709_211_909, "2024-02-29T13:05:09"),
        (-1, "1969-12-31T23:59:59"),
        (4_102_444_799, "2099-12-31T23:59:59"),
    ]

    @Test("timestamp is UTC civil time", arguments: timestamps)
    func timestamp(seconds: Int64, expected: String) {
        #expect(JUnitReport.Timestamp(secondsSince1970: seconds).formatted == expected)
    }

    @Test func writesFileAtomically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-junit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.xml").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))

        try sampleReport().write(toPath: path)

        let written = try #require(FileManager.default.contents(atPath: path))
        #expect(Array(written) == (try sampleReport().xmlBytes()))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.xml"])
    }

    @Test func writeToMissingFolderFails() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-missing-\(UUID().uuidString)/report.xml").path
        #expect(throws: ReportError.self) { try sampleReport().write(toPath: path) }
        do {
            try sampleReport().write(toPath: path)
        } catch {
            #expect(error.description.contains("mkstemp"))
            #expect(error.description.contains(path))
        }
    }
}

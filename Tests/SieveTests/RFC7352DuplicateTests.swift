import MailCore
import Synchronization
import Testing
@testable import Sieve

/// A context whose tracking list holds `seen` (keys an earlier message recorded) and
/// counts how often it was asked.
private final class TrackingContext: SieveContext {
    let message: Message
    let envelope = standardEnvelope
    let seen: Set<DuplicateKey>
    let failure: String?
    let asked = Mutex(0)

    init(message: Message = duplicateMessage, seen: Set<DuplicateKey> = [], failure: String? = nil) {
        self.message = message
        self.seen = seen
        self.failure = failure
    }

    func isDuplicate(_ key: DuplicateKey) throws(DuplicateTrackingError) -> Bool {
        asked.withLock { $0 += 1 }
        if let failure { throw DuplicateTrackingError(failure) }
        return seen.contains(key)
    }
}

private let duplicateMessage = makeMessage([
    "From: list@example.org",
    "To: joe@example.com",
    "Message-ID:  <1234@mail.example.org> ",
    "X-Ticket-ID: T-77",
    "Subject: Hello",
])

private func runDuplicate(_ body: String, context: TrackingContext = TrackingContext(),
                          require: String = "duplicate", options: SieveOptions = SieveOptions()) throws -> SieveResult {
    let compiled = SieveCompiler.compile("require [\"\(require)\", \"fileinto\", \"variables\"];\n" + body,
                                         file: "test.sieve", options: options)
    guard let script = compiled.script else { throw ScriptFailedToCompile(diagnostics: compiled.diagnostics) }
    return SieveInterpreter.run(script, context: context, options: options)
}

private func messageKey(last: Bool = false, handle: String? = nil) -> DuplicateKey {
    DuplicateKey(handle: handle, value: "<1234@mail.example.org>", last: last)
}

@Suite("RFC 7352 duplicate")
struct RFC7352DuplicateTests {
    @Test("a value not seen before is not a duplicate, and is marked for recording")
    func firstTimeIsMarked() throws {
        let result = try runDuplicate("if duplicate { fileinto \"dup\"; }")
        #expect(result.actions == [implicitKeep])
        #expect(result.duplicateMarks == [DuplicateMark(key: messageKey(), seconds: DuplicatePeriods().standard)])
    }

    @Test("a value recorded earlier is a duplicate, and is not marked again without :last")
    func seenIsDuplicate() throws {
        let result = try runDuplicate("if duplicate { discard; }", context: TrackingContext(seen: [messageKey()]))
        #expect(result.actions == [.discard])
        #expect(result.duplicateMarks.isEmpty)
    }

    @Test(":last renews the record of a duplicate, and also honours a record made without :last")
    func lastRenews() throws {
        let result = try runDuplicate("if duplicate :last :seconds 60 { discard; }",
                                      context: TrackingContext(seen: [messageKey()]))
        #expect(result.actions == [.discard])
        #expect(result.duplicateMarks == [DuplicateMark(key: messageKey(last: true), seconds: 60)])
    }

    @Test("handles keep separate lists")
    func handlesAreSeparate() throws {
        let context = TrackingContext(seen: [messageKey(handle: "lists")])
        let result = try runDuplicate("""
            if duplicate :handle "lists" { fileinto "a"; }
            if duplicate :handle "other" { fileinto "b"; }
            if duplicate { fileinto "c"; }
            """, context: context)
        #expect(result.actions == [fileinto("a")])
        #expect(result.duplicateMarks.map(\.key) == [messageKey(handle: "other"), messageKey()])
    }

    @Test(arguments: [
        ("duplicate :header \"X-Ticket-ID\"", "T-77"),
        ("duplicate :header \"x-ticket-id\"", "T-77"),
        ("duplicate :uniqueid \"${sender}\"", "list@example.org"),
        ("duplicate :uniqueid \"fixed\"", "fixed"),
    ])
    func trackedValue(_ test: String, _ value: String) throws {
        let result = try runDuplicate("set \"sender\" \"list@example.org\";\nif \(test) { discard; }")
        #expect(result.duplicateMarks.map(\.key.value) == [value])
    }

    @Test("no value to track: not a duplicate, nothing marked, the store is not asked")
    func absentValue() throws {
        let context = TrackingContext(message: makeMessage(["From: a@example.org", "Subject: no id"]))
        let result = try runDuplicate("if duplicate { discard; }\nif duplicate :header \"X-None\" { discard; }",
                                      context: context)
        #expect(result.actions == [implicitKeep])
        #expect(result.duplicateMarks.isEmpty)
        #expect(context.asked.withLock { $0 } == 0)
    }

    @Test("the same test asked twice in one run answers the same and marks once")
    func askedTwice() throws {
        let context = TrackingContext()
        let result = try runDuplicate("if duplicate { fileinto \"a\"; }\nif duplicate { fileinto \"b\"; }", context: context)
        #expect(result.actions == [implicitKeep])
        #expect(result.duplicateMarks.count == 1)
        #expect(context.asked.withLock { $0 } == 1)
    }

    @Test("a store that cannot be asked fails the run (implicit keep, nothing marked)")
    func storeFailure() throws {
        let result = try runDuplicate("if duplicate { discard; }", context: TrackingContext(failure: "database locked"))
        #expect(result.actions == [implicitKeep])
        #expect(result.duplicateMarks.isEmpty)
        #expect(result.errors.map(\.message) == ["duplicate test: cannot check the tracking store: database locked"])
    }

    @Test("a runtime error after the test drops the marks")
    func laterErrorDropsMarks() throws {
        let compiled = SieveCompiler.compile("require [\"duplicate\", \"ihave\"];\nif duplicate { discard; }\nerror \"boom\";",
                                             file: "test.sieve")
        let script = try #require(compiled.script)
        let result = SieveInterpreter.run(script, context: TrackingContext())
        #expect(!result.errors.isEmpty)
        #expect(result.duplicateMarks.isEmpty)
    }

    @Test(":seconds over the site's maximum is lowered, with a warning")
    func secondsClamped() throws {
        var options = SieveOptions()
        options.duplicatePeriods = DuplicatePeriods(standard: 100, maximum: 3600)
        let compiled = SieveCompiler.compile("require \"duplicate\";\nif duplicate :seconds 90000 { discard; }",
                                             file: "test.sieve", options: options)
        #expect(compiled.diagnostics.map(\.description)
            == ["test.sieve:2:23: warning: duplicate :seconds 90000 is over the site's maximum of 3600 seconds; 3600 is used"])
        let result = SieveInterpreter.run(try #require(compiled.script), context: TrackingContext(), options: options)
        #expect(result.duplicateMarks.map(\.seconds) == [3600])
        let standard = try runDuplicate("if duplicate { discard; }", options: options)
        #expect(standard.duplicateMarks.map(\.seconds) == [100])
    }

    @Test("vnd.dovecot.duplicate takes :value where RFC 7352 has :uniqueid")
    func vendorName() throws {
        let result = try runDuplicate("if duplicate :value \"x\" :handle \"h\" { discard; }", require: "vnd.dovecot.duplicate")
        #expect(result.duplicateMarks.map(\.key) == [DuplicateKey(handle: "h", value: "x", last: false)])
        #expect(diagnostics("require \"vnd.dovecot.duplicate\";\nif duplicate :uniqueid \"x\" { discard; }").count == 1)
    }

    @Test(arguments: [
        ("duplicate;", "is a test, not a command"),
        ("if duplicate \"frop\" {}", "duplicate"),
        ("if duplicate :test \"frop\" {}", "unknown tag ':test' for test 'duplicate'"),
        ("if duplicate :header 23 {}", ":header"),
        ("if duplicate :handle [\"a\", \"b\"] {}", ":handle"),
        ("if duplicate :seconds \"a\" {}", ":seconds"),
        ("if duplicate :last \"frop\" {}", "duplicate"),
        ("if duplicate :header \"X-Frop\" :uniqueid \"FROP!\" {}", ":uniqueid"),
        ("if duplicate :header \"bad name\" {}", "not a valid header field name"),
    ])
    func invalidSyntax(_ line: String, _ fragment: String) {
        let found = diagnostics("require \"duplicate\";\n" + line)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains(fragment) == true, "\(found)")
    }

    @Test("duplicate needs its require")
    func needsRequire() {
        #expect(diagnostics("if duplicate {}")
            == ["test.sieve:1:4: error: test 'duplicate' requires the \"duplicate\" extension; add require \"duplicate\";"])
    }
}

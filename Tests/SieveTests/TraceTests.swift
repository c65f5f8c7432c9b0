import Testing
@testable import Sieve

@Suite("Interpreter trace")
struct TraceTests {
    @Test func traceRecordsCommandsTestsActionsAndStop() throws {
        let recorder = SieveTraceRecorder()
        _ = try run("""
        require "fileinto";
        if header :contains "subject" "present" {
            fileinto "gifts";
            stop;
        }
        """, tracer: recorder)
        let events = recorder.events
        #expect(events.count == 6)
        #expect(events[0] == .command(name: "if", location: SourceLocation(line: 2, column: 1, offset: 20)))
        guard case .test(let test) = events[1] else {
            Issue.record("expected a test event, got \(events[1])")
            return
        }
        #expect(test.name == "header" && test.matched)
        #expect(test.comparison == TraceComparison(values: ["I have a present for you"], keys: ["present"],
                                                   matchType: ":contains", comparator: "i;ascii-casemap"))
        #expect(events[2] == .command(name: "fileinto", location: SourceLocation(line: 3, column: 5, offset: 66)))
        #expect(events[3] == .action(fileinto("gifts"), location: SourceLocation(line: 3, column: 5, offset: 66)))
        #expect(events[4] == .command(name: "stop", location: SourceLocation(line: 4, column: 5, offset: 88)))
        #expect(events[5] == .stop(location: SourceLocation(line: 4, column: 5, offset: 88)))
    }

    @Test func traceRecordsErrors() throws {
        let recorder = SieveTraceRecorder()
        let result = try run("require \"reject\"; keep; reject \"x\";", tracer: recorder)
        #expect(recorder.events.last == .error(try #require(result.errors.first)))
    }
}

import MailCore
import Synchronization
import Testing
@testable import Sieve

/// A context that counts how often the run asks it for the time.
private final class CountingClockContext: SieveContext {
    let message: Message
    let envelope = standardEnvelope
    let asked = Mutex(0)

    init(message: Message) {
        self.message = message
    }

    var currentDate: DateTime {
        asked.withLock { $0 += 1 }
        return fixedNow ?? DateTime.systemNow()
    }
}

/// A message with dated fields: `Date` in +0300, three `Received` fields (newest first).
private let datedMessage = makeMessage([
    "Received: from b.example.net by mx.example.com; Mon, 22 Jul 2009 23:30:14 +0200",
    "From: boss@example.com",
    "To: a@example.com",
    "Received: from a.example.org by b.example.net;\r\n Sun, 21 Jul 2009 06:00:00 -0700",
    "Date: Mon, 20 Jul 2009 21:44:43 +0300",
    "To: b@example.com",
    "Received: from client by a.example.org; Sat, 20 Jul 2009 10:00:00 +0000 (UTC)",
    "Resent-Date: Moo, 34 Juul 3060 25:30:42 +6600",
    "X-Zone: -0500",
    "X-Part: weekday",
])

/// 2026-12-07 10:00:00 +0100, a Monday: "now" for these tests.
private let fixedNow = DateTime(year: 2026, month: 12, day: 7, hour: 10, minute: 0, second: 0, zoneOffset: 60)

/// Whether `test` holds on `datedMessage`, with the current time fixed at `now`.
private func holdsDated(_ test: String, require: [String] = [], now: DateTime? = fixedNow,
                        message: Message = datedMessage) throws -> Bool {
    let requires = (["date", "fileinto"] + require).map { "\"\($0)\"" }.joined(separator: ", ")
    let source = "require [\(requires)];\nif \(test) { fileinto \"yes\"; }"
    let compiled = SieveCompiler.compile(source, file: "test.sieve")
    guard let script = compiled.script else { throw ScriptFailedToCompile(diagnostics: compiled.diagnostics) }
    let context = SieveMessageContext(message: message, envelope: standardEnvelope, fixedDate: now)
    let result = SieveInterpreter.run(script, context: context)
    #expect(result.errors.isEmpty, "\(result.errors)")
    return result.actions.contains(fileinto("yes"))
}

@Suite("RFC 5260 date and index")
struct RFC5260DateTests {
    @Test("§4.2: every date-part of the Date field in its original zone", arguments: [
        ("year", "2009"), ("month", "07"), ("day", "20"), ("date", "2009-07-20"), ("julian", "55032"),
        ("hour", "21"), ("minute", "44"), ("second", "43"), ("time", "21:44:43"),
        ("iso8601", "2009-07-20T21:44:43+03:00"), ("std11", "Mon, 20 Jul 2009 21:44:43 +0300"),
        ("zone", "+0300"), ("weekday", "1"),
    ])
    func originalZone(part: String, value: String) throws {
        #expect(try holdsDated("date :originalzone \"date\" \"\(part)\" \"\(value)\""))
        #expect(try holdsDated("date :originalzone :comparator \"i;octet\" \"Date\" \"\(part.uppercased())\" \"\(value)\""))
    }

    @Test("§4.1: :zone shifts the instant to the given offset", arguments: [
        ("+0000", "iso8601", "2009-07-20T18:44:43Z"),                  // offset 0 is written Z
        ("+0000", "zone", "+0000"),
        ("-0000", "zone", "+0000"),                                    // zero always has a plus sign
        ("-0500", "std11", "Mon, 20 Jul 2009 13:44:43 -0500"),
        ("+1400", "date", "2009-07-21"),                               // the next day
        ("+1400", "weekday", "2"),
        ("+1400", "julian", "55033"),
        ("-0930", "iso8601", "2009-07-20T09:14:43-09:30"),
    ])
    func zone(zone: String, part: String, value: String) throws {
        #expect(try holdsDated("date :zone \"\(zone)\" \"date\" \"\(part)\" \"\(value)\""))
    }

    @Test("§4.1: without :zone the local zone is used (the zone of the current time)")
    func localZone() throws {
        #expect(try holdsDated(#"date "date" "iso8601" "2009-07-20T19:44:43+01:00""#))
        let utc = DateTime(secondsSinceEpoch: 0, zoneOffset: 0)
        #expect(try holdsDated(#"date "date" "time" "18:44:43""#, now: utc))
        #expect(try holdsDated(#"date "date" "zone" "+0000""#, now: utc))
    }

    @Test("§4: the first field of the name is used; Received gives the date after its last semicolon")
    func firstFieldAndReceived() throws {
        #expect(try holdsDated(#"date :originalzone "received" "date" "2009-07-22""#))
        #expect(try !holdsDated(#"date :originalzone "received" "date" ["2009-07-21", "2009-07-20"]"#))
        #expect(try holdsDated(#"date :originalzone "received" "zone" "+0200""#))
    }

    @Test("§4: a missing field or one without a valid date-time makes the test false; :count is 0 or 1")
    func invalidOrMissing() throws {
        #expect(try !holdsDated(#"date :matches "resent-date" "date" "*""#))
        #expect(try !holdsDated(#"date :matches "x-missing" "date" "*""#))
        #expect(try !holdsDated(#"date :matches "subject" "std11" "*""#))
        let numeric = ["relational", "comparator-i;ascii-numeric"]
        #expect(try holdsDated(#"date :count "eq" :comparator "i;ascii-numeric" "resent-date" "date" "0""#, require: numeric))
        #expect(try holdsDated(#"date :count "eq" :comparator "i;ascii-numeric" "x-missing" "date" "0""#, require: numeric))
        #expect(try holdsDated(#"date :count "eq" :comparator "i;ascii-numeric" "received" "date" "1""#, require: numeric))
        #expect(try holdsDated(#"currentdate :count "eq" :comparator "i;ascii-numeric" "date" "1""#, require: numeric))
    }

    @Test("the default match type is :is and the default comparator i;ascii-casemap")
    func defaults() throws {
        #expect(try holdsDated(#"date :originalzone "date" "std11" "MON, 20 JUL 2009 21:44:43 +0300""#))
        #expect(try !holdsDated(#"date :originalzone "date" "std11" "Mon""#))
        #expect(try !holdsDated(#"date :originalzone "date" "std11" "*""#))
        #expect(try holdsDated(#"date :originalzone :contains "date" "std11" "Jul 2009""#))
    }

    @Test("relational :value orders date-parts as the RFC's fixed formats allow", arguments: [
        (#"date :originalzone :value "ge" "date" "date" "2009-07-20""#, true),
        (#"date :originalzone :value "gt" "date" "date" "2009-07-20""#, false),
        (#"date :originalzone :value "lt" "date" "date" "2009-08-01""#, true),
        (#"date :originalzone :value "ge" :comparator "i;ascii-numeric" "date" "julian" "55032""#, true),
        (#"date :originalzone :value "lt" :comparator "i;ascii-numeric" "date" "hour" "9""#, false),
    ])
    func relational(test: String, expected: Bool) throws {
        #expect(try holdsDated(test, require: ["relational", "comparator-i;ascii-numeric"]) == expected)
    }

    @Test("§5: currentdate reads the context's time, one instant per run")
    func currentdate() throws {
        #expect(try holdsDated(#"currentdate "iso8601" "2026-12-07T10:00:00+01:00""#))
        #expect(try holdsDated(#"currentdate :zone "+0000" "time" "09:00:00""#))
        #expect(try holdsDated(#"currentdate "weekday" "1""#))
        #expect(try holdsDated(#"currentdate "julian" "61381""#))
        // Without a fixed time the system clock answers, in a valid shape.
        #expect(try holdsDated(#"currentdate :matches "iso8601" "????-??-??T??:??:??*""#, now: nil))
        #expect(try holdsDated(#"currentdate :value "ge" "year" "2024""#, require: ["relational"], now: nil))
    }

    @Test("§5: the context is asked for the time once per run, and never by a script without date")
    func clockAskedOnce() throws {
        let dated = try #require(SieveCompiler.compile(
            #"require "date"; if allof(currentdate "year" "2026", date "date" "year" "2009", currentdate "month" "12") { discard; }"#).script)
        let context = CountingClockContext(message: datedMessage)
        #expect(SieveInterpreter.run(dated, context: context).actions == [.discard])
        #expect(context.asked.withLock { $0 } == 1)
        let plain = try #require(SieveCompiler.compile(#"if header :contains "from" "boss" { discard; }"#).script)
        let other = CountingClockContext(message: datedMessage)
        #expect(SieveInterpreter.run(plain, context: other).actions == [.discard])
        #expect(other.asked.withLock { $0 } == 0)
    }

    @Test("§5.1: currentdate with variables names a folder by month and year")
    func currentdateVariables() throws {
        let source = """
            require ["date", "variables", "fileinto"];
            if currentdate :matches "month" "*" { set "month" "${1}"; }
            if currentdate :matches "year"  "*" { set "year"  "${1}"; }
            fileinto "${month}-${year}";
            """
        let script = try #require(SieveCompiler.compile(source).script)
        let context = SieveMessageContext(message: datedMessage, envelope: standardEnvelope, fixedDate: fixedNow)
        #expect(SieveInterpreter.run(script, context: context).actions == [fileinto("12-2026")])
    }

    @Test("RFC 5260's printed examples (§4.4, §5.1, §6.1)", arguments: [
        // §4.4: sent during office hours by the boss (21:44 is not).
        (#"allof(header :is "from" "boss@example.com", date :value "ge" :originalzone "date" "hour" "09", date :value "lt" :originalzone "date" "hour" "17")"#, false),
        (#"allof(header :is "from" "boss@example.com", date :value "ge" :originalzone "date" "hour" "09", date :value "lt" :originalzone "date" "hour" "22")"#, true),
        // §4.4: the top Received field on a weekend (Wed 2009-07-22 in local +0100: no).
        (#"anyof(date :is "received" "weekday" "0", date :is "received" "weekday" "6")"#, false),
        (#"anyof(date :is "received" "weekday" "3", date :is "received" "weekday" "6")"#, true),
        // §5.1: after hours or on weekends (Monday 10:00: no).
        (#"anyof(currentdate :is "weekday" "0", currentdate :is "weekday" "6", currentdate :value "lt" "hour" "09", currentdate :value "ge" "hour" "17")"#, false),
        // §5.1: vacation window in advance.
        (#"allof(currentdate :value "ge" "date" "2026-12-01", currentdate :value "le" "date" "2026-12-07")"#, true),
        (#"allof(currentdate :value "ge" "date" "2007-06-30", currentdate :value "le" "date" "2007-07-07")"#, false),
        // §6.1: the second Received field, in -0500, after a cutoff.
        (#"date :value "gt" :index 2 :zone "-0500" "received" "iso8601" "2009-07-21T07:59:59-05:00""#, true),
        (#"date :value "gt" :index 2 :zone "-0500" "received" "iso8601" "2009-07-21T08:00:00-05:00""#, false),
    ])
    func rfcExamples(test: String, expected: Bool) throws {
        #expect(try holdsDated(test, require: ["relational", "index"]) == expected)
    }

    @Test("§6: :index and :last select one field, counted over the names in list order", arguments: [
        (#"header :index 2 "received" "*a.example.org*""#, false),
        (#"header :index 2 :matches "received" "*a.example.org*""#, true),
        (#"header :index 1 :last :contains "received" "client""#, true),
        (#"header :index 4 :contains "received" "client""#, false),            // only 3 fields
        (#"header :index 4 :is ["received", "to"] "a@example.com""#, true),    // names in list order
        (#"header :index 1 :last ["received", "to"] "b@example.com""#, true),
        (#"address :index 2 "to" "b@example.com""#, true),
        (#"address :index 2 "to" "a@example.com""#, false),
        (#"address :localpart :index 1 :last ["to", "from"] "boss""#, true),
        (#"date :index 2 :originalzone "received" "zone" "-0700""#, true),
        (#"date :index 1 :last :originalzone "received" "date" "2009-07-20""#, true),
        (#"date :index 9 :matches "received" "date" "*""#, false),
    ])
    func index(test: String, expected: Bool) throws {
        #expect(try holdsDated(test, require: ["index"]) == expected)
    }

    @Test("a zone or date-part from a variable: an invalid zone means the local zone, an unknown part no value")
    func variables() throws {
        let require = ["variables"]
        #expect(try holdsDated(#"allof(header :matches "x-zone" "*", date :zone "${0}" "date" "hour" "13")"#, require: require))
        #expect(try holdsDated(#"allof(header :matches "x-part" "*", date :originalzone "date" "${0}" "1")"#, require: require))
        #expect(try holdsDated(#"allof(header :matches "x-part" "*", date :zone "${0}bad" "date" "hour" "19")"#, require: require))
        #expect(try !holdsDated(#"allof(header :matches "x-zone" "*", date "date" "${0}" "*")"#, require: require))
    }

    @Test("compile errors say what was expected", arguments: [
        (#"require "date"; if date "date" "yaer" "2009" { keep; }"#,
         #"test.sieve:1:32: error: unknown date-part "yaer"; expected one of "year", "month", "day", "date", "julian", "hour", "minute", "second", "time", "iso8601", "std11", "zone", "weekday""#),
        (#"require "date"; if date :zone "+3" "date" "year" "2009" { keep; }"#,
         #"test.sieve:1:31: error: invalid time zone "+3" for :zone; expected "+hhmm" or "-hhmm" (hours and minutes east or west of UTC, e.g. "+0100" or "-0500")"#),
        (#"require "date"; if date :zone "+0300" :originalzone "date" "year" "2009" { keep; }"#,
         "test.sieve:1:39: error: ':originalzone' conflicts with ':zone': only one time zone may be given"),
        (#"require "date"; if currentdate :originalzone "year" "2009" { keep; }"#,
         "test.sieve:1:32: error: unknown tag ':originalzone' for test 'currentdate'; it accepts :is, :contains, :matches, :value (with require \"relational\"), :count (with require \"relational\"), :regex (with require \"regex\"), :list (with require \"extlists\"), :comparator, :zone"),
        (#"require "date"; if date ["date", "received"] "year" "2009" { keep; }"#,
         "test.sieve:1:25: error: test 'date' expects a string for the header name, found a string list"),
        (#"if date "date" "year" "2009" { keep; }"#,
         "test.sieve:1:4: error: test 'date' requires the \"date\" extension; add require \"date\";"),
        (#"require "date"; if date :index 1 "date" "year" "2009" { keep; }"#,
         "test.sieve:1:25: error: tag ':index' requires the \"index\" extension; add require \"index\";"),
        (#"require "index"; if header :last "to" "x" { keep; }"#,
         "test.sieve:1:28: error: ':last' needs ':index N' (it says which field counts back from the last one); write :index 1 :last for the last field"),
        (#"require "index"; if header :index 0 :last "to" "x" { keep; }"#,
         "test.sieve:1:35: error: :index counts header fields from 1; found 0"),
        (#"require "index"; if address :index "to" "x" { keep; }"#,
         "test.sieve:1:36: error: tag ':index' expects a number, found a string"),
    ])
    func errors(source: String, expected: String) {
        #expect(diagnostics(source).first == expected, "\(diagnostics(source))")
    }

    @Test("--trace shows the date test with the date-part value it compared")
    func trace() throws {
        let recorder = SieveTraceRecorder()
        let script = try #require(SieveCompiler.compile(#"require "date"; if date :originalzone "date" "date" "2009-07-20" { keep; }"#).script)
        let context = SieveMessageContext(message: datedMessage, envelope: standardEnvelope, fixedDate: fixedNow)
        _ = SieveInterpreter.run(script, context: context, tracer: recorder)
        let lines = recorder.events.map(\.traceLine)
        #expect(lines.contains { $0.contains(#"date :is :comparator "i;ascii-casemap" values ["2009-07-20"] keys ["2009-07-20"] -> true"#) },
                "\(lines)")
    }
}

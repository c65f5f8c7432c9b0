import Testing
@testable import MailCore

/// Fields of a parsed date-time: year, month, day, hour, minute, second, zone offset (minutes).
private typealias Fields = (Int, Int, Int, Int, Int, Int, Int)

private func fields(_ date: DateTime?) -> [Int]? {
    date.map { [$0.year, $0.month, $0.day, $0.hour, $0.minute, $0.second, $0.zoneOffset] }
}

@Suite("RFC 5322 date-time")
struct DateTimeTests {
    @Test("parses real-world and obsolete forms (RFC 5322 §3.3, §4.3)", arguments: [
        ("Mon, 20 Jul 2009 21:44:43 +0300", [2009, 7, 20, 21, 44, 43, 180]),
        ("20 Jul 2009 21:44:43 +0300", [2009, 7, 20, 21, 44, 43, 180]),           // no day name
        ("Mon, 20 Jul 2009 21:44:43 +0360", [2009, 7, 20, 21, 44, 43, 240]),      // minutes carry (as Dovecot)
        ("Mon,20 Jul 2009 21:44:43 +0300", [2009, 7, 20, 21, 44, 43, 180]),
        ("mon, 20 JUL 2009 21:44:43 -0130", [2009, 7, 20, 21, 44, 43, -90]),      // any case
        ("Mon, 20 July 2009 21:44 +0000", [2009, 7, 20, 21, 44, 0, 0]),            // full month name, no seconds
        ("Thu, 1 Jan 1970 00:00:00 GMT", [1970, 1, 1, 0, 0, 0, 0]),
        ("Thu, 01 Jan 70 00:00:00 UT", [1970, 1, 1, 0, 0, 0, 0]),                  // 2-digit year ≥ 50
        ("Sat, 1 Jan 00 00:00:00 EST", [2000, 1, 1, 0, 0, 0, -300]),               // 2-digit year < 50
        ("Wed, 31 Dec 49 23:59:59 EDT", [2049, 12, 31, 23, 59, 59, -240]),
        ("Fri, 1 Jan 100 12:00:00 CST", [2000, 1, 1, 12, 0, 0, -360]),             // 3-digit year + 1900
        ("1 Feb 2001 12:00 CDT", [2001, 2, 1, 12, 0, 0, -300]),
        ("1 Feb 2001 12:00 MST", [2001, 2, 1, 12, 0, 0, -420]),
        ("1 Feb 2001 12:00 MDT", [2001, 2, 1, 12, 0, 0, -360]),
        ("1 Feb 2001 12:00 PST", [2001, 2, 1, 12, 0, 0, -480]),
        ("1 Feb 2001 12:00 pdt", [2001, 2, 1, 12, 0, 0, -420]),
        ("1 Feb 2001 12:00 A", [2001, 2, 1, 12, 0, 0, 0]),                         // military: -0000
        ("1 Feb 2001 12:00 z", [2001, 2, 1, 12, 0, 0, 0]),
        ("1 Feb 2001 12:00 CEST", [2001, 2, 1, 12, 0, 0, 0]),                      // unknown name: -0000
        ("1 Feb 2001 12:00 -0000", [2001, 2, 1, 12, 0, 0, 0]),
        ("1 Feb 2001 12:00", [2001, 2, 1, 12, 0, 0, 0]),                           // no zone at all
        ("Tue, 2 Feb 2010 09:05:07 +0100 (CET)", [2010, 2, 2, 9, 5, 7, 60]),       // trailing comment
        ("(sent) Tue (x) , 2 Feb\r\n 2010 09 : 05 : 07 +0100", [2010, 2, 2, 9, 5, 7, 60]),  // CFWS everywhere
        ("Tue,\r\n\t2 (nested (comment) \\) here) Feb 2010 9:05:07 +0100", [2010, 2, 2, 9, 5, 7, 60]),
        ("Tue, 2 Feb 2010 09:05:07 +0100 CET", [2010, 2, 2, 9, 5, 7, 60]),         // zone name after the offset
        ("Wed, 31 Dec 2008 23:59:60 +0000", [2008, 12, 31, 23, 59, 60, 0]),        // leap second
        ("Thu, 29 Feb 2024 10:00:00 +1400", [2024, 2, 29, 10, 0, 0, 840]),         // leap day
        ("Sat, 29 Feb 2000 10:00:00 +0000", [2000, 2, 29, 10, 0, 0, 0]),           // 400-year leap day
    ])
    func parses(text: String, expected: [Int]) {
        #expect(fields(DateTime(rfc5322: text)) == expected, "\(text)")
    }

    @Test("rejects what is no date-time or no calendar date (RFC 5260 §4: the test is then false)", arguments: [
        "", "tomorrow", "Moo, 34 Juul 3060 25:30:42 +6600",
        "Mon, 20 Jul 2009",                        // no time
        "Moo, 20 Jul 2009 21:44:43 +0300",         // not a day name
        "Mon, 32 Jan 2009 10:00:00 +0000",         // January 32nd
        "Mon, 29 Feb 2009 10:00:00 +0000",         // not a leap year
        "Mon, 29 Feb 1900 10:00:00 +0000",         // century, not a leap year
        "Mon, 31 Apr 2009 10:00:00 +0000",
        "Mon, 20 Juul 2009 21:44:43 +0300",
        "Mon, 20 Jul 2009 24:00:00 +0300",
        "Mon, 20 Jul 2009 21:60:00 +0300",
        "Mon, 20 Jul 2009 21:44:61 +0300",
        "Mon 20 Jul 2009 21:44:43 +0300",          // day name without its comma
        "Monday, 20 Jul 2009 21:44:43 +0300",      // day names have three letters
        "Mon, 20 Jul 2009 21:44:43 +0300 (open",   // unclosed comment
        "Mon, 20 Jul 2009 21:44:43 +030",          // zone of 3 digits
        "Mon, 20 Jul 9 21:44:43 +0300",            // 1-digit year
        "Mon, 20 Jul 2009 21:4:43 +0300",          // 1-digit minute
        "Mon, 0 Jul 2009 21:44:43 +0300",
        "Mon, 20 Jul 2009 21:44:43 ?",
    ])
    func rejects(text: String) {
        #expect(DateTime(rfc5322: text) == nil, "\(text)")
    }

    @Test("days from the civil date, weekday and Modified Julian Day", arguments: [
        // (year, month, day, days since 1970-01-01, weekday, MJD)
        (1970, 1, 1, 0, 4, 40_587),
        (1858, 11, 17, -40_587, 3, 0),           // MJD epoch, a Wednesday
        (2009, 7, 20, 14_445, 1, 55_032),        // RFC 5260 suite date: a Monday
        (2009, 7, 22, 14_447, 3, 55_034),
        (2000, 2, 29, 11_016, 2, 51_603),
        (1969, 12, 31, -1, 3, 40_586),
        (1, 1, 1, -719_162, 1, -678_575),
        (9999, 12, 31, 2_932_896, 5, 2_973_483),
    ])
    func civil(year: Int, month: Int, day: Int, days: Int, weekday: Int, mjd: Int) throws {
        #expect(DateTime.daysFromCivil(year: year, month: month, day: day) == days)
        #expect(DateTime.civil(fromDays: days) == (year, month, day))
        let date = try #require(DateTime(year: year, month: month, day: day, hour: 12, minute: 0, second: 0, zoneOffset: 0))
        #expect(date.weekday == weekday)
        #expect(date.modifiedJulianDay == mjd)
    }

    @Test("every day of four centuries goes to days and back")
    func roundTrip() {
        var expected = DateTime.daysFromCivil(year: 1800, month: 1, day: 1)
        for year in 1800...2200 {
            for month in 1...12 {
                for day in 1...DateTime.daysInMonth(month, year: year) {
                    #expect(DateTime.daysFromCivil(year: year, month: month, day: day) == expected)
                    expected += 1
                }
            }
        }
        #expect(DateTime.civil(fromDays: expected - 1) == (2200, 12, 31))
    }

    @Test("conversion between zones keeps the instant")
    func zones() throws {
        let date = try #require(DateTime(rfc5322: "Mon, 20 Jul 2009 21:44:43 +0300"))
        #expect(date.secondsSinceEpoch == 1_248_115_483)
        let utc = try #require(date.converted(toZoneOffset: 0))
        #expect(fields(utc) == [2009, 7, 20, 18, 44, 43, 0])
        let west = try #require(date.converted(toZoneOffset: -10 * 60))
        #expect(fields(west) == [2009, 7, 20, 8, 44, 43, -600])
        let east = try #require(date.converted(toZoneOffset: 14 * 60))
        #expect(fields(east) == [2009, 7, 21, 8, 44, 43, 840])   // across midnight
        #expect(east.secondsSinceEpoch == date.secondsSinceEpoch)
        let early = try #require(DateTime(rfc5322: "1 Jan 1970 00:30:00 +0100"))
        #expect(fields(early.converted(toZoneOffset: 0)) == [1969, 12, 31, 23, 30, 0, 0])  // before the epoch
    }

    @Test("RFC 3339 date-times (sieve-check run --date)", arguments: [
        ("2026-12-07T10:00:00+01:00", [2026, 12, 7, 10, 0, 0, 60]),
        ("2026-12-07T10:00:00Z", [2026, 12, 7, 10, 0, 0, 0]),
        ("2026-12-07t10:00:00.250-05:30", [2026, 12, 7, 10, 0, 0, -330]),
        ("2026-12-07 10:00:00z", [2026, 12, 7, 10, 0, 0, 0]),
    ])
    func rfc3339(text: String, expected: [Int]) {
        #expect(fields(DateTime(rfc3339: text)) == expected)
    }

    @Test("not RFC 3339", arguments: ["2026-12-07", "2026-12-07T10:00:00", "2026-13-07T10:00:00Z",
                                      "2026-12-07T10:00:00+0100", "2026-12-07T10:00:00Zx"])
    func notRFC3339(text: String) {
        #expect(DateTime(rfc3339: text) == nil)
    }

    @Test("the system clock gives a valid date in the local zone")
    func systemNow() {
        let now = DateTime.systemNow()
        #expect(now.year >= 2024)
        #expect(abs(now.zoneOffset) < 24 * 60)
    }
}

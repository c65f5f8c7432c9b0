#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A date and time of day in the proleptic Gregorian calendar, as written in one time
/// zone: the wall-clock fields plus the zone's offset from UTC.
///
/// Only valid values exist: `init?` rejects January 32nd, February 29th in a common year,
/// hour 24 and the like. Second 60 (a leap second) is accepted as written; converting to
/// another zone goes through seconds since the epoch, where it becomes second 0 of the
/// next minute.
///
/// The calendar arithmetic is done here on integers (days from the civil date and back),
/// with no dependency on Foundation or the C library's time functions.
///
/// - SeeAlso: RFC 5322 §3.3 (date-time), RFC 5260 §4.2 (the parts Sieve extracts)
public struct DateTime: Sendable, Hashable {
    /// 1...9999.
    public let year: Int
    /// 1...12.
    public let month: Int
    /// 1...31, within the month's length.
    public let day: Int
    /// 0...23.
    public let hour: Int
    /// 0...59.
    public let minute: Int
    /// 0...60.
    public let second: Int
    /// Minutes east of UTC (`+0300` is 180, `-0130` is -90). A date written with `-0000`
    /// or with an obsolete zone of unknown meaning has offset 0.
    public let zoneOffset: Int

    /// A validated date and time; nil when a field is out of range for the calendar.
    /// `zoneOffset` must lie strictly within ±100 hours (four digits `hhmm`).
    public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, zoneOffset: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= DateTime.daysInMonth(month, year: year),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              abs(zoneOffset) < 100 * 60
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.zoneOffset = zoneOffset
    }

    /// The instant `secondsSinceEpoch` (seconds since 1970-01-01T00:00:00Z) as read on a
    /// clock `zoneOffset` minutes east of UTC; nil outside years 1...9999.
    public init?(secondsSinceEpoch: Int, zoneOffset: Int) {
        let local = secondsSinceEpoch + zoneOffset * 60
        let (days, time) = Self.floorDivide(local, 86_400)
        let civil = Self.civil(fromDays: days)
        self.init(year: civil.year, month: civil.month, day: civil.day,
                  hour: time / 3600, minute: time % 3600 / 60, second: time % 60, zoneOffset: zoneOffset)
    }

    /// Seconds since 1970-01-01T00:00:00Z of this instant.
    public var secondsSinceEpoch: Int {
        Self.daysFromCivil(year: year, month: month, day: day) * 86_400
            + hour * 3600 + minute * 60 + second - zoneOffset * 60
    }

    /// The same instant on a clock `offset` minutes east of UTC (self when the zone is
    /// already `offset`). Nil only when the shift leaves years 1...9999.
    public func converted(toZoneOffset offset: Int) -> DateTime? {
        if offset == zoneOffset { return self }
        return DateTime(secondsSinceEpoch: secondsSinceEpoch, zoneOffset: offset)
    }

    /// The day of the week: 0 is Sunday, 1 Monday, ... 6 Saturday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        Self.floorDivide(Self.daysFromCivil(year: year, month: month, day: day) + 4, 7).remainder
    }

    /// The Modified Julian Day of the (wall-clock) date: days since 1858-11-17.
    ///
    /// - SeeAlso: RFC 5260 §4.2 ("julian"), Appendix A
    public var modifiedJulianDay: Int {
        Self.daysFromCivil(year: year, month: month, day: day) + 40_587
    }

    // MARK: - Civil calendar arithmetic

    /// Whether `year` is a leap year in the Gregorian calendar.
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in `month` (1...12) of `year`; 0 for a month out of range.
    public static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// Days from 1970-01-01 to the given date (negative before it). Works for any year:
    /// the calendar is counted in 400-year eras of 146 097 days, years starting in March
    /// so that the leap day falls last.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400).quotient
        let yearOfEra = y - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date `days` days after 1970-01-01 (the inverse of `daysFromCivil`).
    public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func floorDivide(_ a: Int, _ b: Int) -> (quotient: Int, remainder: Int) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    // MARK: - The system clock

    /// The current time from the system clock, in the machine's local time zone (the
    /// offset the C library's `localtime_r` reports for this instant).
    public static func systemNow() -> DateTime {
        var now = time(nil)
        var broken = tm()
        let offset = localtime_r(&now, &broken) != nil ? broken.tm_gmtoff / 60 : 0
        return DateTime(secondsSinceEpoch: Int(now), zoneOffset: Int(offset)) ?? .unixEpoch
    }

    /// 1970-01-01T00:00:00Z, the fallback for a clock outside years 1...9999.
    static let unixEpoch = DateTime(fields: (1970, 1, 1, 0, 0, 0), zoneOffset: 0)

    /// Fields known to be valid (constants only).
    private init(fields: (Int, Int, Int, Int, Int, Int), zoneOffset: Int) {
        (year, month, day, hour, minute, second) = fields
        self.zoneOffset = zoneOffset
    }
}

/// Lint checks for the `date` and `currentdate` tests (RFC 5260).
///
/// Every date-part has one fixed format, so two mistakes are easy to make and silent:
/// - a key written in another format than the part's (`"9"` for "hour", `"2024/01/01"` for
///   "date"): `:is` never matches it, and `:value` compares it as text, so `"10" ge "9"` is
///   false. Only keys compared with `:is` or `:value` under a text comparator are checked;
///   under `i;ascii-numeric` a number of any width is fine for the numeric parts.
/// - `i;ascii-numeric` on a part that is not one number ("date", "time", "iso8601",
///   "std11", "zone"): it compares only the leading digits (the year of a date, the hour of
///   a time), or nothing for "std11"; and the reverse, `:value` on "julian" (a day count
///   whose width grows) without `i;ascii-numeric`, which compares the digits as text.
///
/// Not warned: `:value` on the fixed-width numeric parts ("year", "month", "weekday", ...)
/// or on "date"/"time"/"iso8601" with a text comparator: those order as text exactly as
/// they order in time (RFC 5260 §4.3).
///
/// - SeeAlso: RFC 5260 §4.2, §4.3
extension Linter {
    mutating func checkDate(_ arguments: LintArguments) {
        let positionals = arguments.positionals
        guard positionals.count >= 2, case .string(let partLiteral) = positionals[positionals.count - 2],
              let part = DatePart(name: partLiteral.value) else { return }
        var comparator = "i;ascii-casemap"
        if case .string(let literal)? = arguments.parameter(of: "comparator") { comparator = literal.value.lowercased() }
        let numeric = comparator == "i;ascii-numeric"
        let isNumber = [.year, .month, .day, .julian, .hour, .minute, .second, .weekday].contains(part)

        if numeric, !isNumber, !arguments.hasTag("count"), let range = arguments.tagRange("comparator") {
            warn(.dateComparator,
                 "\"i;ascii-numeric\" compares only the leading digits, but date-part \"\(part.rawValue)\" is not one number "
                     + "(it would compare \(part == .std11 ? "nothing: every value starts with a day name" : "only its first field")); "
                     + "use the default comparator: \(part.rawValue) values order as text in time order",
                 at: range.start)
        }
        if part == .julian, !numeric, let range = arguments.tagRange("value") {
            warn(.dateComparator,
                 ":value on \"julian\" compares day numbers as text (\"9999\" is then greater than \"10000\"); "
                     + "add :comparator \"i;ascii-numeric\"",
                 at: range.start)
        }

        guard !arguments.hasTag("contains"), !arguments.hasTag("matches"), !arguments.hasTag("count"),
              !arguments.hasTag("regex") else { return }
        for key in strings(in: positionals[positionals.count - 1]) where !key.value.contains("${") {
            if numeric && isNumber {
                if key.value.first?.isASCII == true, key.value.first?.isNumber == true { continue }
            } else if Self.fits(key.value, part) {
                continue
            } else if part == .iso8601, arguments.hasTag("value"), Self.fits(String(key.value.prefix(10)), .date) {
                continue  // a date prefix orders correctly against full date-times
            }
            warn(.dateKeyFormat,
                 "key \(quoted(key.value)) is not in the format of date-part \"\(part.rawValue)\" (\(Self.format(part))), "
                     + "so it \(arguments.hasTag("value") ? "compares as text against values of another shape" : "never matches")",
                 at: key.range.start)
        }
    }

    /// How RFC 5260 §4.2 writes a date-part, for messages.
    static func format(_ part: DatePart) -> String {
        switch part {
        case .year: return "4 digits, e.g. \"2024\""
        case .month: return "2 digits \"01\" to \"12\""
        case .day: return "2 digits \"01\" to \"31\""
        case .date: return "yyyy-mm-dd, e.g. \"2024-01-31\""
        case .julian: return "a day number, e.g. \"60341\""
        case .hour: return "2 digits \"00\" to \"23\""
        case .minute: return "2 digits \"00\" to \"59\""
        case .second: return "2 digits \"00\" to \"60\""
        case .time: return "hh:mm:ss, e.g. \"09:30:00\""
        case .iso8601: return "yyyy-mm-ddThh:mm:ss with Z or +hh:mm, e.g. \"2024-01-31T09:30:00Z\""
        case .std11: return "an RFC 5322 date, e.g. \"Wed, 31 Jan 2024 09:30:00 +0000\""
        case .zone: return "+hhmm or -hhmm, e.g. \"+0100\""
        case .weekday: return "one digit \"0\" (Sunday) to \"6\""
        }
    }

    /// Whether `key` has the shape of values of `part` (digits where digits go, separators
    /// in place, numbers in range).
    static func fits(_ key: String, _ part: DatePart) -> Bool {
        let b = Array(key.utf8)
        func number(_ at: Int, _ width: Int, _ range: ClosedRange<Int>) -> Bool {
            guard at + width <= b.count, b[at..<at + width].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            return range.contains(b[at..<at + width].reduce(0) { $0 * 10 + Int($1 - 0x30) })
        }
        func char(_ at: Int, _ c: Character) -> Bool { at < b.count && b[at] == c.asciiValue }
        func isDate(_ at: Int) -> Bool {
            number(at, 4, 0...9999) && char(at + 4, "-") && number(at + 5, 2, 1...12) && char(at + 7, "-") && number(at + 8, 2, 1...31)
        }
        func isTime(_ at: Int) -> Bool {
            number(at, 2, 0...23) && char(at + 2, ":") && number(at + 3, 2, 0...59) && char(at + 5, ":") && number(at + 6, 2, 0...60)
        }
        switch part {
        case .year: return b.count == 4 && number(0, 4, 0...9999)
        case .month: return b.count == 2 && number(0, 2, 1...12)
        case .day: return b.count == 2 && number(0, 2, 1...31)
        case .hour: return b.count == 2 && number(0, 2, 0...23)
        case .minute: return b.count == 2 && number(0, 2, 0...59)
        case .second: return b.count == 2 && number(0, 2, 0...60)
        case .weekday: return b.count == 1 && number(0, 1, 0...6)
        case .julian: return !b.isEmpty && b.count <= 9 && number(0, b.count, 0...999_999_999) && (b.count == 1 || b[0] != 0x30)
        case .date: return b.count == 10 && isDate(0)
        case .time: return b.count == 8 && isTime(0)
        case .zone: return b.count == 5 && (char(0, "+") || char(0, "-")) && number(1, 4, 0...9959)
        case .iso8601:
            guard isDate(0), char(10, "T"), isTime(11) else { return false }
            if b.count == 20 { return char(19, "Z") }
            return b.count == 25 && (char(19, "+") || char(19, "-")) && number(20, 2, 0...99) && char(22, ":") && number(23, 2, 0...59)
        case .std11: return true
        }
    }
}

extension DateTime {
    /// Parses an RFC 5322 `date-time` as real mail writes it; nil when it is not one or
    /// names an impossible date.
    ///
    /// Accepted, beyond the strict grammar (RFC 5322 §4.3, §4.5 obsolete syntax):
    /// - the day name is optional (with its comma, which stays required); a day name that is
    ///   not one of Mon...Sun (three letters, as RFC 5322 and Dovecot have it) makes the
    ///   whole value invalid;
    /// - white space, line folds and comments `( ... )` (nested, with `\` quoting) anywhere
    ///   between the tokens, including around the colons of the time;
    /// - month and day names in any case; months abbreviated (`Jul`) or in full (`July`);
    /// - one- or two-digit day and hour; seconds optional;
    /// - two-digit years: 00–49 are 2000–2049, 50–99 are 1950–1999; three-digit years
    ///   add 1900 (RFC 5322 §4.3);
    /// - the zone as `+hhmm`/`-hhmm` (minutes 60–99 carry into the hours, as Dovecot reads
    ///   them: `+0360` is `+0400`), or the obsolete names `UT`, `GMT`, `Z` (+0000),
    ///   `EST`/`EDT` (-0500/-0400), `CST`/`CDT`, `MST`/`MDT`, `PST`/`PDT`; military
    ///   single letters and other alphabetic zones count as `-0000` (offset 0), as RFC 5322
    ///   §4.3 says; a missing zone is taken as `-0000` too;
    /// - anything after the zone is ignored (e.g. `+0200 (CEST)` or a trailing `CEST`).
    ///
    /// - SeeAlso: RFC 5322 §3.3, §4.3
    public init?(rfc5322 text: some StringProtocol) {
        var scanner = DateTokenScanner(Array(text.utf8))
        var token = scanner.next()
        // [ day-of-week "," ]
        if case .word(let name) = token {
            guard name.count == 3, Self.dayNames.contains(where: { Self.names(name, $0) }) else { return nil }
            guard scanner.next() == .symbol(UInt8(ascii: ",")) else { return nil }
            token = scanner.next()
        }
        // day month year
        guard case .number(let day, let dayDigits) = token, dayDigits <= 2,
              case .word(let monthName) = scanner.next(),
              let monthIndex = Self.monthNames.firstIndex(where: { Self.names(monthName, $0) }),
              case .number(var year, let yearDigits) = scanner.next(), yearDigits >= 2
        else { return nil }
        if yearDigits == 2 { year += year < 50 ? 2000 : 1900 } else if yearDigits == 3 { year += 1900 }
        // hour ":" minute [ ":" second ]
        guard case .number(let hour, let hourDigits) = scanner.next(), hourDigits <= 2,
              scanner.next() == .symbol(UInt8(ascii: ":")),
              case .number(let minute, 2) = scanner.next()
        else { return nil }
        var second = 0
        token = scanner.next()
        if token == .symbol(UInt8(ascii: ":")) {
            guard case .number(let value, 2) = scanner.next() else { return nil }
            second = value
            token = scanner.next()
        }
        // zone
        var offset = 0
        switch token {
        case .symbol(let sign) where sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"):
            guard case .number(let hhmm, 4) = scanner.next() else { return nil }
            offset = (hhmm / 100 * 60 + hhmm % 100) * (sign == UInt8(ascii: "-") ? -1 : 1)
        case .word(let name):
            offset = Self.obsoleteZones[String(decoding: name, as: UTF8.self).lowercased()] ?? 0
        case nil:
            break
        default:
            return nil
        }
        // What follows the zone is ignored, but a comment must still be closed.
        while scanner.next() != nil {}
        guard !scanner.unclosedComment else { return nil }
        self.init(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second,
                  zoneOffset: offset)
    }

    /// Parses an RFC 3339 `date-time` (`2026-12-07T10:00:00+01:00`, `...Z`, fractions of
    /// a second dropped); a space may stand for the `T`. Nil when it is not one.
    ///
    /// - SeeAlso: RFC 3339 §5.6
    public init?(rfc3339 text: some StringProtocol) {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for byte in b[at..<at + count] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        func at(_ index: Int, _ char: Character) -> Bool { index < b.count && b[index] == char.asciiValue }
        guard let year = digits(0, 4), at(4, "-"), let month = digits(5, 2), at(7, "-"), let day = digits(8, 2),
              at(10, "T") || at(10, "t") || at(10, " "),
              let hour = digits(11, 2), at(13, ":"), let minute = digits(14, 2), at(16, ":"), let second = digits(17, 2)
        else { return nil }
        var index = 19
        if at(index, ".") {
            index += 1
            while index < b.count, b[index] >= 0x30 && b[index] <= 0x39 { index += 1 }
        }
        var offset = 0
        if at(index, "Z") || at(index, "z") {
            index += 1
        } else if at(index, "+") || at(index, "-") {
            guard let zoneHour = digits(index + 1, 2), at(index + 3, ":"), let zoneMinute = digits(index + 4, 2),
                  zoneMinute < 60 else { return nil }
            offset = (zoneHour * 60 + zoneMinute) * (at(index, "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second, zoneOffset: offset)
    }

    /// English day names, Sunday first (index = `weekday`).
    public static let dayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    /// English month names, January first.
    public static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august",
                                    "september", "october", "november", "december"]

    /// Obsolete zone names with a known meaning, in minutes east of UTC.
    /// - SeeAlso: RFC 5322 §4.3
    static let obsoleteZones: [String: Int] = [
        "ut": 0, "gmt": 0, "z": 0,
        "est": -5 * 60, "edt": -4 * 60, "cst": -6 * 60, "cdt": -5 * 60,
        "mst": -7 * 60, "mdt": -6 * 60, "pst": -8 * 60, "pdt": -7 * 60,
    ]

    /// Whether a word (lowercase ASCII letters) is `full` or its three-letter abbreviation.
    private static func names(_ word: [UInt8], _ full: String) -> Bool {
        word.count == 3 ? word.elementsEqual(full.utf8.prefix(3)) : word.elementsEqual(full.utf8)
    }
}

/// Splits a date-time into words (lowercased letters), numbers and single symbols,
/// skipping white space, line ends and comments.
private struct DateTokenScanner {
    enum Token: Equatable {
        case word([UInt8])
        /// The value and how many digits it was written with.
        case number(Int, Int)
        case symbol(UInt8)
    }

    let bytes: [UInt8]
    var index = 0
    /// Set when a comment runs to the end of the text without its `)`: not a date-time.
    private(set) var unclosedComment = false

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func next() -> Token? {
        skipWhitespaceAndComments()
        guard index < bytes.count else { return nil }
        let first = bytes[index]
        if Self.isLetter(first) {
            var word: [UInt8] = []
            while index < bytes.count, Self.isLetter(bytes[index]) {
                word.append(bytes[index] | 0x20)
                index += 1
            }
            return .word(word)
        }
        if Self.isDigit(first) {
            var value = 0, count = 0
            while index < bytes.count, Self.isDigit(bytes[index]) {
                // More than 9 digits is never a valid field; stop the value from overflowing.
                if count < 9 { value = value * 10 + Int(bytes[index] - 0x30) }
                count += 1
                index += 1
            }
            return .number(value, count)
        }
        index += 1
        return .symbol(first)
    }

    /// Skips FWS and comments (RFC 5322 §3.2.2 CFWS); an unclosed comment runs to the end
    /// and sets `unclosedComment`.
    private mutating func skipWhitespaceAndComments() {
        var depth = 0
        defer { if depth > 0 { unclosedComment = true } }
        while index < bytes.count {
            let byte = bytes[index]
            if depth > 0 {
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "(") {
                    depth += 1
                } else if byte == UInt8(ascii: ")") {
                    depth -= 1
                }
            } else if byte == UInt8(ascii: "(") {
                depth = 1
            } else if byte != 0x20 && byte != 0x09 && byte != 0x0D && byte != 0x0A {
                return
            }
            index += 1
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}

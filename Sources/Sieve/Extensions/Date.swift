import MailCore

/// A part of a date and time that the `date` and `currentdate` tests compare, each with
/// the fixed format RFC 5260 gives it.
///
/// - SeeAlso: RFC 5260 §4.2
public enum DatePart: String, Sendable, CaseIterable {
    /// `"0000"` ... `"9999"`.
    case year
    /// `"01"` ... `"12"`.
    case month
    /// `"01"` ... `"31"`.
    case day
    /// `yyyy-mm-dd`.
    case date
    /// The Modified Julian Day (days since 1858-11-17), no leading zeros.
    case julian
    /// `"00"` ... `"23"`.
    case hour
    /// `"00"` ... `"59"`.
    case minute
    /// `"00"` ... `"60"`.
    case second
    /// `hh:mm:ss`.
    case time
    /// RFC 3339 date-time, `T` upper case, offset 0 written `Z`: `2009-07-20T21:44:43+03:00`.
    case iso8601
    /// An RFC 5322 date-time: `Mon, 20 Jul 2009 21:44:43 +0300`.
    case std11
    /// The zone offset as `+hhmm`/`-hhmm`; offset 0 is `+0000`.
    case zone
    /// `"0"` (Sunday) ... `"6"` (Saturday).
    case weekday

    /// Looks a date-part up by name, ignoring ASCII case.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// This part of `date`, formatted as RFC 5260 §4.2 says.
    public func value(of date: DateTime) -> String {
        switch self {
        case .year: return Self.padded(date.year, 4)
        case .month: return Self.padded(date.month, 2)
        case .day: return Self.padded(date.day, 2)
        case .date: return Self.padded(date.year, 4) + "-" + Self.padded(date.month, 2) + "-" + Self.padded(date.day, 2)
        case .julian: return String(date.modifiedJulianDay)
        case .hour: return Self.padded(date.hour, 2)
        case .minute: return Self.padded(date.minute, 2)
        case .second: return Self.padded(date.second, 2)
        case .time: return Self.padded(date.hour, 2) + ":" + Self.padded(date.minute, 2) + ":" + Self.padded(date.second, 2)
        case .iso8601:
            let zone = date.zoneOffset == 0 ? "Z" : Self.zoneText(date.zoneOffset, separator: ":")
            return DatePart.date.value(of: date) + "T" + DatePart.time.value(of: date) + zone
        case .std11:
            let dayName = DateTime.dayNames[date.weekday].prefix(3).capitalizedASCII
            let monthName = DateTime.monthNames[date.month - 1].prefix(3).capitalizedASCII
            return "\(dayName), \(Self.padded(date.day, 2)) \(monthName) \(Self.padded(date.year, 4)) "
                + DatePart.time.value(of: date) + " " + Self.zoneText(date.zoneOffset, separator: "")
        case .zone: return Self.zoneText(date.zoneOffset, separator: "")
        case .weekday: return String(date.weekday)
        }
    }

    /// The names, in RFC 5260's order, for messages.
    static let list = allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// `+hhmm` (or `+hh:mm`); offset 0 has a plus sign (RFC 5260 §4.2 "zone").
    private static func zoneText(_ offset: Int, separator: String) -> String {
        (offset < 0 ? "-" : "+") + padded(abs(offset) / 60, 2) + separator + padded(abs(offset) % 60, 2)
    }
}

extension Substring {
    /// `"jul"` → `"Jul"` (ASCII only).
    fileprivate var capitalizedASCII: String { prefix(1).uppercased() + dropFirst() }
}

/// The time zone a date test shifts its date-time to before taking the date-part.
///
/// - SeeAlso: RFC 5260 §4.1
enum DateZone: Sendable {
    /// Neither `:zone` nor `:originalzone`: the local zone (that of the run's current time).
    case local
    /// `:originalzone`: the zone written in the header field.
    case original
    /// `:zone` with a constant, checked when compiling: minutes east of UTC.
    case offset(Int)
    /// `:zone` with a variable reference; an invalid value at run time means the local zone.
    case variable(Str)

    /// Reads `+hhmm`/`-hhmm` (RFC 5260 §4.1 `time-zone`) into minutes east of UTC; nil
    /// when it is anything else (minutes must be below 60).
    static func offset(of text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 5, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-"),
              b[1...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let hours = Int(b[1] - 0x30) * 10 + Int(b[2] - 0x30)
        let minutes = Int(b[3] - 0x30) * 10 + Int(b[4] - 0x30)
        guard minutes < 60 else { return nil }
        return (hours * 60 + minutes) * (b[0] == UInt8(ascii: "-") ? -1 : 1)
    }
}

/// A compiled `date` or `currentdate` test.
///
/// - SeeAlso: RFC 5260 §4 (date), §5 (currentdate), §6 (index)
struct DateTest: Sendable {
    /// The header field name, lowercased when constant; nil for `currentdate`.
    let header: Str?
    /// The date-part as written; `part` holds it resolved when it is constant.
    let partName: Str
    let part: DatePart?
    let zone: DateZone
    /// `:index`/`:last` (RFC 5260 §6); nil: the first field of that name.
    let index: FieldIndex?
    let match: MatchSpec
}

extension Validator {
    static let dateZoneTags: [TagSpec] = [
        TagSpec("zone", .string, group: "time zone"),
        TagSpec("originalzone", group: "time zone"),
    ]

    /// Compiles `date` (`current` false) or `currentdate` (`current` true).
    ///
    /// - SeeAlso: RFC 5260 §4, §5
    mutating func compileDate(_ node: TestNode, name: String, current: Bool, location: SourceLocation) -> Test? {
        let tags = TagSpec.matchTypes + TagSpec.comparator + (current ? [Self.dateZoneTags[0]] : Self.dateZoneTags + TagSpec.index)
        var positionals = [PositionalSpec(role: "date-part", kind: .string), PositionalSpec(role: "key list", kind: .stringList)]
        if !current { positionals.insert(PositionalSpec(role: "header name", kind: .string), at: 0) }
        guard let read = readArguments(node.arguments, of: "test", named: name, at: location, tags: tags, positionals: positionals),
              let match = matchSpec(read, keys: read.positionals[read.positionals.count - 1])
        else { return nil }
        let (indexOK, index) = fieldIndex(read)
        var ok = indexOK

        var zone = DateZone.local
        if read.has("originalzone") { zone = .original }
        if let use = read.tags["zone"], let parameter = use.parameter, let literal = stringArgument(parameter) {
            let compiled = compileString(literal)
            if let text = compiled.constantValue {
                if let offset = DateZone.offset(of: text) {
                    zone = .offset(offset)
                } else {
                    error("invalid time zone \(quoted(text)) for :zone; expected \"+hhmm\" or \"-hhmm\" "
                          + "(hours and minutes east or west of UTC, e.g. \"+0100\" or \"-0500\")", at: parameter.range.start)
                    ok = false
                }
            } else {
                zone = .variable(compiled)
            }
        }

        let partArgument = read.positionals[read.positionals.count - 2]
        guard let partLiteral = stringArgument(partArgument) else { return nil }
        let partName = compileString(partLiteral)
        var part: DatePart?
        if let text = partName.constantValue {
            part = DatePart(name: text)
            if part == nil {
                error("unknown date-part \(quoted(text)); expected one of \(DatePart.list)", at: partArgument.range.start)
                ok = false
            }
        }
        var header: Str?
        if !current, let literal = stringArgument(read.positionals[0]) {
            header = compileString(literal)
            if case .constant(let text) = header { header = .constant(text.lowercased()) }
        }
        guard ok else { return nil }
        let test = DateTest(header: header, partName: partName, part: part, zone: zone, index: index, match: match)
        return Test(kind: .date(test), name: name, location: location)
    }
}

extension Run {
    /// Evaluates `date` / `currentdate`: extracts the date-time, shifts it to the wanted
    /// zone, takes the date-part and compares it with the keys. A missing field, a value
    /// that is no valid date-time or an unknown date-part (from a variable) give no value
    /// at all, so the test is false (and `:count` is 0).
    ///
    /// - SeeAlso: RFC 5260 §4, §4.1, §5
    mutating func evaluateDate(_ test: DateTest, at location: SourceLocation,
                               trace: inout TraceComparison?) throws(Failure) -> Bool {
        var values: [String] = []
        if let part = test.part ?? DatePart(name: expand(test.partName)),
           let date = sourceDate(test), let shifted = shift(date, to: test.zone) {
            values = [part.value(of: shifted)]
        }
        return try compare(values, test.match, at: location, trace: &trace)
    }

    /// The date-time the test looks at: the selected header field's, or the run's current time.
    private mutating func sourceDate(_ test: DateTest) -> DateTime? {
        guard let header = test.header else { return currentDate() }
        let name: String
        if case .constant(let lowercased) = header { name = lowercased } else { name = expand(header).lowercased() }
        let fields = message.fieldValues(lowercasedName: name)
        guard let value = test.index.map({ $0.select(fields) }) ?? fields.first else { return nil }
        return Self.headerDate(value)
    }

    /// The date-time in a header field's value: the whole value, or what follows its last
    /// semicolon (as in `Received`).
    ///
    /// - SeeAlso: RFC 5260 §4 ("appears at the end of a header field following a semicolon")
    static func headerDate(_ value: String) -> DateTime? {
        if let semicolon = value.utf8.lastIndex(of: UInt8(ascii: ";")) {
            return DateTime(rfc5322: value[value.utf8.index(after: semicolon)...])
        }
        return DateTime(rfc5322: value)
    }

    private mutating func shift(_ date: DateTime, to zone: DateZone) -> DateTime? {
        switch zone {
        case .original: return date
        case .offset(let offset): return date.converted(toZoneOffset: offset)
        case .local: return date.converted(toZoneOffset: currentDate().zoneOffset)
        case .variable(let text):
            let offset = DateZone.offset(of: expand(text)) ?? currentDate().zoneOffset
            return date.converted(toZoneOffset: offset)
        }
    }

    /// The run's current time: asked of the context once, so every `currentdate` of a run
    /// sees the same instant (RFC 5260 §5).
    mutating func currentDate() -> DateTime {
        if let now = fixedNow { return now }
        let now = clock()
        fixedNow = now
        return now
    }
}

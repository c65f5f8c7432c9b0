import MailCore

/// Where a site's spam or virus scanner leaves its verdict, and how to read it: the settings
/// behind `spamtest` and `virustest`. The names follow Pigeonhole's settings
/// (`sieve_spamtest_status_header`, ...), so one description serves `sluice.toml`,
/// `sieve-check` and Pigeonhole's test files.
///
/// The scanner's verdict is one header field (the first of its name), read one of three ways:
/// - `score`: a decimal number (`X-Spam-Score: 7.3`), compared with a maximum that is either
///   fixed (`maxValue`) or read from another header field (`maxHeader`);
/// - `strlen`: the number of characters of a run of one repeated character
///   (`X-Spam-Level: *******` is 7), against the same kind of maximum;
/// - `text`: one of a few phrases (`textValues`, by the value each stands for: 0...10 for
///   spam, 0...5 for viruses), such as a virus scanner's `Clean` / `Infected`.
///
/// A header setting may also be `"HEADER: REGEX"`: a POSIX extended regular expression
/// (case-insensitive) that picks the value out of a longer field, its first group being the
/// value (`X-Spam-Status: score=(-?[0-9.]+)` on `X-Spam-Status: Yes, score=7.3 required=5.0`).
///
/// - SeeAlso: RFC 5235 §3
public struct ScoreTestSettings: Sendable, Hashable {
    /// How the status header's value is turned into a number.
    public enum StatusType: String, Sendable, Hashable, CaseIterable {
        case score, strlen, text
    }

    /// Which of the two tests the settings are for (the text values run 0...10 for spam,
    /// 0...5 for viruses).
    public enum Test: String, Sendable, Hashable {
        case spam = "spamtest"
        case virus = "virustest"

        /// The highest text value index, and the maximum of a `text` verdict.
        var textMaximum: Int { self == .spam ? 10 : 5 }
    }

    /// A configuration mistake, as a sentence naming the setting.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The field holding the verdict ("X-Spam-Score").
    public var statusHeader: String
    /// The expression whose first group is the verdict within the field; nil: the whole value.
    public var statusPattern: HeaderPattern?
    public var statusType: StatusType
    /// The field holding the maximum score (`score` and `strlen` only); nil: `maxValue`.
    public var maxHeader: String?
    /// The expression whose first group is the maximum within `maxHeader`'s field.
    public var maxPattern: HeaderPattern?
    /// The fixed maximum score (`score` and `strlen` only) when `maxHeader` is nil.
    public var maxValue: Double?
    /// Phrase by the value it stands for (`text` only).
    public var textValues: [Int: String]

    /// A regular expression of a header setting, compared by its text.
    public struct HeaderPattern: Sendable, Hashable {
        /// The expression as configured.
        public let source: String
        let regex: RegexPattern

        /// Compiles `source` as a case-insensitive POSIX extended regular expression.
        public init(_ source: String) throws(RegexSyntaxError) {
            self.source = source
            self.regex = try RegexPattern(source, folding: .ascii)
        }

        public static func == (a: HeaderPattern, b: HeaderPattern) -> Bool { a.source == b.source }
        public func hash(into hasher: inout Hasher) { hasher.combine(source) }

        /// The text of the first group of the first match in `value`; nil when the
        /// expression does not match or has no group.
        func firstGroup(in value: String) -> String? {
            guard let match = regex.firstMatch(in: value), match.ranges.count > 1 else { return nil }
            guard let range = match.ranges[1] else { return "" }
            return String(decoding: Array(value.utf8)[range], as: UTF8.self)
        }
    }

    /// Settings as given; `init(settings:for:)` checks Pigeonhole-style text.
    public init(statusHeader: String, statusPattern: HeaderPattern? = nil, statusType: StatusType = .score,
                maxHeader: String? = nil, maxPattern: HeaderPattern? = nil, maxValue: Double? = nil,
                textValues: [Int: String] = [:]) {
        self.statusHeader = statusHeader
        self.statusPattern = statusPattern
        self.statusType = statusType
        self.maxHeader = maxHeader
        self.maxPattern = maxPattern
        self.maxValue = maxValue
        self.textValues = textValues
    }

    /// The keys `init(settings:for:)` reads (`text_value/N` stands for eleven keys).
    public static let keys = ["status_header", "status_type", "score_max_header", "score_max_value", "text_value/N"]

    /// Reads Pigeonhole-style settings, keys without their `sieve_spamtest_` /
    /// `sieve_virustest_` prefix: `status_header`, `status_type` (`score`, `strlen` or `text`;
    /// default `score`), `score_max_header`, `score_max_value`, `text_value/N` (also spelled
    /// `text_valueN`). Nil when `status_header` is not set (the test is not configured).
    ///
    /// - Throws: `Problem` naming the setting that is wrong.
    public init?(settings: [String: String], for test: Test) throws(Problem) {
        let prefix = "sieve_\(test.rawValue)_"
        func value(_ key: String) -> String? {
            guard let raw = settings[key] else { return nil }
            let trimmed = raw.trimmingCharacters()
            return trimmed.isEmpty ? nil : trimmed
        }
        guard let status = value("status_header") else { return nil }
        let (header, pattern) = try Self.headerSpec(status, setting: prefix + "status_header")
        var type = StatusType.score
        if let written = value("status_type") {
            guard let parsed = StatusType(rawValue: written.lowercased()) else {
                throw Problem(message: "\(prefix)status_type is \(quoted(written)), expected \"score\", \"strlen\" or \"text\"")
            }
            type = parsed
        }
        var texts: [Int: String] = [:]
        for (key, phrase) in settings {
            guard key.hasPrefix("text_value") else { continue }
            let suffix = key.dropFirst("text_value".count)
            let digits = suffix.hasPrefix("/") ? suffix.dropFirst() : suffix
            guard let index = Int(digits), VariableTemplate.isDigits(digits) else {
                throw Problem(message: "\(prefix)\(key): expected text_value/N with N a number from 0 to \(test.textMaximum)")
            }
            guard index <= test.textMaximum else {
                throw Problem(message: "\(prefix)\(key): \(index) is out of range, \(test.rawValue) text values run from 0 to \(test.textMaximum)")
            }
            texts[index] = phrase
        }
        var settingsValue = ScoreTestSettings(statusHeader: header, statusPattern: pattern, statusType: type, textValues: texts)
        if type != .text {
            let maxHeader = value("score_max_header")
            let maxValue = value("score_max_value")
            switch (maxHeader, maxValue) {
            case (.some, .some):
                throw Problem(message: "\(prefix)score_max_header and \(prefix)score_max_value are both set; set only one")
            case (nil, nil):
                throw Problem(message: "\(prefix)status_type \(type.rawValue) needs a maximum: set \(prefix)score_max_value "
                              + "(a number) or \(prefix)score_max_header (the field that holds it)")
            case (.some(let name), nil):
                (settingsValue.maxHeader, settingsValue.maxPattern) = try Self.headerSpec(name, setting: prefix + "score_max_header")
            case (nil, .some(let text)):
                guard let number = Self.decimal(text) else {
                    throw Problem(message: "\(prefix)score_max_value is \(quoted(text)), expected a decimal number such as \"10\" or \"15.0\"")
                }
                guard number != 0 else { throw Problem(message: "\(prefix)score_max_value is 0; the maximum must not be zero") }
                settingsValue.maxValue = number
            }
        } else if texts.isEmpty {
            throw Problem(message: "\(prefix)status_type text needs the phrases: set \(prefix)text_value/N for the values 0 to \(test.textMaximum)")
        }
        self = settingsValue
    }

    /// The field name and expression of a `HEADER` or `HEADER: REGEX` setting.
    static func headerSpec(_ text: String, setting: String) throws(Problem) -> (String, HeaderPattern?) {
        let name = text.prefix { $0 != ":" && $0 != " " && $0 != "\t" }
        let rest = Substring(text.dropFirst(name.count).trimmingCharacters())
        guard !name.isEmpty else { throw Problem(message: "\(setting) is \(quoted(text)), expected a header field name") }
        if rest.isEmpty { return (String(name), nil) }
        guard rest.first == ":" else {
            throw Problem(message: "\(setting) is \(quoted(text)): expected ':' and a regular expression after the field name, "
                          + "found \(quoted(String(rest.prefix(1))))")
        }
        let source = rest.dropFirst().trimmingCharacters()
        guard !source.isEmpty else {
            throw Problem(message: "\(setting) is \(quoted(text)): the regular expression after ':' is empty")
        }
        do throws(RegexSyntaxError) {
            let pattern = try HeaderPattern(source)
            guard pattern.regex.groupCount >= 1 else {
                throw RegexSyntaxError("it has no group; put the value in parentheses, as in score=([0-9.]+)", at: 0)
            }
            return (String(name), pattern)
        } catch {
            throw Problem(message: "\(setting): cannot use the regular expression \(quoted(source)): \(error.message)")
        }
    }

    /// A decimal number as scanners write it: optional sign, digits, optional `.` or `,` and
    /// more digits (`7.3`, `-1,5`, `.01`); nil otherwise.
    static func decimal(_ text: String) -> Double? {
        var rest = Substring(text.trimmingCharacters())
        var sign = 1.0
        if let first = rest.first, first == "+" || first == "-" {
            if first == "-" { sign = -1 }
            rest = rest.dropFirst()
        }
        let whole = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(whole.count)
        var fraction: Substring = ""
        if let mark = rest.first, mark == "." || mark == "," {
            fraction = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(1 + fraction.count)
        }
        guard rest.isEmpty, !(whole.isEmpty && fraction.isEmpty), whole.count <= 9, fraction.count <= 9,
              let value = Double((whole.isEmpty ? "0" : whole) + "." + (fraction.isEmpty ? "0" : fraction))
        else { return nil }
        return sign * value
    }

    /// The verdict on `message`: the ratio of score to maximum (0...1), or why there is none.
    ///
    /// - SeeAlso: RFC 5235 §3.2, §3.3 ("0": the message was not tested)
    func ratio(in message: Message, for test: Test) -> Result<(ratio: Double, detail: String), Unscored> {
        let maximum: Double
        switch statusType {
        case .text:
            maximum = Double(test.textMaximum)
        case .score, .strlen:
            if let maxHeader {
                guard let field = message.fieldValues(lowercasedName: maxHeader.lowercased()).first else {
                    return .failure(Unscored("header \(maxHeader) (the maximum) is missing"))
                }
                guard let text = maxPattern.map({ $0.firstGroup(in: field) }) ?? field else {
                    return .failure(Unscored("header \(maxHeader) is \(quoted(field)), which the expression \(quoted(maxPattern?.source ?? "")) does not match"))
                }
                guard let number = Self.decimal(text) else {
                    return .failure(Unscored("header \(maxHeader) is \(quoted(text)), not a number"))
                }
                maximum = number
            } else {
                maximum = maxValue ?? 0
            }
            guard maximum != 0 else { return .failure(Unscored("the maximum score is 0")) }
        }
        guard let field = message.fieldValues(lowercasedName: statusHeader.lowercased()).first else {
            return .failure(Unscored("header \(statusHeader) is missing"))
        }
        guard let raw = statusPattern.map({ $0.firstGroup(in: field) }) ?? field else {
            return .failure(Unscored("header \(statusHeader) is \(quoted(field)), which the expression \(quoted(statusPattern?.source ?? "")) does not match"))
        }
        let text = raw.trimmingCharacters()
        let status: Double
        switch statusType {
        case .score:
            guard let number = Self.decimal(text) else {
                return .failure(Unscored("header \(statusHeader) is \(quoted(text)), not a number"))
            }
            status = number
        case .strlen:
            guard let first = text.first else {
                status = 0
                break
            }
            guard text.allSatisfy({ $0 == first }) else {
                return .failure(Unscored("header \(statusHeader) is \(quoted(text)), not one character repeated"))
            }
            status = Double(text.count)
        case .text:
            guard let index = (0...test.textMaximum).first(where: { textValues[$0] == text }) else {
                return .failure(Unscored("header \(statusHeader) is \(quoted(text)), none of the configured phrases"))
            }
            status = Double(index)
        }
        let ratio = status < 0 ? 0 : status > maximum ? 1 : status / maximum
        return .success((ratio, "\(statusHeader) \(quoted(text)): \(Self.format(status)) of \(Self.format(maximum))"))
    }

    /// Why a message has no score (the test then sees "0").
    struct Unscored: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The test's value for a ratio: 1...10 for spam, 1...5 for viruses, 0...100 with
    /// `:percent`.
    ///
    /// - SeeAlso: RFC 5235 §3.2 (spamtest), §3.3 (virustest), §3.4 (`:percent`)
    static func value(ratio: Double, for test: Test, percent: Bool) -> Int {
        let clamped = min(max(ratio, 0), 1)
        if percent { return Int(clamped * 100 + 0.001) }
        return test == .virus ? Int(clamped * 4 + 1.001) : Int(clamped * 9 + 1.001)
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}

extension Validator {
    /// `spamtest [:percent] [COMPARATOR] [MATCH-TYPE] <value: string>` and
    /// `virustest [COMPARATOR] [MATCH-TYPE] <value: string>`. The comparator defaults to
    /// `i;ascii-casemap` as for every test (so `:matches "*"` works, as in Pigeonhole);
    /// `:value` comparisons want `:comparator "i;ascii-numeric"`, which the linter says.
    ///
    /// - SeeAlso: RFC 5235 §3.2, §3.3, §3.4
    mutating func compileScoreTest(_ node: TestNode, name: String, location: SourceLocation) -> Test? {
        var tags = TagSpec.matchTypes + TagSpec.comparator
        if name == "spamtest" { tags.append(TagSpec("percent", capability: .spamtestplus)) }
        guard let read = readArguments(node.arguments, of: "test", named: name, at: location, tags: tags,
                                       positionals: [PositionalSpec(role: "value", kind: .string)]),
              let match = matchSpec(read, keys: read.positionals[0])
        else { return nil }
        let kind: Test.Kind = name == "spamtest" ? .spamtest(percent: read.has("percent"), match: match) : .virustest(match: match)
        return Test(kind: kind, name: name, location: location)
    }
}

extension Run {
    /// Evaluates `spamtest` / `virustest`: the score worked out from the site's settings,
    /// "0" when the test is not configured or the message carries no usable verdict.
    ///
    /// - SeeAlso: RFC 5235 §3
    mutating func evaluateScoreTest(_ test: ScoreTestSettings.Test, percent: Bool, _ match: MatchSpec,
                                    at location: SourceLocation, trace: inout TraceComparison?) throws(Failure) -> Bool {
        let settings = test == .spam ? options.spamtest : options.virustest
        let value: String
        let note: String
        if let settings {
            switch settings.ratio(in: message, for: test) {
            case .success(let verdict):
                let score = ScoreTestSettings.value(ratio: verdict.ratio, for: test, percent: percent)
                value = String(score)
                note = verdict.detail
            case .failure(let unscored):
                value = "0"
                note = unscored.reason + ", so not tested"
            }
        } else {
            value = "0"
            note = "\(test.rawValue) is not configured on this server, so not tested"
        }
        let matched = try compare([value], match, at: location, trace: &trace)
        trace?.note = note
        return matched
    }
}

import Foundation
import Sieve

extension ReplaySummary {
    /// The table `sieve-check replay` prints: one row per destination mailbox (most
    /// messages first, then by name), then the other outcomes.
    public var table: String {
        var rows: [(String, Int)] = destinations.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { ("→ " + $0.key, $0.value) }
        rows += [("rejects", rejects), ("discards", discards), ("redirects", redirects),
                 ("vacation replies", vacations), ("errors", errors)]
        let width = max(rows.map { $0.0.count }.max() ?? 0, "messages".count)
        let numberWidth = max(String(messages).count, rows.map { String($0.1).count }.max() ?? 1)
        func line(_ label: String, _ count: Int) -> String {
            label.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: numberWidth - String(count).count) + String(count)
        }
        var out = [line("messages", messages)]
        out += rows.map { line($0.0, $0.1) }
        return out.joined(separator: "\n")
    }
}

/// The `--json` documents of `sieve-check replay`.
public enum ReplayJSON {
    private struct Summary: Encodable {
        var messages: Int
        var destinations: [String: Int]
        var rejects, discards, redirects, vacations, errors: Int
    }

    private struct Outcome: Encodable {
        var file: String
        var mailbox: String
        var actions: [SieveAction]
        var errors: [String]
    }

    private struct Report: Encodable {
        var summary: Summary
        var messages: [Outcome]?
    }

    private struct Change: Encodable {
        var file: String
        var old: Outcome
        var new: Outcome
    }

    private struct DiffReport: Encodable {
        var messages: Int
        var changed: Int
        var changes: [Change]
    }

    private static func summary(_ s: ReplaySummary) -> Summary {
        Summary(messages: s.messages, destinations: s.destinations, rejects: s.rejects, discards: s.discards,
                redirects: s.redirects, vacations: s.vacations, errors: s.errors)
    }

    private static func outcome(_ o: ReplayOutcome) -> Outcome {
        Outcome(file: o.file, mailbox: o.mailbox, actions: o.actions, errors: o.errors)
    }

    private static func text(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers and arrays of them always encode.
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// `{"summary":{...},"messages":[{"file","mailbox","actions","errors"}...]}`; the
    /// per-message list only when `perMessage`.
    public static func report(_ report: ReplayReport, perMessage: Bool) -> String {
        text(Report(summary: summary(report.summary), messages: perMessage ? report.outcomes.map(outcome) : nil))
    }

    /// `{"messages":N,"changed":N,"changes":[{"file","old":{...},"new":{...}}...]}`.
    public static func diff(_ changes: [ReplayChange], messages: Int) -> String {
        text(DiffReport(messages: messages, changed: changes.count,
                        changes: changes.map { Change(file: $0.file, old: outcome($0.old), new: outcome($0.new)) }))
    }
}

/// Reads the `--since` value.
public enum ReplayDate {
    /// Seconds since the epoch for `YYYY-MM-DD` (midnight UTC), `YYYY-MM-DDTHH:MM[:SS]Z`
    /// (UTC), or a plain number of seconds since the epoch; nil for anything else.
    public static func parse(_ text: String) -> Int? {
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return Int(text) }
        let scalars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= scalars.count else { return nil }
            let slice = scalars[range]
            guard slice.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int(String(decoding: slice, as: UTF8.self))
        }
        guard scalars.count >= 10, scalars[4] == 0x2D, scalars[7] == 0x2D,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = 0
        if scalars.count > 10 {
            guard scalars[10] == 0x54 || scalars[10] == 0x20, scalars.last == 0x5A, scalars.count == 17 || scalars.count == 20,
                  scalars[13] == 0x3A, let hour = number(11..<13), let minute = number(14..<16), hour < 24, minute < 60
            else { return nil }
            var second = 0
            if scalars.count == 20 {
                guard scalars[16] == 0x3A, let s = number(17..<19), s < 61 else { return nil }
                second = s
            }
            seconds = hour * 3600 + minute * 60 + second
        }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + seconds
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// `test_config_set` keys, mapped onto Sluice's own settings. Pigeonhole's names are
/// used so its suites run unchanged; a key Sluice has no equivalent for fails the test
/// block with a reason naming the keys it knows.
///
/// | key | Sluice setting |
/// | --- | --- |
/// | `recipient_delimiter` | `SieveOptions.subaddressSeparator` |
/// | `sieve_vacation_min_period` | `VacationPeriods.minimum` |
/// | `sieve_vacation_default_period` | `VacationPeriods.standard` |
/// | `sieve_vacation_max_period` | `VacationPeriods.maximum` |
/// | `sieve_max_actions` | `SieveLimits.maxActions` |
/// | `sieve_max_redirects` | `SieveLimits.maxRedirects` |
/// | `lda_mailbox_autocreate` | the delivery's `createMissingFolders` (in-memory store) |
/// | `sieve_spamtest_*`, `sieve_virustest_*` | `SieveOptions.spamtest` / `.virustest` (`ScoreTestSettings`) |
/// | `sieve_environment/NAME` | `SieveEnvironment.configItems[NAME]` (`vnd.dovecot.config.NAME`) |
///
/// Periods take a number of seconds or a number with a unit (`30s`, `5m`, `2h`, `1d`,
/// `1w`, also spelled out: `2 days`). Settings apply at once; vacation periods are used
/// when a script compiles, so they affect `test_script_compile` calls that follow.
enum TestSuiteConfig {
    struct Problem: Error {
        var message: String
    }

    static let keys = [
        "recipient_delimiter", "sieve_vacation_min_period", "sieve_vacation_default_period", "sieve_vacation_max_period",
        "sieve_max_actions", "sieve_max_redirects", "lda_mailbox_autocreate",
    ]

    /// Sets `key` to `value`, or back to its default when `value` is nil.
    static func apply(_ key: String, value: String?, to options: inout SieveOptions, store: inout TestMailStore,
                      defaults: SieveOptions) throws(Problem) {
        switch key.lowercased() {
        case "recipient_delimiter":
            options.subaddressSeparator = value ?? defaults.subaddressSeparator
        case "sieve_vacation_min_period":
            options.vacationPeriods.minimum = try value.map { v throws(Problem) in try period(v, key) } ?? defaults.vacationPeriods.minimum
        case "sieve_vacation_default_period":
            options.vacationPeriods.standard = try value.map { v throws(Problem) in try period(v, key) } ?? defaults.vacationPeriods.standard
        case "sieve_vacation_max_period":
            options.vacationPeriods.maximum = try value.map { v throws(Problem) in try period(v, key) } ?? defaults.vacationPeriods.maximum
        case "sieve_max_actions":
            options.limits.maxActions = try value.map { v throws(Problem) in try count(v, key) } ?? defaults.limits.maxActions
        case "sieve_max_redirects":
            options.limits.maxRedirects = try value.map { v throws(Problem) in try count(v, key) } ?? defaults.limits.maxRedirects
        case "lda_mailbox_autocreate":
            guard let value else {
                store.createMissingFolders = true
                return
            }
            switch value.lowercased() {
            case "yes", "true", "1": store.createMissingFolders = true
            case "no", "false", "0": store.createMissingFolders = false
            default: throw Problem(message: "\(key) expects yes or no, found \(quoted(value))")
            }
        default:
            throw Problem(message: "unknown setting \(quoted(key)) in test_config; Sluice maps "
                          + keys.map { quoted($0) }.joined(separator: ", "))
        }
    }

    static func count(_ value: String, _ key: String) throws(Problem) -> Int {
        guard let n = Int(value.trimmingCharacters()), n >= 0 else {
            throw Problem(message: "\(key) expects a whole number, found \(quoted(value))")
        }
        return n
    }

    /// Seconds from `"90"`, `"30s"`, `"5m"`, `"2h"`, `"1d"`, `"1w"`, `"2 days"`.
    static func period(_ value: String, _ key: String) throws(Problem) -> Int {
        let text = value.trimmingCharacters().lowercased()
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let unit = text.dropFirst(digits.count).trimmingCharacters()
        let multipliers: [String: Int] = [
            "": 1, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
            "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
            "h": 3600, "hour": 3600, "hours": 3600,
            "d": 86_400, "day": 86_400, "days": 86_400,
            "w": 604_800, "week": 604_800, "weeks": 604_800,
        ]
        guard !digits.isEmpty, let n = Int(digits), let multiplier = multipliers[unit] else {
            throw Problem(message: "\(key) expects a period such as \"30s\", \"2h\" or \"1d\", found \(quoted(value))")
        }
        let (seconds, overflow) = n.multipliedReportingOverflow(by: multiplier)
        return overflow ? Int.max : seconds
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingCharacters() -> String {
        String(Substring(self).trimmingWhitespace())
    }
}

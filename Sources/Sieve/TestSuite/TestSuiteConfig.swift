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
/// | `sieve_variables_max_variable_size` (newer: `sieve_variables_max_value_size`) | `SieveLimits.maxVariableSize` |
/// | `sieve_notify_mailto_envelope_from` | `[outbound] notify_envelope_sender` (`user_email`: the `sieve_user_email` address) |
/// | `sieve_notify_max_notifications` | `SieveLimits.maxNotifications` (`[scripts] max_notifications`) |
/// | `sieve_variables_max_scope_size` | `SieveLimits.maxVariables` |
/// | `sieve_vacation_default_subject` | `[vacation] default_subject` |
/// | `sieve_vacation_default_subject_template` | `[vacation] subject_template` |
/// | `sieve_vacation_check_recipient` (`sieve_vacation_dont_check_recipient` inverted) | `[vacation] require_user_addressed` |
/// | `sieve_vacation_send_from_recipient` | `[vacation] send_from_recipient` |
/// | `sieve_vacation_to_header_ignore_envelope` | `[vacation] to_header_ignore_envelope` |
/// | `sieve_vacation_use_original_recipient` | the original recipient (ORCPT) counts as the user's address |
/// | `sieve_user_email` | a user table's `aliases` (one more address of the user) |
/// | `sieve_include_max_nesting_depth` | `SieveLimits.maxIncludeDepth` |
/// | `sieve_include_max_includes` | `SieveLimits.maxIncludes` |
/// | `sieve_report_from` | `[report] from` (who `report` messages are from) |
/// | `sieve_extlists_list...` | the test file's lists (`TestSuiteConfig+Extlists.swift`) |
///
/// An empty value for the subject settings means the built-in default, as in Pigeonhole.
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
        "sieve_variables_max_variable_size", "sieve_variables_max_scope_size",
        "sieve_vacation_default_subject", "sieve_vacation_default_subject_template", "sieve_vacation_check_recipient",
        "sieve_vacation_dont_check_recipient", "sieve_vacation_send_from_recipient",
        "sieve_vacation_to_header_ignore_envelope", "sieve_vacation_use_original_recipient", "sieve_user_email",
        "sieve_include_max_nesting_depth", "sieve_include_max_includes",
        "sieve_variables_max_value_size", "sieve_notify_max_notifications", "sieve_notify_mailto_envelope_from",
        "sieve_report_from",
    ]

    /// Sets `key` to `value`, or back to its default when `value` is nil.
    static func apply(_ key: String, value: String?, to options: inout SieveOptions, store: inout TestMailStore,
                      delivery: inout TestSuiteDeliverySettings, defaults: SieveOptions) throws(Problem) {
        let text = value.map { $0.trimmingCharacters() }
        switch key.lowercased() {
        case "sieve_vacation_default_subject":
            delivery.vacationDefaultSubject = text.flatMap { $0.isEmpty ? nil : $0 }
        case "sieve_vacation_default_subject_template":
            delivery.vacationSubjectTemplate = text.flatMap { $0.isEmpty ? nil : $0 }
        case "sieve_vacation_check_recipient":
            delivery.vacationCheckRecipient = try value.map { v throws(Problem) in try flag(v, key) }
        case "sieve_vacation_dont_check_recipient":
            delivery.vacationCheckRecipient = try value.map { v throws(Problem) in try !flag(v, key) }
        case "sieve_vacation_send_from_recipient":
            delivery.vacationSendFromRecipient = try value.map { v throws(Problem) in try flag(v, key) }
        case "sieve_vacation_to_header_ignore_envelope":
            delivery.vacationToHeaderIgnoresEnvelope = try value.map { v throws(Problem) in try flag(v, key) }
        case "sieve_vacation_use_original_recipient":
            delivery.vacationUseOriginalRecipient = try value.map { v throws(Problem) in try flag(v, key) }
        case "sieve_notify_mailto_envelope_from":
            delivery.notifyEnvelopeSender = text.flatMap { $0.isEmpty ? nil : $0 }
        case "sieve_user_email":
            delivery.userEmail = text.flatMap { $0.isEmpty ? nil : $0 }
        case "sieve_report_from":
            delivery.reportFrom = text.flatMap { $0.isEmpty ? nil : $0 }
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
        case "sieve_notify_max_notifications":
            options.limits.maxNotifications = try value.map { v throws(Problem) in try count(v, key) } ?? defaults.limits.maxNotifications
        case "sieve_variables_max_variable_size", "sieve_variables_max_value_size":
            options.limits.maxVariableSize = try value.map { v throws(Problem) in try count(v, key) } ?? defaults.limits.maxVariableSize
        case "sieve_variables_max_scope_size":
            options.limits.maxVariables = try value.map { v throws(Problem) in try count(v, key) } ?? defaults.limits.maxVariables
        case "sieve_include_max_nesting_depth":
            options.limits.maxIncludeDepth = try value.map { v throws(Problem) in try count(v, key) } ?? defaults.limits.maxIncludeDepth
        case "sieve_include_max_includes":
            options.limits.maxIncludes = try value.map { v throws(Problem) in try count(v, key) } ?? defaults.limits.maxIncludes
        case "sieve_max_redirects":
            options.limits.maxRedirects = try value.map { v throws(Problem) in try count(v, key) } ?? defaults.limits.maxRedirects
        case "lda_mailbox_autocreate":
            guard let value else {
                store.createMissingFolders = true
                return
            }
            store.createMissingFolders = try flag(value, key)
        default:
            throw Problem(message: "unknown setting \(quoted(key)) in test_config; Sluice maps "
                          + keys.map { quoted($0) }.joined(separator: ", "))
        }
    }

    /// `yes`/`no` (also `true`/`false`, `1`/`0`), as Dovecot's booleans.
    static func flag(_ value: String, _ key: String) throws(Problem) -> Bool {
        switch value.trimmingCharacters().lowercased() {
        case "yes", "true", "1": return true
        case "no", "false", "0": return false
        default: throw Problem(message: "\(key) expects yes or no, found \(quoted(value))")
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

/// `test_config_set` keys of the extensions whose settings are more than one value:
/// spamtest/virustest (Pigeonhole's `sieve_spamtest_*` and `sieve_virustest_*`) and the
/// `sieve_environment/NAME` items of `vnd.dovecot.environment`.
extension TestSuiteRunner {
    /// The environment `sieve-check test` runs with: fixed example values, so test files give
    /// the same answers on every machine. `location` is `"MDA"` and `name` `"Sluice"`, as in
    /// delivery.
    public static let testEnvironment = SieveEnvironment(
        domain: "example.com", host: "mx.example.com", remoteHost: "client.example.org", remoteIP: "192.0.2.10",
        username: "recipient")
}

extension Run {
    /// Applies `key` when it belongs to one of these extensions; false for other keys.
    ///
    /// Spam and virus settings are worked out again after every change: while they are
    /// incomplete or wrong (a status header without a maximum, say) the test is not
    /// configured and sees "0", as in Pigeonhole, whose `test_config_reload` then logs a
    /// warning.
    mutating func configureExtension(_ key: String, value: String?, state: inout TestSuiteState) -> Bool {
        let lowered = key.lowercased()
        if configurePrograms(lowered, value: value) { return true }
        if configureExternalLists(key, value: value, state: &state) { return true }
        if lowered.hasPrefix("sieve_environment/") {
            let name = String(key.dropFirst("sieve_environment/".count))
            environment.configItems[name] = value
            return true
        }
        if lowered.hasPrefix("sieve_editheader_") {
            state.editheaderSettings[lowered] = value
            options.editheader = EditheaderSettings.fromTestConfig(state.editheaderSettings, base: state.baseOptions.editheader)
            return true
        }
        for test in [ScoreTestSettings.Test.spam, .virus] {
            let prefix = "sieve_\(test.rawValue)_"
            guard lowered.hasPrefix(prefix) else { continue }
            state.scoreTestSettings[lowered] = value
            var settings: [String: String] = [:]
            for (full, setting) in state.scoreTestSettings where full.hasPrefix(prefix) {
                settings[String(full.dropFirst(prefix.count))] = setting
            }
            let parsed = try? ScoreTestSettings(settings: settings, for: test)
            if test == .spam { options.spamtest = parsed } else { options.virustest = parsed }
            return true
        }
        return false
    }
}

extension Run {
    /// `sieve_pipe_bin_dir`, `sieve_filter_bin_dir`, `sieve_execute_bin_dir` (the program
    /// directories), `sieve_<kind>_exec_timeout` (`0`: no limit) and
    /// `sieve_<kind>_input_eol` (`crlf` or `lf`). Sluice has one timeout and one line-end
    /// setting for all three kinds. False for other keys.
    mutating func configurePrograms(_ key: String, value: String?) -> Bool {
        for kind in ExternalProgramKind.allCases {
            let prefix = "sieve_\(kind.rawValue)_"
            guard key.hasPrefix(prefix) else { continue }
            let defaults = ExternalProgramSettings()
            switch key.dropFirst(prefix.count) {
            case "bin_dir":
                options.programs.directories[kind] = value.flatMap { $0.isEmpty ? nil : $0 }
            case "exec_timeout":
                guard let value else {
                    options.programs.timeout = defaults.timeout
                    return true
                }
                let seconds = (try? TestSuiteConfig.period(value, key)) ?? 0
                options.programs.timeout = seconds == 0 ? nil : .seconds(seconds)
            case "input_eol":
                options.programs.inputLineEnds = value.flatMap { ProgramInputLineEnds(rawValue: $0.lowercased()) } ?? defaults.inputLineEnds
            default:
                return false
            }
            return true
        }
        return false
    }
}

/// The compiled forms of the `vnd.dovecot.testsuite` commands and tests: the language
/// of Pigeonhole's test suite, which `sieve-check test` runs so that suites written for
/// Dovecot run unchanged.
///
/// These only ever compile when `TestSuiteRunner` enables the extension; delivery never
/// does (see `SieveOptions.supportedExtensions`).

/// A testsuite command.
enum TestSuiteCommand: Sendable {
    /// `test "name" { ... }`: one test block.
    case test(name: String, body: [Command])
    /// `test_fail "reason"`: ends the current test block as failed.
    case fail(reason: Str)
    /// `test_set "message" text:...`, `test_set "envelope.from" "..."`, ...
    case set(TestSuiteObject, value: Str)
    /// `test_config_set "key" "value"`.
    case configSet(key: Str, value: Str)
    /// `test_config_unset "key"`.
    case configUnset(key: Str)
    /// `test_config_reload [:extension "name"]`.
    case configReload
    /// `test_result_reset`.
    case resultReset
    /// `test_result_print`.
    case resultPrint
    /// `test_message :smtp N` / `test_message :folder "name" N` as a command: a missing
    /// message fails the block.
    case message(TestSuiteMessageSelector)
    /// `test_mailbox_create "name"`.
    case mailboxCreate(Str)
    /// `test_binary_save "name"`: keeps the compiled script under test under a name.
    case binarySave(name: Str)
    /// `test_binary_load "name"`: makes a kept script the script under test again.
    case binaryLoad(name: Str)
    /// `test_imap_metadata_set [:mailbox "name"] "entry" "value"`: an annotation of a
    /// mailbox (of the server without `:mailbox`) for `metadata` and `servermetadata`.
    case imapMetadataSet(mailbox: Str?, entry: Str, value: Str)
}

/// A testsuite test.
enum TestSuiteTest: Sendable {
    /// `test_result_action [:index N] [MATCH-TYPE] [COMPARATOR] <names>`.
    case resultAction(index: Int?, match: MatchSpec)
    /// `test_result_execute`.
    case resultExecute
    /// `test_message ...` as a test: true when the message exists (and is then selected).
    case message(TestSuiteMessageSelector)
    /// `test_script_compile "path"`.
    case scriptCompile(path: Str)
    /// `test_script_run [:append_result]`: without the tag the result starts afresh.
    case scriptRun(appendResult: Bool)
    /// `test_multiscript [paths]`.
    case multiscript(paths: StrList)
    /// `test_error [:index N] [MATCH-TYPE] [COMPARATOR] <texts>`.
    case error(index: Int?, match: MatchSpec)
}

/// What `test_set` sets.
enum TestSuiteObject: String, Sendable, CaseIterable {
    case message
    case envelopeFrom = "envelope.from"
    case envelopeTo = "envelope.to"
    case envelopeOrigTo = "envelope.orig_to"
    case envelopeAuth = "envelope.auth"
}

/// Which message `test_message` selects.
enum TestSuiteMessageSelector: Sendable {
    /// The Nth (0-based) message sent (redirect, vacation) by `test_result_execute`.
    case smtp(index: Int)
    /// The Nth (0-based) message stored in a folder.
    case folder(Str, index: Int)
}

/// The names the testsuite extension claims.
enum TestSuiteNames {
    static let commands: Set<String> = [
        "test", "test_fail", "test_set", "test_config_set", "test_config_unset", "test_config_reload",
        "test_result_reset", "test_result_print", "test_message", "test_mailbox_create",
        "test_binary_save", "test_binary_load",
        "test_imap_metadata_set",
    ]
    static let tests: Set<String> = [
        "test_result_action", "test_result_execute", "test_message", "test_script_compile", "test_script_run",
        "test_multiscript", "test_error",
        // The older name of test_result_action.
        "test_result",
    ]
    /// Pigeonhole testsuite commands and tests Sluice does not implement; named so the
    /// error says so instead of "unknown command".
    static let unsupported: Set<String> = [
        "test_mailbox_delete",
        "test_message_flush", "test_message_print",
    ]

    /// Whether `name` (lowercased) belongs to the testsuite extension.
    static func isTestSuiteName(_ name: String) -> Bool {
        commands.contains(name) || tests.contains(name) || unsupported.contains(name)
    }
}

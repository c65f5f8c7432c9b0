import Sieve

extension LintTests {
    /// The checks of the environment, spamtest/virustest and imapflags extensions.
    static let extensionCases: [LintCase] = [
        LintCase(check: .deprecatedImapflags,
                 script: "require \"imapflags\";\nmark;\n",
                 at: "1:9", says: #""imapflags" is a deprecated draft: require "imap4flags" instead"#,
                 nearMiss: "require \"imap4flags\";\naddflag \"\\\\Flagged\";\n"),
        LintCase(check: .unknownEnvironmentItem,
                 script: "require \"environment\";\nif environment \"remote-address\" \"192.0.2.1\" { keep; }\n",
                 at: "2:16", says: #"environment item "remote-address" does not exist on this server, so this test is always false"#,
                 nearMiss: "require \"environment\";\nif environment \"remote-ip\" \"192.0.2.1\" { keep; }\n"),
        LintCase(check: .unknownEnvironmentItem,
                 script: "require \"environment\";\nif environment \"Remote-IP\" \"192.0.2.1\" { keep; }\n",
                 at: "2:16", says: #"environment item names are compared exactly: "Remote-IP" never exists"#,
                 nearMiss: "require \"vnd.dovecot.environment\";\nif environment \"vnd.dovecot.config.team\" \"ops\" { keep; }\n"),
        LintCase(check: .environmentVariableName,
                 script: "require [\"vnd.dovecot.environment\", \"variables\", \"fileinto\"];\nfileinto \"From ${env.remote-ip}\";\n",
                 at: "2:10", says: "write ${env.remote_ip}",
                 nearMiss: "require [\"vnd.dovecot.environment\", \"variables\", \"fileinto\"];\nfileinto \"From ${env.remote_ip}\";\n"),
        LintCase(check: .scoreOutOfRange,
                 script: "require \"spamtest\";\nif spamtest :is \"50\" { discard; }\n",
                 at: "2:17", says: #"spamtest scores run from 0 to 10, so the key "50" never matches; for a percentage use :percent"#,
                 nearMiss: "require \"spamtestplus\";\nif spamtest :percent :is \"50\" { discard; }\n"),
        LintCase(check: .scoreComparedAsText,
                 script: "require [\"spamtest\", \"relational\"];\nif spamtest :value \"ge\" \"5\" { discard; }\n",
                 at: "2:13", says: #"without :comparator "i;ascii-numeric" compares the score as text, so "10" is less than "9""#,
                 nearMiss: "require [\"spamtest\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
                     + "if spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"5\" { discard; }\n"),
    ]
}

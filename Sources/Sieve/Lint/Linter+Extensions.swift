/// Lint checks of the environment, spamtest/virustest and imapflags extensions.
extension Linter {
    /// `require "imapflags"`: the deprecated draft.
    ///
    /// - SeeAlso: RFC 5232 §1
    mutating func checkDeprecatedRequires(_ commands: [CommandNode]) {
        for command in commands where command.name.lowercased() == "require" {
            for argument in command.arguments {
                for literal in strings(in: argument) where literal.value.lowercased() == SieveCapability.imapflags.rawValue {
                    warn(.deprecatedImapflags,
                         "\"imapflags\" is a deprecated draft: require \"imap4flags\" instead (setflag, addflag, removeflag, "
                             + "hasflag and :flags work the same; write addflag \"\\\\Flagged\" for mark and "
                             + "removeflag \"\\\\Flagged\" for unmark)",
                         at: literal.range.start)
                }
            }
        }
    }

    mutating func checkExtensionTest(_ test: TestNode, name: String, arguments: LintArguments) {
        checkEnvironmentReferences(test.arguments)
        switch name {
        case "environment":
            guard arguments.positionals.count == 2, case .string(let item) = arguments.positionals[0],
                  !item.value.contains("${") else { return }
            checkEnvironmentItem(item)
        case "spamtest", "virustest":
            checkScoreTest(name: name, arguments: arguments)
        default:
            break
        }
    }

    /// An item name that no environment here has: a typo, or another server's item.
    ///
    /// - SeeAlso: RFC 5183 §4
    private mutating func checkEnvironmentItem(_ item: StringLiteral) {
        let name = item.value
        let known = SieveEnvironment.standardItems + SieveEnvironment.vendorItems
        if known.contains(name) || (name.hasPrefix(SieveEnvironment.configPrefix) && name.count > SieveEnvironment.configPrefix.count) {
            return
        }
        if let spelled = known.first(where: { $0 == name.lowercased() }) {
            warn(.unknownEnvironmentItem,
                 "environment item names are compared exactly: \(quoted(name)) never exists, so this test is always false; "
                     + "write \(quoted(spelled))",
                 at: item.range.start)
            return
        }
        warn(.unknownEnvironmentItem,
             "environment item \(quoted(name)) does not exist on this server, so this test is always false; the items are "
                 + known.map(quoted).joined(separator: ", ") + " and vnd.dovecot.config.NAME",
             at: item.range.start)
    }

    /// `${env.remote-ip}`: `-` cannot occur in a variable name, so the text stays literal.
    ///
    /// - SeeAlso: RFC 5229 §3
    mutating func checkEnvironmentReferences(_ arguments: [Argument]) {
        for argument in arguments {
            for literal in strings(in: argument) {
                var rest = Substring(literal.value)
                while let start = rest.range(of: "${env.") {
                    let tail = rest[start.upperBound...]
                    guard let close = tail.firstIndex(of: "}") else { break }
                    let name = tail[..<close]
                    if name.contains("-") {
                        warn(.environmentVariableName,
                             "${env.\(name)} is not a variable reference (variable names cannot contain '-'), so it stays "
                                 + "literal text; write ${env.\(String(name.map { $0 == "-" ? "_" : $0 }))}",
                             at: literal.range.start)
                    }
                    rest = tail[close...]
                }
            }
        }
    }

    /// Keys no score can equal, and `:value` compared as text ("10" sorts before "9").
    ///
    /// - SeeAlso: RFC 5235 §3.2–3.4
    private mutating func checkScoreTest(name: String, arguments: LintArguments) {
        let percent = arguments.hasTag("percent")
        let maximum = percent ? 100 : name == "spamtest" ? 10 : 5
        let usesValue = arguments.hasTag("value")
        var comparator: String?
        if case .string(let literal)? = arguments.parameter(of: "comparator") { comparator = literal.value.lowercased() }
        if let valueTag = arguments.tagRange("value"), comparator != "i;ascii-numeric" {
            warn(.scoreComparedAsText,
                 "\(name) :value without :comparator \"i;ascii-numeric\" compares the score as text, so \"10\" is less than "
                     + "\"9\"; add :comparator \"i;ascii-numeric\" (require \"comparator-i;ascii-numeric\")",
                 at: valueTag.start)
        }
        guard !arguments.hasTag("matches"), !arguments.hasTag("contains"), !arguments.hasTag("count"),
              let keys = arguments.positionals.last else { return }
        for key in strings(in: keys) where !key.value.contains("${") {
            guard let number = Int(key.value), number < 0 || number > maximum else { continue }
            var message = "\(name)\(percent ? " :percent" : "") scores run from 0 to \(maximum), so the key \(quoted(key.value)) "
            message += usesValue ? "makes this comparison the same for every message" : "never matches"
            if name == "spamtest", !percent, number <= 100 { message += "; for a percentage use :percent (require \"spamtestplus\")" }
            warn(.scoreOutOfRange, message, at: key.range.start)
        }
    }
}

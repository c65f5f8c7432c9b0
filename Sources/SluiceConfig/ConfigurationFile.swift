import Delivery
import Foundation
import Logging
import Maildir
import Sieve
import TOMLKit

/// Reads `sluice.toml`. Every key is optional and falls back to the documented default;
/// an unknown key, a wrong type or an impossible value is an error naming the key.
/// `sluice.example.toml` in the repository shows every key with a comment.
public enum ConfigurationFile {
    /// Loads and validates the file at `path`.
    public static func load(path: String) throws(ConfigurationError) -> SluiceConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError("cannot read configuration file \(path): \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    /// Parses configuration text; `file` names it in messages.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> SluiceConfiguration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError("\(file):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        } catch {
            throw ConfigurationError("\(file): \(error)")
        }
        var root = TOMLReader(file: file, path: "", table: table)
        var configuration = SluiceConfiguration()

        if let hostname = try root.string("hostname") {
            configuration.delivery.hostname = hostname
            configuration.delivery.storage.maildir.hostname = hostname
        }
        configuration.session.serverName = configuration.delivery.hostname
        if let level = try root.choice("log_level", Logger.Level.allCases.map(\.rawValue)) {
            configuration.logLevel = Logger.Level(rawValue: level) ?? .info
        }
        if var lmtp = try root.subtable("lmtp") {
            try readLMTP(&lmtp, into: &configuration)
            try lmtp.finish()
        }
        if var users = try root.subtable("users") {
            try readUsers(&users, into: &configuration.delivery.users)
            try users.finish()
        }
        if var storage = try root.subtable("storage") {
            try readStorage(&storage, into: &configuration.delivery.storage)
            try storage.finish()
        }
        if var scripts = try root.subtable("scripts") {
            try readScripts(&scripts, into: &configuration.delivery.scripts)
            try scripts.finish()
        }
        if var outbound = try root.subtable("outbound") {
            try readOutbound(&outbound, into: &configuration.delivery.outbound)
            try outbound.finish()
        }
        if var vacation = try root.subtable("vacation") {
            if let path = try vacation.string("tracking_database") {
                guard !path.isEmpty else {
                    throw ConfigurationError("\(vacation.file): 'vacation.tracking_database' is empty, expected a file path")
                }
                configuration.delivery.vacation.trackingDatabase = path
            }
            if let patterns = try vacation.strings("system_senders") {
                configuration.delivery.vacation.systemSenderPatterns = patterns
            }
            if let required = try vacation.bool("require_user_addressed") {
                configuration.delivery.vacation.requireUserAddressed = required
            }
            if let subject = try vacation.string("default_subject") {
                configuration.delivery.vacation.reply.defaultSubject = subject
            }
            if let template = try vacation.string("subject_template") {
                configuration.delivery.vacation.reply.subjectTemplate = template
            }
            if let send = try vacation.bool("send_from_recipient") {
                configuration.delivery.vacation.reply.sendFromRecipient = send
            }
            if let ignore = try vacation.bool("to_header_ignore_envelope") {
                configuration.delivery.vacation.reply.toHeaderIgnoresEnvelope = ignore
            }
            try vacation.finish()
        }
        if var delivery = try root.subtable("delivery") {
            if let n = try delivery.int("recipient_concurrency", in: 1...1024) {
                configuration.delivery.recipientConcurrency = n
            }
            if let deadline = try delivery.seconds("transaction_deadline") {
                configuration.delivery.transactionDeadline = deadline
            }
            try delivery.finish()
        }
        if var mailboxes = try root.subtable("mailboxes") {
            try readMailboxes(&mailboxes, into: &configuration.delivery.mailboxes)
            try mailboxes.finish()
        }
        if var deliver = try root.subtable("deliver") {
            configuration.deliver = try LocalDeliveryConfiguration.read(&deliver)
            try deliver.finish()
        }
        try readSieveTables(&root, into: &configuration)
        try root.finish()
        return configuration
    }

    private static func readLMTP(_ lmtp: inout TOMLReader, into configuration: inout SluiceConfiguration)
        throws(ConfigurationError)
    {
        var mode: UInt32?
        if let text = try lmtp.string("socket_mode") {
            guard let parsed = UInt32(text, radix: 8), parsed <= 0o777 else {
                throw ConfigurationError("\(lmtp.file): 'lmtp.socket_mode' is \"\(text)\", expected an octal mode such as \"0660\"")
            }
            mode = parsed
        }
        if let listen = try lmtp.strings("listen") {
            guard !listen.isEmpty else { throw ConfigurationError("\(lmtp.file): 'lmtp.listen' lists no address") }
            var listeners: [SluiceConfiguration.Listener] = []
            for text in listen {
                do {
                    listeners.append(try SluiceConfiguration.Listener(parsing: text, unixMode: mode))
                } catch {
                    throw ConfigurationError("\(lmtp.file): 'lmtp.listen': \(error.message)")
                }
            }
            configuration.listeners = listeners
        }
        if let size = try lmtp.size("max_message_size") { configuration.session.maximumMessageSize = size }
        if let n = try lmtp.int("max_recipients", in: 1...100_000) { configuration.session.maximumRecipients = n }
        if let n = try lmtp.int("max_bad_commands", in: 1...1000) { configuration.session.maximumBadCommands = n }
        if let idle = try lmtp.seconds("idle_timeout") { configuration.timeouts.idle = idle }
        if let command = try lmtp.seconds("command_timeout") { configuration.timeouts.command = command }
        if let threshold = try lmtp.size("spool_memory_threshold") { configuration.spool.memoryThreshold = threshold }
        if let directory = try lmtp.string("spool_directory") { configuration.spool.directory = directory }
    }

    private static func readOutbound(_ outbound: inout TOMLReader, into configuration: inout OutboundConfiguration)
        throws(ConfigurationError)
    {
        if let method = try outbound.choice("method", OutboundConfiguration.Method.allCases.map(\.rawValue)) {
            configuration.method = OutboundConfiguration.Method(rawValue: method) ?? .smtp
        }
        if let relay = try outbound.string("relay") {
            do {
                (configuration.relayHost, configuration.relayPort) = try SluiceConfiguration.parseRelay(relay)
            } catch {
                throw ConfigurationError("\(outbound.file): 'outbound.relay': \(error.message)")
            }
        }
        if let name = try outbound.string("helo_name") {
            guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else {
                throw ConfigurationError("\(outbound.file): 'outbound.helo_name' is \"\(name)\", expected a host name")
            }
            configuration.heloName = name
        }
        if let timeout = try outbound.seconds("connect_timeout") { configuration.connectTimeout = timeout }
        if let timeout = try outbound.seconds("reply_timeout") { configuration.replyTimeout = timeout }
        if let timeout = try outbound.seconds("submission_timeout") { configuration.submissionTimeout = timeout }
        if let command = try outbound.strings("sendmail_command") {
            guard let first = command.first, first.hasPrefix("/") else {
                throw ConfigurationError("\(outbound.file): 'outbound.sendmail_command' must start with an absolute path, found \(command)")
            }
            configuration.sendmailCommand = command
        }
        if let policy = try outbound.choice("redirect_failure", RedirectFailurePolicy.allCases.map(\.rawValue)) {
            configuration.redirectFailure = RedirectFailurePolicy(rawValue: policy) ?? .keep
        }
        if let text = try outbound.string("notify_envelope_sender") {
            guard let rule = OutboundConfiguration.notifyEnvelopeSender(setting: text) else {
                throw ConfigurationError("\(outbound.file): 'outbound.notify_envelope_sender' is \"\(text)\"; expected \"from\", "
                                         + "\"sender\", \"recipient\" or an address local@domain")
            }
            configuration.notifyEnvelopeSender = rule
        }
    }

    private static func readUsers(_ users: inout TOMLReader, into configuration: inout UserConfiguration)
        throws(ConfigurationError)
    {
        if let domains = try users.strings("domains") { configuration.domains = domains }
        if let any = try users.bool("accept_any_local_part") { configuration.acceptAnyLocalPart = any }
        if let delimiter = try users.string("subaddress_delimiter") { configuration.subaddressDelimiter = delimiter }
        if let exact = try users.bool("case_sensitive_local_parts") { configuration.caseSensitiveLocalParts = exact }
        if let maildir = try users.string("maildir") { configuration.maildirTemplate = maildir }
        if let script = try users.string("sieve_script") { configuration.scriptTemplate = script.isEmpty ? nil : script }
        configuration.defaultQuota = try readQuota(&users, default: configuration.defaultQuota)
        if let table = try users.subtable("table") {
            for key in table.table.keys.sorted() {
                var reader = table
                guard var entry = try reader.subtable(key) else { continue }
                var user = UserEntry()
                user.maildirPath = try entry.string("maildir")
                user.scriptPath = try entry.string("sieve_script")
                user.aliases = try entry.strings("aliases") ?? []
                for alias in user.aliases where !isAddress(alias) {
                    throw ConfigurationError("\(entry.file): '\(entry.path).aliases' lists \"\(alias)\", expected local@domain")
                }
                let quota = try readQuota(&entry, default: Quota())
                user.quota = quota.isUnlimited ? nil : quota
                try entry.finish()
                configuration.table[key] = user
            }
        }
    }

    /// Whether `text` looks like `local@domain` (no spaces or angle brackets).
    static func isAddress(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex else {
            return false
        }
        return !text.contains { $0 == " " || $0 == "<" || $0 == ">" || $0 == "\r" || $0 == "\n" || $0 == "\t" }
    }

    private static func readQuota(_ reader: inout TOMLReader, default base: Quota) throws(ConfigurationError) -> Quota {
        var quota = base
        if let bytes = try reader.size("quota_bytes") { quota.maximumBytes = UInt64(bytes) }
        if let messages = try reader.int("quota_messages", in: 1...Int.max) { quota.maximumMessages = UInt64(messages) }
        return quota
    }

    private static func readStorage(_ storage: inout TOMLReader, into configuration: inout StorageConfiguration)
        throws(ConfigurationError)
    {
        if let separator = try storage.choice("folder_separator", ["/", "."]) {
            configuration.maildir.hierarchySeparator = separator.unicodeScalars.first ?? "/"
        }
        if let create = try storage.bool("create_missing_folders") { configuration.createMissingFolders = create }
        if let reply = try storage.choice("over_quota", OverQuotaReply.allCases.map(\.rawValue)) {
            configuration.overQuotaReply = OverQuotaReply(rawValue: reply) ?? .temporary
        }
        if let ending = try storage.choice("line_endings", ["lf", "crlf"]) {
            configuration.maildir.lineEnding = ending == "crlf" ? .crlf : .lf
        }
    }

    private static func readScripts(_ scripts: inout TOMLReader, into configuration: inout ScriptConfiguration)
        throws(ConfigurationError)
    {
        if let before = try scripts.strings("before") { configuration.before = before }
        if let after = try scripts.strings("after") { configuration.after = after }
        if let directory = try scripts.string("global_dir") {
            guard directory.hasPrefix("/") else {
                throw ConfigurationError("\(scripts.file): [scripts] global_dir must be an absolute path, found \"\(directory)\"")
            }
            configuration.globalDirectory = directory
        }
        if let n = try scripts.int("max_include_depth", in: 1...1000) { configuration.sieveOptions.limits.maxIncludeDepth = n }
        if let n = try scripts.int("max_includes", in: 1...100_000) { configuration.sieveOptions.limits.maxIncludes = n }
        if let size = try scripts.size("max_script_size") {
            configuration.maximumScriptBytes = size
            configuration.sieveOptions.parserLimits.maxScriptSize = size
        }
        if let n = try scripts.int("max_actions", in: 1...10_000) { configuration.sieveOptions.limits.maxActions = n }
        if let n = try scripts.int("max_redirects", in: 0...1000) { configuration.sieveOptions.limits.maxRedirects = n }
        if let n = try scripts.int("max_notifications", in: 0...1000) { configuration.sieveOptions.limits.maxNotifications = n }
        if try scripts.bool("deprecated_notify") == false {
            configuration.sieveOptions.enabledExtensions.remove(SieveCapability.notify.rawValue)
        }
        if let n = try scripts.int("max_nesting_depth", in: 1...1000) {
            configuration.sieveOptions.parserLimits.maxNestingDepth = n
        }
        if let n = try scripts.int("max_evaluation_steps", in: 100...100_000_000) {
            configuration.sieveOptions.limits.maxEvaluationSteps = n
        }
        let periods = configuration.sieveOptions.vacationPeriods
        let minimum = try scripts.int("vacation_min_period", in: 0...Int(Int32.max)) ?? periods.minimum
        let standard = try scripts.int("vacation_default_period", in: 0...Int(Int32.max)) ?? periods.standard
        let maximum = try scripts.int("vacation_max_period", in: 0...Int(Int32.max)) ?? periods.maximum
        guard minimum <= standard, standard <= maximum else {
            throw ConfigurationError("\(scripts.file): vacation periods must satisfy vacation_min_period <= vacation_default_period <= vacation_max_period (got \(minimum), \(standard), \(maximum))")
        }
        configuration.sieveOptions.vacationPeriods.minimum = minimum
        configuration.sieveOptions.vacationPeriods.standard = standard
        configuration.sieveOptions.vacationPeriods.maximum = maximum
        let duplicate = configuration.sieveOptions.duplicatePeriods
        let duplicateStandard = try scripts.int("duplicate_default_period", in: 1...Int(Int32.max)) ?? duplicate.standard
        let duplicateMaximum = try scripts.int("duplicate_max_period", in: 1...Int(Int32.max)) ?? duplicate.maximum
        guard duplicateStandard <= duplicateMaximum else {
            throw ConfigurationError("\(scripts.file): duplicate_default_period (\(duplicateStandard)) must not exceed duplicate_max_period (\(duplicateMaximum))")
        }
        configuration.sieveOptions.duplicatePeriods = DuplicatePeriods(standard: duplicateStandard, maximum: duplicateMaximum)
    }
}

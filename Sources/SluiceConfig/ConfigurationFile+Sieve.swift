import MailCore
import Delivery
import Sieve

/// The `[spamtest]` and `[virustest]` tables: where the site's scanners leave their verdict.
/// Keys are Pigeonhole's setting names without the `sieve_spamtest_` / `sieve_virustest_`
/// prefix, so a Dovecot configuration carries over:
///
/// ```toml
/// [spamtest]
/// status_header = "X-Spam-Score"  # or "X-Spam-Status: score=([0-9.]+)"
/// status_type = "score"          # or "strlen", "text"
/// score_max_value = 10           # or score_max_header = "X-Spam-Threshold"
///
/// [virustest]
/// status_header = "X-Virus-Status"
/// status_type = "text"
/// text_value = { 1 = "Clean", 5 = "Infected" }
/// ```
///
/// - SeeAlso: RFC 5235 §3, `ScoreTestSettings`
extension ConfigurationFile {
    static func readScoreTest(_ table: inout TOMLReader, for test: ScoreTestSettings.Test) throws(ConfigurationError)
        -> ScoreTestSettings?
    {
        var settings: [String: String] = [:]
        for key in ["status_header", "status_type", "score_max_header"] {
            if let text = try table.string(key) { settings[key] = text }
        }
        if let value = table.value("score_max_value") {
            if let number = value.double {
                settings["score_max_value"] = String(number)
            } else if let number = value.int {
                settings["score_max_value"] = String(number)
            } else if let text = value.string {
                settings["score_max_value"] = text
            } else {
                throw ConfigurationError("\(table.file): '\(test.rawValue).score_max_value' must be a number, found \(value.type)")
            }
        }
        if var texts = try table.subtable("text_value") {
            for key in texts.table.keys.sorted() {
                guard let phrase = try texts.string(key) else { continue }
                settings["text_value/" + key] = phrase
            }
            try texts.finish()
        }
        do {
            return try ScoreTestSettings(settings: settings, for: test)
        } catch {
            throw ConfigurationError("\(table.file): [\(test.rawValue)]: \(error.message)"
                                     + (settings["status_header"] == nil ? " (status_header is not set)" : ""))
        }
    }

    /// Reads the tables that set Sieve's site policy beyond `[scripts]`.
    static func readSieveTables(_ root: inout TOMLReader, into configuration: inout SluiceConfiguration) throws(ConfigurationError) {
        if let domain = try root.string("domain") {
            guard !domain.isEmpty, !domain.contains(where: { $0 == " " || $0 == "@" }) else {
                throw ConfigurationError("\(root.file): 'domain' is \"\(domain)\", expected a DNS domain such as \"example.com\"")
            }
            configuration.delivery.domain = domain
        }
        if var sieve = try root.subtable("sieve") {
            try readEditheader(&sieve, into: &configuration.delivery.scripts.sieveOptions.editheader)
            try sieve.finish()
        }
        if var lists = try root.subtable("lists") {
            try readLists(&lists, into: &configuration.delivery.lists)
            try lists.finish()
        }
        if var report = try root.subtable("report") {
            try readReport(&report, into: &configuration.delivery.report)
            try report.finish()
        }
        if var programs = try root.subtable("programs") {
            try readPrograms(&programs, into: &configuration.delivery.scripts.sieveOptions)
            try programs.finish()
        }
        for test in [ScoreTestSettings.Test.spam, .virus] {
            guard var table = try root.subtable(test.rawValue) else { continue }
            let settings = try readScoreTest(&table, for: test)
            try table.finish()
            guard let settings else {
                throw ConfigurationError("\(table.file): [\(test.rawValue)] needs status_header, the field the scanner writes its verdict in")
            }
            if test == .spam {
                configuration.delivery.scripts.sieveOptions.spamtest = settings
            } else {
                configuration.delivery.scripts.sieveOptions.virustest = settings
            }
        }
    }
}

/// The `[sieve]` table's editheader keys (Pigeonhole's `sieve_editheader_*` settings):
///
/// ```toml
/// [sieve]
/// editheader_protected = ["X-Spam-Status"]   # neither added nor deleted by scripts
/// editheader_forbid_add = ["X-Verified"]
/// editheader_forbid_delete = ["DKIM-Signature"]
/// editheader_max_header_size = "2k"          # longest value addheader may add
/// ```
///
/// - SeeAlso: RFC 5293 §6, `EditheaderSettings`
extension ConfigurationFile {
    static func readEditheader(_ table: inout TOMLReader, into settings: inout EditheaderSettings) throws(ConfigurationError) {
        func names(_ key: String) throws(ConfigurationError) -> [String] {
            let list = try table.strings(key) ?? []
            if let bad = list.first(where: { !HeaderFieldWriter.isValidFieldName($0) }) {
                throw ConfigurationError("\(table.file): 'sieve.\(key)' holds \"\(bad)\", which is not a header field name "
                                         + "(printable ASCII without spaces or ':')")
            }
            return list.map { $0.lowercased() }
        }
        for name in try names("editheader_protected") {
            settings.forbiddenToAdd.insert(name)
            settings.forbiddenToDelete.insert(name)
        }
        settings.forbiddenToAdd.formUnion(try names("editheader_forbid_add"))
        settings.forbiddenToDelete.formUnion(try names("editheader_forbid_delete"))
        if let size = try table.size("editheader_max_header_size") {
            guard size >= EditheaderSettings.minimumMaximumValueSize else {
                throw ConfigurationError("\(table.file): 'sieve.editheader_max_header_size' is \(size) octets; "
                                         + "it must be at least \(EditheaderSettings.minimumMaximumValueSize)")
            }
            settings.maximumValueSize = size
        }
    }
}

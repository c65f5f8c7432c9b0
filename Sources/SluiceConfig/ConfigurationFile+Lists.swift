import AutoReply
import Delivery
import Sieve

/// The `[lists]` table: the site's lists for Sieve's `:list` match type and
/// `valid_ext_list` (RFC 6134). Each key is a list name (a `urn:` or `tag:` URI, or the
/// shorthand `:addrbook:NAME`, quoted because of the colons); its value is either the
/// entries themselves or the absolute path of a file with one entry a line, where `%u`,
/// `%n` and `%d` make one file per user:
///
/// ```toml
/// [lists]
/// ":addrbook:default" = "/var/mail/%d/%n/contacts.txt"
/// "tag:example.com,2024:vip" = ["ceo@example.com", "board@example.com"]
/// ```
///
/// The `[report]` table: who `report` (vnd.dovecot.report) messages are from
/// (Pigeonhole's `sieve_report_from`):
///
/// ```toml
/// [report]
/// from = "postmaster"        # or "sender", "recipient", "orig_recipient", "user_email", "<abuse@example.com>"
/// postmaster = "postmaster@example.com"   # default: postmaster@HOSTNAME
/// ```
extension ConfigurationFile {
    static func readLists(_ table: inout TOMLReader, into lists: inout [ExternalListName: ExternalListDefinition])
        throws(ConfigurationError)
    {
        for key in table.table.keys.sorted() {
            guard let value = table.value(key) else { continue }
            guard let name = ExternalListName(key) else {
                throw ConfigurationError("\(table.file): [lists] key \"\(key)\": \(ExternalListName.problem(with: key) ?? "not a list name")")
            }
            if let path = value.string {
                do {
                    lists[name] = .file(try PathTemplate(path))
                } catch {
                    throw ConfigurationError("\(table.file): 'lists.\"\(key)\"' is \"\(path)\": \(error)")
                }
            } else if let array = value.array {
                var entries: [String] = []
                for element in array {
                    guard let entry = element.string else {
                        throw ConfigurationError("\(table.file): 'lists.\"\(key)\"' must list strings only, found \(element.type)")
                    }
                    entries.append(entry)
                }
                lists[name] = .entries(entries)
            } else {
                throw ConfigurationError("\(table.file): 'lists.\"\(key)\"' must be a list of entries or the path of a list file, "
                                         + "found \(value.type)")
            }
        }
    }

    static func readReport(_ table: inout TOMLReader, into report: inout ReportConfiguration) throws(ConfigurationError) {
        if let from = try table.string("from") {
            guard let sender = ReportSender(setting: from) else {
                throw ConfigurationError("\(table.file): 'report.from' is \"\(from)\", expected \"postmaster\", \"sender\", "
                                         + "\"recipient\", \"orig_recipient\", \"user_email\" or an address in angle brackets")
            }
            report.from = sender
        }
        if let postmaster = try table.string("postmaster") {
            guard isAddress(postmaster) else {
                throw ConfigurationError("\(table.file): 'report.postmaster' is \"\(postmaster)\", expected local@domain")
            }
            report.postmaster = postmaster
        }
    }
}

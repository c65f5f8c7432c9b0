import MailCore

extension SieveEnvelope {
    /// The envelope `sieve-check run` uses when the user gives none: the sender from
    /// `Return-Path` (else the first `From` address), the recipient from `Delivered-To`
    /// (else the first `To` address, else `recipient@localhost`). Explicit values win;
    /// `""` for `from` is the null sender.
    public static func defaulted(for message: Message, from: String?, to: String?) -> SieveEnvelope {
        func firstAddress(_ field: String) -> String? {
            for header in message.fields(named: field) {
                for entry in AddressParser.parseList(header.value) {
                    switch entry {
                    case .mailbox(let address): return address.addrSpec
                    case .group(_, let members) where !members.isEmpty: return members[0].addrSpec
                    default: continue
                    }
                }
            }
            return nil
        }
        func path(_ field: String) -> String? {
            guard let value = message.fields(named: field).first?.value else { return nil }
            return AddressParser.parseEnvelopePath(value)?.addrSpec ?? ""
        }
        let sender = from ?? path("Return-Path") ?? firstAddress("From") ?? ""
        let recipient = to ?? path("Delivered-To") ?? firstAddress("To") ?? "recipient@localhost"
        return SieveEnvelope(from: sender, to: recipient)
    }
}

extension SieveResult {
    /// The actions one per line, as `sieve-check run` prints them without `--json`, then
    /// the `duplicate` values the delivery would record.
    public var textSummary: String {
        (actions.map { "  " + $0.description } + duplicateMarks.map { "  " + $0.description }).joined(separator: "\n")
    }

    /// The header section of `modifiedMessage` one line each, indented two spaces, as
    /// `sieve-check run` prints it under `edited header:`; nil when the run changed nothing.
    public var editedHeaderSummary: String? {
        guard let message = modifiedMessage else { return nil }
        let text = String(decoding: message.headerSection, as: UTF8.self)
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\r\n" || $0 == "\n" })
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { "  " + $0 }.joined(separator: "\n")
    }
}

extension TraceEvent {
    /// One line of `sieve-check run --trace` output, e.g.
    /// `  12: header :contains "subject" ["Sale"] ["Big sale"] -> true`.
    /// Nesting is not shown; the line numbers tie each event to the script.
    public var traceLine: String {
        switch self {
        case .command(let name, let location):
            return "\(location.line): \(name)"
        case .test(let test):
            var line = "\(test.location.line):   test \(test.name)"
            if let c = test.comparison {
                line += " \(c.matchType)"
                if let comparator = c.comparator { line += " :comparator \(quoted(comparator))" }
                line += " values " + list(c.values) + " keys " + list(c.keys)
                if let note = c.note { line += " (\(note))" }
            }
            return line + " -> " + (test.matched ? "true" : "false")
        case .action(let action, let location):
            return "\(location.line):   action \(action)"
        case .variable(let name, let value, let location):
            let shown = name.isEmpty ? "(flags)" : "${\(name)}"
            return "\(location.line):   set \(shown) = \(quoted(value))"
        case .stop(let location):
            return "\(location.line):   script stopped"
        case .error(let error):
            return "\(error.location.line): error: \(error.message)"
        case .warning(let warning):
            return "\(warning.location.line):   warning: \(warning.message)"
        case .messageEdit(let change, let location):
            return "\(location.line):   edit \(change)"
        case .debug(let message, let location):
            return "\(location.line):   debug_log: \(message)"
        case .partIteration(let text, let location):
            return "\(location.line):   foreverypart \(text)"
        }
    }
}

private func list(_ values: [String]) -> String {
    "[" + values.map(quoted).joined(separator: ", ") + "]"
}

/// Flag lists as the imap4flags extension keeps them: one string of space-separated
/// flag names, duplicates removed. System flags (`\Seen`, ...) are case-insensitive and
/// written in their RFC 3501 spelling; keywords are kept as written and compared exactly.
///
/// - SeeAlso: RFC 5232 §3, RFC 3501 §2.3.2
enum FlagList {
    private static let systemFlags: [String: String] = [
        "\\seen": "\\Seen", "\\answered": "\\Answered", "\\flagged": "\\Flagged",
        "\\deleted": "\\Deleted", "\\draft": "\\Draft", "\\recent": "\\Recent",
    ]

    /// The canonical spelling of one flag.
    static func canonical(_ flag: String) -> String {
        guard flag.utf8.first == UInt8(ascii: "\\") else { return flag }
        return systemFlags[flag.lowercased()] ?? flag
    }

    /// The flags named in `strings` (each may hold several, space-separated), canonical
    /// and de-duplicated, in first-seen order.
    static func flags(in strings: [String]) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        for string in strings {
            for piece in string.split(separator: " ", omittingEmptySubsequences: true) {
                let flag = canonical(String(piece))
                if seen.insert(flag).inserted { out.append(flag) }
            }
        }
        return out
    }

    /// `current` with `added` appended (those not already present).
    static func adding(_ added: [String], to current: String) -> String {
        flags(in: [current] + added).joined(separator: " ")
    }

    /// `current` without any of `removed`.
    static func removing(_ removed: [String], from current: String) -> String {
        let gone = Set(flags(in: removed))
        return flags(in: [current]).filter { !gone.contains($0) }.joined(separator: " ")
    }

    /// The sorted, de-duplicated list a result action carries.
    static func forResult(_ strings: [String]) -> [String] {
        flags(in: strings).sorted()
    }
}

extension MatchSpec {
    /// For `hasflag :is` and `:contains`: the keys split into single flag names, as the
    /// values are, so `hasflag :is "b A"` holds when the flags are "A B". Other match
    /// types (`:matches`, `:count`, `:value`) compare the keys as written.
    ///
    /// - SeeAlso: RFC 5232 §4 (the "b A" example), §5
    func splittingFlagKeys(_ expand: (StrList) -> [String]) -> MatchSpec {
        switch type {
        case .is, .contains:
            if let constant = keys.constant, !constant.contains(where: { $0.contains(" ") }) { return self }
            let flags = expand(self.keys).flatMap { $0.split(separator: " ", omittingEmptySubsequences: true) }
            return MatchSpec(type: type, comparator: comparator, keys: StrList(flags.map { .constant(String($0)) }))
        default:
            return self
        }
    }
}

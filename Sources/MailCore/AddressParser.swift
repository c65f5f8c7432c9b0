/// Parses address-list header bodies and SMTP envelope paths.
///
/// - SeeAlso: RFC 5322 §3.4, §4.4 (obsolete syntax); RFC 5321 §4.1.2.
public enum AddressParser {
    /// Parses an address-list field body (already RFC 2047-decoded is fine; comments,
    /// groups, quoted local parts and obsolete routes are handled).
    ///
    /// Minimal first version: splits on top-level commas and takes the `<...>` part.
    public static func parseList(_ text: String) -> [AddressListEntry] {
        text.split(separator: ",").compactMap { piece in
            let trimmed = piece.trimmingCharacters(in: " \t")
            if trimmed.isEmpty { return nil }
            var spec = Substring(trimmed)
            var display: String?
            if let open = trimmed.firstIndex(of: "<"), let close = trimmed.lastIndex(of: ">"), open < close {
                spec = trimmed[trimmed.index(after: open)..<close]
                let name = trimmed[..<open].trimmingCharacters(in: " \t\"")
                display = name.isEmpty ? nil : name
            }
            guard let at = spec.lastIndex(of: "@") else { return .unparsable(trimmed) }
            let local = String(spec[..<at]), domain = String(spec[spec.index(after: at)...])
            if local.isEmpty || domain.isEmpty { return .unparsable(trimmed) }
            return .mailbox(MailAddress(displayName: display, localPart: local, domain: domain))
        }
    }

    /// Parses an SMTP path as given in `MAIL FROM`/`RCPT TO` (with or without angle
    /// brackets). The null path `<>` gives nil.
    public static func parseEnvelopePath(_ text: String) -> MailAddress? {
        var spec = Substring(text.trimmingCharacters(in: " \t"))
        if spec.hasPrefix("<") && spec.hasSuffix(">") { spec = spec.dropFirst().dropLast() }
        if spec.isEmpty { return nil }
        guard let at = spec.lastIndex(of: "@") else { return MailAddress(localPart: String(spec), domain: nil) }
        return MailAddress(localPart: String(spec[..<at]), domain: String(spec[spec.index(after: at)...]))
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var start = startIndex, end = endIndex
        while start < end && chars.contains(self[start]) { start = index(after: start) }
        while end > start && chars.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}

import MailCore

/// Address helpers shared by the vacation and redirect rules: normalising addresses
/// for comparison, checking RFC 5321 mailbox syntax, and matching local-part globs.
public enum AddressMatching {
    /// The comparison form of an address: its addr-spec, lowercased (local part and
    /// domain). Accepts `a@b`, `<a@b>` and `Name <a@b>`; nil for an empty or null
    /// address (`<>`).
    ///
    /// Local parts are compared case-insensitively although RFC 5321 §2.4 lets a host
    /// tell them apart: no real site does, and a missed match here means a reply to
    /// oneself or a missed loop.
    public static func normalized(_ text: String) -> String? {
        guard let address = mailbox(in: text) else { return nil }
        return address.addrSpec.lowercased()
    }

    /// The one mailbox written in `text` (`a@b`, `<a@b>`, `Name <a@b>`), or nil for
    /// an empty or null address. Text that is not a valid address list is read as an
    /// SMTP path (best effort).
    public static func mailbox(in text: String) -> MailAddress? {
        let trimmed = text.trimmingASCIIWhitespace()
        if trimmed.isEmpty || trimmed == "<>" { return nil }
        if let first = AddressParser.parseList(trimmed).mailboxes.first, !first.localPart.isEmpty {
            return first
        }
        guard let path = AddressParser.parseEnvelopePath(trimmed), !path.localPart.isEmpty else { return nil }
        return path
    }

    /// The mailbox of an SMTP path or redirect target, checked strictly: `a@b`,
    /// `<a@b>`, or (for a redirect written with a display name) `Name <a@b>`. Nil when
    /// the text inside the brackets is empty or not a valid RFC 5321 `Mailbox`.
    ///
    /// - SeeAlso: RFC 5321 §4.1.2; RFC 5228 §4.2 (a redirect address is a mailbox)
    public static func smtpMailbox(in text: String) -> MailAddress? {
        let inner = pathText(text)
        guard !inner.isEmpty, isValidMailbox(inner), let parsed = AddressParser.parseEnvelopePath(inner) else { return nil }
        return MailAddress(localPart: parsed.localPart, domain: parsed.domain)
    }

    /// `text` with surrounding whitespace and angle brackets (and any display name
    /// before them) removed: `Name <a@b>` and `<a@b>` give `a@b`, `<>` gives "".
    public static func pathText(_ text: String) -> String {
        var inner = Substring(text.trimmingASCIIWhitespace())
        if inner.hasSuffix(">"), let open = inner.lastIndex(of: "<") {
            inner = inner[inner.index(after: open)..<inner.index(before: inner.endIndex)]
        }
        return String(inner).trimmingASCIIWhitespace()
    }

    /// Whether `addrSpec` is a valid RFC 5321 `Mailbox` (`local@domain`, with a
    /// dot-string or quoted local part and a domain name or address literal), the form
    /// an SMTP `RCPT TO` accepts. Non-ASCII is allowed in atoms and labels (RFC 6531).
    /// Control characters, spaces outside quotes, and CR/LF are never valid.
    ///
    /// - SeeAlso: RFC 5321 §4.1.2, §4.5.3.1 (64 octets local part, 255 domain)
    public static func isValidMailbox(_ addrSpec: String) -> Bool {
        let bytes = Array(addrSpec.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1 else { return false }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        return local.count <= 64 && domain.count <= 255 && isLocalPart(local) && isDomain(domain)
    }

    /// Whether `address` has a domain and, written as an SMTP path would carry it
    /// (local part quoted when it is not a dot-atom), is a valid mailbox.
    public static func isValidMailbox(_ address: MailAddress) -> Bool {
        address.domain != nil && isValidMailbox(HeaderWriting.addrSpec(address))
    }

    private static func isAtom(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x80...: return true
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default: return "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    // Local-part = Dot-string / Quoted-string
    private static func isLocalPart(_ local: ArraySlice<UInt8>) -> Bool {
        if local.first == UInt8(ascii: "\"") {
            // Quoted-string = DQUOTE *QcontentSMTP DQUOTE ; quoted-pairSMTP = "\" %d32-126
            guard local.count >= 2, local.last == UInt8(ascii: "\"") else { return false }
            var index = local.startIndex + 1
            let end = local.endIndex - 1
            while index < end {
                let byte = local[index]
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < end, (0x20...0x7E).contains(local[index + 1]) else { return false }
                    index += 2
                    continue
                }
                guard byte == 0x20 || byte == 0x21 || (0x23...0x5B).contains(byte) || (0x5D...0x7E).contains(byte)
                    || byte >= 0x80
                else { return false }
                index += 1
            }
            return true
        }
        // Dot-string = Atom *("." Atom)
        return local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            .allSatisfy { !$0.isEmpty && $0.allSatisfy(isAtom) }
    }

    // Domain = sub-domain *("." sub-domain) / address-literal
    private static func isDomain(_ domain: ArraySlice<UInt8>) -> Bool {
        if domain.first == UInt8(ascii: "[") {
            guard domain.count > 2, domain.last == UInt8(ascii: "]") else { return false }
            return domain.dropFirst().dropLast().allSatisfy {
                $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: "]") && $0 != UInt8(ascii: "\\")
            }
        }
        return domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { label in
            // sub-domain = Let-dig [Ldh-str]
            guard let first = label.first, let last = label.last, label.count <= 63,
                first != UInt8(ascii: "-"), last != UInt8(ascii: "-")
            else { return false }
            return label.allSatisfy { $0 == UInt8(ascii: "-") || ($0 != UInt8(ascii: ".") && isLetterDigitOrUTF8($0)) }
        }
    }

    private static func isLetterDigitOrUTF8(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Whether `text` matches the glob `pattern` (`*` any run, `?` one character),
    /// ignoring case. Linear in practice: backtracks only to the last `*`.
    public static func globMatches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.lowercased()), t = Array(text.lowercased())
        var pi = 0, ti = 0
        var star: Int?, resume = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || (p[pi] != "*" && p[pi] == t[ti])) {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                resume = ti
                pi += 1
            } else if let starIndex = star {
                pi = starIndex + 1
                resume += 1
                ti = resume
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" || first == "\n" {
            scalars.removeFirst()
        }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" {
            scalars.removeLast()
        }
        return String(String.UnicodeScalarView(scalars))
    }
}

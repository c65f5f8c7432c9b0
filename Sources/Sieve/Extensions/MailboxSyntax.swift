/// Checks addresses a script hands to the outside world (`redirect`, vacation `:from`)
/// against RFC 5321's `Mailbox` syntax.
///
///     Mailbox    = Local-part "@" ( Domain / address-literal )
///     Local-part = Dot-string / Quoted-string
///     Dot-string = Atom *("." Atom)
///     Domain     = sub-domain *("." sub-domain)
///     sub-domain = Let-dig [Ldh-str]
///
/// Non-ASCII characters are allowed in atoms and labels (RFC 6531, SMTPUTF8).
///
/// A script's address is an RFC 5322 `addr-spec` (or `name-addr`), so it may carry comments
/// and white space around its local part and domain (`CFWS`): `me+x(work)@example.com`,
/// ` me @ example.com `. Those are dropped; what is checked and sent is the bare mailbox.
///
/// - SeeAlso: RFC 5321 §4.1.2, RFC 5228 §2.4.2.3, §4.2, RFC 5322 §3.2.2 (CFWS), §3.4.1
enum MailboxSyntax {
    /// The bare mailbox in `text`: `addr`, `<addr>` or `Display Name <addr>` (the
    /// display name and any comments are stripped). Nil when the address is not a valid
    /// mailbox.
    static func mailbox(in text: String) -> String? {
        guard let uncommented = withoutComments(text) else { return nil }
        var candidate = Substring(uncommented).trimmingWhitespace()
        if candidate.hasSuffix(">"), let open = candidate.lastIndex(of: "<") {
            candidate = candidate[candidate.index(after: open)..<candidate.index(before: candidate.endIndex)]
                .trimmingWhitespace()
        }
        // CFWS may stand before and after the local part and the domain (RFC 5322 §3.4.1).
        if let at = candidate.lastIndex(of: "@") {
            let local = candidate[..<at].trimmingWhitespace()
            let domain = candidate[candidate.index(after: at)...].trimmingWhitespace()
            candidate = Substring(local + "@" + domain)
        }
        return isValid(candidate) ? String(candidate) : nil
    }

    /// `text` with its RFC 5322 comments (`(...)`, nested, with `\` quoting) each replaced by
    /// a space; quoted strings and domain literals are left as they are. Nil when a comment
    /// is not closed, or a `)` closes none.
    ///
    /// - SeeAlso: RFC 5322 §3.2.2
    static func withoutComments(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "(")) || bytes.contains(UInt8(ascii: ")")) else { return text }
        var out: [UInt8] = []
        var depth = 0
        var quote: UInt8?  // the closing byte of the quoted string or literal we are in
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\\"), depth > 0 || quote != nil {
                // quoted-pair: the next byte is taken literally (dropped inside a comment).
                if depth == 0 { out.append(contentsOf: bytes[i..<min(i + 2, bytes.count)]) }
                i += 2
                continue
            }
            if depth > 0 {
                if b == UInt8(ascii: "(") { depth += 1 }
                if b == UInt8(ascii: ")") { depth -= 1 }
                if depth == 0 { out.append(UInt8(ascii: " ")) }
            } else if let close = quote {
                out.append(b)
                if b == close { quote = nil }
            } else {
                switch b {
                case UInt8(ascii: "("): depth = 1
                case UInt8(ascii: ")"): return nil
                case UInt8(ascii: "\""): quote = b; out.append(b)
                case UInt8(ascii: "["): quote = UInt8(ascii: "]"); out.append(b)
                default: out.append(b)
                }
            }
            i += 1
        }
        return depth == 0 ? String(decoding: out, as: UTF8.self) : nil
    }

    static func isValid(_ s: Substring) -> Bool {
        let bytes = Array(s.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1 else { return false }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        return local.count <= 64 && domain.count <= 255 && isLocalPart(local) && isDomain(domain)
    }

    private static func isAtext(_ b: UInt8) -> Bool {
        if b >= 0x80 { return true }
        if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) { return true }
        return "!#$%&'*+-/=?^_`{|}~".utf8.contains(b)
    }

    private static func isLocalPart(_ local: ArraySlice<UInt8>) -> Bool {
        if local.first == UInt8(ascii: "\"") {
            // Quoted-string = DQUOTE *QcontentSMTP DQUOTE
            guard local.count >= 2, local.last == UInt8(ascii: "\"") else { return false }
            var i = local.startIndex + 1
            let end = local.endIndex - 1
            while i < end {
                let b = local[i]
                if b == UInt8(ascii: "\\") {
                    guard i + 1 < end, local[i + 1] >= 0x20, local[i + 1] <= 0x7E else { return false }
                    i += 2
                    continue
                }
                guard b == 0x20 || b == 0x21 || (b >= 0x23 && b <= 0x5B) || (b >= 0x5D && b <= 0x7E) || b >= 0x80 else { return false }
                i += 1
            }
            return true
        }
        let atoms = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.allSatisfy { !$0.isEmpty && $0.allSatisfy(isAtext) }
    }

    private static func isLetDigHyphen(_ b: UInt8) -> Bool {
        b >= 0x80 || b == UInt8(ascii: "-") || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    private static func isDomain(_ domain: ArraySlice<UInt8>) -> Bool {
        if domain.first == UInt8(ascii: "[") {
            // address-literal: "[" ... "]" with no brackets or backslashes inside.
            guard domain.count > 2, domain.last == UInt8(ascii: "]") else { return false }
            return domain.dropFirst().dropLast().allSatisfy {
                $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: "]") && $0 != UInt8(ascii: "\\")
            }
        }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard let first = label.first, let last = label.last, first != UInt8(ascii: "-"), last != UInt8(ascii: "-"),
                  label.count <= 63 else { return false }
            return label.allSatisfy(isLetDigHyphen)
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return s
    }
}

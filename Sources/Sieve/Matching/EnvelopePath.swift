import MailCore

/// An SMTP path as the `envelope` test reads it: the null path, an address, or text that
/// is not a path (which then matches nothing).
///
///     Path          = "<" [ A-d-l ":" ] Mailbox ">"   ; the brackets may be left out
///     A-d-l         = At-domain *( "," At-domain )     ; a source route, ignored
///     At-domain     = "@" Domain
///     Mailbox       = Local-part "@" ( Domain / address-literal )
///
/// Two things are accepted beyond RFC 5321, as mail systems hand them over and as
/// Pigeonhole reads them: a path of a local part only (`<MAILER-DAEMON>`), and dot-strings
/// with leading, trailing or doubled dots (`taro..x.@example.jp`, which some Japanese
/// carriers issue); domain labels may hold `_` and start or end with `-`.
///
/// - SeeAlso: RFC 5321 §4.1.2, §4.1.1.2 (null reverse-path), Appendix C (source routes);
///   RFC 5228 §5.4
enum EnvelopePath: Sendable, Equatable {
    /// The null path `<>` (or an empty value).
    case null
    case address(MailAddress)
    /// Not a path; the envelope test finds no value in it.
    case invalid

    init(_ text: String) {
        var path = Substring(text).trimmingWhitespace()
        if path.first == "<" {
            guard path.count >= 2, path.last == ">" else { self = .invalid; return }
            path = path.dropFirst().dropLast()
        }
        if path.isEmpty {
            self = .null
            return
        }
        let bytes = Array(path.utf8)
        guard !bytes.contains(UInt8(ascii: "<")), !bytes.contains(UInt8(ascii: ">")) else { self = .invalid; return }
        var mailbox = bytes[...]
        if bytes.first == UInt8(ascii: "@") {
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), Self.isRoute(bytes[..<colon]) else {
                self = .invalid
                return
            }
            mailbox = bytes[(colon + 1)...]
        }
        guard let parsed = Self.mailbox(mailbox) else { self = .invalid; return }
        self = .address(parsed)
    }

    /// `At-domain *( "," At-domain )`.
    private static func isRoute(_ route: ArraySlice<UInt8>) -> Bool {
        route.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).allSatisfy { hop in
            hop.first == UInt8(ascii: "@") && isDomain(hop.dropFirst())
        }
    }

    private static func mailbox(_ bytes: ArraySlice<UInt8>) -> MailAddress? {
        let at: ArraySlice<UInt8>.Index?
        if bytes.first == UInt8(ascii: "\"") {
            // A quoted local part may hold "@": the domain starts after its closing quote.
            var i = bytes.startIndex + 1
            while i < bytes.endIndex, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
            guard i < bytes.endIndex else { return nil }
            at = i + 1 < bytes.endIndex ? i + 1 : nil
            if let at, bytes[at] != UInt8(ascii: "@") { return nil }
        } else {
            at = bytes.firstIndex(of: UInt8(ascii: "@"))
        }
        let local = bytes[..<(at ?? bytes.endIndex)]
        guard let localPart = localPart(local) else { return nil }
        guard let at else { return MailAddress(localPart: localPart, domain: nil) }
        let domain = bytes[(at + 1)...]
        guard isDomain(domain) else { return nil }
        return MailAddress(localPart: localPart, domain: String(decoding: domain, as: UTF8.self))
    }

    /// The local part with quoting removed, or nil when it is neither a (lenient)
    /// dot-string nor a quoted string.
    private static func localPart(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty else { return nil }
        if bytes.first == UInt8(ascii: "\"") {
            guard bytes.count >= 2, bytes.last == UInt8(ascii: "\"") else { return nil }
            var out: [UInt8] = []
            var i = bytes.startIndex + 1
            while i < bytes.endIndex - 1 {
                if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.endIndex - 1 { i += 1 }
                out.append(bytes[i])
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        guard bytes.contains(where: { $0 != UInt8(ascii: ".") }), bytes.allSatisfy({ $0 == UInt8(ascii: ".") || isAtext($0) })
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isAtext(_ b: UInt8) -> Bool {
        if b >= 0x80 { return true }
        if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) { return true }
        return "!#$%&'*+-/=?^_`{|}~".utf8.contains(b)
    }

    /// A domain name (labels of letters, digits, `-`, `_` or non-ASCII, none empty) or an
    /// address literal.
    private static func isDomain(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard !bytes.isEmpty else { return false }
        if bytes.first == UInt8(ascii: "[") {
            guard bytes.count > 2, bytes.last == UInt8(ascii: "]") else { return false }
            return bytes.dropFirst().dropLast().allSatisfy {
                $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: "]") && $0 != UInt8(ascii: "\\")
            }
        }
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.allSatisfy { b in
                b >= 0x80 || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
                    || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            }
        }
    }
}

import MailCore

/// Which part of an address the `address` and `envelope` tests compare.
///
/// - SeeAlso: RFC 5228 §2.7.4 (`:all`, `:localpart`, `:domain`), RFC 5233 §4 (`:user`, `:detail`)
public enum AddressPart: Sendable, Hashable {
    case all, localpart, domain, user, detail

    /// Looks an address part up by its tag, with or without the leading colon, ignoring
    /// ASCII case (`":localpart"`, `"LOCALPART"`).
    public init?(tag: String) {
        var name = Substring(tag)
        if name.hasPrefix(":") { name = name.dropFirst() }
        switch String(decoding: name.utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 }, as: UTF8.self) {
        case "all": self = .all
        case "localpart": self = .localpart
        case "domain": self = .domain
        case "user": self = .user
        case "detail": self = .detail
        default: return nil
        }
    }

    /// The part of `address` to compare, or nil when the address has no such part, which
    /// means the address matches no key.
    ///
    /// - `:all` is the whole `local@domain` (just the local part when there is no domain).
    /// - `:domain` is nil for an address without a domain.
    /// - `:user` is the local part up to the first separator, or the whole local part
    ///   when there is none.
    /// - `:detail` is everything after the first separator (`"ken+foo+bar"` gives
    ///   `"foo+bar"`, `"ken++x"` gives `"+x"`, `"ken+"` gives `""`), and nil when the local
    ///   part holds no separator. An empty `separator` means no address has a detail.
    ///
    /// Each character of `separator` is a separator on its own, as Dovecot's
    /// `recipient_delimiter` defines it: with `"+-"`, `"ken-foo"` and `"ken+foo"` both have
    /// the user `ken`, and `"ken+-foo"` has the detail `"-foo"`.
    ///
    /// - SeeAlso: RFC 5228 §2.7.4, RFC 5233 §4
    public func extract(from address: MailAddress, separator: String) -> String? {
        switch self {
        case .all: return address.addrSpec
        case .localpart: return address.localPart
        case .domain: return address.domain
        case .user: return Self.split(address.localPart, separator: separator)?.user ?? address.localPart
        case .detail: return Self.split(address.localPart, separator: separator)?.detail
        }
    }

    /// Splits a local part at the first character that is one of `separator`'s.
    static func split(_ localPart: String, separator: String) -> (user: String, detail: String)? {
        guard !separator.isEmpty else { return nil }
        let index: String.Index?
        if separator.unicodeScalars.count == 1, let only = separator.unicodeScalars.first {
            index = localPart.unicodeScalars.firstIndex(of: only)
        } else {
            index = localPart.unicodeScalars.firstIndex { separator.unicodeScalars.contains($0) }
        }
        guard let index else { return nil }
        let scalars = localPart.unicodeScalars
        return (String(scalars[..<index]), String(scalars[scalars.index(after: index)...]))
    }
}

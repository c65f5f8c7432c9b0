/// One mailbox address: what Sieve's `address` and `envelope` tests take apart.
///
/// - SeeAlso: RFC 5322 §3.4 (address specification), RFC 5321 §4.1.2 (paths).
public struct MailAddress: Sendable, Hashable {
    /// The display name, decoded (RFC 2047), without quotes; nil when absent.
    public var displayName: String?
    /// The local part with quoting removed (`"john doe"@x` gives `john doe`).
    public var localPart: String
    /// The domain as written, comments and folding removed; a domain literal keeps its
    /// brackets (`[192.0.2.1]`); IDNs stay in UTF-8 (RFC 6532), not converted to
    /// A-labels. Nil for an address with no domain (e.g. `<Postmaster>` in an envelope).
    public var domain: String?

    /// Makes an address from its parts, taken as given.
    public init(displayName: String? = nil, localPart: String, domain: String?) {
        self.displayName = displayName
        self.localPart = localPart
        self.domain = domain
    }

    /// `localpart@domain` (or just the local part when there is no domain), with the
    /// local part unquoted: the form Sieve's `:all` address part compares.
    public var addrSpec: String {
        guard let domain else { return localPart }
        return localPart + "@" + domain
    }
}

/// One element of an address list header (`From`, `To`, `Cc`, ...).
public enum AddressListEntry: Sendable, Hashable {
    /// A mailbox outside any group (group members are flattened by
    /// `[AddressListEntry].mailboxes`).
    case mailbox(MailAddress)
    /// A group: `name: member, member;` (members may be empty).
    case group(name: String, members: [MailAddress])
    /// Text that is not a syntactically valid address. Sieve still tests it as a whole
    /// string with `:all`, but `:localpart` and `:domain` never match it.
    case unparsable(String)
}

extension Array where Element == AddressListEntry {
    /// Every mailbox in the list, group members in place of their group;
    /// `.unparsable` entries are left out.
    public var mailboxes: [MailAddress] {
        flatMap { entry -> [MailAddress] in
            switch entry {
            case .mailbox(let address): return [address]
            case .group(_, let members): return members
            case .unparsable: return []
            }
        }
    }
}

extension HeaderField {
    /// The field body parsed as an address list (for `From`, `To`, `Cc`, `Sender`, ...).
    ///
    /// Parses the raw body (8-bit bytes read as UTF-8, else ISO-8859-1), so encoded
    /// words are decoded only inside display names, after the structure is known.
    ///
    /// - SeeAlso: `AddressParser.parseList(_:)`.
    public var addresses: [AddressListEntry] {
        AddressParser.parseList(Charset.decodeLenient(rawValue))
    }
}

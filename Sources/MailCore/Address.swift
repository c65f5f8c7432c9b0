/// One mailbox address: what Sieve's `address` and `envelope` tests take apart.
///
/// - SeeAlso: RFC 5322 §3.4 (address specification), RFC 5321 §4.1.2 (paths).
public struct MailAddress: Sendable, Hashable {
    /// The display name, decoded (RFC 2047), without quotes; nil when absent.
    public var displayName: String?
    /// The local part with quoting removed (`"john doe"@x` gives `john doe`).
    public var localPart: String
    /// The domain, without brackets for domain literals kept as written; nil for an
    /// address with no domain (e.g. a bare `MAILER-DAEMON` envelope sender).
    public var domain: String?

    public init(displayName: String? = nil, localPart: String, domain: String?) {
        self.displayName = displayName
        self.localPart = localPart
        self.domain = domain
    }

    /// `localpart@domain` (or just the local part when there is no domain).
    public var addrSpec: String {
        guard let domain else { return localPart }
        return localPart + "@" + domain
    }
}

/// One element of an address list header (`From`, `To`, `Cc`, ...).
public enum AddressListEntry: Sendable, Hashable {
    /// A mailbox, alone or as a member of a group (groups are flattened into their
    /// members in `AddressList.mailboxes`).
    case mailbox(MailAddress)
    /// A group: `name: member, member;` (members may be empty).
    case group(name: String, members: [MailAddress])
    /// Text that is not a syntactically valid address. Sieve still tests it as a whole
    /// string with `:all`, but `:localpart` and `:domain` never match it.
    case unparsable(String)
}

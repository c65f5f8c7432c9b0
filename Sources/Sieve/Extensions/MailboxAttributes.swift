/// Mailbox attributes a script may ask about: special-use marks (RFC 8579), mailbox ids
/// (RFC 9042) and annotations (RFC 5490 `mboxmetadata` / `servermetadata`). The run asks
/// its `SieveContext`; the delivery agent answers from files in the user's Maildir, the
/// test suite and `sieve-check run` from a `MailboxCatalog`.

/// A compiled `fileinto` with `:specialuse` or `:mailboxid`.
///
/// - SeeAlso: RFC 8579 §4, RFC 9042 §4
struct FileintoSelection: Sendable {
    /// The named mailbox: used when no mailbox has the id or the special use.
    let mailbox: Str
    let flags: StrList?
    let copy: Bool
    let create: Bool
    /// `:specialuse`: the attribute, checked when constant.
    let specialUse: Str?
    /// `:mailboxid`: the object id, checked when constant.
    let mailboxID: Str?

    /// Whether `argument` is one of the tags that make a `fileinto` choose its folder
    /// when it runs.
    static func isSelectingTag(_ argument: Argument) -> Bool {
        guard case .tag(let name, _) = argument else { return false }
        let tag = name.lowercased()
        return tag == "specialuse" || tag == "mailboxid"
    }
}

/// A mailbox that `fileinto :specialuse <use> :create` asked for when no mailbox had the
/// use: if the delivery creates it, it gets the use.
///
/// - SeeAlso: RFC 8579 §4
public struct SpecialUseCreation: Sendable, Hashable {
    public var mailbox: String
    public var use: String

    public init(mailbox: String, use: String) {
        self.mailbox = mailbox
        self.use = use
    }
}

/// A compiled test of mailbox attributes.
enum MailboxAttributeTest: Sendable {
    /// `specialuse_exists [mailbox] uses`: every use is assigned (to `mailbox` when given).
    /// - SeeAlso: RFC 8579 §5
    case specialUseExists(mailbox: Str?, uses: StrList)
    /// `mailboxidexists ids`: a mailbox exists for every id.
    /// - SeeAlso: RFC 9042 §5
    case mailboxIDExists(ids: StrList)
    /// `metadata` (`mailbox` given) or `servermetadata` (nil): one annotation's value
    /// matched against the keys.
    /// - SeeAlso: RFC 5490 §3.2, §4.1
    case metadata(mailbox: Str?, entry: Str, match: MatchSpec)
    /// `metadataexists` (`mailbox` given) or `servermetadataexists` (nil): every
    /// annotation has a value.
    /// - SeeAlso: RFC 5490 §3.3, §4.2
    case metadataExists(mailbox: Str?, entries: StrList)
}

/// The syntax of the values these extensions name.
public enum MailboxAttributeSyntax {
    /// Whether `use` is a special-use attribute: a backslash and an IMAP atom
    /// (`\Junk`, `\Archive`, `\X-Custom`).
    ///
    /// - SeeAlso: RFC 6154 §6 (`use-attr-ext = "\" atom`), RFC 3501 §9 (`atom`)
    public static func isSpecialUse(_ use: String) -> Bool {
        let bytes = Array(use.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\") else { return false }
        return bytes.dropFirst().allSatisfy(isAtomByte)
    }

    /// IMAP `ATOM-CHAR`: printable ASCII except `(){ %*"\]`.
    private static func isAtomByte(_ b: UInt8) -> Bool {
        b > 0x20 && b < 0x7F && !"(){%*\"\\]".utf8.contains(b)
    }

    /// Whether `id` is a mailbox object id: 1 to 255 letters, digits, `-` and `_`.
    ///
    /// - SeeAlso: RFC 8474 §4 (`objectid`)
    public static func isObjectID(_ id: String) -> Bool {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= 255 else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
        }
    }

    /// Why `entry` is not an annotation name a script may ask for, or nil when it is one:
    /// it starts with `/private/` or `/shared/`, has no empty component, no trailing `/`,
    /// no `*` or `%`, and no control characters.
    ///
    /// - SeeAlso: RFC 5464 §3.2 (entry names), RFC 5490 §3.2
    public static func entryProblem(_ entry: String) -> String? {
        let lower = entry.lowercased()
        guard lower.hasPrefix("/private/") || lower.hasPrefix("/shared/") else {
            return "an annotation name starts with \"/private/\" or \"/shared/\""
        }
        if entry.hasSuffix("/") { return "an annotation name does not end with \"/\"" }
        if entry.contains("//") { return "an annotation name has no empty component (\"//\")" }
        if entry.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "%") }) {
            return "an annotation name holds no control characters, \"*\" or \"%\""
        }
        return nil
    }
}

/// What a run knows about the user's mailboxes without asking a Maildir: the folders
/// that exist, their special uses, ids and annotations, and the server's annotations.
/// The test suite keeps one; `sieve-check run --maildir` reads one from a Maildir.
public struct MailboxCatalog: Sendable, Hashable {
    /// The mailboxes that exist besides INBOX (which always does).
    public var mailboxes: Set<String>
    /// Special-use attributes by mailbox name.
    public var specialUses: [String: [String]]
    /// Object ids by mailbox name.
    public var ids: [String: String]
    /// Annotations by mailbox name, then by lowercased entry name.
    public var metadata: [String: [String: String]]
    /// The server's annotations by lowercased entry name.
    public var serverMetadata: [String: String]

    public init(mailboxes: Set<String> = [], specialUses: [String: [String]] = [:], ids: [String: String] = [:],
                metadata: [String: [String: String]] = [:], serverMetadata: [String: String] = [:]) {
        self.mailboxes = mailboxes
        self.specialUses = specialUses
        self.ids = ids
        self.metadata = metadata
        self.serverMetadata = serverMetadata
    }

    /// `INBOX` in any case is INBOX (RFC 3501 §5.1); other names are case-sensitive.
    static func key(_ name: String) -> String { name.lowercased() == "inbox" ? "INBOX" : name }

    /// Whether the mailbox exists.
    public func exists(_ name: String) -> Bool {
        let key = Self.key(name)
        return key == "INBOX" || mailboxes.contains(key) || mailboxes.contains { Self.key($0) == key }
    }

    /// The existing mailboxes marked with `use`, in name order.
    public func mailboxes(withSpecialUse use: String) -> [String] {
        let wanted = use.lowercased()
        return specialUses.filter { exists($0.key) && $0.value.contains { $0.lowercased() == wanted } }.keys.sorted()
    }

    /// The special uses of `name`.
    public func specialUses(ofMailbox name: String) -> [String] {
        specialUses.first { Self.key($0.key) == Self.key(name) }?.value ?? []
    }

    /// The existing mailbox with the object id `id`.
    public func mailbox(withID id: String) -> String? {
        ids.filter { $0.value == id && exists($0.key) }.keys.sorted().first
    }

    /// An annotation of `mailbox`, or of the server when nil.
    public func metadata(_ entry: String, mailbox: String?) -> String? {
        guard let mailbox else { return serverMetadata[entry.lowercased()] }
        return metadata.first { Self.key($0.key) == Self.key(mailbox) }?.value[entry.lowercased()]
    }

    /// Sets an annotation of `mailbox` (of the server when nil); a nil value removes it.
    public mutating func setMetadata(_ entry: String, mailbox: String?, to value: String?) {
        if let mailbox {
            metadata[Self.key(mailbox), default: [:]][entry.lowercased()] = value
        } else {
            serverMetadata[entry.lowercased()] = value
        }
    }
}

extension SieveContext {
    public func mailboxes(withSpecialUse use: String) -> [String] { [] }
    public func specialUses(ofMailbox name: String) -> [String] { [] }
    public func mailbox(withID id: String) -> String? { nil }
    public func metadata(_ entry: String, mailbox: String?) -> String? { nil }
}

extension SieveMessageContext {
    /// Whether the mailbox exists: the catalog's answer when one is set, else true.
    public func mailboxExists(_ name: String) -> Bool { mailboxCatalog?.exists(name) ?? true }
    public func mailboxes(withSpecialUse use: String) -> [String] { mailboxCatalog?.mailboxes(withSpecialUse: use) ?? [] }
    public func specialUses(ofMailbox name: String) -> [String] { mailboxCatalog?.specialUses(ofMailbox: name) ?? [] }
    public func mailbox(withID id: String) -> String? { mailboxCatalog?.mailbox(withID: id) }
    public func metadata(_ entry: String, mailbox: String?) -> String? { mailboxCatalog?.metadata(entry, mailbox: mailbox) }
}

extension ReplacedMessageContext {
    func mailboxes(withSpecialUse use: String) -> [String] { base.mailboxes(withSpecialUse: use) }
    func specialUses(ofMailbox name: String) -> [String] { base.specialUses(ofMailbox: name) }
    func mailbox(withID id: String) -> String? { base.mailbox(withID: id) }
    func metadata(_ entry: String, mailbox: String?) -> String? { base.metadata(entry, mailbox: mailbox) }
}

/// The context's mailbox-attribute answers, as closures a `Run` keeps.
struct MailboxAttributeLookup {
    var mailboxesWithSpecialUse: (String) -> [String] = { _ in [] }
    var specialUsesOfMailbox: (String) -> [String] = { _ in [] }
    var mailboxWithID: (String) -> String? = { _ in nil }
    var metadata: (String, String?) -> String? = { _, _ in nil }

    init() {}

    init(_ context: some SieveContext) {
        mailboxesWithSpecialUse = { context.mailboxes(withSpecialUse: $0) }
        specialUsesOfMailbox = { context.specialUses(ofMailbox: $0) }
        mailboxWithID = { context.mailbox(withID: $0) }
        metadata = { context.metadata($0, mailbox: $1) }
    }

    init(_ catalog: MailboxCatalog) {
        mailboxesWithSpecialUse = { catalog.mailboxes(withSpecialUse: $0) }
        specialUsesOfMailbox = { catalog.specialUses(ofMailbox: $0) }
        mailboxWithID = { catalog.mailbox(withID: $0) }
        metadata = { catalog.metadata($0, mailbox: $1) }
    }
}

import MailCore

/// A user mail can be delivered to, as resolved from one recipient address.
public struct DeliveryUser: Sendable, Hashable {
    /// The recipient as the envelope gave it, without angle brackets (for
    /// `Delivered-To:` and Sieve's `envelope :to`).
    public var recipient: String
    /// The user's canonical address, `localPart@domain` (no detail).
    public var address: String
    /// The local part without the subaddress detail, lowercased unless local parts are
    /// case-sensitive (or as the user table spells it).
    public var localPart: String
    /// The subaddress detail (`lists` in `joe+lists@x`), `nil` when there is none. An
    /// empty detail (`joe+@x`) is `""`.
    ///
    /// - SeeAlso: RFC 5233 §4
    public var detail: String?
    /// The domain, lowercased.
    public var domain: String
    /// The user's Maildir root.
    public var maildirPath: String
    /// The user's Sieve script, `nil` when users have no scripts. The file need not
    /// exist (a missing file means no script).
    public var scriptPath: String?
    /// The user's quota.
    public var quota: Quota
    /// Further addresses of the user (from the user table), for vacation's checks of
    /// "sent by the user" and "addressed to the user". Default none.
    ///
    /// - SeeAlso: RFC 5230 §4.5, §4.6
    public var aliases: [String]

    /// A user, fields as documented above.
    public init(recipient: String, address: String, localPart: String, detail: String?, domain: String,
                maildirPath: String, scriptPath: String?, quota: Quota, aliases: [String] = []) {
        self.recipient = recipient
        self.address = address
        self.localPart = localPart
        self.detail = detail
        self.domain = domain
        self.maildirPath = maildirPath
        self.scriptPath = scriptPath
        self.quota = quota
        self.aliases = aliases
    }
}

/// What a recipient address resolves to.
public enum RecipientLookup: Sendable, Hashable {
    /// A user mail can be delivered to.
    case user(DeliveryUser)
    /// No such user here; answer `550 5.1.1`. The reason is for the log and the reply.
    case unknownUser(reason: String)
    /// The database could not answer now; answer `451 4.3.0`.
    case temporaryFailure(reason: String)

    /// The reply to give at `RCPT TO` (or after DATA) when the lookup did not find a
    /// user; `nil` for `.user`.
    ///
    /// - SeeAlso: RFC 3463 §3.2 (X.1.1 bad destination mailbox address)
    public var refusal: DeliveryReply? {
        switch self {
        case .user:
            nil
        case .unknownUser(let reason):
            DeliveryReply(code: 550, status: .badDestinationMailbox, text: reason)
        case .temporaryFailure(let reason):
            DeliveryReply(code: 451, status: .temporarySystemFailure, text: reason)
        }
    }
}

/// Resolves recipient addresses to users.
public protocol UserDatabase: Sendable {
    /// Resolves one recipient (an RFC 5321 forward-path, with or without angle brackets).
    func lookup(_ recipient: String) async -> RecipientLookup
}

/// The user database described by a `UserConfiguration`: a table of users plus, when
/// `acceptAnyLocalPart` is set, every local part of a served domain.
///
/// Resolution of `local@domain`:
/// 1. The domain (lowercased) must be served: listed in `domains` or in a table key.
/// 2. The whole local part is looked up in the table first, so an entry `joe+x` wins
///    over user `joe` with detail `x`. Otherwise the local part is split at the first
///    subaddress delimiter and the part before it is looked up.
/// 3. Not in the table: a user built from the templates when `acceptAnyLocalPart`,
///    else unknown.
///
/// Template values: `%d` is the lowercased domain; `%n` is the table key's local part
/// for table users, otherwise the local part as received lowercased (kept as received
/// when `caseSensitiveLocalParts`). Values that would escape (empty, `/`, `..`) make the
/// recipient unknown for template users, and a temporary failure for table users (that
/// is a configuration error an operator must fix).
public struct ConfiguredUserDatabase: UserDatabase {
    private struct Entry: Sendable {
        var localPart: String
        var domain: String
        var maildir: PathTemplate?
        var script: PathTemplate?
        var quota: Quota?
        var aliases: [String]
    }

    private let configuration: UserConfiguration
    private let domains: Set<String>
    private let table: [String: Entry]
    private let maildirTemplate: PathTemplate
    private let scriptTemplate: PathTemplate?

    /// Checks the configuration (templates, table keys) and builds the database.
    public init(configuration: UserConfiguration) throws(UserDatabaseError) {
        self.configuration = configuration
        do {
            maildirTemplate = try PathTemplate(configuration.maildirTemplate)
            scriptTemplate = try configuration.scriptTemplate.map { template throws(PathTemplateError) in
                try PathTemplate(template)
            }
        } catch {
            throw .template(error)
        }
        var table: [String: Entry] = [:]
        var domains = Set(configuration.domains.map { asciiLowercased($0) })
        for (key, value) in configuration.table {
            guard let at = key.lastIndex(of: "@"), at != key.startIndex, key.index(after: at) != key.endIndex else {
                throw .badTableKey(key: key, reason: "expected localpart@domain")
            }
            let local = String(key[..<at])
            let domain = asciiLowercased(String(key[key.index(after: at)...]))
            var entry = Entry(localPart: configuration.caseSensitiveLocalParts ? local : asciiLowercased(local),
                              domain: domain, quota: value.quota, aliases: value.aliases)
            do {
                entry.maildir = try value.maildirPath.map { path throws(PathTemplateError) in try PathTemplate(path) }
                entry.script = try value.scriptPath.map { path throws(PathTemplateError) in try PathTemplate(path) }
            } catch {
                throw .template(error)
            }
            let normalised = entry.localPart + "@" + domain
            if table[normalised] != nil {
                throw .badTableKey(key: key, reason: "another key names the same user (\(normalised))")
            }
            table[normalised] = entry
            domains.insert(domain)
        }
        self.domains = domains
        self.table = table
    }

    /// Resolves one recipient; never suspends.
    public func lookup(_ recipient: String) -> RecipientLookup {
        let shown = DiagnosticText.printable(recipient)
        guard let parsed = AddressParser.parseEnvelopePath(recipient) else {
            return .unknownUser(reason: "<\(shown)>: the null path is not a recipient")
        }
        guard let rawDomain = parsed.domain, !rawDomain.isEmpty else {
            return .unknownUser(reason: "<\(shown)>: recipient has no domain")
        }
        let domain = asciiLowercased(rawDomain)
        guard domains.contains(domain) else {
            return .unknownUser(reason: "<\(shown)>: domain \(DiagnosticText.printable(domain)) is not served here")
        }
        let recipient = Self.bare(recipient)
        let received = parsed.localPart
        let folded = configuration.caseSensitiveLocalParts ? received : asciiLowercased(received)

        var localPart = folded
        var detail: String?
        var entry = table[folded + "@" + domain]
        if entry == nil, let split = splitDetail(folded) {
            localPart = split.user
            detail = split.detail
            entry = table[localPart + "@" + domain]
        }
        if let entry {
            return resolve(recipient: recipient, localPart: entry.localPart, detail: detail, domain: domain,
                           maildir: entry.maildir ?? maildirTemplate,
                           script: entry.script ?? scriptTemplate,
                           quota: entry.quota ?? configuration.defaultQuota,
                           aliases: entry.aliases, isTableUser: true)
        }
        guard configuration.acceptAnyLocalPart else {
            return .unknownUser(reason: "<\(shown)>: no such user here")
        }
        return resolve(recipient: recipient, localPart: localPart, detail: detail, domain: domain,
                       maildir: maildirTemplate, script: scriptTemplate,
                       quota: configuration.defaultQuota, aliases: [], isTableUser: false)
    }

    /// The path without surrounding spaces and angle brackets (`<a@b>` → `a@b`).
    static func bare(_ path: String) -> String {
        var text = Substring(path)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        if text.first == "<" && text.last == ">" && text.count >= 2 { text = text.dropFirst().dropLast() }
        return String(text)
    }

    private func splitDetail(_ localPart: String) -> (user: String, detail: String)? {
        // Each character of the delimiter is a delimiter on its own (Dovecot's rule).
        let delimiters = configuration.subaddressDelimiter.unicodeScalars
        let scalars = localPart.unicodeScalars
        guard let index = scalars.firstIndex(where: { delimiters.contains($0) }) else { return nil }
        let user = String(scalars[..<index])
        guard !user.isEmpty else { return nil }
        return (user, String(scalars[scalars.index(after: index)...]))
    }

    private func resolve(recipient: String, localPart: String, detail: String?, domain: String,
                         maildir: PathTemplate, script: PathTemplate?, quota: Quota,
                         aliases: [String], isTableUser: Bool) -> RecipientLookup {
        do {
            let maildirPath = try maildir.expand(localPart: localPart, domain: domain)
            let scriptPath = try script?.expand(localPart: localPart, domain: domain)
            return .user(DeliveryUser(recipient: recipient, address: localPart + "@" + domain,
                                      localPart: localPart, detail: detail, domain: domain,
                                      maildirPath: maildirPath, scriptPath: scriptPath, quota: quota,
                                      aliases: aliases))
        } catch {
            let reason = "<\(DiagnosticText.printable(recipient))>: \(error)"
            return isTableUser ? .temporaryFailure(reason: reason) : .unknownUser(reason: reason)
        }
    }
}

/// Why a user configuration was refused.
public enum UserDatabaseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A path template is malformed.
    case template(PathTemplateError)
    /// A user table key is not `localpart@domain`, or duplicates another.
    case badTableKey(key: String, reason: String)

    /// What is wrong with the configuration.
    public var description: String {
        switch self {
        case .template(let error): error.description
        case .badTableKey(let key, let reason): "user table key \"\(DiagnosticText.printable(key))\": \(reason)"
        }
    }
}

/// ASCII-only lowercasing: domains and local parts compare case-insensitively in ASCII
/// only (RFC 5321 §2.4); non-ASCII characters are kept as they are.
func asciiLowercased(_ text: String) -> String {
    String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
}

import MailCore

/// The name of an external list, as RFC 6134 writes it: a URI, `urn:` or `tag:`, or the
/// shorthand `:addrbook:NAME` for `urn:ietf:params:sieve:addrbook:NAME`.
///
/// Names compare without regard to case, as Pigeonhole compares them; `uri` keeps the
/// spelling of the first writer (scheme and URN namespace lowercased).
///
/// - SeeAlso: RFC 6134 §2.1 (list names), §2.2 (`:addrbook:` shorthand)
public struct ExternalListName: Sendable, Hashable, CustomStringConvertible {
    /// The full URI, e.g. `urn:ietf:params:sieve:addrbook:default`.
    public let uri: String
    /// `uri` lowercased: what names compare by.
    private let key: String

    /// The user's default address book, which every site has (empty unless configured).
    ///
    /// - SeeAlso: RFC 6134 §2.3
    public static let defaultAddressBook = ExternalListName(normalized: "urn:ietf:params:sieve:addrbook:default")

    /// The prefix that the shorthand `:addrbook:NAME` stands for (without its last colon).
    static let sievePrefix = "urn:ietf:params:sieve"

    private init(normalized: String) {
        self.uri = normalized
        self.key = normalized.lowercased()
    }

    /// Reads a list name; nil when `text` is not one: not a `urn:` or `tag:` URI (after
    /// the shorthand is expanded), or one with spaces, controls or an empty part.
    public init?(_ text: String) {
        guard let uri = Self.normalize(text) else { return nil }
        self.init(normalized: uri)
    }

    /// Why `text` is not a list name, for error messages; nil when it is one.
    public static func problem(with text: String) -> String? {
        normalize(text) == nil ? "\(quoted(text)) is not a list name: expected a \"urn:\" or \"tag:\" URI, or the shorthand \":addrbook:NAME\"" : nil
    }

    public var description: String { uri }

    public static func == (lhs: ExternalListName, rhs: ExternalListName) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    private static func normalize(_ text: String) -> String? {
        var uri = text
        if uri.hasPrefix(":") { uri = sievePrefix + uri }
        guard let colon = uri.firstIndex(of: ":") else { return nil }
        let scheme = uri[..<colon].lowercased()
        let rest = uri[uri.index(after: colon)...]
        guard !rest.isEmpty, rest.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else { return nil }
        switch scheme {
        case "urn":
            // urn:NID:NSS, the namespace identifier without regard to case (RFC 8141 §3).
            guard let split = rest.firstIndex(of: ":") else { return nil }
            let nid = rest[..<split]
            let nss = rest[rest.index(after: split)...]
            guard !nid.isEmpty, !nss.isEmpty,
                  nid.unicodeScalars.allSatisfy({ $0.isASCII && (Character($0).isLetter || Character($0).isNumber || $0 == "-") })
            else { return nil }
            return "urn:" + nid.lowercased() + ":" + nss
        case "tag":
            // tag:AUTHORITY,DATE:SPECIFIC (RFC 4151): an authority, a date and a name.
            guard let comma = rest.firstIndex(of: ","), comma != rest.startIndex,
                  rest[comma...].contains(":") else { return nil }
            return "tag:" + rest
        default:
            return nil
        }
    }
}

/// What the site answers when a script asks whether a value is on one of its lists.
public enum ExternalListAnswer: Sendable, Hashable {
    /// The value is on the list.
    case member
    /// The list exists and the value is not on it.
    case notMember
    /// The site has no list of that name.
    case unknownList
    /// The list exists but could not be read; the run fails (the message is kept).
    case failed(String)
}

/// Where `:list` and `valid_ext_list` find the site's lists. The delivery agent reads them
/// from its configuration (addresses in `sluice.toml`, or files); `ExternalLists` holds
/// lists in memory.
///
/// - SeeAlso: RFC 6134 §2
public protocol ExternalListSource: Sendable {
    /// Whether the site has a list of this name.
    func hasList(_ name: ExternalListName) -> Bool
    /// Whether `value` (an address, usually) is on the list.
    func lookUp(_ value: String, in name: ExternalListName) -> ExternalListAnswer
}

/// Lists held in memory: list name → entries. Entries compare without regard to case,
/// as address books compare addresses. The default address book is always there (empty
/// unless given).
///
/// - SeeAlso: RFC 6134 §2.3
public struct ExternalLists: ExternalListSource, Hashable {
    private var lists: [ExternalListName: Set<String>]

    /// Lists with these entries (the default address book added, empty, when missing).
    public init(_ lists: [ExternalListName: [String]] = [:]) {
        var folded: [ExternalListName: Set<String>] = [ExternalListName.defaultAddressBook: []]
        for (name, entries) in lists { folded[name] = Set(entries.map(Self.fold)) }
        self.lists = folded
    }

    /// Only the default address book, empty: what a site without lists has.
    public static let standard = ExternalLists()

    public func hasList(_ name: ExternalListName) -> Bool { lists[name] != nil }

    public func lookUp(_ value: String, in name: ExternalListName) -> ExternalListAnswer {
        guard let entries = lists[name] else { return .unknownList }
        return entries.contains(Self.fold(value)) ? .member : .notMember
    }

    /// The names of the lists, sorted.
    public var names: [ExternalListName] { lists.keys.sorted { $0.uri < $1.uri } }

    /// How entries and looked-up values compare: trimmed, lowercased.
    public static func fold(_ entry: String) -> String {
        Substring(entry).trimmingWhitespace().lowercased()
    }

    /// The entries of a list file: one a line; blank lines and lines starting with `#` are
    /// skipped, and an entry may be written `<address>` (the brackets are dropped).
    public static func entries(inListFile text: String) -> [String] {
        var entries: [String] = []
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            var entry = Substring(line).trimmingWhitespace()
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            if entry.hasPrefix("<") && entry.hasSuffix(">") && entry.count > 2 { entry = entry.dropFirst().dropLast() }
            entries.append(String(entry))
        }
        return entries
    }
}

extension Run {
    /// `:list`: true when a value is on one of the lists the keys name. The first value
    /// found becomes `${0}`, as Pigeonhole does. A key that is no list name, or names no
    /// list of the site, is reported once (a warning) and skipped; a list that cannot be
    /// read fails the run.
    ///
    /// - SeeAlso: RFC 6134 §2.2
    mutating func compareList(_ values: [String], _ match: MatchSpec, at location: SourceLocation,
                              trace: inout TraceComparison?) throws(Failure) -> Bool {
        let keys = match.keys.constant ?? expand(match.keys)
        var lists: [ExternalListName] = []
        var warned = false
        for key in keys {
            let name = ExternalListName(key)
            let problem: String?
            if let name {
                problem = externalLists.hasList(name) ? nil : "\(quoted(key)) is not a list of this site"
            } else {
                problem = ExternalListName.problem(with: key)
            }
            if let problem {
                if !warned {
                    warned = true
                    let warning = SieveRuntimeError(":list key \(problem); the key is skipped", at: location, file: script.file)
                    nonFatalErrors.append(warning)
                    tracer?.record(.warning(warning))
                }
                continue
            }
            if let name, !lists.contains(name) { lists.append(name) }
        }
        let (work, overflow) = values.count.multipliedReportingOverflow(by: max(lists.count, 1))
        try step(overflow ? Int.max / 2 : work, at: location)
        if tracer != nil {
            trace = TraceComparison(values: values, keys: keys, matchType: ":list", comparator: nil)
        }
        for value in values {
            for list in lists {
                switch externalLists.lookUp(value, in: list) {
                case .member:
                    matchVariables = [limited(value)]
                    return true
                case .notMember, .unknownList:
                    continue
                case .failed(let reason):
                    throw Failure(message: "list \(quoted(list.uri)) cannot be read: \(reason)", location: location)
                }
            }
        }
        return false
    }

    /// `valid_ext_list`: true when every name is a list of the site.
    ///
    /// - SeeAlso: RFC 6134 §2.5
    mutating func evaluateValidExtList(_ names: StrList, trace: inout TraceComparison?) -> Bool {
        let list = expand(names)
        let valid = list.filter { ExternalListName($0).map(externalLists.hasList) ?? false }
        if tracer != nil {
            trace = TraceComparison(values: valid, keys: list, matchType: "valid_ext_list", comparator: nil)
        }
        return valid.count == list.count
    }
}

extension Validator {
    /// `valid_ext_list <ext-list-names: string-list>`.
    ///
    /// - SeeAlso: RFC 6134 §2.5
    mutating func compileValidExtList(_ node: TestNode, location: SourceLocation) -> Test? {
        guard let read = readArguments(node.arguments, of: "test", named: "valid_ext_list", at: location, tags: [],
                                       positionals: [PositionalSpec(role: "list names", kind: .stringList)])
        else { return nil }
        return Test(kind: .validExtList(names: compileStringList(read.positionals[0])), name: "valid_ext_list", location: location)
    }
}

extension Validator {
    /// `redirect :list` (RFC 6134 §2.6) is known, so that it is refused with a reason
    /// rather than as an unknown tag.
    static let redirectListTag = TagSpec("list", capability: .extlists)

    /// Refuses `redirect :list`: Sluice does not send to every member of a list (neither
    /// does Pigeonhole); false after reporting it.
    ///
    /// - SeeAlso: RFC 6134 §2.6
    mutating func refuseRedirectList(_ read: ReadArguments) -> Bool {
        guard let use = read.tags["list"] else { return true }
        error("redirect :list is not supported: Sluice does not redirect to the members of a list; "
              + "redirect to each address instead", at: use.range.start)
        return false
    }
}

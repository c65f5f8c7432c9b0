import MailCore

/// What a script may learn about where and how it runs: the items of the RFC 5183
/// `environment` test, and those Pigeonhole's `vnd.dovecot.environment` adds.
///
/// A delivery agent fills in what it knows (`SieveContext.environment`); an item left nil
/// does not exist, and a test of it is false (RFC 5183 §4).
///
/// | item | field | |
/// | --- | --- | --- |
/// | `domain` | `domain` | the primary DNS domain of the system |
/// | `host` | `host` | the fully-qualified host name running the script |
/// | `location` | `location` | `"MDA"` (Sluice filters at delivery) |
/// | `name` | — | `"Sluice"` |
/// | `phase` | `phase` | `"during"` (scripts run as the message is delivered) |
/// | `remote-host` | `remoteHost` | the host name of the client that handed the message over |
/// | `remote-ip` | `remoteIP` | that client's IP address |
/// | `version` | — | `SluiceVersion.current` |
/// | `vnd.dovecot.default-mailbox` | `defaultMailbox` | where the implicit keep files (`"INBOX"`) |
/// | `vnd.dovecot.username` | `username` | the user the script runs for |
/// | `vnd.dovecot.config.NAME` | `configItems[NAME]` | a value the site configured |
///
/// Item names are compared exactly (as Pigeonhole does): `"Remote-IP"` is not `"remote-ip"`.
///
/// - SeeAlso: RFC 5183 §4 (the items), §5 (environment test)
public struct SieveEnvironment: Sendable, Hashable {
    /// The `name` item.
    public static let productName = "Sluice"
    /// The `version` item.
    public static let productVersion = SluiceVersion.current

    /// The primary DNS domain of the system ("example.com"), usually a proper suffix of
    /// `host`.
    public var domain: String?
    /// The fully-qualified host name where the script runs ("mx1.example.com").
    public var host: String?
    /// `"MDA"`, `"MTA"`, `"MS"` or `"MUA"`: where in the mail path the script runs.
    public var location: String
    /// `"pre"`, `"during"` or `"post"` delivery.
    public var phase: String
    /// The host name of the client that sent the message (reverse DNS), if known.
    public var remoteHost: String?
    /// The IP address of the client that sent the message, if any (none over a Unix socket).
    public var remoteIP: String?
    /// The user the script runs for (`vnd.dovecot.username`).
    public var username: String?
    /// The folder the implicit keep files into (`vnd.dovecot.default-mailbox`).
    public var defaultMailbox: String
    /// Site-configured values, `vnd.dovecot.config.NAME` (names compared case-insensitively).
    public var configItems: [String: String]
    /// Further items by exact name (e.g. set with `sieve-check run --environment`); an item
    /// named here replaces the field of the same name.
    public var extraItems: [String: String]

    /// An environment; what is not given does not exist.
    public init(domain: String? = nil, host: String? = nil, location: String = "MDA", phase: String = "during",
                remoteHost: String? = nil, remoteIP: String? = nil, username: String? = nil,
                defaultMailbox: String = "INBOX", configItems: [String: String] = [:], extraItems: [String: String] = [:]) {
        self.domain = domain
        self.host = host
        self.location = location
        self.phase = phase
        self.remoteHost = remoteHost
        self.remoteIP = remoteIP
        self.username = username
        self.defaultMailbox = defaultMailbox
        self.configItems = configItems
        self.extraItems = extraItems
    }

    /// The item names RFC 5183 §4 defines.
    public static let standardItems: [String] = ["domain", "host", "location", "name", "phase", "remote-host", "remote-ip", "version"]
    /// The item names `vnd.dovecot.environment` adds (besides the `vnd.dovecot.config.` prefix).
    public static let vendorItems: [String] = ["vnd.dovecot.default-mailbox", "vnd.dovecot.username"]
    /// The prefix of site-configured items.
    public static let configPrefix = "vnd.dovecot.config."

    /// The domain part of a host name ("mx1.example.com" → "example.com"); the name itself
    /// when it has a single label.
    public static func domain(ofHost host: String) -> String {
        guard let dot = host.firstIndex(of: "."), host.index(after: dot) != host.endIndex else { return host }
        return String(host[host.index(after: dot)...])
    }

    /// Sets item `name` (as `environment` names it) to `value`: the field it stands for, a
    /// `vnd.dovecot.config.` item, or else an extra item. `name` and `version` are fixed
    /// and cannot be set.
    ///
    /// - Throws: `SettingProblem` for `name` and `version`, or an empty name.
    public mutating func set(_ name: String, to value: String) throws(SettingProblem) {
        switch name {
        case "": throw SettingProblem(message: "an environment item needs a name, as in remote-ip=192.0.2.1")
        case "name", "version":
            throw SettingProblem(message: "environment item \(quoted(name)) is fixed (\(quoted(name == "name" ? Self.productName : Self.productVersion))) and cannot be set")
        case "domain": domain = value
        case "host": host = value
        case "location": location = value
        case "phase": phase = value
        case "remote-host": remoteHost = value
        case "remote-ip": remoteIP = value
        case "vnd.dovecot.username": username = value
        case "vnd.dovecot.default-mailbox": defaultMailbox = value
        default:
            if name.hasPrefix(Self.configPrefix), name.count > Self.configPrefix.count {
                configItems[String(name.dropFirst(Self.configPrefix.count))] = value
            } else {
                extraItems[name] = value
            }
        }
    }

    /// Why an item cannot be set.
    public struct SettingProblem: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The value of item `name`, nil when it does not exist. The `vnd.dovecot.` items exist
    /// only for scripts that require `vnd.dovecot.environment` (`vendorItems`).
    ///
    /// - SeeAlso: RFC 5183 §4
    public func value(of name: String, vendorItems: Bool) -> String? {
        if let extra = extraItems[name] { return extra }
        switch name {
        case "domain": return domain
        case "host": return host
        case "location": return location
        case "name": return Self.productName
        case "phase": return phase
        case "remote-host": return remoteHost
        case "remote-ip": return remoteIP
        case "version": return Self.productVersion
        default: break
        }
        guard vendorItems else { return nil }
        switch name {
        case "vnd.dovecot.default-mailbox": return defaultMailbox
        case "vnd.dovecot.username": return username
        default: break
        }
        guard name.hasPrefix(Self.configPrefix) else { return nil }
        let key = name.dropFirst(Self.configPrefix.count).lowercased()
        guard !key.isEmpty else { return nil }
        return configItems.first { $0.key.lowercased() == key }?.value
    }

    /// The value of `${env.NAME}` (`vnd.dovecot.environment`): item `NAME`, else the item with
    /// each `_` read as `-` (variable names cannot hold `-`: `${env.remote_ip}`); "" when
    /// neither exists.
    func variableValue(_ name: String) -> String {
        if let value = value(of: name, vendorItems: true) { return value }
        guard name.contains("_") else { return "" }
        return value(of: name.replacingUnderscores(), vendorItems: true) ?? ""
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}

extension Validator {
    /// `environment [COMPARATOR] [MATCH-TYPE] <name: string> <key-list: string-list>`
    ///
    /// - SeeAlso: RFC 5183 §5
    mutating func compileEnvironment(_ node: TestNode, location: SourceLocation) -> Test? {
        guard let read = readArguments(node.arguments, of: "test", named: "environment", at: location,
                                       tags: TagSpec.matchTypes + TagSpec.comparator,
                                       positionals: [PositionalSpec(role: "item name", kind: .string),
                                                     PositionalSpec(role: "key list", kind: .stringList)]),
              let literal = stringArgument(read.positionals[0]),
              let match = matchSpec(read, keys: read.positionals[1])
        else { return nil }
        let name = compileString(literal)
        if name.constantValue?.isEmpty == true {
            error("environment needs an item name such as \"remote-ip\" or \"host\", found an empty string", at: literal.range.start)
            return nil
        }
        return Test(kind: .environment(name: name, match: match, vendorItems: capabilities.contains(.vndDovecotEnvironment)),
                    name: "environment", location: location)
    }

    /// A `${env.NAME}` reference (`vnd.dovecot.environment`), nil after reporting when it is
    /// not one this script may use.
    mutating func environmentVariable(_ whole: String, at location: SourceLocation) -> String? {
        let parts = whole.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count > 1, parts[0].lowercased() == "env", capabilities.contains(.vndDovecotEnvironment) else { return nil }
        if let numeric = parts.dropFirst().first(where: { VariableTemplate.isDigits($0) }) {
            error("'${\(whole)}' is not an environment variable: '\(numeric)' is a number, expected an item name such as ${env.remote_ip}",
                  at: location)
            return ""
        }
        return parts.dropFirst().joined(separator: ".")
    }
}

extension Run {
    /// Evaluates `environment`: an item that does not exist makes the test false whatever
    /// the match type (even `:count`).
    ///
    /// - SeeAlso: RFC 5183 §5
    mutating func evaluateEnvironment(_ name: Str, _ match: MatchSpec, vendorItems: Bool, at location: SourceLocation,
                                      trace: inout TraceComparison?) throws(Failure) -> Bool {
        let item = expand(name)
        guard let value = environment.value(of: item, vendorItems: vendorItems) else {
            if tracer != nil {
                trace = TraceComparison(values: [], keys: expand(match.keys), matchType: match.typeDescription,
                                        comparator: match.comparator.rawValue,
                                        note: "environment item \(quoted(item)) does not exist")
            }
            return false
        }
        let matched = try compare([value], match, at: location, trace: &trace)
        trace?.note = "environment item \(quoted(item))"
        return matched
    }
}

import Delivery
import LMTP
import Logging
import MailCore
import Maildir

/// Everything `sluice serve` runs with: where it listens, the LMTP limits, and the
/// delivery agent's configuration.
///
/// `SluiceConfiguration.builtInDefaults(workingDirectory:)` is what `sluice serve` uses
/// without `--config`; `ConfigurationFile` reads the TOML form documented in README.md.
public struct SluiceConfiguration: Sendable {
    /// A place to listen on.
    public enum Listener: Sendable, Hashable, CustomStringConvertible {
        /// TCP on `host:port`.
        case tcp(host: String, port: Int)
        /// A Unix domain socket at `path`, chmod-ed to `mode` when given.
        case unix(path: String, mode: UInt32?)

        /// Parses `HOST:PORT`, `[IPv6]:PORT` or `unix:PATH` (as `--listen` takes them).
        public init(parsing text: String, unixMode: UInt32? = nil) throws(ConfigurationError) {
            if text.hasPrefix("unix:") {
                let path = String(text.dropFirst(5))
                guard path.hasPrefix("/") || path.hasPrefix(".") || !path.isEmpty else {
                    throw ConfigurationError("listen address \"\(text)\": expected unix:PATH")
                }
                self = .unix(path: path, mode: unixMode)
                return
            }
            guard let colon = text.lastIndex(of: ":") else {
                throw ConfigurationError("listen address \"\(text)\": expected HOST:PORT or unix:PATH")
            }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port), !host.isEmpty else {
                throw ConfigurationError("listen address \"\(text)\": expected HOST:PORT with a port from 0 to 65535")
            }
            self = .tcp(host: host, port: port)
        }

        public var description: String {
            switch self {
            case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unix(let path, _): return "unix:\(path)"
            }
        }
    }

    /// Where to listen. Default `127.0.0.1:2424`.
    public var listeners: [Listener] = [.tcp(host: "127.0.0.1", port: 2424)]
    /// LMTP session limits (server name, message size, recipients, bad commands).
    public var session: LMTPSession.Configuration = LMTPSession.Configuration()
    /// Idle and per-command timeouts.
    public var timeouts: ConnectionTimeouts = ConnectionTimeouts()
    /// Spooling of received messages (memory threshold, spool directory). The line ends
    /// the spool keeps follow the Maildir store: see `receivingSpool`.
    public var spool: MessageSpoolConfiguration = MessageSpoolConfiguration()
    /// The delivery agent's configuration.
    public var delivery: DeliveryConfiguration = DeliveryConfiguration()
    /// How `sluice deliver` behaves (`[deliver]`).
    public var deliver: LocalDeliveryConfiguration = LocalDeliveryConfiguration()
    /// Log level. Default `info`.
    public var logLevel: Logger.Level = .info

    public init() {}

    /// The configuration `sluice serve` runs with when given no file: LMTP on
    /// 127.0.0.1:2424, domain `localhost`, any local part accepted, each user's Maildir
    /// at `var/mail/<domain>/<user>/`, script at `var/sieve/<domain>/<user>.sieve` and
    /// the vacation tracking database at `var/lib/sluice/tracking.sqlite` under
    /// `workingDirectory`; outbound mail over SMTP to 127.0.0.1:25.
    public static func builtInDefaults(workingDirectory: String) -> SluiceConfiguration {
        var configuration = SluiceConfiguration()
        let base = workingDirectory.hasSuffix("/") ? String(workingDirectory.dropLast()) : workingDirectory
        configuration.delivery.users.domains = ["localhost"]
        configuration.delivery.users.acceptAnyLocalPart = true
        configuration.delivery.users.maildirTemplate = base + "/var/mail/%d/%n"
        configuration.delivery.users.scriptTemplate = base + "/var/sieve/%d/%n.sieve"
        configuration.delivery.vacation.trackingDatabase = base + "/var/lib/sluice/tracking.sqlite"
        configuration.session.serverName = configuration.delivery.hostname
        return configuration
    }

    /// Sends vacation replies, redirects and rejection notices over SMTP to `relay`
    /// (`HOST:PORT`, `[IPv6]:PORT` or `HOST`), whatever `[outbound]` says: what
    /// `--relay` does for `sluice serve` and `sluice deliver`.
    /// Errors name the option: `--relay "x": expected HOST:PORT ...`.
    public mutating func overrideRelay(_ relay: String) throws(ConfigurationError) {
        let host: String, port: Int
        do {
            (host, port) = try Self.parseRelay(relay)
        } catch {
            throw ConfigurationError("--" + error.message)
        }
        delivery.outbound.method = .smtp
        delivery.outbound.relayHost = host
        delivery.outbound.relayPort = port
    }

    /// Parses an SMTP relay as `HOST:PORT`, `[IPv6]:PORT`, or `HOST` (port 25), as
    /// `[outbound] relay` and `sluice serve --relay` take it.
    public static func parseRelay(_ text: String) throws(ConfigurationError) -> (host: String, port: Int) {
        var host = text
        var port = 25
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ConfigurationError("relay \"\(text)\": expected HOST:PORT or [IPv6]:PORT")
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let parsed = Int(rest.dropFirst()) else {
                    throw ConfigurationError("relay \"\(text)\": expected [IPv6]:PORT")
                }
                port = parsed
            }
        } else if let colon = text.lastIndex(of: ":") {
            guard text.firstIndex(of: ":") == colon, let parsed = Int(text[text.index(after: colon)...]) else {
                throw ConfigurationError("relay \"\(text)\": expected HOST:PORT (write an IPv6 address as [ADDRESS]:PORT)")
            }
            host = String(text[..<colon])
            port = parsed
        }
        guard !host.isEmpty, (1...65535).contains(port),
              !host.contains(where: { $0 == " " || $0 == "/" || $0 == "\r" || $0 == "\n" }) else {
            throw ConfigurationError("relay \"\(text)\": expected HOST:PORT with a host and a port from 1 to 65535")
        }
        return (host, port)
    }

    /// The spool as `sluice serve` and `sluice deliver` use it: `spool` converting line
    /// ends on the way in to the form the Maildir store writes (`storage.line_endings`), so
    /// each recipient's copy is the spool copied as it is (by the kernel for a spool file)
    /// and the conversion happens once per message, not once per copy.
    public var receivingSpool: MessageSpoolConfiguration {
        var receiving = spool
        receiving.lineEnding = delivery.storage.maildir.lineEnding
        return receiving
    }

    /// The LMTP server configuration for one listener.
    public func serverConfiguration(for listener: Listener) -> LMTPServerConfiguration {
        let address: LMTPServerConfiguration.Address
        switch listener {
        case .tcp(let host, let port): address = .tcp(host: host, port: port)
        case .unix(let path, let mode): address = .unixDomainSocket(path: path, mode: mode)
        }
        return LMTPServerConfiguration(address: address, session: session, timeouts: timeouts, spool: receivingSpool)
    }
}

/// A configuration problem, worded for the operator who has to fix it.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Where the LMTP server listens.
enum Endpoint: Sendable, CustomStringConvertible {
    case tcp(host: String, port: UInt16)
    case unix(path: String)

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `unix:PATH`.
    init(parsing text: String) throws(LoadError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { throw .badArgument("--connect unix: needs a socket path") }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":"),
              let port = UInt16(text[text.index(after: colon)...]), port > 0 else {
            throw .badArgument("--connect expects HOST:PORT or unix:PATH, found '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .badArgument("--connect expects a host before ':', found '\(text)'") }
        self = .tcp(host: host, port: port)
    }

    var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }
}

/// Command-line options of `lmtp-load`, parsed by hand (the load generator shares no code
/// with the server it measures).
struct LoadOptions: Sendable {
    var endpoint = Endpoint.tcp(host: "127.0.0.1", port: 2424)
    /// Connections driven at the same time, each by its own thread.
    var concurrency = 8
    /// Approximate size of each message on the wire, in octets.
    var messageSize = 4096
    /// Recipients per transaction (distinct users).
    var recipients = 1
    /// Stop after this many transactions in total (nil: run for `duration`).
    var messages: Int?
    /// Stop starting transactions after this many seconds (used when `messages` is nil).
    var duration = 10.0
    /// Transactions per connection before QUIT and a new connection (0: never reconnect).
    var transactionsPerConnection = 0
    /// Users are `<prefix><k>@<domain>` for k in 1...users.
    var users = 50
    var userPrefix = "loaduser"
    var domain = "bench.example"
    var sender = "sender@origin.example"
    /// Counted before and after: every file in a `new/` or `cur/` folder under this root.
    var maildirRoot: String?
    /// Server processes whose memory is sampled (each with its descendants).
    var serverPIDs: [Int32] = []
    /// Seconds between memory samples.
    var sampleInterval = 0.25
    /// Seconds a reply may take before the transaction counts as failed.
    var replyTimeout = 120.0
    /// Seconds between progress lines (nil: none).
    var progressInterval: Double?
    /// A name printed with the results (the benchmark scripts use it as the row label).
    var label = ""
    /// Whether `--maildir-root` counts must match; false only reports them.
    var verifyFiles = true

    static let usage = """
        usage: lmtp-load [--connect HOST:PORT|unix:PATH] [--concurrency N] [--size BYTES[K|M]]
                         [--recipients N] [--messages N | --duration SECONDS]
                         [--transactions-per-connection N] [--users N] [--user-prefix P]
                         [--domain D] [--sender ADDR] [--maildir-root DIR] [--server-pid PID]...
                         [--sample-interval S] [--reply-timeout S] [--progress S] [--label TEXT]
                         [--no-verify-files]

        Drives a running LMTP server (RFC 2033) the way Postfix does: each connection carries
        many transactions (MAIL, RCPT..., DATA pipelined in one write, then the message), no
        RSET. Every reply is checked: MAIL and RCPT must get 250, DATA 354, and after the data
        exactly one 250 per recipient. With --maildir-root, the files in new/ and cur/ under it
        are counted before and after; the difference must equal the accepted recipients.
        With --server-pid, the resident memory of that process and its children is sampled;
        --progress S prints throughput and that memory every S seconds (for long runs).

        Prints a summary and a final machine-readable line starting with RESULT.
        Exit status: 0 if every reply and the file count were right, 1 otherwise, 2 on bad usage.
        """

    init(arguments: [String]) throws(LoadError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--help", "-h": throw .usage
            case "--no-verify-files": verifyFiles = false; continue
            default: break
            }
            guard let value = rest.popFirst() else { throw .badArgument("\(flag) needs a value") }
            switch flag {
            case "--connect": endpoint = try Endpoint(parsing: value)
            case "--concurrency": concurrency = try Self.positiveInt(value, for: flag)
            case "--size": messageSize = try Self.size(value, for: flag)
            case "--recipients": recipients = try Self.positiveInt(value, for: flag)
            case "--messages": messages = try Self.positiveInt(value, for: flag)
            case "--duration": duration = try Self.positiveDouble(value, for: flag)
            case "--transactions-per-connection":
                guard let number = Int(value), number >= 0 else {
                    throw .badArgument("\(flag) expects a whole number ≥ 0, found '\(value)'")
                }
                transactionsPerConnection = number
            case "--users": users = try Self.positiveInt(value, for: flag)
            case "--user-prefix": userPrefix = value
            case "--domain": domain = value
            case "--sender": sender = value
            case "--maildir-root": maildirRoot = value
            case "--server-pid":
                guard let pid = Int32(value), pid > 0 else {
                    throw .badArgument("\(flag) expects a process id, found '\(value)'")
                }
                serverPIDs.append(pid)
            case "--sample-interval": sampleInterval = try Self.positiveDouble(value, for: flag)
            case "--reply-timeout": replyTimeout = try Self.positiveDouble(value, for: flag)
            case "--label": label = value
            case "--progress": progressInterval = try Self.positiveDouble(value, for: flag)
            default: throw .badArgument("unknown option '\(flag)'")
            }
        }
        guard recipients <= users else {
            throw .badArgument("--recipients \(recipients) needs at least as many --users (found \(users)): recipients of one transaction are distinct users")
        }
    }

    private static func positiveInt(_ text: String, for flag: String) throws(LoadError) -> Int {
        guard let number = Int(text), number > 0 else {
            throw .badArgument("\(flag) expects a positive whole number, found '\(text)'")
        }
        return number
    }

    private static func positiveDouble(_ text: String, for flag: String) throws(LoadError) -> Double {
        guard let number = Double(text), number > 0 else {
            throw .badArgument("\(flag) expects a positive number, found '\(text)'")
        }
        return number
    }

    /// `4096`, `4K`, `100K`, `10M` (K = 1024).
    private static func size(_ text: String, for flag: String) throws(LoadError) -> Int {
        var digits = Substring(text)
        var factor = 1
        switch digits.last {
        case "K", "k": factor = 1024; digits = digits.dropLast()
        case "M", "m": factor = 1024 * 1024; digits = digits.dropLast()
        default: break
        }
        guard let number = Int(digits), number > 0 else {
            throw .badArgument("\(flag) expects a size like 4096, 4K, 100K or 10M, found '\(text)'")
        }
        guard number * factor >= 1024 else {
            throw .badArgument("\(flag) must be at least 1K (a message needs room for its headers), found '\(text)'")
        }
        return number * factor
    }
}

/// Why the load generator could not run, or why a connection failed.
enum LoadError: Error, CustomStringConvertible {
    case usage
    case badArgument(String)
    case connect(String)
    case io(String)
    case protocolViolation(String)
    case timeout(String)

    var description: String {
        switch self {
        case .usage: LoadOptions.usage
        case .badArgument(let text): "lmtp-load: \(text)\n\n\(LoadOptions.usage)"
        case .connect(let text): "cannot connect: \(text)"
        case .io(let text): "I/O error: \(text)"
        case .protocolViolation(let text): "protocol violation: \(text)"
        case .timeout(let text): "timeout: \(text)"
        }
    }
}

/// One thing a script asks the delivery side to do with the message. The interpreter
/// only collects these; applying them (storing, sending, refusing) is the delivery
/// agent's job.
///
/// - SeeAlso: RFC 5228 §4, §2.10
public enum SieveAction: Sendable, Hashable {
    /// Store in the user's default mailbox (INBOX). `implicit` is true when no action
    /// cancelled the implicit keep (RFC 5228 §2.10.2). `fileinto "INBOX"` is reported as
    /// an explicit keep, so one mailbox is never stored to twice.
    case keep(flags: [String], implicit: Bool)
    /// Store in `mailbox`. `copy` records `:copy` (RFC 3894); `create` records `:create`
    /// (RFC 5490, not implemented: always false).
    case fileinto(mailbox: String, flags: [String], copy: Bool, create: Bool)
    /// Resend to `address` (a bare RFC 5321 mailbox, display name stripped).
    case redirect(address: String, copy: Bool)
    /// The script discarded the message. It only cancels the implicit keep; any
    /// delivering action in the same list still applies.
    case discard
    /// Refuse the message, preferably at protocol level (RFC 5429 §2.2).
    case reject(reason: String)
    /// Refuse the message at protocol level (RFC 5429 §2.1).
    case ereject(reason: String)
    /// Send an auto-reply if the tracking rules allow it (RFC 5230).
    case vacation(VacationAction)
    /// Hand the message to a program of the site's pipe directory (vnd.dovecot.pipe).
    case pipe(PipeAction)
    /// Send a notification (RFC 5435, `mailto` per RFC 5436) if the policy allows it.
    case notify(NotifyAction)
    /// Send an RFC 5965 feedback report about the message (vnd.dovecot.report).
    case report(ReportAction)
}

/// A `pipe` action: the program the delivery agent runs with this recipient's copy on
/// its standard input once the script has finished.
///
/// - SeeAlso: Pigeonhole's spec-bosch-sieve-extprograms §3
public struct PipeAction: Sendable, Hashable {
    /// The program's name in the pipe directory.
    public var program: String
    /// Its arguments, passed as they are (no shell).
    public var arguments: [String]
    /// `:copy` (RFC 3894): the implicit keep stays.
    public var copy: Bool
    /// `:try`: a program that fails or cannot be run is ignored instead of counting as a
    /// failed delivery action.
    public var isTry: Bool

    public init(program: String, arguments: [String], copy: Bool, isTry: Bool) {
        self.program = program
        self.arguments = arguments
        self.copy = copy
        self.isTry = isTry
    }
}

/// A vacation auto-reply request, with every default already resolved.
///
/// The delivery side still decides whether to send: not to a null or automated sender,
/// not if the user is not addressed in the message, not again within `seconds` for the
/// same sender and `handle` (RFC 5230 §4.2, §4.5, §5).
///
/// - SeeAlso: RFC 5230 §4, RFC 6131
public struct VacationAction: Sendable, Hashable {
    /// Whom to reply to: the envelope sender ("" for the null sender: never reply).
    public var to: String
    /// The `:from` address as written (display name allowed), nil for the default.
    public var from: String?
    /// The `:subject`, nil to let the sender derive one (e.g. "Auto: " + subject).
    public var subject: String?
    /// The reply body; a MIME entity when `isMime`.
    public var reason: String
    /// Whether `:mime` was given.
    public var isMime: Bool
    /// The `:handle`, or one derived from reason, subject, from and `:mime` so that a
    /// changed message gets a new tracking record.
    public var handle: String
    /// Minimum time between replies to one sender, clamped to site policy; 0 = always.
    public var seconds: Int
    /// The `:addresses` list (the user's other addresses), as written.
    public var addresses: [String]
    /// RFC 8580 `:fcc`: where a copy of the reply is stored once it is sent.
    public var fcc: FccTarget?

    public init(to: String, from: String?, subject: String?, reason: String, isMime: Bool,
                handle: String, seconds: Int, addresses: [String]) {
        self.to = to
        self.from = from
        self.subject = subject
        self.reason = reason
        self.isMime = isMime
        self.handle = handle
        self.seconds = seconds
        self.addresses = addresses
    }
}

extension SieveAction: CustomStringConvertible {
    /// A one-line, Sieve-like rendering, e.g. `fileinto :copy "Lists" [\Seen]`.
    public var description: String {
        func flagText(_ flags: [String]) -> String {
            flags.isEmpty ? "" : " :flags " + quoted(flags.joined(separator: " "))
        }
        switch self {
        case .keep(let flags, let implicit):
            return (implicit ? "implicit keep" : "keep") + flagText(flags)
        case .fileinto(let mailbox, let flags, let copy, let create):
            return "fileinto" + (copy ? " :copy" : "") + (create ? " :create" : "") + flagText(flags) + " " + quoted(mailbox)
        case .redirect(let address, let copy):
            return "redirect" + (copy ? " :copy" : "") + " " + quoted(address)
        case .discard:
            return "discard"
        case .reject(let reason):
            return "reject " + quoted(reason)
        case .ereject(let reason):
            return "ereject " + quoted(reason)
        case .vacation(let v):
            return "vacation to " + quoted(v.to) + " handle " + quoted(v.handle) + " seconds \(v.seconds)"
        case .notify(let n):
            return "notify " + quoted(n.method) + (n.fcc.map { " :fcc " + quoted($0.mailbox) } ?? "")
        case .pipe(let p):
            return "pipe" + (p.isTry ? " :try" : "") + (p.copy ? " :copy" : "") + " " + quoted(p.program)
                + (p.arguments.isEmpty ? "" : " [" + p.arguments.map(quoted).joined(separator: ", ") + "]")
        case .report(let r):
            return "report" + (r.headersOnly ? " :headers_only" : "") + " " + quoted(r.feedbackType) + " to " + quoted(r.address)
        }
    }
}

/// `s` as a Sieve quoted string.
func quoted(_ s: String) -> String {
    var out = "\""
    for ch in s {
        if ch == "\"" || ch == "\\" { out.append("\\") }
        out.append(ch)
    }
    out.append("\"")
    return out
}

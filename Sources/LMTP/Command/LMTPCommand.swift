/// One LMTP command line, parsed.
///
/// The parser is context-free: it accepts UTF-8 in addresses everywhere and marks the
/// path; the session decides whether SMTPUTF8 was negotiated for the transaction.
///
/// - SeeAlso: RFC 2033 §4 (LMTP), RFC 5321 §4.1 (command syntax), RFC 3030 (BDAT).
public enum LMTPCommand: Hashable, Sendable {
    /// `LHLO domain` or `LHLO address-literal`.
    case lhlo(String)
    /// `HELO …`: recognised only so the session can answer `500 5.5.1 use LHLO`.
    case helo
    /// `EHLO …`: recognised only so the session can answer `500 5.5.1 use LHLO`.
    case ehlo
    /// `MAIL FROM:<reverse-path> [parameters]`.
    case mail(ReversePath, MailParameters)
    /// `RCPT TO:<forward-path>` (no parameters are supported).
    case rcpt(MailPath)
    /// `DATA`.
    case data
    /// `BDAT chunk-size [LAST]`.
    case bdat(size: Int, last: Bool)
    /// `RSET`.
    case rset
    /// `NOOP [string]`.
    case noop
    /// `QUIT`.
    case quit
    /// `VRFY string` (always answered 252).
    case vrfy(String)
    /// `HELP [string]`.
    case help(String?)

    /// The verb as it is written on the wire (upper case).
    public var verb: LMTPVerb {
        switch self {
        case .lhlo: .lhlo
        case .helo: .helo
        case .ehlo: .ehlo
        case .mail: .mail
        case .rcpt: .rcpt
        case .data: .data
        case .bdat: .bdat
        case .rset: .rset
        case .noop: .noop
        case .quit: .quit
        case .vrfy: .vrfy
        case .help: .help
        }
    }
}

/// The command verbs this server recognises.
public enum LMTPVerb: String, CaseIterable, Hashable, Sendable {
    case lhlo = "LHLO", helo = "HELO", ehlo = "EHLO", mail = "MAIL", rcpt = "RCPT", data = "DATA"
    case bdat = "BDAT", rset = "RSET", noop = "NOOP", quit = "QUIT", vrfy = "VRFY", help = "HELP"
}

/// A mailbox in an SMTP path: `local-part@domain`, or the bare `Postmaster` that
/// RFC 5321 §4.1.1.3 allows in `RCPT TO:<Postmaster>`.
///
/// `localPart` is the semantic value: surrounding quotes and quoted-pair backslashes
/// are removed, so `"john"@x` and `john@x` are the same path.
public struct MailPath: Hashable, Sendable, CustomStringConvertible {
    /// The local part, unquoted.
    public let localPart: String
    /// The domain or address literal (`[192.0.2.1]`), as written; nil only for `<Postmaster>`.
    public let domain: String?

    /// Creates a path from its parts.
    public init(localPart: String, domain: String?) {
        self.localPart = localPart
        self.domain = domain
    }

    /// True when the path holds only ASCII (no SMTPUTF8 needed).
    public var isASCII: Bool {
        localPart.utf8.allSatisfy { $0 < 0x80 } && (domain?.utf8.allSatisfy { $0 < 0x80 } ?? true)
    }

    /// The mailbox as RFC 5321 writes it: the local part quoted when it is not a dot-string.
    public var description: String {
        let local = MailPath.needsQuoting(localPart) ? MailPath.quoted(localPart) : localPart
        guard let domain else { return local }
        return "\(local)@\(domain)"
    }

    static func needsQuoting(_ local: String) -> Bool {
        if local.isEmpty { return true }
        let atoms = local.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.contains { atom in atom.isEmpty || !atom.allSatisfy(CommandGrammar.isAtext) }
    }

    static func quoted(_ local: String) -> String {
        var out = "\""
        for character in local {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }
}

/// The reverse path of `MAIL FROM`: the null sender `<>` or a mailbox.
public enum ReversePath: Hashable, Sendable, CustomStringConvertible {
    /// `<>`: bounces and auto-replies (RFC 5321 §4.5.5).
    case null
    /// A sender mailbox.
    case path(MailPath)

    /// `<>` or `<mailbox>`.
    public var description: String {
        switch self {
        case .null: "<>"
        case .path(let path): "<\(path)>"
        }
    }

    /// True unless the mailbox holds non-ASCII characters.
    public var isASCII: Bool {
        switch self {
        case .null: true
        case .path(let path): path.isASCII
        }
    }
}

/// The `BODY=` value of `MAIL FROM`.
///
/// - SeeAlso: RFC 6152 (8BITMIME), RFC 3030 §3 (BINARYMIME).
public enum MailBody: String, Hashable, Sendable {
    case sevenBit = "7BIT"
    case eightBitMIME = "8BITMIME"
    case binaryMIME = "BINARYMIME"
}

/// The `MAIL FROM` parameters this server supports.
public struct MailParameters: Hashable, Sendable {
    /// `SIZE=n`: the size the client declares (RFC 1870).
    public var size: Int?
    /// `BODY=…`, nil when absent.
    public var body: MailBody?
    /// `SMTPUTF8` was given (RFC 6531 §3.4).
    public var smtpUTF8: Bool

    /// Creates parameters; all absent by default.
    public init(size: Int? = nil, body: MailBody? = nil, smtpUTF8: Bool = false) {
        self.size = size
        self.body = body
        self.smtpUTF8 = smtpUTF8
    }
}

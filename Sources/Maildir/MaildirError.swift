import Glibc
import MailCore

/// Why a Maildir operation failed; the delivery agent maps each case to an LMTP reply.
///
/// Suggested mapping: `.quotaExceeded` → `452 4.2.2`, `.diskFull` → `452 4.3.1`,
/// `.io` → `451 4.3.0`; `.invalidMailboxName` and `.mailboxDoesNotExist` make the caller fall
/// back to INBOX and log.
public enum MaildirError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Storing the message would push the user's usage over a quota limit.
    case quotaExceeded(QuotaExceeded)
    /// The file system is out of space or the user's file-system quota is used up (ENOSPC, EDQUOT).
    case diskFull(operation: String, errno: Int32, path: String)
    /// The mailbox name cannot be mapped to a folder safely.
    case invalidMailboxName(name: String, reason: InvalidMailboxNameReason)
    /// The folder does not exist and the caller did not ask for it to be created.
    case mailboxDoesNotExist(name: String, path: String)
    /// A system call failed; `operation` names it (`open`, `write`, `fsync`, `link`, ...).
    case io(operation: String, errno: Int32, path: String)
    /// The message source failed to produce its bytes (for example a spool file read error).
    case messageSource(String)

    /// Builds `.diskFull` for ENOSPC/EDQUOT, `.io` otherwise.
    static func system(_ operation: String, _ code: Int32, _ path: String) -> MaildirError {
        if code == ENOSPC || code == EDQUOT {
            return .diskFull(operation: operation, errno: code, path: path)
        }
        return .io(operation: operation, errno: code, path: path)
    }

    /// The operator-facing text, with strerror for system errors.
    public var description: String {
        switch self {
        case .quotaExceeded(let detail):
            return detail.description
        case .diskFull(let operation, let code, let path):
            return "disk full: \(operation) \(path) failed: \(errorText(code)) (errno \(code))"
        case .invalidMailboxName(let name, let reason):
            return "invalid mailbox name \(DiagnosticText.quoted(name)): \(reason)"
        case .mailboxDoesNotExist(let name, let path):
            return "mailbox \(DiagnosticText.quoted(name)) does not exist (no folder at \(path)) and was not to be created"
        case .io(let operation, let code, let path):
            return "\(operation) \(path) failed: \(errorText(code)) (errno \(code))"
        case .messageSource(let text):
            return "could not read the message: \(text)"
        }
    }
}

/// What a quota refusal was about, for the log line and the reply text.
public struct QuotaExceeded: Equatable, Sendable, CustomStringConvertible {
    /// Which limit the message would break.
    public enum Limit: Equatable, Sendable {
        case bytes
        case messages
    }

    /// The limit the message would exceed.
    public var limit: Limit
    /// The configured maximum (bytes or messages).
    public var maximum: UInt64
    /// Usage before this message (bytes or messages).
    public var used: UInt64
    /// What this message adds (its size in bytes, or 1).
    public var adding: UInt64

    /// Describes a refusal: `used + adding` would exceed `maximum`.
    public init(limit: Limit, maximum: UInt64, used: UInt64, adding: UInt64) {
        self.limit = limit
        self.maximum = maximum
        self.used = used
        self.adding = adding
    }

    /// A sentence for the log and the 452 reply.
    public var description: String {
        switch limit {
        case .bytes:
            "over quota: \(used) bytes used + \(adding) bytes for this message exceeds the limit of \(maximum) bytes"
        case .messages:
            "over quota: \(used) messages stored + 1 exceeds the limit of \(maximum) messages"
        }
    }
}

/// Why a mailbox name was refused.
public enum InvalidMailboxNameReason: Equatable, Sendable, CustomStringConvertible {
    /// The name is the empty string.
    case empty
    /// The name contains a NUL or another control character (C0, DEL or C1).
    case controlCharacter(UInt32)
    /// `/` appears although the configured hierarchy separator is something else.
    case slashNotSeparator
    /// Two separators in a row, or a separator at the start or end.
    case emptyComponent
    /// A component is `..` (or `.`).
    case parentReference
    /// A component starts with `.`.
    case leadingDot
    /// One component is longer than the limit, in UTF-8 bytes.
    case componentTooLong(component: String, bytes: Int, limit: Int)
    /// The folder directory name (`.` plus the encoded components) is longer than the limit, in bytes.
    case nameTooLong(bytes: Int, limit: Int)

    /// Why the name was refused, as a sentence fragment.
    public var description: String {
        switch self {
        case .empty:
            "the name is empty"
        case .controlCharacter(let value):
            "it contains the control character U+\(hex4(value)); control characters are not allowed"
        case .slashNotSeparator:
            "it contains '/', which is not the hierarchy separator here and would create a subdirectory"
        case .emptyComponent:
            "it has an empty hierarchy level (separators in a row, or at the start or end)"
        case .parentReference:
            "a hierarchy level is '.' or '..', which could point outside the Maildir"
        case .leadingDot:
            "a hierarchy level starts with '.', which is the Maildir++ separator on disk"
        case .componentTooLong(let component, let bytes, let limit):
            "the hierarchy level \(DiagnosticText.quoted(component)) is \(bytes) bytes long; at most \(limit) are allowed"
        case .nameTooLong(let bytes, let limit):
            "its folder directory name would be \(bytes) bytes long; at most \(limit) are allowed"
        }
    }
}

func errorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "unknown error" }
    return String(cString: text)
}


private func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

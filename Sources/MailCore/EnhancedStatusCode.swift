/// An RFC 3463 enhanced mail system status code: `class.subject.detail`, e.g. `5.1.1`.
///
/// The class is 2 (success), 4 (persistent transient failure) or 5 (permanent failure);
/// subject and detail are 0...999 (RFC 3463 §2 allows one to three digits).
///
/// - SeeAlso: RFC 3463 §2, RFC 2034 (ENHANCEDSTATUSCODES in replies).
public struct EnhancedStatusCode: Hashable, Sendable, CustomStringConvertible {
    /// The status class as RFC 3463 defines it.
    public enum Class: Int, Sendable, Hashable {
        case success = 2
        case persistentTransientFailure = 4
        case permanentFailure = 5
    }

    /// 2, 4 or 5.
    public let statusClass: Class
    /// The subject (0...999): 1 addressing, 2 mailbox, 3 mail system, 4 network, 5 protocol, 6 content, 7 policy.
    public let subject: Int
    /// The detail (0...999) within the subject.
    public let detail: Int

    /// Creates a code; returns nil when subject or detail are outside 0...999.
    public init?(_ statusClass: Class, _ subject: Int, _ detail: Int) {
        guard (0...999).contains(subject), (0...999).contains(detail) else { return nil }
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// Parses the textual form `c.s.d`; returns nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            parts.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) }),
            parts[0].count == 1,
            let c = Int(parts[0]), let statusClass = Class(rawValue: c),
            let subject = Int(parts[1]), let detail = Int(parts[2])
        else { return nil }
        self.init(statusClass, subject, detail)
    }

    /// Code for compile-time constants below; the values are known to be in range.
    private init(constant statusClass: Class, _ subject: Int, _ detail: Int) {
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// The wire form, `class.subject.detail`.
    public var description: String { "\(statusClass.rawValue).\(subject).\(detail)" }

    // MARK: Codes Sluice answers with (RFC 3463 §3 names in the comments). LMTP, Delivery
    // and the outbound client share this one type.

    /// 2.0.0 Other undefined status (success).
    public static let ok = EnhancedStatusCode(constant: .success, 0, 0)
    /// 2.1.0 Other address status: sender accepted.
    public static let senderOK = EnhancedStatusCode(constant: .success, 1, 0)
    /// 2.1.5 Destination address valid.
    public static let recipientOK = EnhancedStatusCode(constant: .success, 1, 5)
    /// 2.5.0 Other or undefined protocol status (success).
    public static let protocolOK = EnhancedStatusCode(constant: .success, 5, 0)
    /// 2.0.0 used for the connection closing reply.
    public static let closing = EnhancedStatusCode(constant: .success, 0, 0)
    /// 4.3.0 Other or undefined mail system status (temporary).
    public static let temporarySystemFailure = EnhancedStatusCode(constant: .persistentTransientFailure, 3, 0)
    /// 4.3.2 System not accepting network messages (shutting down).
    public static let systemNotAccepting = EnhancedStatusCode(constant: .persistentTransientFailure, 3, 2)
    /// 4.4.2 Bad connection (timeout).
    public static let badConnection = EnhancedStatusCode(constant: .persistentTransientFailure, 4, 2)
    /// 4.5.3 Too many recipients.
    public static let tooManyRecipients = EnhancedStatusCode(constant: .persistentTransientFailure, 5, 3)
    /// 4.7.0 Other or undefined security status (used when closing after too many errors).
    public static let securityTemporary = EnhancedStatusCode(constant: .persistentTransientFailure, 7, 0)
    /// 5.1.1 Bad destination mailbox address.
    public static let badDestinationMailbox = EnhancedStatusCode(constant: .permanentFailure, 1, 1)
    /// 5.1.3 Bad destination mailbox address syntax.
    public static let badDestinationSyntax = EnhancedStatusCode(constant: .permanentFailure, 1, 3)
    /// 5.1.7 Bad sender's mailbox address syntax.
    public static let badSenderSyntax = EnhancedStatusCode(constant: .permanentFailure, 1, 7)
    /// 5.2.3 Message length exceeds administrative limit.
    public static let messageTooBig = EnhancedStatusCode(constant: .permanentFailure, 2, 3)
    /// 5.5.1 Invalid command (also: bad sequence of commands).
    public static let invalidCommand = EnhancedStatusCode(constant: .permanentFailure, 5, 1)
    /// 5.5.2 Syntax error.
    public static let syntaxError = EnhancedStatusCode(constant: .permanentFailure, 5, 2)
    /// 5.5.4 Invalid command arguments.
    public static let invalidArguments = EnhancedStatusCode(constant: .permanentFailure, 5, 4)
    /// 5.6.0 Other or undefined media error (message content not acceptable).
    public static let mediaError = EnhancedStatusCode(constant: .permanentFailure, 6, 0)
    /// 4.2.2 Mailbox full (temporary: the MTA retries).
    public static let mailboxFull = EnhancedStatusCode(constant: .persistentTransientFailure, 2, 2)
    /// 5.2.2 Mailbox full (permanent, by configuration).
    public static let mailboxFullPermanent = EnhancedStatusCode(constant: .permanentFailure, 2, 2)
    /// 4.3.1 Mail system full (disk full).
    public static let systemFull = EnhancedStatusCode(constant: .persistentTransientFailure, 3, 1)
    /// 5.7.1 Delivery not authorized, message refused (Sieve reject/ereject).
    public static let deliveryNotAuthorized = EnhancedStatusCode(constant: .permanentFailure, 7, 1)
    /// 5.6.7 Non-ASCII addresses not permitted for that sender/recipient (RFC 6531 §3.5).
    public static let nonASCIIAddressNotPermitted = EnhancedStatusCode(constant: .permanentFailure, 6, 7)
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

import Foundation
import MailCore
import Sieve
import Tracking

/// One vacation request to decide: the script's action and the delivery it came from.
public struct VacationRequest: Sendable {
    /// The action the script produced; `to` is the envelope sender to reply to.
    public var action: VacationAction
    /// The message that triggered the vacation action.
    public var message: Message
    /// This delivery's envelope recipient: the user's address.
    public var recipient: String
    /// Further addresses configured for the user (aliases), besides `:addresses`.
    public var aliases: [String]
    /// The user's identity in the tracking store; the normalised recipient when nil.
    public var user: String?
    /// The recipient as the sender's MTA first gave it (RFC 3461 ORCPT), counted as one of
    /// the user's addresses; nil when unknown or when the site does not use it.
    public var originalRecipient: String?

    /// Makes a request.
    public init(action: VacationAction, message: Message, recipient: String, aliases: [String] = [], user: String? = nil,
                originalRecipient: String? = nil) {
        self.action = action
        self.message = message
        self.recipient = recipient
        self.aliases = aliases
        self.user = user
        self.originalRecipient = originalRecipient
    }

    /// The user's addresses in comparison form: the recipient, the original recipient,
    /// then `:addresses`, then the configured aliases, without duplicates.
    public var userAddresses: [String] {
        var seen = Set<String>()
        var result: [String] = []
        let originals = originalRecipient.map { [$0] } ?? []
        for text in [recipient] + originals + action.addresses + aliases {
            if let address = AddressMatching.normalized(text), seen.insert(address).inserted {
                result.append(address)
            }
        }
        return result
    }

    /// The first of `userAddresses` (in that order) that appears in one of the header
    /// `fields` of the message, as written there (display name dropped); nil when the
    /// user is not addressed.
    ///
    /// - SeeAlso: RFC 5230 §4.5
    public func addressedAs(in fields: [String] = VacationPolicy.recipientHeaderFields) -> MailAddress? {
        var found: [String: MailAddress] = [:]
        for name in fields {
            for mailbox in message.addresses(named: name).mailboxes where mailbox.domain != nil {
                let key = mailbox.addrSpec.lowercased()
                if found[key] == nil { found[key] = MailAddress(localPart: mailbox.localPart, domain: mailbox.domain) }
            }
        }
        return userAddresses.lazy.compactMap { found[$0] }.first
    }
}

/// Decides whether a vacation action sends a reply.
///
/// The checks run in this order, and the first that applies gives the reason:
/// 1. the envelope sender is null or empty, or not a mailbox with a domain;
/// 2. the delivery has no recipient address;
/// 3. the sender is one of the user's addresses (recipient, `:addresses`, aliases;
///    compared case-insensitively);
/// 4. the message has a mailing-list header: `List-Id`, `List-Post`, `List-Help`,
///    `List-Unsubscribe`, `List-Subscribe`, `List-Owner` or `List-Archive`;
/// 5. `Auto-Submitted` with any value but `no`;
/// 6. `Precedence: bulk`, `list` or `junk`;
/// 7. `X-Auto-Response-Suppress` listing `All`, `OOF` or `AutoReply`;
/// 8. the sender's local part matches a system-sender pattern;
/// 9. (when `requireUserAddressed`) none of the user's addresses is in the recipient
///    header fields (`To`, `Cc`, `Bcc`, `Resent-To`, `Resent-Cc`, `Resent-Bcc`);
/// 10. a reply to this sender with this handle went out within `seconds` (skipped when
///    `seconds` is 0).
///
/// Checks 1–9 are pure (`check`); `decide` adds check 10 against a `TrackingStore`.
///
/// - SeeAlso: RFC 5230 §4.5 (sender rules), §4.6 (user addressed), §4.1 (period);
///   RFC 3834 §2 (when not to respond); RFC 2369, RFC 2919 (list headers)
public struct VacationPolicy: Sendable {
    /// Site settings for the checks.
    public struct Configuration: Sendable {
        /// Glob patterns (`*`, `?`; case-insensitive) for the local parts of senders
        /// that never get a reply. Default `defaultSystemSenderPatterns`.
        public var systemSenderPatterns: [String]
        /// Reply only when one of the user's addresses is in a recipient header field.
        /// Default true (RFC 5230 §4.6).
        public var requireUserAddressed: Bool
        /// The header fields searched for the user's addresses.
        public var recipientHeaderFields: [String]

        /// Makes a configuration; every argument has the documented default.
        public init(
            systemSenderPatterns: [String] = VacationPolicy.defaultSystemSenderPatterns,
            requireUserAddressed: Bool = true,
            recipientHeaderFields: [String] = VacationPolicy.recipientHeaderFields
        ) {
            self.systemSenderPatterns = systemSenderPatterns
            self.requireUserAddressed = requireUserAddressed
            self.recipientHeaderFields = recipientHeaderFields
        }
    }

    /// The default system-sender patterns, matched against the envelope sender's local
    /// part: `mailer-daemon`, `listserv`, `majordomo`, `*-request`, `owner-*` (the
    /// classic list and bounce senders), `postmaster`, and the no-reply conventions
    /// `noreply*`, `no-reply*`, `no_reply*`, `donotreply*`, `do-not-reply*`, `bounce*`.
    ///
    /// - SeeAlso: RFC 5230 §4.5 (owner-*, *-request, LISTSERV, MAILER-DAEMON, majordomo)
    public static let defaultSystemSenderPatterns = [
        "mailer-daemon", "listserv", "majordomo", "*-request", "owner-*", "postmaster",
        "noreply*", "no-reply*", "no_reply*", "donotreply*", "do-not-reply*", "bounce*",
    ]

    /// The header fields searched for the user's addresses by default.
    public static let recipientHeaderFields = ["To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"]

    /// The header fields of mailing-list messages (RFC 2369 §3, RFC 2919 §3).
    public static let mailingListHeaderFields = [
        "List-Id", "List-Post", "List-Help", "List-Unsubscribe", "List-Subscribe", "List-Owner", "List-Archive",
    ]

    /// The settings in use.
    public var configuration: Configuration

    /// Makes a policy with these settings.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Runs checks 1–9 (everything but the once-per-period check).
    public func check(_ request: VacationRequest) -> VacationDecision {
        let message = request.message
        // 1. Null or unusable sender.
        if AddressMatching.pathText(request.action.to).isEmpty { return .suppress(.nullSender) }
        guard let sender = AddressMatching.smtpMailbox(in: request.action.to) else {
            return .suppress(.invalidSender(request.action.to.sanitizedForLog))
        }
        let senderKey = sender.addrSpec.lowercased()
        // 2. No recipient to reply as.
        guard AddressMatching.normalized(request.recipient) != nil else { return .suppress(.noRecipient) }
        // 3. The user writing to themselves.
        let userAddresses = request.userAddresses
        if userAddresses.contains(senderKey) { return .suppress(.senderIsUser(senderKey.sanitizedForLog)) }
        // 4.–8. Lists, automatic and bulk mail, system senders: shared with notifications.
        if let reason = AutomatedMessage.reason(message, senderLocalPart: sender.localPart,
                                                systemSenderPatterns: configuration.systemSenderPatterns) {
            return .suppress(reason)
        }
        // 9. The user must be addressed explicitly.
        if configuration.requireUserAddressed {
            if request.addressedAs(in: configuration.recipientHeaderFields) == nil { return .suppress(.userNotAddressed) }
        }
        return .respond
    }

    /// Runs every check, the once-per-period check last. When it decides `.respond`,
    /// the reply is already recorded in `store` (check and record are one atomic step),
    /// so a concurrent delivery of another copy cannot also respond. If the reply then
    /// cannot be submitted, call `forget(_:store:)` so a later message may get one.
    ///
    /// - Throws: the store's error; the caller logs it and does not reply.
    public func decide(_ request: VacationRequest, store: any TrackingStore, now: Date) async throws -> VacationDecision {
        let decision = check(request)
        guard decision == .respond, request.action.seconds > 0 else { return decision }
        let record = trackingRecord(request)
        let send = try await store.shouldSend(
            kind: .vacation, user: record.user, peer: record.peer, key: record.key,
            period: .seconds(request.action.seconds), now: now)
        return send
            ? .respond
            : .suppress(.alreadyReplied(sender: record.peer.sanitizedForLog, handle: record.key.sanitizedForLog,
                                        seconds: request.action.seconds))
    }

    /// Removes the tracking record `decide` made for this request (after a failed send).
    public func forget(_ request: VacationRequest, store: any TrackingStore) async throws {
        let record = trackingRecord(request)
        try await store.forget(kind: .vacation, user: record.user, peer: record.peer, key: record.key)
    }

    /// The tracking identity of a request: (user, sender, handle).
    func trackingRecord(_ request: VacationRequest) -> (user: String, peer: String, key: String) {
        let user = request.user ?? AddressMatching.normalized(request.recipient) ?? request.recipient
        let peer = AddressMatching.normalized(request.action.to) ?? request.action.to
        return (user, peer, request.action.handle)
    }

    /// The first word of a structured field body, lowercased: comments and anything
    /// after `;` or whitespace are ignored (`auto-replied; x=y`, `no (comment)`).
    static func leadingKeyword(_ value: String) -> String {
        var word = ""
        var depth = 0
        for character in value {
            if character == "(" {
                depth += 1
            } else if character == ")" {
                depth = max(0, depth - 1)
            } else if depth == 0 {
                let isSpace = character.unicodeScalars.allSatisfy { $0.value <= 0x20 }
                if character == ";" || (isSpace && !word.isEmpty) { break }
                if !isSpace { word.append(character) }
            }
        }
        return word.lowercased()
    }
}

extension String {
    /// The text with control characters (CR, LF, tab, ...) replaced by spaces and cut
    /// to 200 characters: safe to put in a log line or an error message.
    var sanitizedForLog: String {
        var result = String(String.UnicodeScalarView(unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        if result.count > 200 { result = String(result.prefix(200)) + "…" }
        return result
    }
}

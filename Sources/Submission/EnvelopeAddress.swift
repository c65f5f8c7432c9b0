import MailCore

/// Checks envelope addresses before they are put into a command line or a command's arguments.
///
/// The check is deliberately about safety, not full RFC 5321 syntax: an address must never be
/// able to end a command early, start another one, or break out of its angle brackets. Refused:
/// CR, LF, space, every other control character, `<` and `>`, an empty recipient, and a path
/// longer than RFC 5321 allows. Non-ASCII is allowed but marks the address as needing SMTPUTF8.
///
/// - SeeAlso: RFC 5321 §4.1.2 (Path), §4.5.3.1.3 (256-octet path limit), RFC 6531 §3.3.
enum EnvelopeAddress {
    /// Longest address that fits a 256-octet path with its angle brackets.
    static let maximumLength = 254

    /// The role of an address, for error messages.
    enum Role: String {
        case sender = "envelope sender"
        case recipient = "recipient"
    }

    /// Returns whether the address needs SMTPUTF8; throws when it cannot be sent at all.
    ///
    /// An empty sender is the null reverse-path `<>`; an empty recipient is refused.
    static func check(_ address: String, as role: Role) throws(SubmissionError) -> Bool {
        let bytes = Array(address.utf8)
        if bytes.isEmpty {
            guard role == .sender else {
                throw invalid(address, role, "it is empty (a recipient needs an address)")
            }
            return false
        }
        guard bytes.count <= maximumLength else {
            throw invalid(address, role, "it is \(bytes.count) octets long, more than the \(maximumLength) that fit an SMTP path")
        }
        for byte in bytes {
            switch byte {
            case 0x0D: throw invalid(address, role, "it contains a carriage return (CR)")
            case 0x0A: throw invalid(address, role, "it contains a line feed (LF)")
            case 0x20: throw invalid(address, role, "it contains a space")
            case UInt8(ascii: "<"), UInt8(ascii: ">"):
                throw invalid(address, role, "it contains an angle bracket (give the bare address, without < >)")
            case 0x00..<0x20, 0x7F: throw invalid(address, role, "it contains a control character")
            default: continue
            }
        }
        return bytes.contains { $0 >= 0x80 }
    }

    private static func invalid(_ address: String, _ role: Role, _ reason: String) -> SubmissionError {
        SubmissionError(
            stage: .envelope, code: .invalidAddress, isTransient: false,
            detail: "the \(role.rawValue) \(DiagnosticText.quoted(address)) cannot be sent: \(reason)")
    }
}

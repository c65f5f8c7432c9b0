import MailCore

/// The reply for one recipient, as the LMTP side will write it: a basic code, an
/// enhanced status code and one or more text lines (already sanitised: printable
/// US-ASCII only).
///
/// - SeeAlso: RFC 2033 §4.2 (one reply per recipient after DATA), RFC 5321 §4.2
///   (reply lines), RFC 3463 (enhanced status codes)
public struct DeliveryReply: Sendable, Hashable, CustomStringConvertible {
    /// The three-digit basic code (250, 451, 452, 550, 552).
    public var code: Int
    /// The enhanced status code.
    public var status: EnhancedStatusCode
    /// The text, one element per reply line, never empty; each line is printable
    /// US-ASCII without CR or LF.
    public var lines: [String]

    /// Makes a reply; `lines` are sanitised with `ReplyText.sanitise(_:)` and an empty
    /// list becomes one line with the status's default meaning.
    public init(code: Int, status: EnhancedStatusCode, lines: [String]) {
        self.code = code
        self.status = status
        let clean = lines.flatMap(ReplyText.lines)
        self.lines = clean.isEmpty ? ["OK"] : clean
    }

    /// Makes a one-line reply (the text may still hold line breaks, which split it).
    public init(code: Int, status: EnhancedStatusCode, text: String) {
        self.init(code: code, status: status, lines: [text])
    }

    /// Whether this is a success (2xx).
    public var isSuccess: Bool { (200..<300).contains(code) }
    /// Whether the MTA should retry (4xx).
    public var isTemporaryFailure: Bool { (400..<500).contains(code) }
    /// Whether the MTA should bounce (5xx).
    public var isPermanentFailure: Bool { (500..<600).contains(code) }

    /// The reply as it would go on the wire, lines joined with CRLF (`250-...`, `250 ...`).
    public var description: String {
        lines.enumerated().map { index, line in
            "\(code)\(index == lines.count - 1 ? " " : "-")\(status) \(line)"
        }.joined(separator: "\r\n")
    }
}

/// Cleaning of text that goes into reply lines.
///
/// Rules:
/// - the text is split into lines at CRLF, LF or CR; empty lines are dropped;
/// - other control characters (C0, DEL) become a space, tabs included;
/// - each non-ASCII character (a whole grapheme cluster, so `é` written as `e` plus a
///   combining accent is one) becomes `?`: replies are US-ASCII (RFC 5321 §4.2) and
///   without a transliteration table a visible placeholder is more honest than a guess;
/// - leading and trailing spaces are trimmed;
/// - a line longer than `maximumLineLength` characters is cut there (RFC 5321 §4.5.3.1.5
///   allows 512 octets per reply line, code and enhanced code included).
public enum ReplyText {
    /// Longest text per reply line. 400 leaves room for `550-5.7.1 ` and CRLF.
    public static let maximumLineLength = 400

    /// The sanitised reply lines for `text`.
    public static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        func flush() {
            let trimmed = trimSpaces(current)
            if !trimmed.isEmpty { lines.append(String(trimmed.prefix(maximumLineLength))) }
            current = ""
        }
        for character in text {
            // "\r\n" is one Character in Swift.
            if character == "\r\n" || character == "\n" || character == "\r" {
                flush()
                continue
            }
            if character.isASCII, let ascii = character.asciiValue {
                current.append(ascii < 0x20 || ascii == 0x7F ? " " : character)
            } else {
                current.append("?")
            }
        }
        flush()
        return lines
    }

    private static func trimSpaces(_ text: String) -> Substring {
        var slice = Substring(text)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }
}

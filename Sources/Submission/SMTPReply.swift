public import MailCore

/// One complete SMTP reply: a three-digit code, an optional enhanced status code, and its text lines.
///
/// A multi-line reply (`250-first`, `250-second`, `250 last`) is one `SMTPReply` with three lines.
///
/// - SeeAlso: RFC 5321 §4.2 (reply syntax), RFC 2034 and RFC 3463 (enhanced status codes).
public struct SMTPReply: Hashable, Sendable, CustomStringConvertible {
    /// The three-digit reply code (200...599).
    public var code: Int
    /// The enhanced status code that starts the reply text, when the server sent one.
    public var enhancedStatus: EnhancedStatusCode?
    /// The text of each line, after the code and the `-` or space separator (enhanced code kept).
    public var lines: [String]

    /// Creates a reply.
    public init(code: Int, enhancedStatus: EnhancedStatusCode? = nil, lines: [String]) {
        self.code = code
        self.enhancedStatus = enhancedStatus
        self.lines = lines
    }

    /// True for 2xx replies.
    public var isPositiveCompletion: Bool { (200...299).contains(code) }
    /// True for 3xx replies (`354` after `DATA`).
    public var isPositiveIntermediate: Bool { (300...399).contains(code) }
    /// True for 4xx replies: the command failed but may succeed later.
    ///
    /// - SeeAlso: RFC 5321 §4.2.1.
    public var isTransientFailure: Bool { (400...499).contains(code) }
    /// True for 5xx replies: the command failed and repeating it will not help.
    public var isPermanentFailure: Bool { (500...599).contains(code) }

    /// The reply text without the enhanced status code prefix, lines joined with a space.
    public var text: String {
        let prefix = enhancedStatus.map { "\($0) " }
        return lines.map { line in
            if let prefix, line.hasPrefix(prefix) { return String(line.dropFirst(prefix.count)) }
            if let status = enhancedStatus, line == status.description { return "" }
            return line
        }.joined(separator: " ")
    }

    /// The reply as a one-line summary: `550 5.1.1 No such user`.
    public var description: String {
        var parts = ["\(code)"]
        if let enhancedStatus { parts.append(enhancedStatus.description) }
        let text = self.text
        if !text.isEmpty { parts.append(text) }
        return parts.joined(separator: " ")
    }
}

/// Assembles reply lines (without their CRLF) into complete replies; pure and incremental.
///
/// Each line is `code SP text`, `code "-" text` (more lines follow) or just `code`. All lines
/// of one reply must carry the same code.
///
/// - SeeAlso: RFC 5321 §4.2 and §4.2.1 (multiline replies).
struct SMTPReplyAssembler {
    /// Why a line is not part of a valid reply.
    struct Violation: Error, Equatable {
        var message: String
    }

    /// Lines accepted in one reply before the server is considered broken.
    static let maximumLines = 200

    private var code: Int?
    private var lines: [String] = []

    /// Feeds one line; returns the reply when this line completes it.
    // Reply-line = Reply-code [ ( "-" / SP ) textstring ]
    mutating func consume(line: some Collection<UInt8>) throws(Violation) -> SMTPReply? {
        let bytes = Array(line)
        guard bytes.count >= 3,
            let first = bytes.first, (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(first),
            (UInt8(ascii: "0")...UInt8(ascii: "5")).contains(bytes[1]),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[2])
        else {
            throw Violation(
                message: "expected a reply starting with a three-digit code 200-559, found \"\(Self.printable(bytes))\"")
        }
        let lineCode = Int(first - 48) * 100 + Int(bytes[1] - 48) * 10 + Int(bytes[2] - 48)
        if let code, code != lineCode {
            throw Violation(
                message: "a multi-line reply changed its code from \(code) to \(lineCode) (\"\(Self.printable(bytes))\")")
        }
        let isLast: Bool
        if bytes.count == 3 {
            isLast = true
        } else if bytes[3] == UInt8(ascii: " ") {
            isLast = true
        } else if bytes[3] == UInt8(ascii: "-") {
            isLast = false
        } else {
            throw Violation(
                message: "expected a space or \"-\" after the reply code, found \"\(Self.printable(bytes))\"")
        }
        code = lineCode
        lines.append(bytes.count > 4 ? Self.printable(bytes[4...]) : "")
        guard isLast else {
            if lines.count >= Self.maximumLines {
                throw Violation(message: "a multi-line reply ran past \(Self.maximumLines) lines")
            }
            return nil
        }
        let reply = SMTPReply(
            code: lineCode, enhancedStatus: Self.enhancedStatus(in: lines[0], code: lineCode), lines: lines)
        code = nil
        lines = []
        return reply
    }

    /// Parses an RFC 3463 code at the start of the text; its class must match the reply's class.
    // status-code = class "." subject "." detail ; class = "2" / "4" / "5"; subject, detail = 1*3digit
    static func enhancedStatus(in text: String, code: Int) -> EnhancedStatusCode? {
        guard let status = EnhancedStatusCode(String(text.prefix { $0 != " " })),
            status.statusClass.rawValue == code / 100
        else { return nil }
        return status
    }

    /// Reply text as a string safe to log: invalid UTF-8 replaced, control characters shown as `?`.
    static func printable(_ bytes: some Collection<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}

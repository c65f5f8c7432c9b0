import MailCore
import NIOCore

/// One server reply: a three-digit code, an optional enhanced status code, and one or
/// more lines of human-readable text.
///
/// Text is sanitised when the reply is created, so what a value holds is exactly what
/// goes on the wire:
/// - CR, LF and every other control character (0x00–0x1F, 0x7F) become a space: a peer
///   address or reason string can never end a reply line early or start a new one.
/// - Non-ASCII characters become `?`: RFC 5321 §4.2 reply text is US-ASCII, and
///   SMTPUTF8 (RFC 6531 §3.7.4) makes UTF-8 in replies optional, so plain ASCII is the
///   form every client reads. Addresses that carry UTF-8 are therefore shown lossy.
/// - A reply always has at least one line; an empty line list becomes one empty line.
///
/// - SeeAlso: RFC 5321 §4.2 (reply syntax), RFC 2034 §3 (enhanced code in every line).
public struct LMTPReply: Hashable, Sendable, CustomStringConvertible {
    /// The three-digit reply code (200...599).
    public let code: Int
    /// The RFC 3463 code written after the reply code on every line, when present.
    public let enhancedCode: EnhancedStatusCode?
    /// The text lines, already sanitised.
    public let lines: [String]

    /// Creates a reply; `code` is clamped into 200...599 and the lines are sanitised.
    public init(code: Int, _ enhancedCode: EnhancedStatusCode?, lines: [String]) {
        self.code = min(max(code, 200), 599)
        self.enhancedCode = enhancedCode
        let cleaned = lines.map(LMTPReply.sanitise)
        self.lines = cleaned.isEmpty ? [""] : cleaned
    }

    /// Creates a one-line reply.
    public init(code: Int, _ enhancedCode: EnhancedStatusCode?, _ text: String) {
        self.init(code: code, enhancedCode, lines: [text])
    }

    /// True for 2xx replies.
    public var isPositiveCompletion: Bool { (200...299).contains(code) }
    /// True for 4xx replies.
    public var isTransientFailure: Bool { (400...499).contains(code) }
    /// True for 5xx replies.
    public var isPermanentFailure: Bool { (500...599).contains(code) }

    /// The wire form: `250-first\r\n250-second\r\n250 last\r\n`.
    public var description: String {
        String(decoding: encoded(), as: UTF8.self)
    }

    /// The wire form as bytes (every line `code`, `-` or space, enhanced code, text, CRLF).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    /// Appends the wire form to a byte buffer.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeBytes(encoded())
    }

    func encode(into out: inout [UInt8]) {
        let codeText = Array(String(code).utf8)
        let enhanced = enhancedCode.map { Array("\($0) ".utf8) } ?? []
        for (index, line) in lines.enumerated() {
            out += codeText
            out.append(index == lines.count - 1 ? UInt8(ascii: " ") : UInt8(ascii: "-"))
            out += enhanced
            out += Array(line.utf8)
            out += [0x0D, 0x0A]
        }
    }

    /// Replaces control characters by a space and non-ASCII characters by `?`.
    static func sanitise(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F: scalars.append(" ")
            case 0x20...0x7E: scalars.append(scalar)
            default: scalars.append("?")
            }
        }
        return String(scalars)
    }
}

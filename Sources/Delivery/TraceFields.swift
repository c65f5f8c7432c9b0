#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The header fields put in front of each recipient's stored copy: `Return-Path:`,
/// `Delivered-To:` and `Received:`, in that order, each line ending in CRLF.
///
/// Format:
/// ```
/// Return-Path: <sender>
/// Delivered-To: rcpt
/// Received: from HELO (HOST [IP])
///         by MYHOST with LMTP id TXID
///         (envelope-from <sender>)
///         for <rcpt>; Tue, 1 Jul 2025 10:00:00 +0000
/// ```
/// `(HOST [IP])` becomes `(HOST)` without an address, `([IP])` without a host name, and
/// is left out without either (a Unix socket). An IPv6 address is written `[IPv6:...]`.
///
/// Sanitising: in every value, control characters (CR and LF included), spaces and DEL
/// become `?`; inside the comments (host name, envelope-from) `(`, `)` and `\` become
/// `?` as well. Non-ASCII UTF-8 is kept (RFC 6532). Each value is cut to
/// `maximumValueScalars` characters, and the `Received:` field is folded (CRLF + tab)
/// before a part that would take its line past 78 characters, so no line comes near the
/// 998-octet limit. The date is in UTC.
///
/// - SeeAlso: RFC 5321 §4.4 (trace information), RFC 5322 §3.6.7 (trace fields),
///   §3.3 (date-time), §2.1.1 (line length)
public enum TraceFields {
    /// Longest value (in Unicode scalars) written into a trace field.
    public static let maximumValueScalars = 256

    /// The fields for one recipient's copy, as bytes ready to go in front of the message.
    public static func render(sender: String, recipient: String, heloName: String,
                              clientHostName: String?, clientAddress: String?,
                              hostname: String, transactionID: String, date: Int64) -> [UInt8] {
        let from = clean(sender, comment: false)
        let rcpt = clean(recipient, comment: false)
        var text = "Return-Path: <\(from)>\r\n"
        text += "Delivered-To: \(rcpt)\r\n"

        // Parts are kept whole when folding: a keyword stays with its value.
        var parts = ["from " + clean(heloName.isEmpty ? "unknown" : heloName, comment: false)]
        let host = clientHostName.map { clean($0, comment: true) }
        let address = clientAddress.map { addressLiteral(clean($0, comment: true)) }
        switch (host, address) {
        case let (host?, address?): parts.append("(\(host) \(address))")
        case let (host?, nil): parts.append("(\(host))")
        case let (nil, address?): parts.append("(\(address))")
        case (nil, nil): break
        }
        parts += ["by " + clean(hostname, comment: false), "with LMTP", "id " + clean(transactionID, comment: false)]
        parts.append("(envelope-from <\(clean(sender, comment: true))>)")
        parts += ["for <\(rcpt)>;", rfc5322Date(date)]
        text += fold(name: "Received", parts: parts)
        return Array(text.utf8)
    }

    /// Everything `render` writes, as one text: two renderings with the same origin are
    /// the same bytes, so fields rendered once (a spool preamble) can be recognised as a
    /// recipient's own without rendering them again.
    public static func origin(sender: String, recipient: String, heloName: String,
                              clientHostName: String?, clientAddress: String?,
                              hostname: String, transactionID: String, date: Int64) -> String {
        // NUL cannot occur in an SMTP path or a host name; SOH stands for "not known".
        [sender, recipient, heloName, clientHostName ?? "\u{1}", clientAddress ?? "\u{1}", hostname, transactionID,
         String(date)].joined(separator: "\u{0}")
    }

    /// `name: part part ...` folded before a part that would pass 78 characters.
    static func fold(name: String, parts: [String]) -> String {
        var out = name + ":"
        var lineLength = out.utf8.count
        for part in parts {
            let length = part.utf8.count
            if lineLength + 1 + length > 78 && lineLength > 1 {
                out += "\r\n\t" + part
                lineLength = 1 + length
            } else {
                out += " " + part
                lineLength += 1 + length
            }
        }
        return out + "\r\n"
    }

    /// The value with unsafe characters replaced and its length capped.
    static func clean(_ value: String, comment: Bool) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars.prefix(maximumValueScalars) {
            let value = scalar.value
            let unsafeInComment = comment && (scalar == "(" || scalar == ")" || scalar == "\\")
            out.append(value <= 0x20 || value == 0x7F || unsafeInComment ? "?" : scalar)
        }
        return String(out)
    }

    /// `[192.0.2.1]` or `[IPv6:2001:db8::1]`; an address already in brackets is kept.
    static func addressLiteral(_ address: String) -> String {
        if address.hasPrefix("[") { return address }
        if address.contains(":") && !address.hasPrefix("IPv6:") { return "[IPv6:\(address)]" }
        return "[\(address)]"
    }

    /// `Tue, 1 Jul 2025 10:00:00 +0000` for seconds since the epoch.
    ///
    /// - SeeAlso: RFC 5322 §3.3
    public static func rfc5322Date(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "Thu, 1 Jan 1970 00:00:00 +0000" }
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let weekday = days[Int(parts.tm_wday) % 7]
        let month = months[Int(parts.tm_mon) % 12]
        return "\(weekday), \(parts.tm_mday) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }

    /// The current time in seconds since the epoch.
    static func now() -> Int64 {
        Int64(time(nil))
    }
}

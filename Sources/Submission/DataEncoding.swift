/// Turns message bytes into the exact octets sent after `DATA`'s `354`: canonical CRLF line
/// endings, dot-stuffed, ending with `CRLF . CRLF`.
///
/// Every bare CR and every bare LF becomes CRLF *before* stuffing, so no line the server sees
/// can begin with an unstuffed dot, whichever line-ending convention the server's own parser
/// follows. A message that does not end with a line break gets one before the final dot.
///
/// - SeeAlso: RFC 5321 §4.5.2 (transparency), §2.3.8 (lines end with CRLF; bare CR and LF not allowed).
enum DataEncoding {
    /// The encoded octets and the message size as RFC 1870 counts it.
    struct Encoded {
        /// What goes on the wire after `354`, the terminating `.` line included.
        var wire: [UInt8]
        /// Octets of the CRLF-normalised message without stuffing dots and without the final `.` line.
        ///
        /// - SeeAlso: RFC 1870 §6.1 (the SIZE value).
        var messageSize: Int
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let dot = UInt8(ascii: ".")

    /// Normalises line endings, stuffs dots and appends the terminator.
    static func encode(_ message: [UInt8]) -> Encoded {
        var wire: [UInt8] = []
        wire.reserveCapacity(message.count + message.count / 32 + 5)
        var stuffed = 0
        var atLineStart = true
        var index = 0
        while index < message.count {
            let byte = message[index]
            if byte == cr || byte == lf {
                // CR LF, a bare CR and a bare LF each end exactly one line.
                if byte == cr, index + 1 < message.count, message[index + 1] == lf { index += 1 }
                wire.append(cr)
                wire.append(lf)
                atLineStart = true
            } else {
                if atLineStart && byte == dot {
                    wire.append(dot)
                    stuffed += 1
                }
                wire.append(byte)
                atLineStart = false
            }
            index += 1
        }
        if !atLineStart {
            wire.append(cr)
            wire.append(lf)
        }
        let messageSize = wire.count - stuffed
        wire.append(contentsOf: [dot, cr, lf])
        return Encoded(wire: wire, messageSize: messageSize)
    }

    /// True when the message has octets above 127 (it then asks for `BODY=8BITMIME` where offered).
    static func hasEightBitOctets(_ message: [UInt8]) -> Bool {
        message.contains { $0 >= 0x80 }
    }
}

import MailCore

/// Writes header fields safely: no CR or LF from any input reaches the output except
/// as folding that this code inserts, non-ASCII text becomes RFC 2047 encoded words
/// (UTF-8, "B"), and lines are folded to 78 characters where there is a place to fold.
///
/// - SeeAlso: RFC 5322 §2.1.1 (line length), §2.2.3 (folding); RFC 2047 §2, §5
enum HeaderWriting {
    /// Preferred maximum line length, without CRLF (RFC 5322 §2.1.1).
    static let preferredLineLength = 78
    /// Longest encoded word allowed (RFC 2047 §2).
    static let maximumEncodedWordLength = 75

    /// `text` made fit for an unstructured header body: every control character (CR,
    /// LF, NUL, tab, DEL, C1) becomes a space, runs of spaces collapse to one, the ends
    /// are trimmed, and at most `limit` characters are kept.
    static func sanitized(_ text: String, limit: Int = 500) -> String {
        var result = ""
        var pendingSpace = false
        var count = 0
        for scalar in text.unicodeScalars {
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            if isControl || scalar == " " || scalar == "\u{2028}" || scalar == "\u{2029}" {
                pendingSpace = !result.isEmpty
                continue
            }
            if count >= limit { break }
            if pendingSpace {
                result.unicodeScalars.append(" ")
                pendingSpace = false
            }
            result.unicodeScalars.append(scalar)
            count += 1
        }
        return result
    }

    /// A complete unstructured field (`Name: body`), folded, without the final CRLF.
    /// The body is sanitised first; it is written as it is when it is printable ASCII
    /// with no `=?` (which a reader could take for an encoded word), else as encoded
    /// words.
    ///
    /// With `limit`, a body longer than `limit` Unicode scalars is cut to `limit - 1`
    /// and ends with `…`.
    static func unstructuredField(_ name: String, _ body: String, limit: Int? = nil) -> String {
        var clean = sanitized(body, limit: limit.map { _ in Int.max } ?? 500)
        if let limit, clean.unicodeScalars.count > limit {
            var cut = String.UnicodeScalarView(clean.unicodeScalars.prefix(max(0, limit - 1)))
            while cut.last == " " { cut.removeLast() }
            clean = String(cut) + "…"
        }
        let isPlain = clean.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !clean.contains("=?")
        if isPlain, let folded = foldedWords(prefix: name + ": ", words: clean.split(separator: " ").map(String.init)) {
            return folded
        }
        return foldedWords(prefix: name + ": ", words: encodedWords(clean, firstLineUsed: name.utf8.count + 2))
            ?? name + ": "
    }

    /// Joins `words` with single spaces after `prefix`, breaking lines (CRLF SP) before
    /// a word that would pass 78 characters. Nil if a word would make a line longer
    /// than 998 octets (the hard limit), so the caller can choose another form.
    static func foldedWords(prefix: String, words: [String]) -> String? {
        var output = prefix
        var lineLength = prefix.utf8.count
        var first = true
        for word in words {
            let length = word.utf8.count
            if first {
                output += word
                lineLength += length
                first = false
            } else if lineLength + 1 + length > preferredLineLength {
                output += "\r\n " + word
                lineLength = 1 + length
            } else {
                output += " " + word
                lineLength += 1 + length
            }
            if lineLength > 998 { return nil }
        }
        return output
    }

    /// `text` as RFC 2047 encoded words (`=?utf-8?B?...?=`), each at most 75
    /// characters and holding whole Unicode scalars. The first word is kept short
    /// enough to share a line with `firstLineUsed` characters.
    static func encodedWords(_ text: String, firstLineUsed: Int = 0) -> [String] {
        let overhead = "=?utf-8?B??=".utf8.count
        func budget(_ room: Int) -> Int {
            // Base64 turns 3 octets into 4 characters.
            max(3, (min(room, maximumEncodedWordLength) - overhead) / 4 * 3)
        }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = budget(preferredLineLength - firstLineUsed)
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > limit {
                words.append("=?utf-8?B?" + Base64.encode(chunk) + "?=")
                chunk = []
                limit = budget(preferredLineLength - 1)
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?utf-8?B?" + Base64.encode(chunk) + "?=") }
        return words
    }

    /// A display name as an RFC 5322 `phrase`: atoms as they are, other ASCII as a
    /// quoted string, non-ASCII as encoded words. Nil for an empty name.
    static func phrase(_ name: String) -> String? {
        let clean = sanitized(name, limit: 200)
        if clean.isEmpty { return nil }
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && !clean.contains("=?") {
            // Atoms alone go as they are; names of several words are quoted, as
            // Pigeonhole writes them ("Stephan Bosch" <s@example.org>).
            if clean.utf8.allSatisfy(isAtext) { return clean }
            var quoted = "\""
            for character in clean {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return quoted + "\""
        }
        return encodedWords(clean).joined(separator: " ")
    }

    /// `local@domain` with the local part quoted when it is not a dot-atom.
    static func addrSpec(_ address: MailAddress) -> String {
        let local = address.localPart
        let isDotAtom = !local.isEmpty
            && local.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
                .allSatisfy { !$0.isEmpty && $0.allSatisfy { isAtext($0) || $0 >= 0x80 } }
        var written = local
        if !isDotAtom {
            written = "\""
            for character in local {
                if character == "\"" || character == "\\" { written.append("\\") }
                written.append(character)
            }
            written += "\""
        }
        guard let domain = address.domain else { return written }
        return written + "@" + domain
    }

    /// `Phrase <addr-spec>` or a bare addr-spec when there is no display name.
    /// `name <local@domain>`, or the bare addr-spec (in angle brackets with
    /// `angleBrackets`) when there is no display name.
    static func mailbox(_ address: MailAddress, angleBrackets: Bool = false) -> String {
        let spec = addrSpec(address)
        guard let name = address.displayName.flatMap(phrase) else { return angleBrackets ? "<" + spec + ">" : spec }
        return name + " <" + spec + ">"
    }

    /// The message identifiers (`<id-left@id-right>`) in a field body, in order.
    /// Anything else (comments, junk, identifiers with spaces or controls, longer than
    /// 250 characters) is skipped, so the result is safe to write back.
    ///
    /// - SeeAlso: RFC 5322 §3.6.4 (msg-id)
    static func messageIDs(in raw: [UInt8]) -> [String] {
        var ids: [String] = []
        var index = 0
        while let open = raw[index...].firstIndex(of: UInt8(ascii: "<")) {
            guard let close = raw[(open + 1)...].firstIndex(of: UInt8(ascii: ">")) else { break }
            let inner = raw[(open + 1)..<close]
            if !inner.isEmpty, inner.count <= 250, inner.contains(UInt8(ascii: "@")),
                inner.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") })
            {
                ids.append("<" + String(decoding: inner, as: UTF8.self) + ">")
            }
            index = close + 1
        }
        return ids
    }

    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default: return "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    /// The fields that thread a reply to `original` (RFC 5322 §3.6.4): `In-Reply-To:` its
    /// Message-ID, and `References:` its references (or its single In-Reply-To) followed by
    /// that ID, shortened to the first and the last 20 when longer; with the original's
    /// Message-ID, nil when it has none.
    static func replyThreading(to original: Message) -> (originalID: String?, fields: [String]) {
        let originalID = original.fields(named: "Message-ID").first.flatMap { messageIDs(in: $0.rawValue).first }
        var fields: [String] = []
        if let originalID { fields.append("In-Reply-To: " + originalID) }
        var ids = original.fields(named: "References").flatMap { messageIDs(in: $0.rawValue) }
        if ids.isEmpty {
            let replyTo = original.fields(named: "In-Reply-To").flatMap { messageIDs(in: $0.rawValue) }
            if replyTo.count == 1 { ids = replyTo }
        }
        if let originalID { ids.append(originalID) }
        if ids.count > 21 { ids = [ids[0]] + ids.suffix(20) }
        if !ids.isEmpty, let field = foldedWords(prefix: "References: ", words: ids) { fields.append(field) }
        return (originalID, fields)
    }
}

/// Base64 encoding (RFC 4648 §4, with padding).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Editing a message's header section (Sieve's `editheader`): each edit gives a new
/// `Message` whose header section is changed and whose body bytes are the same. Fields
/// that are not touched keep their bytes exactly as received (folding, 8-bit text and
/// all); added fields are written by `HeaderFieldWriter` in the message's own line-end
/// form (CRLF, or LF when its header section uses bare LF).
///
/// A message parsed from a prefix (`init(bytes:size:)`, the header section of a long
/// spooled message) stays a prefix: its `size` changes by what the edit added or removed,
/// and the rest of the message is still wherever it was.
///
/// - SeeAlso: RFC 5293 §4 (addheader), §5 (deleteheader); RFC 5322 §2.2
extension Message {
    /// The message with one field added: in front of the other fields, or after the last
    /// one when `last` is true. `name` must be a valid field name
    /// (`HeaderFieldWriter.isValidFieldName`); `value` is written as
    /// `HeaderFieldWriter.fieldBytes` writes it.
    ///
    /// - SeeAlso: RFC 5293 §4 ("addheader [":last"] <field-name> <value>")
    public func addingField(name: String, value: String, last: Bool = false) -> Message {
        let layout = headerLayout()
        var field = HeaderFieldWriter.fieldBytes(name: name, value: value, lineEnding: layout.lineEnding)
        var position: Int
        if last, let lastSpan = layout.spans.last {
            position = lastSpan.upperBound
            // A last field without a line break (a message that ends inside its header).
            if position == 0 || bytes[position - 1] != 0x0A { field = layout.lineEnding + field }
        } else if let first = layout.spans.first {
            position = first.lowerBound
        } else {
            position = layout.fieldsStart
            // No field and no blank line: the body starts at once, so the new field needs
            // the blank line that ends a header section.
            if position == bodyOffset && !layout.hasBlankLine { field += layout.lineEnding }
        }
        var edited: [UInt8] = []
        edited.reserveCapacity(bytes.count + field.count)
        edited += bytes[..<position]
        edited += field
        edited += bytes[position...]
        return Message(bytes: edited, size: size + Message.rfc5322Size(field))
    }

    /// The message without the fields at `positions` (indices into `headerFields`; out of
    /// range ones are ignored). Every other byte stays.
    ///
    /// - SeeAlso: RFC 5293 §5 (deleteheader)
    public func removingFields(at positions: some Sequence<Int>) -> Message {
        let layout = headerLayout()
        let removed = Set(positions.filter { layout.spans.indices.contains($0) })
        guard !removed.isEmpty else { return self }
        var edited: [UInt8] = []
        edited.reserveCapacity(bytes.count)
        var copiedTo = 0
        var removedSize = 0
        for index in removed.sorted() {
            let span = layout.spans[index]
            edited += bytes[copiedTo..<span.lowerBound]
            removedSize += Message.rfc5322Size(Array(bytes[span]))
            copiedTo = span.upperBound
        }
        edited += bytes[copiedTo...]
        return Message(bytes: edited, size: size - removedSize)
    }

    /// The header section as it stands, up to and including the blank line that ends it
    /// (the whole of `bytes` for a message parsed from its header section alone).
    public var headerSection: ArraySlice<UInt8> { bytes[..<bodyOffset] }

    /// Where the fields are in `bytes`, and how lines end.
    struct HeaderLayout {
        /// Each field's bytes, `headerFields` order.
        var spans: [Range<Int>]
        /// Where a field can go when there are none (after an mbox `From ` line).
        var fieldsStart: Int
        var hasBlankLine: Bool
        var lineEnding: [UInt8]
    }

    func headerLayout() -> HeaderLayout {
        bytes.withUnsafeBufferPointer { buffer in
            let parsed = HeaderSectionParser.parse(buffer, from: 0, to: buffer.count, atMessageStart: true, recordingSpans: true)
            var fieldsStart = 0
            if parsed.spans.isEmpty, buffer.starts(with: "From ".utf8) {
                fieldsStart = HeaderSectionParser.nextLine(buffer, from: 0, end: buffer.count).next
            }
            let headerEnd = parsed.bodyOffset
            let hasBlankLine = headerEnd > 0 && buffer[headerEnd - 1] == 0x0A
                && (parsed.spans.last.map { $0.upperBound < headerEnd } ?? true)
            // The header section's first line break tells the form; CRLF when there is none.
            var lineEnding: [UInt8] = [0x0D, 0x0A]
            if let lineFeed = buffer[..<max(headerEnd, min(buffer.count, 1))].firstIndex(of: 0x0A),
               lineFeed == 0 || buffer[lineFeed - 1] != 0x0D {
                lineEnding = [0x0A]
            }
            return HeaderLayout(spans: parsed.spans, fieldsStart: fieldsStart, hasBlankLine: hasBlankLine,
                                lineEnding: lineEnding)
        }
    }
}

/// Writes a header field the way Sieve's `addheader` adds one: `Name: value`, folded and
/// encoded so that reading it back (unfolding, RFC 2047 decoding) gives the value as
/// given, apart from line breaks inside the value, which become folds (read back as one
/// space each).
///
/// - Words holding a character outside printable ASCII (8-bit text, control characters)
///   or something that would read as an encoded word, and words too long for a line, are
///   written as RFC 2047 encoded words (`=?utf-8?q?...?=`); neighbouring such words share
///   one encoded word, and a long run is cut into several, never inside a character, so no
///   line comes near the 998-octet limit (RFC 5322 §2.1.1).
/// - A line break in the value (CRLF, LF or CR) becomes a fold: the next line starts with
///   one space, after its own leading whitespace is dropped, so the value reads back with
///   a single space where each line break was.
/// - Lines are folded before a word that would take them past 78 characters, at the
///   whitespace in front of that word, so no whitespace is lost.
///
/// - SeeAlso: RFC 5322 §2.2.3 (folding), §3.6.8 (field names); RFC 2047 §4.2, §5
public enum HeaderFieldWriter {
    /// Line length past which a field is folded (RFC 5322 §2.1.1's recommended limit).
    public static let foldingWidth = 78

    // field-name = 1*ftext ; ftext = %d33-57 / %d59-126
    /// Whether `name` is a valid field name: one or more printable ASCII characters other
    /// than `:`.
    ///
    /// - SeeAlso: RFC 5322 §3.6.8
    public static func isValidFieldName(_ name: String) -> Bool {
        !name.utf8.isEmpty && name.utf8.allSatisfy { $0 >= 33 && $0 <= 126 && $0 != 0x3A }
    }

    /// The field's bytes, ending in `lineEnding`.
    public static func fieldBytes(name: String, value: String, lineEnding: [UInt8] = [0x0D, 0x0A]) -> [UInt8] {
        var out = Array(name.utf8) + [0x3A]
        var column = out.count
        let lines = splitLines(value)
        for (lineNumber, line) in lines.enumerated() {
            var pieces = pieces(of: lineNumber == 0 ? Substring(line) : line.drop { $0 == " " || $0 == "\t" })
            if lineNumber > 0 {
                out += lineEnding + [0x20]
                column = 1
                // The fold stands for the line break; the first word needs no space of its own.
                if !pieces.isEmpty { pieces[0].space = "" }
            } else if let first = pieces.first, first.space.isEmpty {
                pieces[0].space = " "
            } else if pieces.isEmpty {
                out.append(0x20)
                column += 1
            }
            for piece in pieces {
                let space = Array(piece.space.utf8)
                let word = Array(piece.word.utf8)
                if column + space.count + word.count > foldingWidth && column > 1 && !space.isEmpty {
                    out += lineEnding
                    column = 0
                }
                out += space + word
                column += space.count + word.count
            }
        }
        return out + lineEnding
    }

    /// A word of the written value and the whitespace in front of it.
    struct Piece {
        var space: String
        var word: String
    }

    private static func splitLines(_ value: String) -> [Substring] {
        var lines: [Substring] = []
        var start = value.startIndex
        var index = value.startIndex
        while index < value.endIndex {
            let character = value[index]
            if character == "\r\n" || character == "\n" || character == "\r" {
                lines.append(value[start..<index])
                start = value.index(after: index)
            }
            index = value.index(after: index)
        }
        lines.append(value[start...])
        return lines
    }

    /// The words of one line with their leading whitespace, words needing encoding joined
    /// into encoded words.
    static func pieces(of line: Substring) -> [Piece] {
        var raw: [Piece] = []
        var space = ""
        var word = ""
        for character in line {
            if character == " " || character == "\t" {
                if !word.isEmpty {
                    raw.append(Piece(space: space, word: word))
                    space = ""
                    word = ""
                }
                space.append(character)
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty || !space.isEmpty { raw.append(Piece(space: space, word: word)) }

        var result: [Piece] = []
        var index = 0
        while index < raw.count {
            guard needsEncoding(raw[index].word) else {
                result.append(raw[index])
                index += 1
                continue
            }
            // A run of words that need encoding, the whitespace between them inside.
            var text = raw[index].word
            let leading = raw[index].space
            index += 1
            while index < raw.count, needsEncoding(raw[index].word) {
                text += raw[index].space + raw[index].word
                index += 1
            }
            for (number, encoded) in encodedWords(text).enumerated() {
                result.append(Piece(space: number == 0 ? leading : " ", word: encoded))
            }
        }
        return result
    }

    /// Longest word written as it is; longer ones are cut into encoded words.
    static let longestPlainWord = 500

    /// Whether a word cannot be written as it is: it holds a character outside printable
    /// ASCII, or `=?` (it would read as an encoded word), or it is too long for a line.
    static func needsEncoding(_ word: String) -> Bool {
        word.utf8.count > longestPlainWord || word.utf8.contains { $0 < 0x20 || $0 >= 0x7F } || word.contains("=?")
    }

    /// `text` as Q-encoded UTF-8 words of at most 75 characters each (RFC 2047 §2), cut
    /// between characters.
    static func encodedWords(_ text: String) -> [String] {
        let prefix = "=?utf-8?q?", suffix = "?="
        let room = 75 - prefix.count - suffix.count
        var words: [String] = []
        var current = ""
        for character in text {
            var encoded = ""
            for byte in String(character).utf8 { encoded += qEncoded(byte) }
            if !current.isEmpty && current.utf8.count + encoded.utf8.count > room {
                words.append(prefix + current + suffix)
                current = ""
            }
            current += encoded
        }
        if !current.isEmpty || words.isEmpty { words.append(prefix + current + suffix) }
        return words
    }

    /// One byte in RFC 2047 "Q" form for a `phrase`-safe encoded word (§5 rule 3).
    private static func qEncoded(_ byte: UInt8) -> String {
        switch byte {
        case 0x20: return "_"
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x21, 0x2A, 0x2B, 0x2D, 0x2F: return String(UnicodeScalar(byte))
        default:
            let digits = Array("0123456789ABCDEF")
            return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
        }
    }
}

/// Two messages are equal when they have the same bytes and the same size (a prefix of a
/// long message is not equal to the whole message).
extension Message: Hashable {
    public static func == (lhs: Message, rhs: Message) -> Bool {
        lhs === rhs || (lhs.size == rhs.size && lhs.bytes == rhs.bytes)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(size)
        hasher.combine(bytes.count)
        for byte in bytes.prefix(256) { hasher.combine(byte) }
    }
}

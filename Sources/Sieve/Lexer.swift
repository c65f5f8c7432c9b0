/// Collects the diagnostics of one parse, up to a limit; past it, parsing stops.
struct DiagnosticCollector: Sendable {
    let limit: Int
    let file: String?
    private(set) var diagnostics: [Diagnostic] = []
    /// Set once the limit is reached: the lexer then reports end of input so the parser unwinds.
    private(set) var stopped = false

    init(limit: Int, file: String?) {
        self.limit = max(1, limit)
        self.file = file
    }

    mutating func error(_ message: String, at location: SourceLocation) {
        guard !stopped else { return }
        if diagnostics.count + 1 >= limit {
            // The last slot tells the reader that the list is cut short (unless the limit is 1).
            let text = limit > 1 ? "too many errors (limit is \(limit)); stopped parsing" : message
            diagnostics.append(Diagnostic(.error, text, at: location, file: file))
            stopped = true
            return
        }
        diagnostics.append(Diagnostic(.error, message, at: location, file: file))
    }
}

/// The hand-written Sieve lexer: turns script bytes into `Token`s, one at a time, skipping
/// white space and comments.
///
/// Lexical errors are reported into `diagnostics`; the lexer then goes on with the next
/// character, so one run can report several problems.
///
/// - SeeAlso: RFC 5228 §2.2 (white space, comments), §2.3 (identifiers), §2.4 (literals), §8.1.
struct Lexer: Sendable {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var column = 1
    var diagnostics: DiagnosticCollector
    /// Set when a string or comment ran to the end of the script: the parser then does not
    /// also complain about every block left open at the end.
    var hitUnterminated = false
    /// Longest identifier or tag name accepted (`ParserLimits.maxIdentifierLength`).
    var maxIdentifierLength = 32

    init(bytes: [UInt8], diagnostics: DiagnosticCollector) {
        self.bytes = bytes
        self.diagnostics = diagnostics
    }

    var location: SourceLocation { SourceLocation(line: line, column: column, offset: index) }

    func peek(_ ahead: Int = 0) -> UInt8? {
        let at = index + ahead
        return at < bytes.count ? bytes[at] : nil
    }

    /// Moves past `count` bytes, keeping line and column (columns count Unicode scalars:
    /// UTF-8 continuation bytes do not move the column).
    mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
    }

    mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.error(message, at: location)
    }

    /// The next token, after any white space and comments.
    mutating func next() -> Token {
        skipWhitespaceAndComments()
        let start = location
        guard !diagnostics.stopped, let byte = peek() else {
            return Token(kind: .endOfInput, range: SourceRange(start: start, end: start))
        }
        let kind: Token.Kind
        switch byte {
        case UInt8(ascii: "{"): advance(); kind = .leftBrace
        case UInt8(ascii: "}"): advance(); kind = .rightBrace
        case UInt8(ascii: "("): advance(); kind = .leftParen
        case UInt8(ascii: ")"): advance(); kind = .rightParen
        case UInt8(ascii: "["): advance(); kind = .leftBracket
        case UInt8(ascii: "]"): advance(); kind = .rightBracket
        case UInt8(ascii: ","): advance(); kind = .comma
        case UInt8(ascii: ";"): advance(); kind = .semicolon
        case UInt8(ascii: "\""): kind = lexQuotedString()
        case UInt8(ascii: ":"): kind = lexTag()
        case UInt8(ascii: "0")...UInt8(ascii: "9"): kind = lexNumber()
        default:
            if Lexer.isIdentifierStart(byte) {
                kind = lexIdentifierOrMultiline()
            } else {
                kind = lexUnexpectedCharacter()
            }
        }
        return Token(kind: kind, range: SourceRange(start: start, end: location))
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    // white-space = 1*(SP / CRLF / HTAB) / hash-comment / bracket-comment
    mutating func skipWhitespaceAndComments() {
        while !diagnostics.stopped, let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"):
                advance()
            case UInt8(ascii: "\r"):
                if peek(1) != UInt8(ascii: "\n") {
                    error("carriage return (CR) not followed by line feed (LF)", at: location)
                }
                advance()
            case UInt8(ascii: "#"):
                skipHashComment()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                skipBracketComment()
            default:
                return
            }
        }
    }

    // hash-comment = "#" *octet-not-crlf (CRLF / end of script)
    mutating func skipHashComment() {
        var ignored: [UInt8] = []
        advance()  // "#"
        while let byte = peek(), byte != UInt8(ascii: "\n"), !diagnostics.stopped {
            if byte == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n") { break }
            consumeText(into: &ignored, keep: false)
        }
        // The line end, if any, is ordinary white space for the caller's loop.
    }

    // bracket-comment = "/*" *(any text except "*/") "*/"   (not nested)
    mutating func skipBracketComment() {
        let start = location
        var ignored: [UInt8] = []
        advance(2)  // "/*"
        while !diagnostics.stopped {
            guard let byte = peek() else {
                error("unterminated comment: '/*' has no closing '*/'", at: start)
                hitUnterminated = true
                return
            }
            if byte == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") {
                advance(2)
                return
            }
            consumeText(into: &ignored, keep: false)
        }
    }

    /// Consumes one character of string or comment text, checking the rules all such text
    /// obeys: no NUL, no CR without LF. Kept text (strings) must also be valid UTF-8;
    /// ignored text (comments) may hold any other octet. A line end (CRLF or bare LF) is
    /// appended to `out` as CRLF. Must not be called at end of input.
    ///
    /// - SeeAlso: RFC 5228 §8.1 (`octet-not-crlf` excludes NUL, lone CR and lone LF;
    ///   comments are octets), §2.7.2 (scripts, and so their strings, are UTF-8).
    mutating func consumeText(into out: inout [UInt8], keep: Bool) {
        guard let byte = peek() else { return }
        switch byte {
        case 0:
            error("NUL character is not allowed in a script", at: location)
            advance()
        case UInt8(ascii: "\r"):
            if peek(1) == UInt8(ascii: "\n") {
                if keep { out.append(contentsOf: [0x0D, 0x0A]) }
                advance(2)
            } else {
                error("carriage return (CR) not followed by line feed (LF)", at: location)
                advance()
            }
        case UInt8(ascii: "\n"):
            if keep { out.append(contentsOf: [0x0D, 0x0A]) }
            advance()
        case 0x01..<0x80:
            if keep { out.append(byte) }
            advance()
        default:
            let length = utf8SequenceLength(at: index)
            if length == 0 && !keep {
                // Comment text may hold any octet (RFC 5228 §8.1: octet-not-crlf, not-star):
                // scripts saved in Latin-1 or KOI8-R have such comments.
                advance()
            } else if length == 0 {
                error("invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true))", at: location)
                advance()
            } else {
                if keep { out.append(contentsOf: bytes[index..<(index + length)]) }
                advance(length)
            }
        }
    }

    /// The length of the well-formed UTF-8 sequence starting at `at` (a byte ≥ 0x80),
    /// or 0 if it is not well-formed (overlong, surrogate, past U+10FFFF, truncated).
    func utf8SequenceLength(at start: Int) -> Int {
        let lead = bytes[start]
        let length: Int
        var lowest: UInt8 = 0x80, highest: UInt8 = 0xBF  // allowed range of the 2nd byte
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowest = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; highest = 0x9F
        case 0xF0: length = 4; lowest = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; highest = 0x8F
        default: return 0
        }
        guard start + length <= bytes.count else { return 0 }
        let second = bytes[start + 1]
        guard second >= lowest && second <= highest else { return 0 }
        for offset in 2..<max(2, length) where bytes[start + offset] & 0xC0 != 0x80 {
            return 0
        }
        return length
    }

    // identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_")
    mutating func lexIdentifierOrMultiline() -> Token.Kind {
        let start = index
        let startLocation = location
        while let byte = peek(), Lexer.isIdentifierPart(byte) { advance() }
        let name = String(decoding: bytes[start..<index], as: UTF8.self)
        if peek() == UInt8(ascii: ":") && name.lowercased() == "text" {
            return lexMultilineString(start: startLocation)
        }
        if name.count > maxIdentifierLength {
            error("identifier '\(name.prefix(maxIdentifierLength))...' is longer than \(maxIdentifierLength) characters; "
                  + "no command or test has such a name", at: startLocation)
            return .invalid
        }
        return .identifier(name)
    }

    // tag = ":" identifier
    mutating func lexTag() -> Token.Kind {
        let start = location
        advance()  // ":"
        guard let byte = peek(), Lexer.isIdentifierStart(byte) else {
            error("expected a tag name (a letter or '_') after ':', found \(describeNextCharacter())", at: start)
            return .invalid
        }
        let nameStart = index
        while let byte = peek(), Lexer.isIdentifierPart(byte) { advance() }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        if name.count > maxIdentifierLength {
            error("tag ':\(name.prefix(maxIdentifierLength))...' is longer than \(maxIdentifierLength) characters; "
                  + "no tag has such a name", at: start)
            return .invalid
        }
        return .tag(name)
    }

    // number = 1*DIGIT [ QUANTIFIER ] ; QUANTIFIER = "K" / "M" / "G" (any case)
    /// Numbers up to 2^64 - 1 are accepted (RFC 5228 §2.4.1 asks for at least 2^31 - 1;
    /// Pigeonhole takes unsigned 64-bit numbers); values past `Int.max` are kept as
    /// `Int.max`, which no size or count reaches.
    mutating func lexNumber() -> Token.Kind {
        let start = location
        let textStart = index
        var value: UInt64 = 0
        var overflow = false
        while let byte = peek(), byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            value = sum
            advance()
        }
        var shift = 0
        switch peek() {
        case UInt8(ascii: "K"), UInt8(ascii: "k"): shift = 10
        case UInt8(ascii: "M"), UInt8(ascii: "m"): shift = 20
        case UInt8(ascii: "G"), UInt8(ascii: "g"): shift = 30
        default: break
        }
        if shift > 0 {
            advance()
            if !overflow {
                let (scaled, o) = value.multipliedReportingOverflow(by: 1 << shift)
                overflow = o
                value = scaled
            }
        }
        // Not in RFC 5228's grammar, but "10MB" is a typo for "10M", never a number
        // followed by a test named "B": reject a number glued to identifier characters.
        if let byte = peek(), Lexer.isIdentifierPart(byte) {
            while let byte = peek(), Lexer.isIdentifierPart(byte) { advance() }
            let text = String(decoding: bytes[textStart..<index], as: UTF8.self)
            error("invalid number '\(text)': a number is digits with an optional K, M or G", at: start)
            return .invalid
        }
        if overflow {
            // Reported, but kept as a number so the parse goes on as if it were one.
            let text = String(decoding: bytes[textStart..<index], as: UTF8.self)
            error("number \(text) is too large (the largest is \(UInt64.max))", at: start)
            return .number(Int.max)
        }
        return .number(value > UInt64(Int.max) ? Int.max : Int(value))
    }

    mutating func lexUnexpectedCharacter() -> Token.Kind {
        let start = location
        guard let byte = peek() else { return .endOfInput }
        if byte == 0 {
            error("NUL character is not allowed in a script", at: start)
            advance()
        } else if byte >= 0x80 {
            let length = utf8SequenceLength(at: index)
            if length == 0 {
                error("invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true))", at: start)
                advance()
            } else {
                error("unexpected character \(describeNextCharacter())", at: start)
                advance(length)
            }
        } else {
            // A run of such characters ("$$$") is one error.
            var end = index + 1
            while end < bytes.count, Lexer.isUnexpected(bytes[end]) { end += 1 }
            if end - index > 1 {
                error("unexpected characters '\(String(decoding: bytes[index..<end], as: UTF8.self))'", at: start)
            } else {
                error("unexpected character \(describeNextCharacter())", at: start)
            }
            advance(end - index)
        }
        return .invalid
    }

    /// Whether an ASCII byte starts no token, white space or comment.
    static func isUnexpected(_ byte: UInt8) -> Bool {
        guard byte > 0x20, byte < 0x7F, !isIdentifierStart(byte), !(byte >= 0x30 && byte <= 0x39) else { return false }
        return !"{}()[],;\":#/".utf8.contains(byte)
    }


    /// `U+0041`-style name of a scalar value.
    static func scalarName(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The character at the current position, for messages: `'@'`, `U+00E9 'é'`, `end of script`.
    func describeNextCharacter() -> String {
        guard let byte = peek() else { return "end of script" }
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte < 0x80 { return Lexer.scalarName(UInt32(byte)) }
        let length = utf8SequenceLength(at: index)
        guard length > 0 else { return "invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true))" }
        let text = String(decoding: bytes[index..<(index + length)], as: UTF8.self)
        guard let scalar = text.unicodeScalars.first else { return "'\(text)'" }
        return "\(Lexer.scalarName(scalar.value)) '\(text)'"
    }
}

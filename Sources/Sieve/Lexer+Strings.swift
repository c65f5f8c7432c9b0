/// String literals: quoted strings and `text:` multi-line strings.
///
/// Line ends inside either kind are stored as CRLF whichever way the script wrote them:
/// RFC 5228 scripts use CRLF line ends, and we accept a bare LF as a line end everywhere,
/// so a bare LF in a string stands for CRLF too. The value does not depend on how the
/// script file was saved.
///
/// - SeeAlso: RFC 5228 §2.4.2, §8.1.
extension Lexer {
    // quoted-string = DQUOTE *(CRLF / octet-not-qspecial / "\" octet-not-crlf) DQUOTE
    mutating func lexQuotedString() -> Token.Kind {
        let start = location
        advance()  // opening quote
        var value: [UInt8] = []
        while !diagnostics.stopped {
            guard let byte = peek() else {
                error("unterminated quoted string starting at line \(start.line)", at: start)
                hitUnterminated = true
                return .invalid
            }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return .string(StringLiteral(
                    value: String(decoding: value, as: UTF8.self), isMultiline: false,
                    range: SourceRange(start: start, end: location)))
            case UInt8(ascii: "\\"):
                // "\\" is a backslash, "\"" a quote, and any other "\x" is just "x"
                // (RFC 5228 §2.4.2: undefined escapes are replaced by the character itself).
                advance()
                if peek() != nil { consumeText(into: &value, keep: true) }
            default:
                consumeText(into: &value, keep: true)
            }
        }
        return .invalid
    }

    // multi-line = "text:" *(SP / HTAB) (hash-comment / CRLF)
    //              *(multiline-literal / multiline-dotstart) "." CRLF
    /// Called with the position just after the identifier `text`, at the colon.
    mutating func lexMultilineString(start: SourceLocation) -> Token.Kind {
        advance()  // ":"
        while peek() == UInt8(ascii: " ") || peek() == UInt8(ascii: "\t") { advance() }
        if peek() == UInt8(ascii: "#") {
            skipHashComment()
        } else if let byte = peek(), !isLineEnd(byte) {
            error("expected the end of the line after 'text:', found \(describeNextCharacter())", at: location)
            var ignored: [UInt8] = []
            while let byte = peek(), !isLineEnd(byte), !diagnostics.stopped {
                consumeText(into: &ignored, keep: false)
            }
        }
        guard skipLineEnd() else {
            error("unterminated multi-line string: 'text:' has no line ending in '.'", at: start)
            hitUnterminated = true
            return .invalid
        }
        var value: [UInt8] = []
        while !diagnostics.stopped {
            guard let first = peek() else { break }
            if first == UInt8(ascii: ".") {
                // A line holding only "." ends the string; ".." at a line start stands for ".".
                let next = peek(1)
                if next == nil || next.map(isLineEnd) == true {
                    advance()
                    _ = skipLineEnd()
                    return .string(StringLiteral(
                        value: String(decoding: value, as: UTF8.self), isMultiline: true,
                        range: SourceRange(start: start, end: location)))
                }
                if next == UInt8(ascii: ".") { advance() }
            }
            // The rest of the line, with its line end (stored as CRLF).
            while let byte = peek(), !diagnostics.stopped {
                let endsLine = byte == UInt8(ascii: "\n")
                    || (byte == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n"))
                consumeText(into: &value, keep: true)
                if endsLine { break }
            }
        }
        error("unterminated multi-line string: 'text:' has no line ending in '.'", at: start)
        hitUnterminated = true
        return .invalid
    }

    /// Whether `byte` starts a line end (LF, or the CR of CRLF; a lone CR counts too, so
    /// that `consumeText` reports it).
    func isLineEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// Consumes one line end (CRLF or LF). Returns false, consuming nothing, if there is none.
    mutating func skipLineEnd() -> Bool {
        if peek() == UInt8(ascii: "\n") {
            advance()
            return true
        }
        if peek() == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n") {
            advance(2)
            return true
        }
        return false
    }
}

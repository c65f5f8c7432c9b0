/// One lexical token of a Sieve script (RFC 5228 §8.1), with the source it covers.
///
/// - SeeAlso: RFC 5228 §2.2–§2.4, §8.1.
struct Token: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// `[A-Za-z_][A-Za-z0-9_]*`, as written.
        case identifier(String)
        /// `:identifier`, stored without the colon, as written.
        case tag(String)
        /// A number with its K/M/G quantifier already applied.
        case number(Int)
        /// A quoted or multi-line string with escapes and dot-stuffing removed.
        case string(StringLiteral)
        case leftBrace, rightBrace
        case leftParen, rightParen
        case leftBracket, rightBracket
        case comma, semicolon
        /// Input the lexer could not make into a token; it has already reported why.
        case invalid
        case endOfInput
    }

    var kind: Kind
    var range: SourceRange

    /// How the token reads in an error message: `'}'`, `identifier 'keep'`, `end of script`.
    var description: String {
        switch kind {
        case .identifier(let name): return "identifier '\(name)'"
        case .tag(let name): return "tag ':\(name)'"
        case .number(let value): return "number \(value)"
        case .string(let literal):
            if literal.isMultiline { return "multi-line string" }
            let shown = literal.value.count > 20 ? String(literal.value.prefix(20)) + "..." : literal.value
            return "string \"\(shown.debugEscaped)\""
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .comma: return "','"
        case .semicolon: return "';'"
        case .invalid: return "invalid input"
        case .endOfInput: return "end of script"
        }
    }
}

extension String {
    /// The string with line ends, tabs and other control characters shown as escapes,
    /// so a message about it stays on one line.
    var debugEscaped: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

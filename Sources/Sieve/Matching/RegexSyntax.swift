/// A parsed POSIX extended regular expression (ERE), before it is compiled to a program.
///
/// - SeeAlso: draft-ietf-sieve-regex §3 (EREs as POSIX.2 defines them), POSIX.1-2017 XBD §9.4
indirect enum RegexNode: Sendable, Equatable {
    /// Matches the empty string (an empty branch or group: `()`, `a|`).
    case empty
    /// One character (already case-folded when the pattern is compiled with folding).
    case character(UInt32)
    /// `.`: any one character, newline included (no REG_NEWLINE).
    case anyCharacter
    /// A bracket expression: index into the pattern's character sets.
    case set(Int)
    /// `^`: the start of the value.
    case startAnchor
    /// `$`: the end of the value.
    case endAnchor
    /// A parenthesised group; `index` counts from 1 in order of the opening parentheses.
    case group(RegexNode, index: Int)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    /// `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}`; `maximum` nil means unbounded.
    case repetition(RegexNode, minimum: Int, maximum: Int?)
}

/// Why a pattern was refused: what is wrong and where (a 0-based character offset).
public struct RegexSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in operator's words ("missing ')' to close the group opened at character 3").
    public var message: String
    /// The 0-based offset (in Unicode scalars) of the character the problem was found at.
    public var offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// `"<message> at character N"`, N counting from 1.
    public var description: String { "\(message) at character \(offset + 1)" }
}

/// Reads an ERE the way glibc's `regcomp(REG_EXTENDED)` accepts it, except that GNU
/// backslash extensions (`\w`, `\b`, `\1`, ...) are refused, as draft-ietf-sieve-regex §3
/// asks ("word boundaries and backreferences are not supported").
///
/// Grammar (see `Grammar/regex.ebnf`):
/// `regex = branch *("|" branch)`, `branch = *piece`, `piece = atom *quantifier`.
struct RegexParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private let folding: RegexCaseFolding
    private(set) var sets: [RegexCharacterSet] = []
    private(set) var groupCount = 0
    private let maxRepetition: Int

    init(_ pattern: String, folding: RegexCaseFolding, maxRepetition: Int) {
        self.scalars = Array(pattern.unicodeScalars)
        self.folding = folding
        self.maxRepetition = maxRepetition
    }

    /// Parses the whole pattern.
    mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        let node = try parseAlternation(openedAt: nil)
        // An unmatched ')' is an ordinary character (glibc's RE_UNMATCHED_RIGHT_PAREN_ORD),
        // which parseAlternation already consumed; nothing can be left over here.
        return node
    }

    private var atEnd: Bool { position >= scalars.count }
    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        position + ahead < scalars.count ? scalars[position + ahead] : nil
    }

    // regex = branch *("|" branch)
    private mutating func parseAlternation(openedAt: Int?) throws(RegexSyntaxError) -> RegexNode {
        var branches = [try parseBranch(inGroup: openedAt != nil)]
        while peek() == "|" {
            position += 1
            branches.append(try parseBranch(inGroup: openedAt != nil))
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    // branch = *piece
    private mutating func parseBranch(inGroup: Bool) throws(RegexSyntaxError) -> RegexNode {
        var pieces: [RegexNode] = []
        while let c = peek(), c != "|", !(c == ")" && inGroup) {
            pieces.append(try parsePiece())
        }
        switch pieces.count {
        case 0: return .empty
        case 1: return pieces[0]
        default: return .concatenation(pieces)
        }
    }

    // piece = atom *quantifier
    private mutating func parsePiece() throws(RegexSyntaxError) -> RegexNode {
        let start = position
        guard let c = peek() else { return .empty }
        if Self.isQuantifierStart(c) {
            throw RegexSyntaxError("'\(c)' has nothing to repeat (a quantifier must follow a character, '.', a bracket expression or a group)",
                                   at: start)
        }
        var atom = try parseAtom()
        let isAnchor = atom == .startAnchor || atom == .endAnchor
        while let q = peek(), Self.isQuantifierStart(q) {
            if isAnchor {
                throw RegexSyntaxError("'\(q)' cannot repeat the anchor '\(scalars[start])'", at: position)
            }
            let quantifierStart = position
            position += 1
            switch q {
            case "*": atom = .repetition(atom, minimum: 0, maximum: nil)
            case "+": atom = .repetition(atom, minimum: 1, maximum: nil)
            case "?": atom = .repetition(atom, minimum: 0, maximum: 1)
            default:
                let (minimum, maximum) = try parseInterval(openedAt: quantifierStart)
                atom = .repetition(atom, minimum: minimum, maximum: maximum)
            }
        }
        return atom
    }

    private static func isQuantifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "*" || c == "+" || c == "?" || c == "{"
    }

    // interval = "{" [count] ["," [count]] "}"   (after the "{")
    private mutating func parseInterval(openedAt start: Int) throws(RegexSyntaxError) -> (Int, Int?) {
        let minimum = try parseCount(orDefault: 0, interval: start)
        var maximum: Int? = minimum
        if peek() == "," {
            position += 1
            maximum = peek() == "}" ? nil : try parseCount(orDefault: nil, interval: start)
        }
        guard let close = peek() else {
            throw RegexSyntaxError("missing '}' to close the interval opened", at: start)
        }
        guard close == "}" else {
            throw RegexSyntaxError("invalid interval: expected a number, ',' or '}', found '\(close)'", at: position)
        }
        position += 1
        if let maximum, maximum < minimum {
            throw RegexSyntaxError("invalid interval {\(minimum),\(maximum)}: the minimum is greater than the maximum", at: start)
        }
        return (minimum, maximum)
    }

    private mutating func parseCount(orDefault fallback: Int?, interval start: Int) throws(RegexSyntaxError) -> Int {
        let digitsStart = position
        var value = 0
        while let c = peek(), c.value >= 0x30 && c.value <= 0x39 {
            value = min(value * 10 + Int(c.value - 0x30), Int(Int32.max))
            position += 1
        }
        if position == digitsStart {
            if let fallback, peek() == "," { return fallback }
            guard let c = peek() else { throw RegexSyntaxError("missing '}' to close the interval opened", at: start) }
            throw RegexSyntaxError("invalid interval: expected a number, found '\(c)'", at: position)
        }
        if value > maxRepetition {
            throw RegexSyntaxError("repetition count \(value) exceeds the limit of \(maxRepetition)", at: digitsStart)
        }
        return value
    }

    // atom = "(" regex ")" / "." / "^" / "$" / bracket / "\" char / char
    private mutating func parseAtom() throws(RegexSyntaxError) -> RegexNode {
        let start = position
        let c = scalars[position]
        position += 1
        switch c {
        case "(":
            groupCount += 1
            let index = groupCount
            let inner = try parseAlternation(openedAt: start)
            guard peek() == ")" else {
                throw RegexSyntaxError("missing ')' to close the group opened at character \(start + 1)", at: scalars.count)
            }
            position += 1
            return .group(inner, index: index)
        case ".": return .anyCharacter
        case "^": return .startAnchor
        case "$": return .endAnchor
        case "[":
            var set = try parseBracket(openedAt: start)
            set.addCaseVariants(folding)
            sets.append(set)
            return .set(sets.count - 1)
        case "\\":
            guard let next = peek() else {
                throw RegexSyntaxError("trailing backslash: '\\' must be followed by the character it escapes", at: start)
            }
            if next.properties.isAlphabetic || (next.value >= 0x30 && next.value <= 0x39) {
                let what = next.value >= 0x31 && next.value <= 0x39
                    ? "back-references such as '\\\(next)' are not supported (they cannot be matched in linear time)"
                    : "'\\\(next)' is not a POSIX extended regular expression escape; a backslash may only quote a special character (use a bracket expression such as [[:digit:]] or [[:space:]] for classes)"
                throw RegexSyntaxError(what, at: start)
            }
            position += 1
            return .character(folding.fold(next.value))
        default:
            return .character(folding.fold(c.value))
        }
    }

    // bracket = "[" ["^"] ["]"] *(class / equivalence / collating / range / char) "]"
    private mutating func parseBracket(openedAt start: Int) throws(RegexSyntaxError) -> RegexCharacterSet {
        var set = RegexCharacterSet()
        if peek() == "^" {
            set.negated = true
            position += 1
        }
        var first = true
        while true {
            guard let c = peek() else {
                throw RegexSyntaxError("missing ']' to close the bracket expression opened at character \(start + 1)", at: scalars.count)
            }
            if c == "]" && !first {
                position += 1
                return set
            }
            first = false
            let itemStart = position
            if c == "[", let kind = peek(1), kind == ":" {
                set.addClass(try parseClass())
                continue
            }
            let low = try parseBracketCharacter()
            // A range: "a-z"; a '-' just before the closing ']' is an ordinary character.
            if peek() == "-", let after = peek(1), after != "]" {
                position += 1
                if after == "[", peek(1) == ":" {
                    throw RegexSyntaxError("a character class cannot end a range", at: position)
                }
                let high = try parseBracketCharacter()
                guard low <= high else {
                    throw RegexSyntaxError("invalid range: its end comes before its start", at: itemStart)
                }
                set.addRange(low, high)
            } else {
                set.addRange(low, low)
            }
        }
    }

    /// One character of a bracket expression: plain, `[.c.]` or `[=c=]` (one character
    /// each; multi-character collating elements do not exist in our locale).
    private mutating func parseBracketCharacter() throws(RegexSyntaxError) -> UInt32 {
        let start = position
        if peek() == "[", let kind = peek(1), kind == "." || kind == "=" {
            position += 2
            guard let c = peek(), peek(1) == kind, peek(2) == "]" else {
                throw RegexSyntaxError("invalid collating element: '[\(kind)' must hold exactly one character and end with '\(kind)]'",
                                       at: start)
            }
            position += 3
            return c.value
        }
        position += 1
        return scalars[start].value
    }

    // class = "[:" name ":]"
    private mutating func parseClass() throws(RegexSyntaxError) -> RegexCharacterClass {
        let start = position
        position += 2
        var name = ""
        while let c = peek(), c != ":" {
            name.unicodeScalars.append(c)
            position += 1
        }
        guard peek() == ":", peek(1) == "]" else {
            throw RegexSyntaxError("missing ':]' to close the character class opened", at: start)
        }
        position += 2
        guard let found = RegexCharacterClass(rawValue: name) else {
            let names = RegexCharacterClass.allCases.map(\.rawValue).joined(separator: ", ")
            throw RegexSyntaxError("unknown character class '[:\(name):]'; expected one of \(names)", at: start)
        }
        return found
    }
}

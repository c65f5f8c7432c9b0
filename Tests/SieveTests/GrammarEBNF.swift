import Foundation

/// One expression of the W3C-style EBNF subset that `Grammar/*.ebnf` files use.
indirect enum EBNF: Sendable, Hashable {
    case ref(String)
    /// A literal string, as Unicode scalars.
    case literal(String)
    /// A character class: the scalars in `ranges`, or (negated) every scalar outside them.
    case charClass(ranges: [ClosedRange<UInt32>], negated: Bool)
    case sequence([EBNF])
    case choice([EBNF])
    case optional(EBNF)
    case zeroOrMore(EBNF)
    case oneOrMore(EBNF)
}

/// A grammar read from an EBNF file: named rules, in file order.
struct EBNFGrammar: Sendable {
    var rules: [String: EBNF]
    var ruleOrder: [String]

    /// Lexical rules have UPPER-CASE names (see the header of `Grammar/sieve.ebnf`).
    static func isLexical(_ name: String) -> Bool {
        name.uppercased() == name
    }

    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads the grammar text. Every rule referenced must be defined.
    static func read(_ text: String) throws -> EBNFGrammar {
        var reader = Reader(tokens: try tokenize(text))
        let grammar = try reader.grammar()
        for (name, expression) in grammar.rules {
            for reference in expression.references where grammar.rules[reference] == nil {
                throw ReadError(description: "rule \(name) refers to undefined \(reference)")
            }
        }
        return grammar
    }

    /// Reads `Grammar/<name>` of this repository (found from this source file's path).
    static func load(_ name: String, filePath: String = #filePath) throws -> EBNFGrammar {
        let root = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // SieveTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
        let url = root.appendingPathComponent("Grammar").appendingPathComponent(name)
        return try read(String(contentsOf: url, encoding: .utf8))
    }

    // MARK: reading

    enum Lexeme: Equatable {
        case name(String), defines, literal(String), character(UInt32)
        case charClass([ClosedRange<UInt32>], negated: Bool)
        case bar, open, close, question, star, plus
    }

    static func tokenize(_ text: String) throws -> [Lexeme] {
        let scalars = Array(text.unicodeScalars)
        var lexemes: [Lexeme] = []
        var i = 0
        func hex(at start: Int) throws -> (UInt32, Int) {
            var j = start + 2  // past "#x"
            var value: UInt32 = 0
            while j < scalars.count, let digit = UInt32(String(scalars[j]), radix: 16) {
                value = value * 16 + digit
                j += 1
            }
            guard j > start + 2 else { throw ReadError(description: "bad #x at \(start)") }
            return (value, j)
        }
        while i < scalars.count {
            let c = scalars[i]
            let next: Unicode.Scalar? = i + 1 < scalars.count ? scalars[i + 1] : nil
            switch c {
            case " ", "\t", "\n", "\r":
                i += 1
            case "/" where next == "*":
                var j = i + 2
                while j + 1 < scalars.count && !(scalars[j] == "*" && scalars[j + 1] == "/") { j += 1 }
                guard j + 1 < scalars.count else { throw ReadError(description: "unterminated comment") }
                i = j + 2
            case "\"", "'":
                var j = i + 1
                while j < scalars.count && scalars[j] != c { j += 1 }
                guard j < scalars.count else { throw ReadError(description: "unterminated literal") }
                var literal = ""
                literal.unicodeScalars.append(contentsOf: scalars[(i + 1)..<j])
                lexemes.append(.literal(literal))
                i = j + 1
            case "#" where next == "x":
                let (value, end) = try hex(at: i)
                lexemes.append(.character(value))
                i = end
            case "[":
                var j = i + 1
                let negated = j < scalars.count && scalars[j] == "^"
                if negated { j += 1 }
                var items: [UInt32] = []
                var ranges: [ClosedRange<UInt32>] = []
                var pendingRange = false
                while j < scalars.count && scalars[j] != "]" {
                    var value: UInt32
                    if scalars[j] == "#" && j + 1 < scalars.count && scalars[j + 1] == "x" {
                        (value, j) = try hex(at: j)
                    } else if scalars[j] == "-" && !items.isEmpty && !pendingRange {
                        pendingRange = true
                        j += 1
                        continue
                    } else {
                        value = scalars[j].value
                        j += 1
                    }
                    if pendingRange, let low = items.popLast() {
                        guard low <= value else { throw ReadError(description: "bad range in class") }
                        ranges.append(low...value)
                        pendingRange = false
                    } else {
                        items.append(value)
                    }
                }
                guard j < scalars.count else { throw ReadError(description: "unterminated class") }
                ranges += items.map { $0...$0 }
                lexemes.append(.charClass(ranges, negated: negated))
                i = j + 1
            case ":" where i + 2 < scalars.count && scalars[i + 1] == ":" && scalars[i + 2] == "=":
                lexemes.append(.defines)
                i += 3
            case "|": lexemes.append(.bar); i += 1
            case "(": lexemes.append(.open); i += 1
            case ")": lexemes.append(.close); i += 1
            case "?": lexemes.append(.question); i += 1
            case "*": lexemes.append(.star); i += 1
            case "+": lexemes.append(.plus); i += 1
            default:
                guard c.properties.isAlphabetic else {
                    throw ReadError(description: "unexpected '\(c)' in grammar")
                }
                var j = i
                while j < scalars.count,
                      scalars[j].properties.isAlphabetic || scalars[j] == "-" || ("0"..."9").contains(scalars[j]) {
                    j += 1
                }
                var name = ""
                name.unicodeScalars.append(contentsOf: scalars[i..<j])
                lexemes.append(.name(name))
                i = j
            }
        }
        return lexemes
    }

    struct Reader {
        var tokens: [Lexeme]
        var index = 0

        var current: Lexeme? { index < tokens.count ? tokens[index] : nil }
        var startsRule: Bool {
            if case .name = current, index + 1 < tokens.count, tokens[index + 1] == .defines { return true }
            return false
        }

        // grammar ::= (name "::=" choice)*
        mutating func grammar() throws -> EBNFGrammar {
            var rules: [String: EBNF] = [:]
            var order: [String] = []
            while case .name(let name) = current, startsRule {
                index += 2
                guard rules[name] == nil else { throw ReadError(description: "rule \(name) defined twice") }
                rules[name] = try choice()
                order.append(name)
            }
            guard current == nil else { throw ReadError(description: "unexpected \(String(describing: current))") }
            return EBNFGrammar(rules: rules, ruleOrder: order)
        }

        // choice ::= sequence ("|" sequence)*
        mutating func choice() throws -> EBNF {
            var options = [try sequence()]
            while current == .bar {
                index += 1
                options.append(try sequence())
            }
            return options.count == 1 ? options[0] : .choice(options)
        }

        // sequence ::= postfix+
        mutating func sequence() throws -> EBNF {
            var items: [EBNF] = []
            while let token = current, token != .bar, token != .close, !startsRule {
                items.append(try postfix())
            }
            guard !items.isEmpty else { throw ReadError(description: "empty sequence at token \(index)") }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        // postfix ::= primary ("?" | "*" | "+")?
        mutating func postfix() throws -> EBNF {
            let item = try primary()
            switch current {
            case .question: index += 1; return .optional(item)
            case .star: index += 1; return .zeroOrMore(item)
            case .plus: index += 1; return .oneOrMore(item)
            default: return item
            }
        }

        // primary ::= name | literal | character | class | "(" choice ")"
        mutating func primary() throws -> EBNF {
            guard let token = current else { throw ReadError(description: "unexpected end of grammar") }
            index += 1
            switch token {
            case .name(let name): return .ref(name)
            case .literal(let text): return .literal(text)
            case .character(let value): return .charClass(ranges: [value...value], negated: false)
            case .charClass(let ranges, let negated): return .charClass(ranges: ranges, negated: negated)
            case .open:
                let inner = try choice()
                guard current == .close else { throw ReadError(description: "missing ')'") }
                index += 1
                return inner
            default:
                throw ReadError(description: "unexpected \(token)")
            }
        }
    }
}

extension EBNF {
    /// Names of the rules this expression refers to.
    var references: [String] {
        switch self {
        case .ref(let name): return [name]
        case .literal, .charClass: return []
        case .sequence(let items), .choice(let items): return items.flatMap(\.references)
        case .optional(let item), .zeroOrMore(let item), .oneOrMore(let item): return item.references
        }
    }

    /// Whether a character class holds `scalar`.
    static func classContains(_ ranges: [ClosedRange<UInt32>], negated: Bool, _ scalar: UInt32) -> Bool {
        ranges.contains { $0.contains(scalar) } != negated
    }
}

import Testing
@testable import Sieve

/// The grammar kind of a lexer token: the lexical rule name, or the punctuation literal.
func grammarKind(_ kind: Token.Kind) -> String {
    switch kind {
    case .identifier: return "IDENTIFIER"
    case .tag: return "TAG"
    case .number: return "NUMBER"
    case .string(let literal): return literal.isMultiline ? "MULTI-LINE" : "QUOTED-STRING"
    case .leftBrace: return "{"
    case .rightBrace: return "}"
    case .leftParen: return "("
    case .rightParen: return ")"
    case .leftBracket: return "["
    case .rightBracket: return "]"
    case .comma: return ","
    case .semicolon: return ";"
    case .invalid: return "<invalid>"
    case .endOfInput: return "<end>"
    }
}

/// Splits a script into tokens with the project's lexer (for scripts that lex cleanly).
func lexSentence(_ text: String) -> Sentence {
    let bytes = Array(text.utf8)
    var lexer = Lexer(bytes: bytes, diagnostics: DiagnosticCollector(limit: 50, file: nil))
    var tokens: [SentenceToken] = []
    var leading = ""
    var previousEnd = 0
    while true {
        let token = lexer.next()
        let space = String(decoding: bytes[previousEnd..<token.range.start.offset], as: UTF8.self)
        if let last = tokens.indices.last { tokens[last].spaceAfter = space } else { leading = space }
        if token.kind == .endOfInput { break }
        let tokenText = String(decoding: bytes[token.range.start.offset..<token.range.end.offset], as: UTF8.self)
        tokens.append(SentenceToken(text: tokenText, kind: grammarKind(token.kind), spaceAfter: ""))
        previousEnd = token.range.end.offset
    }
    return Sentence(leadingSpace: leading, tokens: tokens)
}

/// The grammar, read once per test (tests share no state).
func sieveGrammar() throws -> EBNFGrammar {
    try EBNFGrammar.load("sieve.ebnf")
}

@Suite("Grammar/sieve.ebnf drives the parser tests")
struct GrammarTests {
    @Test func grammarReadsAndDefinesTheRulesTheGeneratorNeeds() throws {
        let grammar = try sieveGrammar()
        for rule in ["start", "command", "block", "arguments", "test-list", "string-list",
                     "WHITE-SPACE", "IDENTIFIER", "TAG", "NUMBER", "QUOTED-STRING", "MULTI-LINE"] {
            #expect(grammar.rules[rule] != nil, "missing rule \(rule)")
        }
        #expect(grammar.ruleOrder.first == "start")
    }

    @Test func recognizerAgreesWithHandPickedTokenSequences() throws {
        let grammar = try sieveGrammar()
        let valid: [[String]] = [
            [],
            ["IDENTIFIER", ";"],
            ["IDENTIFIER", "IDENTIFIER", "{", "}"],
            ["IDENTIFIER", "(", "IDENTIFIER", ",", "IDENTIFIER", "TAG", ")", "{", "IDENTIFIER", ";", "}"],
            ["IDENTIFIER", "[", "QUOTED-STRING", ",", "MULTI-LINE", "]", "NUMBER", ";"],
        ]
        let invalid: [[String]] = [
            ["IDENTIFIER"],
            [";"],
            ["IDENTIFIER", "[", "]", ";"],
            ["IDENTIFIER", "(", ")", ";"],
            ["IDENTIFIER", "{", ";", "}"],
            ["IDENTIFIER", "(", "IDENTIFIER", ")", "QUOTED-STRING", ";"],
        ]
        for kinds in valid { #expect(TokenRecognizer.accepts(grammar, kinds), "\(kinds)") }
        for kinds in invalid { #expect(!TokenRecognizer.accepts(grammar, kinds), "\(kinds)") }
    }

    /// Every generated sentence must parse without a diagnostic, and the lexer must split
    /// it into exactly the tokens the generator put together.
    @Test(arguments: 0..<6)
    func generatedScriptsParse(batch: Int) throws {
        let grammar = try sieveGrammar()
        var generator = SentenceGenerator(grammar: grammar, seed: 0x5EED_0000 + UInt64(batch))
        var kindsSeen: Set<String> = []
        for index in 0..<50 {
            let sentence = generator.sentence()
            let text = sentence.text
            #expect(TokenRecognizer.accepts(grammar, sentence.kinds), "generator made a non-sentence #\(index)")
            let result = SieveParser.parse(text)
            #expect(result.diagnostics.map(\.description) == [], "script #\(index) of batch \(batch):\n\(text)")
            let relexed = lexSentence(text)
            #expect(relexed.tokens.map(\.text) == sentence.tokens.map(\.text), "token split of #\(index)")
            #expect(relexed.kinds == sentence.kinds, "token kinds of #\(index)")
            #expect(result.script.commands.count == topLevelCommandCount(sentence.kinds))
            kindsSeen.formUnion(sentence.kinds)
        }
        // The batch exercised every kind of token the grammar has.
        #expect(kindsSeen.isSuperset(of: ["IDENTIFIER", "TAG", "NUMBER", "QUOTED-STRING", "MULTI-LINE",
                                          "{", "}", "(", ")", "[", "]", ",", ";"]))
    }

    /// Commands at brace depth 0 end with a `;` or a `}` that returns to depth 0.
    func topLevelCommandCount(_ kinds: [String]) -> Int {
        var depth = 0
        var count = 0
        for kind in kinds {
            switch kind {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { count += 1 }
            case ";" where depth == 0: count += 1
            default: break
            }
        }
        return count
    }
}

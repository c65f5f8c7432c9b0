import Testing
@testable import Sieve

/// Realistic scripts (valid), mutated alongside the generated ones.
let realisticScripts: [String] = [
    """
    require ["fileinto", "reject", "envelope"];
    # Spam goes to its folder, huge mail is refused.
    if header :contains "X-Spam-Flag" "YES" {
        fileinto "Junk";
        stop;
    }
    if size :over 20M {
        reject text:
    Your message is too large for this mailbox.
    ..Please send a link instead.
    .
    ;
    }
    """,
    """
    require "fileinto";
    if anyof (header :is "List-Id" ["<dev.lists.example.org>", "<ops.lists.example.org>"],
              address :domain :is "from" "lists.example.org") {
        fileinto "Lists/Example";
    } elsif allof (not exists "Date", envelope :localpart :matches "to" "*+bulk") {
        discard;
    } else {
        keep;
    }
    """,
    """
    require ["vacation", "variables"];
    /* Out of office until the 12th. */
    if header :matches "subject" "*" { set "subj" "${1}"; }
    vacation :days 7 :subject "Away: ${subj}" :addresses ["me@example.com", "Me@Example.COM"]
      "I am away until the 12th and will answer when back.";
    """,
]

/// What a mutation did, for failure messages.
struct Mutant {
    var sentence: Sentence
    var description: String
}

/// Applies one random token-level mutation. White space around the mutation point gets
/// an extra space, so the lexer reads exactly the mutated token sequence.
func mutateTokens(_ original: Sentence, pool: [SentenceToken], rng: inout SplitMix64) -> Mutant {
    var s = original
    func separate(before index: Int) {
        if index == 0 { s.leadingSpace += " " } else if index - 1 < s.tokens.count { s.tokens[index - 1].spaceAfter += " " }
    }
    guard !s.tokens.isEmpty else {
        var token = pool.randomElement(using: &rng) ?? SentenceToken(text: ";", kind: ";", spaceAfter: "")
        token.spaceAfter = " "
        s.tokens = [token]
        return Mutant(sentence: s, description: "insert \(token.text) into empty script")
    }
    let i = Int.random(in: 0..<s.tokens.count, using: &rng)
    var extra = pool.randomElement(using: &rng) ?? SentenceToken(text: ";", kind: ";", spaceAfter: "")
    extra.spaceAfter = " "
    switch Int.random(in: 0..<6, using: &rng) {
    case 5:
        // Replace some punctuation by other punctuation: the likeliest typo class.
        let punctuation = pool.filter { $0.kind == $0.text }
        let candidates = s.tokens.indices.filter { s.tokens[$0].kind == s.tokens[$0].text }
        guard let j = candidates.randomElement(using: &rng),
              let other = punctuation.filter({ $0.kind != s.tokens[j].kind }).randomElement(using: &rng)
        else { return Mutant(sentence: s, description: "unchanged") }
        let old = s.tokens[j].text
        separate(before: j)
        s.tokens[j] = SentenceToken(text: other.text, kind: other.kind, spaceAfter: " " + s.tokens[j].spaceAfter)
        return Mutant(sentence: s, description: "replace punctuation \(j) \(old) by \(other.text)")
    case 0:
        let removed = s.tokens.remove(at: i)
        separate(before: i)
        if i == 0 { s.leadingSpace += removed.spaceAfter } else { s.tokens[i - 1].spaceAfter += removed.spaceAfter }
        return Mutant(sentence: s, description: "delete token \(i) \(removed.text)")
    case 1:
        separate(before: i)
        s.tokens.insert(extra, at: i)
        return Mutant(sentence: s, description: "insert \(extra.text) at \(i)")
    case 2:
        var copy = s.tokens[i]
        copy.spaceAfter = " "
        s.tokens[i].spaceAfter += " "
        s.tokens.insert(copy, at: i + 1)
        return Mutant(sentence: s, description: "duplicate token \(i) \(copy.text)")
    case 3:
        separate(before: i)
        extra.spaceAfter = " " + s.tokens[i].spaceAfter
        let old = s.tokens[i].text
        s.tokens[i] = extra
        return Mutant(sentence: s, description: "replace token \(i) \(old) by \(extra.text)")
    default:
        guard i + 1 < s.tokens.count else {
            s.tokens.removeLast(Int.random(in: 1...s.tokens.count, using: &rng))
            return Mutant(sentence: s, description: "truncate tokens")
        }
        let (a, b) = (s.tokens[i], s.tokens[i + 1])
        s.tokens[i] = SentenceToken(text: b.text, kind: b.kind, spaceAfter: " " + a.spaceAfter)
        s.tokens[i + 1] = SentenceToken(text: a.text, kind: a.kind, spaceAfter: " " + b.spaceAfter)
        separate(before: i)
        return Mutant(sentence: s, description: "swap tokens \(i) and \(i + 1)")
    }
}

/// The 1-based line and column of a byte offset, as the lexer defines them (columns count
/// Unicode scalars, i.e. bytes that are not UTF-8 continuation bytes).
func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
    var line = 1
    var column = 1
    for byte in bytes[..<min(offset, bytes.count)] {
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }
    return (line, column)
}

@Suite("Grammar mutations", .timeLimit(.minutes(2)))
struct GrammarMutationTests {
    /// The scripts to mutate: a batch of generated sentences plus the realistic ones.
    static func corpus(_ grammar: EBNFGrammar, seed: UInt64, count: Int) -> [Sentence] {
        var generator = SentenceGenerator(grammar: grammar, seed: seed)
        return (0..<count).map { _ in generator.sentence() } + realisticScripts.map(lexSentence)
    }

    /// Tokens to insert: every punctuation literal and fresh tokens of every lexical kind.
    static func pool(_ grammar: EBNFGrammar, seed: UInt64) -> [SentenceToken] {
        var generator = SentenceGenerator(grammar: grammar, seed: seed)
        var pool = generator.punctuation.sorted().map { SentenceToken(text: $0, kind: $0, spaceAfter: "") }
        for kind in ["IDENTIFIER", "TAG", "NUMBER", "QUOTED-STRING", "MULTI-LINE"] {
            for _ in 0..<3 { pool.append(SentenceToken(text: generator.text(of: kind), kind: kind, spaceAfter: "")) }
        }
        return pool
    }

    /// Claim: for token-level mutants (delete, insert, duplicate, replace, swap, truncate),
    /// the parser reports an error exactly when the mutant's token sequence is not a
    /// sentence of `Grammar/sieve.ebnf`, as decided by the independent `TokenRecognizer`.
    /// Both directions: no false alarms, no missed errors.
    @Test(arguments: 0..<4)
    func tokenMutantsAreRejectedExactlyWhenOutsideTheGrammar(batch: Int) throws {
        let grammar = try sieveGrammar()
        let seed = 0xA11CE_0000 + UInt64(batch)
        let pool = GrammarMutationTests.pool(grammar, seed: seed)
        var rng = SplitMix64(seed: seed)
        var rejected = 0
        var accepted = 0
        for original in GrammarMutationTests.corpus(grammar, seed: seed, count: 40) {
            for _ in 0..<8 {
                let mutant = mutateTokens(original, pool: pool, rng: &rng)
                let text = mutant.sentence.text
                // Premise: the lexer reads exactly the mutated tokens.
                #expect(lexSentence(text).kinds == mutant.sentence.kinds, "\(mutant.description)")
                let inGrammar = TokenRecognizer.accepts(grammar, mutant.sentence.kinds)
                let result = SieveParser.parse(text)
                #expect(result.hasErrors == !inGrammar,
                        "\(mutant.description): grammar says \(inGrammar), parser said \(result.diagnostics)\n\(text)")
                if inGrammar { accepted += 1 } else { rejected += 1 }
            }
        }
        // Both outcomes occur, so the test checks both directions.
        #expect(rejected > 50)
        #expect(accepted > 20)
    }

    /// Claims for byte-level mutants (delete, insert, duplicate a range, swap, truncate,
    /// NUL, invalid UTF-8, stray quotes, comment marks and brackets):
    /// - the parser returns (no crash, no hang) with at most `maxDiagnostics` diagnostics;
    /// - every diagnostic's line and column agree with its byte offset, inside the script;
    /// - a mutant holding a NUL, a CR not followed by LF, or bytes that are not well-formed
    ///   UTF-8 (per the standard library's validator) gets at least one error, since no
    ///   sentence of the grammar contains those.
    /// Other byte mutants may or may not stay valid; for them only the first two claims hold.
    @Test(arguments: 0..<4)
    func byteMutantsNeverCrashAndBadBytesAreReported(batch: Int) throws {
        let grammar = try sieveGrammar()
        let seed = 0xB17E_0000 + UInt64(batch)
        var rng = SplitMix64(seed: seed)
        let inserts: [[UInt8]] = [[0x00], [0x80], [0xBF], [0xC0], [0xFF], [0xE2, 0x82], [0x0D],
                                  Array("\"".utf8), Array("/*".utf8), Array("*/".utf8), Array("#".utf8),
                                  Array("{".utf8), Array("}".utf8), Array("(".utf8), Array("]".utf8),
                                  Array("text:".utf8), Array("\n.\n".utf8), Array("\\".utf8), Array("99999999999G".utf8)]
        var mustFail = 0
        for original in GrammarMutationTests.corpus(grammar, seed: seed, count: 40) {
            let source = Array(original.text.utf8)
            for _ in 0..<8 {
                var bytes = source
                let at = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0 where !bytes.isEmpty:
                    bytes.remove(at: min(at, bytes.count - 1))
                case 1:
                    bytes.insert(contentsOf: inserts.randomElement(using: &rng) ?? [0], at: at)
                case 2:
                    let end = min(bytes.count, at + Int.random(in: 1...20, using: &rng))
                    bytes.insert(contentsOf: bytes[at..<end], at: end)
                case 3 where bytes.count > 1:
                    let other = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes.swapAt(min(at, bytes.count - 1), other)
                default:
                    bytes.removeLast(bytes.count - at)
                }
                let limits = ParserLimits(maxDiagnostics: 10)
                let result = SieveParser.parse(bytes, limits: limits)
                #expect(result.diagnostics.count <= limits.maxDiagnostics)
                for diagnostic in result.diagnostics {
                    let location = diagnostic.location
                    #expect(location.offset >= 0 && location.offset <= bytes.count)
                    let (line, column) = lineAndColumn(of: location.offset, in: bytes)
                    #expect(location.line == line && location.column == column, "\(diagnostic)")
                }
                let hasBareCR = bytes.indices.contains { bytes[$0] == 0x0D && (($0 + 1 < bytes.count) ? bytes[$0 + 1] != 0x0A : true) }
                let wellFormed = String(validating: bytes, as: UTF8.self) != nil
                // Comments may hold any octet, so invalid UTF-8 must fail only where no comment can hide it.
                let mayBeInComment = bytes.contains(UInt8(ascii: "#")) || bytes.contains(UInt8(ascii: "/"))
                if bytes.contains(0) || hasBareCR || (!wellFormed && !mayBeInComment) {
                    mustFail += 1
                    #expect(result.hasErrors, "bad bytes not reported in \(bytes)")
                }
            }
        }
        #expect(mustFail > 10)
    }
}

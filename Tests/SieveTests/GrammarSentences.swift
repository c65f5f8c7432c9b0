/// A small deterministic random number generator (SplitMix64), so generated scripts are
/// the same on every run.
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One token of a generated (or re-tokenised) script: its text, its kind (the lexical
/// rule that made it, or the literal itself for punctuation), and the white space after it.
struct SentenceToken: Sendable, Hashable {
    var text: String
    var kind: String
    var spaceAfter: String
}

/// A script as tokens: leading white space, then tokens each followed by their white space.
struct Sentence: Sendable {
    var leadingSpace: String
    var tokens: [SentenceToken]

    var text: String { leadingSpace + tokens.map { $0.text + $0.spaceAfter }.joined() }
    var kinds: [String] { tokens.map(\.kind) }
}

/// Generates random sentences of an `EBNFGrammar`: syntactic rules give tokens, lexical
/// rules give the characters of one token; white space between tokens comes from the
/// grammar's `WHITE-SPACE` rule.
struct SentenceGenerator {
    let grammar: EBNFGrammar
    var rng: SplitMix64
    /// How many nested rule expansions before the generator takes the shortest way out.
    var depthBudget: Int
    /// Fewest nested rule expansions each rule needs to finish.
    let minimumHeight: [String: Int]
    /// Characters that negated classes draw from: printable ASCII, some control
    /// characters, and non-ASCII letters and symbols of 2, 3 and 4 UTF-8 bytes.
    static let alphabet: [UInt32] = [0x01, 0x09, 0x7F, 0xE9, 0xDF, 0x4E2D, 0x1F600] + Array(0x20...0x7E)

    init(grammar: EBNFGrammar, seed: UInt64, depthBudget: Int = 24) {
        self.grammar = grammar
        self.rng = SplitMix64(seed: seed)
        self.depthBudget = depthBudget
        self.minimumHeight = SentenceGenerator.heights(of: grammar)
    }

    /// Fixpoint: height(rule) = 1 + height of its cheapest expansion.
    static func heights(of grammar: EBNFGrammar) -> [String: Int] {
        var heights: [String: Int] = [:]
        var changed = true
        while changed {
            changed = false
            for (name, expression) in grammar.rules {
                if let h = height(expression, heights), h + 1 < heights[name] ?? Int.max {
                    heights[name] = h + 1
                    changed = true
                }
            }
        }
        return heights
    }

    static func height(_ expression: EBNF, _ heights: [String: Int]) -> Int? {
        switch expression {
        case .ref(let name): return heights[name]
        case .literal, .charClass, .optional, .zeroOrMore: return 0
        case .oneOrMore(let item): return height(item, heights)
        case .sequence(let items):
            var most = 0
            for item in items {
                guard let h = height(item, heights) else { return nil }
                most = max(most, h)
            }
            return most
        case .choice(let items): return items.compactMap { height($0, heights) }.min()
        }
    }

    /// The literals of syntactic rules: tokens after which no white space is needed.
    var punctuation: Set<String> {
        var found: Set<String> = []
        func collect(_ e: EBNF) {
            switch e {
            case .literal(let text): found.insert(text)
            case .ref, .charClass: break
            case .sequence(let items), .choice(let items): items.forEach(collect)
            case .optional(let item), .zeroOrMore(let item), .oneOrMore(let item): collect(item)
            }
        }
        for (name, rule) in grammar.rules where !EBNFGrammar.isLexical(name) { collect(rule) }
        return found
    }

    /// A random sentence of the syntactic rule `start`.
    mutating func sentence(start: String = "start") -> Sentence {
        var tokens: [(text: String, kind: String)] = []
        expandTokens(.ref(start), depth: 0, into: &tokens)
        let punctuation = self.punctuation
        var result = Sentence(leadingSpace: Bool.random(using: &rng) ? "" : whiteSpace(), tokens: [])
        for (i, token) in tokens.enumerated() {
            let isLast = i == tokens.count - 1
            let nextIsPunctuation = !isLast && punctuation.contains(tokens[i + 1].kind)
            let mayTouch = isLast || punctuation.contains(token.kind) || nextIsPunctuation
            let space = mayTouch && Bool.random(using: &rng) ? "" : whiteSpace()
            result.tokens.append(SentenceToken(text: token.text, kind: token.kind, spaceAfter: space))
        }
        return result
    }

    /// Random text of one lexical rule.
    mutating func text(of rule: String) -> String {
        var out = String.UnicodeScalarView()
        expandText(.ref(rule), depth: 0, into: &out)
        return String(out)
    }

    mutating func whiteSpace() -> String { text(of: "WHITE-SPACE") }

    mutating func count(_ range: ClosedRange<Int>, depth: Int) -> Int {
        depth > depthBudget ? range.lowerBound : Int.random(in: range, using: &rng)
    }

    /// The choice to take: random, or past the budget the one that finishes soonest.
    mutating func pick(_ options: [EBNF], depth: Int) -> EBNF {
        guard depth > depthBudget else { return options.randomElement(using: &rng) ?? options[0] }
        return options.min {
            (SentenceGenerator.height($0, minimumHeight) ?? Int.max)
                < (SentenceGenerator.height($1, minimumHeight) ?? Int.max)
        } ?? options[0]
    }

    mutating func expandTokens(_ e: EBNF, depth: Int, into tokens: inout [(text: String, kind: String)]) {
        switch e {
        case .ref(let name):
            if EBNFGrammar.isLexical(name) {
                tokens.append((text(of: name), name))
            } else if let rule = grammar.rules[name] {
                expandTokens(rule, depth: depth + 1, into: &tokens)
            }
        case .literal(let text):
            tokens.append((text, text))
        case .charClass:
            break  // not used in syntactic rules
        case .sequence(let items):
            for item in items { expandTokens(item, depth: depth, into: &tokens) }
        case .choice(let items):
            expandTokens(pick(items, depth: depth), depth: depth, into: &tokens)
        case .optional(let item):
            if count(0...1, depth: depth) == 1 { expandTokens(item, depth: depth, into: &tokens) }
        case .zeroOrMore(let item):
            for _ in 0..<count(0...3, depth: depth) { expandTokens(item, depth: depth, into: &tokens) }
        case .oneOrMore(let item):
            for _ in 0..<count(1...3, depth: depth) { expandTokens(item, depth: depth, into: &tokens) }
        }
    }

    mutating func expandText(_ e: EBNF, depth: Int, into out: inout String.UnicodeScalarView) {
        switch e {
        case .ref(let name):
            if let rule = grammar.rules[name] { expandText(rule, depth: depth + 1, into: &out) }
        case .literal(let text):
            out.append(contentsOf: text.unicodeScalars)
        case .charClass(let ranges, let negated):
            let value: UInt32
            if negated {
                let allowed = SentenceGenerator.alphabet.filter { !EBNF.classContains(ranges, negated: false, $0) }
                value = allowed.randomElement(using: &rng) ?? 0x20
            } else {
                let range = ranges.randomElement(using: &rng) ?? (0x20...0x20)
                value = UInt32.random(in: range, using: &rng)
            }
            if let scalar = Unicode.Scalar(value) { out.append(scalar) }
        case .sequence(let items):
            for item in items { expandText(item, depth: depth, into: &out) }
        case .choice(let items):
            expandText(pick(items, depth: depth), depth: depth, into: &out)
        case .optional(let item):
            if count(0...1, depth: depth) == 1 { expandText(item, depth: depth, into: &out) }
        case .zeroOrMore(let item):
            for _ in 0..<count(0...5, depth: depth) { expandText(item, depth: depth, into: &out) }
        case .oneOrMore(let item):
            for _ in 0..<count(1...3, depth: depth) { expandText(item, depth: depth, into: &out) }
        }
    }
}

/// Decides whether a token sequence is a sentence of the grammar's syntactic rules.
///
/// A general recogniser for EBNF without left recursion: for each rule and start position
/// it computes the set of positions where a match can end (memoised), so it needs no
/// lookahead assumptions and cannot be fooled by the parser's own LL(1) shortcuts.
struct TokenRecognizer {
    let grammar: EBNFGrammar
    let kinds: [String]
    var memo: [String: [Int: Set<Int>]] = [:]

    init(grammar: EBNFGrammar, kinds: [String]) {
        self.grammar = grammar
        self.kinds = kinds
    }

    static func accepts(_ grammar: EBNFGrammar, _ kinds: [String], start: String = "start") -> Bool {
        var recognizer = TokenRecognizer(grammar: grammar, kinds: kinds)
        return recognizer.ends(.ref(start), from: 0).contains(kinds.count)
    }

    mutating func ends(_ e: EBNF, from start: Int) -> Set<Int> {
        switch e {
        case .ref(let name):
            if EBNFGrammar.isLexical(name) {
                return start < kinds.count && kinds[start] == name ? [start + 1] : []
            }
            if let known = memo[name]?[start] { return known }
            memo[name, default: [:]][start] = []  // no left recursion: a re-entry matches nothing
            let result = grammar.rules[name].map { ends($0, from: start) } ?? []
            memo[name, default: [:]][start] = result
            return result
        case .literal(let text):
            return start < kinds.count && kinds[start] == text ? [start + 1] : []
        case .charClass:
            return []
        case .sequence(let items):
            var positions: Set<Int> = [start]
            for item in items {
                var next: Set<Int> = []
                for p in positions { next.formUnion(ends(item, from: p)) }
                positions = next
                if positions.isEmpty { break }
            }
            return positions
        case .choice(let items):
            var all: Set<Int> = []
            for item in items { all.formUnion(ends(item, from: start)) }
            return all
        case .optional(let item):
            return ends(item, from: start).union([start])
        case .zeroOrMore(let item):
            return closure(item, from: [start])
        case .oneOrMore(let item):
            var first: Set<Int> = []
            first = ends(item, from: start)
            return closure(item, from: first)
        }
    }

    /// All positions reachable from `starts` by zero or more matches of `item`.
    mutating func closure(_ item: EBNF, from starts: Set<Int>) -> Set<Int> {
        var reached = starts
        var frontier = Array(starts)
        while let p = frontier.popLast() {
            for q in ends(item, from: p) where !reached.contains(q) {
                reached.insert(q)
                frontier.append(q)
            }
        }
        return reached
    }
}

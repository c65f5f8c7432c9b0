/// Bounds on what one regular expression may compile to, so that a script cannot make
/// the compiler or a match use unbounded memory.
public struct RegexLimits: Sendable, Hashable {
    /// Most program instructions a pattern may compile to, after counted repetitions are
    /// expanded (`(a{100}){100}` needs over 10 000). Default 10 000. The memory of a match
    /// grows with this number (one thread slot per instruction).
    public var maxInstructions: Int
    /// Largest count allowed in `{m}`, `{m,}` and `{m,n}`. Default 1 000 (glibc allows 32 767).
    public var maxRepetition: Int
    /// Groups whose text a successful match reports (`${1}`...); later groups still
    /// group, but report nothing. Default 31, so that `${0}`...`${31}` can be set, like
    /// Pigeonhole's 32 match values.
    public var maxCapturedGroups: Int

    public init(maxInstructions: Int = 10_000, maxRepetition: Int = 1_000, maxCapturedGroups: Int = 31) {
        self.maxInstructions = maxInstructions
        self.maxRepetition = maxRepetition
        self.maxCapturedGroups = maxCapturedGroups
    }
}

/// What a successful match found: the UTF-8 offsets of the whole match and of each group.
public struct RegexMatch: Sendable, Hashable {
    /// Element 0 is the whole match; element `i` group `i`, nil when the group took no part.
    public var ranges: [Range<Int>?]
}

/// A POSIX extended regular expression compiled to a program for a Pike virtual machine.
///
/// Matching runs all alternatives in lock step over the value (a Thompson NFA simulation
/// with captures), so it takes time linear in the length of the value for a given
/// pattern: at most one thread per instruction per character, whatever the pattern
/// (`(a|aa)*c` and `(a*)*b` included). There is no backtracking.
///
/// The match is the leftmost one, and of those starting there the longest, as POSIX
/// requires. Among the ways to match that same text, groups take what a greedy reading
/// (earlier alternative first, quantifiers as long as possible, left to right) gives them;
/// this agrees with glibc in the usual cases (see `RegexTests`), though POSIX's
/// rule for nested groups can differ in contrived ones.
///
/// - SeeAlso: draft-ietf-sieve-regex §3, POSIX.1-2017 XBD §9.1 (leftmost-longest), §9.4 (EREs)
public struct RegexPattern: Sendable {
    let program: [RegexInstruction]
    let sets: [RegexCharacterSet]
    let folding: RegexCaseFolding
    /// Groups in the pattern (whether reported or not).
    public let groupCount: Int
    /// Groups whose text a match reports: `min(groupCount, maxCapturedGroups)`.
    public let capturedGroupCount: Int
    /// Whether the pattern can only match at the start of the value (it begins with `^`).
    let anchoredAtStart: Bool

    /// Compiles `pattern`; throws with the reason and the character position when the
    /// pattern is not a valid ERE or exceeds a limit.
    public init(_ pattern: String, folding: RegexCaseFolding = .none, limits: RegexLimits = RegexLimits()) throws(RegexSyntaxError) {
        var parser = RegexParser(pattern, folding: folding, maxRepetition: limits.maxRepetition)
        let tree = try parser.parse()
        let captured = min(parser.groupCount, limits.maxCapturedGroups)
        let size = Self.size(of: tree, captured: captured, limit: limits.maxInstructions) + 3
        guard size <= limits.maxInstructions else {
            throw RegexSyntaxError("the pattern needs more than \(limits.maxInstructions) instructions once its repetitions are "
                                   + "expanded (the limit is \(limits.maxInstructions) instructions)", at: 0)
        }
        var emitter = RegexEmitter(captured: captured)
        emitter.emit(.save(0))
        emitter.compile(tree)
        emitter.emit(.save(1))
        emitter.emit(.match)
        self.program = emitter.program
        self.sets = parser.sets
        self.folding = folding
        self.groupCount = parser.groupCount
        self.capturedGroupCount = captured
        self.anchoredAtStart = Self.startsWithAnchor(tree)
    }

    /// How many instructions the program holds.
    public var instructionCount: Int { program.count }

    private static func startsWithAnchor(_ node: RegexNode) -> Bool {
        switch node {
        case .startAnchor: return true
        case .concatenation(let parts): return parts.first.map(startsWithAnchor) ?? false
        case .group(let inner, _): return startsWithAnchor(inner)
        default: return false
        }
    }

    /// Instructions `node` compiles to, saturating just past `limit`.
    private static func size(of node: RegexNode, captured: Int, limit: Int) -> Int {
        let cap = limit + 1
        func add(_ a: Int, _ b: Int) -> Int { min(a + b, cap) }
        func mul(_ a: Int, _ b: Int) -> Int {
            let (r, o) = a.multipliedReportingOverflow(by: b)
            return o ? cap : min(r, cap)
        }
        switch node {
        case .empty: return 0
        case .character, .anyCharacter, .set, .startAnchor, .endAnchor: return 1
        case .group(let inner, let index):
            return add(size(of: inner, captured: captured, limit: limit), index <= captured ? 2 : 0)
        case .concatenation(let parts):
            return parts.reduce(0) { add($0, size(of: $1, captured: captured, limit: limit)) }
        case .alternation(let branches):
            return branches.reduce(2 * (branches.count - 1)) { add($0, size(of: $1, captured: captured, limit: limit)) }
        case .repetition(let inner, let minimum, let maximum):
            let s = size(of: inner, captured: captured, limit: limit)
            guard let maximum else { return minimum == 0 ? add(s, 2) : add(mul(s, minimum), 1) }
            return add(mul(s, minimum), mul(add(s, 1), maximum - minimum))
        }
    }
}

/// One instruction of a compiled pattern.
enum RegexInstruction: Sendable, Equatable {
    /// Consume one character equal (after folding) to the operand.
    case character(UInt32)
    /// Consume any one character.
    case anyCharacter
    /// Consume one character of the set at the index.
    case set(Int)
    /// Continue at both targets, the first preferred.
    case split(Int, Int)
    case jump(Int)
    /// Record the current offset in capture slot `n`.
    case save(Int)
    case startAnchor
    case endAnchor
    case match
}

/// Turns a parsed pattern into instructions.
struct RegexEmitter {
    var program: [RegexInstruction] = []
    let captured: Int

    init(captured: Int) { self.captured = captured }

    mutating func emit(_ instruction: RegexInstruction) { program.append(instruction) }

    mutating func compile(_ node: RegexNode) {
        switch node {
        case .empty: break
        case .character(let c): emit(.character(c))
        case .anyCharacter: emit(.anyCharacter)
        case .set(let index): emit(.set(index))
        case .startAnchor: emit(.startAnchor)
        case .endAnchor: emit(.endAnchor)
        case .group(let inner, let index):
            if index <= captured { emit(.save(2 * index)) }
            compile(inner)
            if index <= captured { emit(.save(2 * index + 1)) }
        case .concatenation(let parts):
            for part in parts { compile(part) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (i, branch) in branches.enumerated() {
                if i < branches.count - 1 {
                    let split = program.count
                    emit(.split(split + 1, -1))
                    compile(branch)
                    jumps.append(program.count)
                    emit(.jump(-1))
                    program[split] = .split(split + 1, program.count)
                } else {
                    compile(branch)
                }
            }
            for j in jumps { program[j] = .jump(program.count) }
        case .repetition(let inner, let minimum, let maximum):
            compileRepetition(inner, minimum: minimum, maximum: maximum)
        }
    }

    private mutating func compileRepetition(_ inner: RegexNode, minimum: Int, maximum: Int?) {
        guard let maximum else {
            if minimum == 0 {
                // L: split(body, out); body; jump L; out:
                let loop = program.count
                emit(.split(loop + 1, -1))
                compile(inner)
                emit(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            } else {
                for _ in 0..<(minimum - 1) { compile(inner) }
                // L: body; split(L, out)
                let loop = program.count
                compile(inner)
                emit(.split(loop, program.count + 1))
            }
            return
        }
        for _ in 0..<minimum { compile(inner) }
        // Optional copies, nested: each split skips all the remaining ones.
        var splits: [Int] = []
        for _ in 0..<(maximum - minimum) {
            splits.append(program.count)
            emit(.split(program.count + 1, -1))
            compile(inner)
        }
        for s in splits { program[s] = .split(s + 1, program.count) }
    }
}

extension RegexPattern {
    /// A pattern quoted for an error message, cut to its first 80 characters.
    static func quotedForMessage(_ pattern: String) -> String {
        let scalars = pattern.unicodeScalars
        var shown = String(String.UnicodeScalarView(scalars.prefix(80)))
        if scalars.count > 80 { shown += "…" }
        var quoted = "\""
        for c in shown.unicodeScalars {
            if c == "\"" || c == "\\" { quoted.unicodeScalars.append("\\") }
            quoted.unicodeScalars.append(c)
        }
        return quoted + "\""
    }
}

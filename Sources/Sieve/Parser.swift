/// Limits that keep parsing a hostile or broken script cheap and bounded.
///
/// Every limit is checked by the parser; passing one gives an error diagnostic, never a crash.
public struct ParserLimits: Sendable, Hashable {
    /// Largest script accepted, in bytes. Default 1 MiB (1 048 576): far beyond any
    /// hand-written script, small enough to parse in milliseconds.
    public var maxScriptSize: Int
    /// Deepest nesting of blocks, tests and string lists. Default 32. A top-level command's
    /// test is level 1; each `{`, each nested test (`not`, `allof(...)` members) and each
    /// `[` adds one. The parser recurses once per level, so keep this in the hundreds at most.
    public var maxNestingDepth: Int
    /// Most strings in one bracketed string list. Default 4096 (large address blocklists
    /// fit; the script size limit bounds the total anyway).
    public var maxStringListLength: Int
    /// Most diagnostics reported by one parse. Default 50. When reached, the last one says
    /// that parsing stopped, and the rest of the script is not examined.
    public var maxDiagnostics: Int
    /// Most arguments (strings, string lists, numbers, tags) one command or test takes.
    /// Default 32, as in Pigeonhole: no command takes half as many.
    public var maxArguments: Int
    /// Longest identifier or tag name, in characters. Default 32, as in Pigeonhole: no
    /// command, test or tag name comes near it.
    public var maxIdentifierLength: Int

    /// Limits with the documented defaults, any of which can be overridden.
    public init(maxScriptSize: Int = 1 << 20, maxNestingDepth: Int = 32,
                maxStringListLength: Int = 4096, maxDiagnostics: Int = 50,
                maxArguments: Int = 32, maxIdentifierLength: Int = 32) {
        self.maxScriptSize = maxScriptSize
        self.maxNestingDepth = maxNestingDepth
        self.maxStringListLength = maxStringListLength
        self.maxDiagnostics = maxDiagnostics
        self.maxArguments = maxArguments
        self.maxIdentifierLength = maxIdentifierLength
    }
}

/// What parsing a script produced: the syntax tree (possibly partial) and the diagnostics.
public struct ParseResult: Sendable {
    /// The commands that parsed. After a syntax error the broken command is left out and
    /// parsing resumed after it, so this is only meaningful when `hasErrors` is false.
    public var script: ScriptNode
    /// Errors found while parsing, in the order found (which is script order).
    public var diagnostics: [Diagnostic]

    /// Whether any diagnostic is an error (the script must then not be run).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    public init(script: ScriptNode, diagnostics: [Diagnostic]) {
        self.script = script
        self.diagnostics = diagnostics
    }
}

/// The Sieve front end: a hand-written lexer and recursive-descent parser (LL(1)) that
/// turns a script into the generic syntax tree of `ScriptNode`.
///
/// The parser knows no command names: `if`, `require` and `fileinto` are all just
/// commands here; the validator gives them meaning. Identifiers and tags keep the case
/// they were written in. The grammar it implements is `Grammar/sieve.ebnf`.
///
/// - SeeAlso: RFC 5228 §2 (lexical and syntactic rules), §8 (grammar).
public enum SieveParser {
    /// Parses a script given as bytes (which must be UTF-8; other bytes are reported).
    ///
    /// - Parameters:
    ///   - source: the script's bytes, with CRLF or LF line ends.
    ///   - file: the name diagnostics are prefixed with (usually the path).
    ///   - limits: size, nesting and diagnostic limits.
    public static func parse(_ source: [UInt8], file: String? = nil,
                             limits: ParserLimits = ParserLimits()) -> ParseResult {
        var collector = DiagnosticCollector(limit: limits.maxDiagnostics, file: file)
        guard source.count <= limits.maxScriptSize else {
            collector.error("script is \(source.count) bytes, limit is \(limits.maxScriptSize)",
                            at: SourceLocation(line: 1, column: 1, offset: 0))
            return ParseResult(script: ScriptNode(commands: []), diagnostics: collector.diagnostics)
        }
        var lexer = Lexer(bytes: source, diagnostics: collector)
        lexer.maxIdentifierLength = limits.maxIdentifierLength
        var parser = Parser(lexer: lexer, limits: limits)
        let script = parser.parseScript()
        return ParseResult(script: script, diagnostics: parser.lexer.diagnostics.diagnostics)
    }

    /// Parses a script given as a Swift string.
    public static func parse(_ source: String, file: String? = nil,
                             limits: ParserLimits = ParserLimits()) -> ParseResult {
        parse(Array(source.utf8), file: file, limits: limits)
    }
}

/// Thrown by a parse function after it has reported a syntax error (or after the lexer
/// did); the commands loop catches it and resynchronises.
struct SyntaxError: Error {}

/// The recursive-descent parser state: the lexer and one token of lookahead.
struct Parser {
    var lexer: Lexer
    let limits: ParserLimits
    /// The lookahead token.
    var current: Token
    /// Where the last consumed token ended (for node ranges).
    var previousEnd: SourceLocation
    /// Current nesting of blocks, tests and string lists.
    var depth = 0

    init(lexer: Lexer, limits: ParserLimits) {
        var lexer = lexer
        self.current = lexer.next()
        self.lexer = lexer
        self.limits = limits
        self.previousEnd = SourceLocation(line: 1, column: 1, offset: 0)
    }

    /// Consumes the lookahead token and reads the next one.
    mutating func advance() {
        previousEnd = current.range.end
        current = lexer.next()
    }

    /// Reports `message` at the lookahead token and returns the error to throw. When the
    /// lookahead is `.invalid` the lexer has already said what is wrong there, so nothing
    /// more is reported.
    mutating func fail(_ message: String) -> SyntaxError {
        if current.kind != .invalid {
            lexer.error(message, at: current.range.start)
        }
        return SyntaxError()
    }

    /// Enters one nesting level (block, test or string list), failing past the limit.
    mutating func enterNesting() throws(SyntaxError) {
        guard depth < limits.maxNestingDepth else {
            lexer.error("nesting deeper than \(limits.maxNestingDepth) levels", at: current.range.start)
            throw SyntaxError()
        }
        depth += 1
    }

    mutating func leaveNesting() {
        depth -= 1
    }

    /// `line:column` of a location, for messages that point back at an opening bracket.
    static func position(_ location: SourceLocation) -> String {
        "\(location.line):\(location.column)"
    }
}

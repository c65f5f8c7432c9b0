/// The generic syntax tree of a Sieve script (RFC 5228 §8.2). The parser builds it
/// without knowing any command; the `Validator` gives it meaning.
///
/// - SeeAlso: RFC 5228 §2 (syntax), §8.2 (grammar).

/// A position in a script: 1-based line and column (columns count Unicode scalars),
/// and the 0-based byte offset.
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }
}

/// A half-open range of source, from the first character to just past the last.
public struct SourceRange: Sendable, Hashable {
    public var start: SourceLocation
    public var end: SourceLocation

    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }
}

/// A string literal, quoted or `text:`. `value` has the lexical escapes (`\\`, `\"`,
/// any other `\x` → `x`) and multi-line dot-stuffing already removed; variable
/// references and encoded characters are *not* expanded here (that is run time /
/// validation, because it depends on `require`).
public struct StringLiteral: Sendable, Hashable {
    public var value: String
    public var isMultiline: Bool
    public var range: SourceRange

    public init(value: String, isMultiline: Bool = false, range: SourceRange) {
        self.value = value
        self.isMultiline = isMultiline
        self.range = range
    }
}

/// One positional or tagged argument (RFC 5228 §2.6).
public enum Argument: Sendable, Hashable {
    /// A single string.
    case string(StringLiteral)
    /// A bracketed string list `["a", "b"]` (a single string is *not* wrapped here;
    /// the validator accepts either where a string-list is expected).
    case stringList([StringLiteral], range: SourceRange)
    /// A number with its K/M/G quantifier applied.
    case number(Int, range: SourceRange)
    /// A tagged argument such as `:contains`, stored as written without the colon.
    /// Tags are case-insensitive (RFC 5228 §2.6.2): compare lowercased.
    case tag(String, range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .string(let s): return s.range
        case .stringList(_, let r), .number(_, let r), .tag(_, let r): return r
        }
    }
}

/// A test: `identifier arguments [test | test-list]` (RFC 5228 §2.9, §8.2).
public struct TestNode: Sendable, Hashable {
    /// Identifier as written (identifiers are case-insensitive; compare lowercased).
    public var name: String
    public var nameRange: SourceRange
    public var arguments: [Argument]
    /// Nested tests: one for `not`, a list for `allof`/`anyof`.
    public var tests: [TestNode]
    /// Whether the nested tests were written as a parenthesised test-list.
    public var hasTestList: Bool
    public var range: SourceRange

    public init(name: String, nameRange: SourceRange, arguments: [Argument], tests: [TestNode],
                hasTestList: Bool, range: SourceRange) {
        self.name = name
        self.nameRange = nameRange
        self.arguments = arguments
        self.tests = tests
        self.hasTestList = hasTestList
        self.range = range
    }
}

/// A command: `identifier arguments [test | test-list] (";" | block)` (RFC 5228 §8.2).
public struct CommandNode: Sendable, Hashable {
    public var name: String
    public var nameRange: SourceRange
    public var arguments: [Argument]
    public var tests: [TestNode]
    public var hasTestList: Bool
    /// The `{ ... }` block, nil when the command ended with `;`.
    public var block: [CommandNode]?
    public var range: SourceRange

    public init(name: String, nameRange: SourceRange, arguments: [Argument], tests: [TestNode],
                hasTestList: Bool, block: [CommandNode]?, range: SourceRange) {
        self.name = name
        self.nameRange = nameRange
        self.arguments = arguments
        self.tests = tests
        self.hasTestList = hasTestList
        self.block = block
        self.range = range
    }
}

/// A parsed script: its top-level commands.
public struct ScriptNode: Sendable, Hashable {
    public var commands: [CommandNode]

    public init(commands: [CommandNode]) {
        self.commands = commands
    }
}

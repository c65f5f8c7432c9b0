import Testing
@testable import Sieve

/// A compact, canonical rendering of a syntax tree, so fixtures can state the expected
/// shape in one line: `if anyof (not exists ["a"], true) { keep; } else { stop; }`.
/// Strings print quoted with `\r`, `\n`, `\"`, `\\` escaped; multi-line strings print
/// as `text"..."`; tags as `:name`; numbers in decimal, quantifier applied.
enum Shape {
    static func of(_ script: ScriptNode) -> String {
        script.commands.map(of).joined(separator: " ")
    }

    static func of(_ command: CommandNode) -> String {
        var parts = [command.name]
        parts += command.arguments.map(of)
        if let tests = testsPart(command.tests, command.hasTestList) { parts.append(tests) }
        if let block = command.block {
            let inner = block.map(of).joined(separator: " ")
            return parts.joined(separator: " ") + (inner.isEmpty ? " {}" : " { \(inner) }")
        }
        return parts.joined(separator: " ") + ";"
    }

    static func of(_ test: TestNode) -> String {
        var parts = [test.name]
        parts += test.arguments.map(of)
        if let tests = testsPart(test.tests, test.hasTestList) { parts.append(tests) }
        return parts.joined(separator: " ")
    }

    static func testsPart(_ tests: [TestNode], _ hasTestList: Bool) -> String? {
        if hasTestList { return "(" + tests.map(of).joined(separator: ", ") + ")" }
        return tests.first.map(of)
    }

    static func of(_ argument: Argument) -> String {
        switch argument {
        case .string(let s): return of(s)
        case .stringList(let list, _): return "[" + list.map(of).joined(separator: ", ") + "]"
        case .number(let n, _): return String(n)
        case .tag(let t, _): return ":" + t
        }
    }

    static func of(_ literal: StringLiteral) -> String {
        (literal.isMultiline ? "text" : "") + "\"" + literal.value.debugEscaped + "\""
    }
}

/// The two line-end conventions every fixture runs with.
enum LineEnding: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case lf, crlf

    /// `text` (written with LF line ends) converted to this convention.
    func apply(_ text: String) -> String {
        switch self {
        case .lf: return text
        case .crlf: return text.replacingOccurrences(of: "\n", with: "\r\n")
        }
    }

    var testDescription: String { rawValue.uppercased() }
}

extension String {
    /// `replacingOccurrences` without Foundation.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// One expected diagnostic: where it is and a fragment its message must contain.
struct ExpectedDiagnostic: Sendable, CustomStringConvertible {
    var line: Int
    var column: Int
    var fragment: String

    init(_ line: Int, _ column: Int, _ fragment: String) {
        self.line = line
        self.column = column
        self.fragment = fragment
    }

    var description: String { "\(line):\(column) …\(fragment)…" }

    func matches(_ diagnostic: Diagnostic) -> Bool {
        diagnostic.location.line == line && diagnostic.location.column == column
            && diagnostic.message.contains(fragment)
    }
}

/// An input script (written with LF line ends) and what parsing it must give.
struct ParseFixture: Sendable, CustomTestStringConvertible {
    enum Expectation: Sendable {
        /// Parses without diagnostics into this shape (see `Shape`).
        case shape(String)
        /// Gives exactly these diagnostics, in order.
        case errors([ExpectedDiagnostic])
    }

    var name: String
    var source: String
    var expected: Expectation

    init(_ name: String, _ source: String, _ shape: String) {
        self.name = name
        self.source = source
        self.expected = .shape(shape)
    }

    init(_ name: String, _ source: String, errors: ExpectedDiagnostic...) {
        self.name = name
        self.source = source
        self.expected = .errors(errors)
    }

    var testDescription: String { name }
}

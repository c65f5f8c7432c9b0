/// The syntactic rules of RFC 5228 §8.2, one parse function per rule.
///
/// - SeeAlso: RFC 5228 §2.5–§2.9, §8.2; `Grammar/sieve.ebnf`.
extension Parser {
    // start = commands
    mutating func parseScript() -> ScriptNode {
        ScriptNode(commands: parseCommands(inBlock: false))
    }

    // commands = *command
    /// Parses commands up to end of input, or (inside a block) up to the closing `}`,
    /// which is left as the lookahead. A broken command is reported, skipped
    /// (see `recover()`), and left out of the result.
    mutating func parseCommands(inBlock: Bool) -> [CommandNode] {
        var commands: [CommandNode] = []
        while true {
            switch current.kind {
            case .endOfInput:
                return commands
            case .rightBrace:
                if inBlock { return commands }
                lexer.error("unexpected '}' with no open block", at: current.range.start)
                advance()
            default:
                do {
                    commands.append(try parseCommand())
                } catch {
                    recover()
                }
            }
        }
    }

    // command = identifier arguments (";" / block)
    mutating func parseCommand() throws(SyntaxError) -> CommandNode {
        guard case .identifier(let name) = current.kind else {
            throw fail("expected a command name, found \(current.description)")
        }
        let nameRange = current.range
        advance()
        let (arguments, tests, hasTestList) = try parseArguments()
        var block: [CommandNode]? = nil
        switch current.kind {
        case .semicolon:
            advance()
        case .leftBrace:
            block = try parseBlock()
        case .endOfInput where lexer.hitUnterminated:
            throw SyntaxError()  // the unterminated string or comment is the real problem
        default:
            let what = arguments.isEmpty && tests.isEmpty ? "after command" : "after arguments of command"
            throw fail("expected ';' or '{' \(what) '\(name)', found \(current.description)")
        }
        return CommandNode(name: name, nameRange: nameRange, arguments: arguments, tests: tests,
                           hasTestList: hasTestList, block: block,
                           range: SourceRange(start: nameRange.start, end: previousEnd))
    }

    // block = "{" commands "}"
    mutating func parseBlock() throws(SyntaxError) -> [CommandNode] {
        let open = current.range.start
        try enterNesting()
        defer { leaveNesting() }
        advance()  // "{"
        let commands = parseCommands(inBlock: true)
        if current.kind == .rightBrace {
            advance()
        } else if !lexer.hitUnterminated {
            lexer.error("missing '}' to close block opened at \(Parser.position(open)), found \(current.description)",
                        at: current.range.start)
        }
        return commands
    }

    // arguments = *argument [ test / test-list ]
    // argument  = string-list / number / tag
    mutating func parseArguments() throws(SyntaxError)
        -> (arguments: [Argument], tests: [TestNode], hasTestList: Bool)
    {
        var arguments: [Argument] = []
        var reportedCount = false
        loop: while true {
            if arguments.count == limits.maxArguments && !reportedCount {
                switch current.kind {
                case .string, .number, .tag, .leftBracket:
                    // Reported once; the rest of the arguments is read and dropped.
                    lexer.error("more than \(limits.maxArguments) arguments; no command or test takes that many",
                                at: current.range.start)
                    reportedCount = true
                default:
                    break
                }
            }
            switch current.kind {
            case .string(let literal):
                arguments.append(.string(literal))
                advance()
            case .number(let value):
                arguments.append(.number(value, range: current.range))
                advance()
            case .tag(let name):
                arguments.append(.tag(name, range: current.range))
                advance()
            case .leftBracket:
                arguments.append(try parseStringList())
            default:
                break loop
            }
            if reportedCount { arguments.removeLast() }
        }
        switch current.kind {
        case .identifier:
            return (arguments, [try parseTest()], false)
        case .leftParen:
            return (arguments, try parseTestList(), true)
        default:
            return (arguments, [], false)
        }
    }

    // string-list = "[" string *("," string) "]" / string
    /// Parses the bracketed form; a lone string is handled by `parseArguments`.
    mutating func parseStringList() throws(SyntaxError) -> Argument {
        let open = current.range.start
        try enterNesting()
        defer { leaveNesting() }
        advance()  // "["
        var strings: [StringLiteral] = []
        var reportedLength = false
        while true {
            guard case .string(let literal) = current.kind else {
                let after = strings.isEmpty ? "after '['" : "after ','"
                throw fail("expected a string \(after) in string list opened at \(Parser.position(open)), found \(current.description)")
            }
            if strings.count == limits.maxStringListLength && !reportedLength {
                lexer.error("string list opened at \(Parser.position(open)) has more than \(limits.maxStringListLength) strings",
                            at: current.range.start)
                reportedLength = true
            }
            if !reportedLength { strings.append(literal) }
            advance()
            switch current.kind {
            case .comma:
                advance()
            case .rightBracket:
                advance()
                return .stringList(strings, range: SourceRange(start: open, end: previousEnd))
            case .string:
                throw fail("expected ',' between strings in string list opened at \(Parser.position(open)), found \(current.description)")
            default:
                throw fail("missing ']' to close string list opened at \(Parser.position(open)), found \(current.description)")
            }
        }
    }

    // test = identifier arguments
    mutating func parseTest() throws(SyntaxError) -> TestNode {
        guard case .identifier(let name) = current.kind else {
            throw fail("expected a test name, found \(current.description)")
        }
        try enterNesting()
        defer { leaveNesting() }
        let nameRange = current.range
        advance()
        let (arguments, tests, hasTestList) = try parseArguments()
        return TestNode(name: name, nameRange: nameRange, arguments: arguments, tests: tests,
                        hasTestList: hasTestList, range: SourceRange(start: nameRange.start, end: previousEnd))
    }

    // test-list = "(" test *("," test) ")"
    mutating func parseTestList() throws(SyntaxError) -> [TestNode] {
        let open = current.range.start
        advance()  // "("
        var tests: [TestNode] = []
        while true {
            guard case .identifier = current.kind else {
                let after = tests.isEmpty ? "after '('" : "after ','"
                throw fail("expected a test \(after) in test list opened at \(Parser.position(open)), found \(current.description)")
            }
            tests.append(try parseTest())
            switch current.kind {
            case .comma:
                advance()
            case .rightParen:
                advance()
                return tests
            default:
                throw fail("missing ')' to close test list opened at \(Parser.position(open)), found \(current.description)")
            }
        }
    }

    /// Error recovery: skips tokens up to the end of the broken command, so parsing can go
    /// on with the next one. Stops after a `;`, after a whole `{...}` block, or before a `}`
    /// that closes an enclosing block (all counted at brace depth 0, from the token where
    /// the error was found).
    ///
    /// Only braces are balanced: `(` and `[` never legitimately contain `;`, `{` or `}`, so
    /// an unclosed one before a `;` is far more likely a missing `)` or `]` than a list
    /// that goes on.
    mutating func recover() {
        var braces = 0
        while true {
            switch current.kind {
            case .endOfInput:
                return
            case .semicolon where braces == 0:
                advance()
                return
            case .leftBrace:
                braces += 1
                advance()
            case .rightBrace:
                if braces == 0 { return }
                braces -= 1
                advance()
                if braces == 0 { return }
            default:
                advance()
            }
        }
    }
}

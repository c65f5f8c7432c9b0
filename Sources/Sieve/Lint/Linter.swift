/// The walk behind `SieveLinter`: one pass over the syntax tree records action sites and
/// checks commands and tests locally; `checkFlows` then compares action sites that can run in
/// the same flow.
struct Linter {
    let options: SieveOptions
    var warnings: [SieveLinter.Warning] = []
    /// Actions that matter to the flow checks, in script order.
    var sites: [Site] = []
    private var nextChain = 0
    /// Offsets of the `if`/`elsif`/`else` commands whose blocks never run (not linted).
    var skipped: Set<Int> = []

    init(options: SieveOptions) {
        self.options = options
    }

    /// One branch of an `if`/`elsif`/`else` chain on the way to a command.
    struct Step: Hashable {
        var chain: Int
        var branch: Int
        /// Whether the branch's own block runs `stop` unconditionally.
        var stops: Bool
    }

    /// An action command and the branches it sits in.
    struct Site {
        var name: String
        var location: SourceLocation
        var path: [Step]
        /// The constant mailbox of a `fileinto`, nil for other actions or variable names.
        var mailbox: String?
    }

    mutating func warn(_ check: SieveLinter.Check, _ message: String, at location: SourceLocation) {
        warnings.append(SieveLinter.Warning(check, message, at: location))
    }

    // MARK: walking

    mutating func walk(_ commands: [CommandNode], path: [Step]) {
        var chain: (id: Int, branch: Int)?
        var stoppedAt: SourceLocation?
        for command in commands {
            let name = command.name.lowercased()
            if let stop = stoppedAt {
                warn(.unreachableAfterStop,
                     "this '\(name)' never runs: the unconditional 'stop' at line \(stop.line) ends the script before it",
                     at: command.nameRange.start)
                stoppedAt = nil  // one warning per block is enough
                return
            }
            var inner = path
            switch name {
            case "if":
                chain = (nextChain, 0)
                nextChain += 1
            case "elsif", "else":
                if let open = chain { chain = (open.id, open.branch + 1) }
            default:
                chain = nil
            }
            if let chain, let block = command.block {
                let stops = block.contains { $0.name.lowercased() == "stop" }
                inner.append(Step(chain: chain.id, branch: chain.branch, stops: stops))
            }
            if skipped.contains(command.nameRange.start.offset) { continue }
            command.tests.forEach { check($0) }
            checkCommand(command, name: name, path: path)
            if let block = command.block { walk(block, path: inner) }
            if name == "stop" { stoppedAt = command.nameRange.start }
        }
    }

    mutating func checkCommand(_ command: CommandNode, name: String, path: [Step]) {
        let arguments = LintArguments(command.arguments)
        checkEnvironmentReferences(command.arguments)
        switch name {
        case "keep", "redirect", "vacation", "reject", "ereject":
            sites.append(Site(name: name, location: command.nameRange.start, path: path, mailbox: nil))
        case "fileinto":
            var mailbox: String?
            if case .string(let literal)? = arguments.positionals.last, !literal.value.contains("${") {
                mailbox = literal.value
            }
            sites.append(Site(name: name, location: command.nameRange.start, path: path, mailbox: mailbox))
        default:
            break
        }
        if name == "vacation", case .number(0, let range)? = arguments.parameter(of: "days") {
            let minimum = options.vacationPeriods.minimum
            warn(.vacationDaysZero,
                 "vacation :days 0 does not mean 'reply to every message': it is raised to the site minimum of "
                     + "\(describe(seconds: minimum)); to always reply use :seconds 0 (require \"vacation-seconds\")",
                 at: range.start)
        }
    }

    // MARK: tests

    mutating func check(_ test: TestNode) {
        let name = test.name.lowercased()
        let arguments = LintArguments(test.arguments)
        if arguments.hasTag("matches"), let keys = arguments.positionals.last {
            for key in strings(in: keys) where !key.value.contains("${") && !hasWildcard(key.value) {
                warn(.matchesWithoutWildcard,
                     ":matches key \(quoted(key.value)) has no wildcard (* or ?), so it only matches the whole value "
                         + "exactly; use :is for that, or :contains to find it inside the value",
                     at: key.range.start)
            }
        }
        checkRegexKeys(arguments)
        if let countTag = arguments.tagRange("count") {
            var comparator: String?
            if case .string(let literal)? = arguments.parameter(of: "comparator") { comparator = literal.value.lowercased() }
            if comparator != "i;ascii-numeric" {
                warn(.countWithoutNumericComparator,
                     ":count without :comparator \"i;ascii-numeric\" compares the count as text with "
                         + "\"\(comparator ?? "i;ascii-casemap")\" (so \"10\" sorts before \"9\"); add :comparator \"i;ascii-numeric\"",
                     at: countTag.start)
            }
        }
        if ["header", "address", "exists"].contains(name), let names = arguments.positionals.first {
            for header in strings(in: names) where !header.value.contains("${") {
                guard let problem = headerNameProblem(header.value) else { continue }
                let suggestion = header.value.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" }).first.map(String.init)
                var message = "header name \(quoted(header.value)) contains \(problem); no header field has such a name, "
                    + "so this never matches"
                if let suggestion, !suggestion.isEmpty { message += " (did you mean \(quoted(suggestion))?)" }
                warn(.invalidHeaderName, message, at: header.range.start)
            }
        }
        if name == "date" || name == "currentdate" { checkDate(arguments) }
        checkExtensionTest(test, name: name, arguments: arguments)
        test.tests.forEach { check($0) }
    }

    func strings(in argument: Argument) -> [StringLiteral] {
        switch argument {
        case .string(let literal): return [literal]
        case .stringList(let list, _): return list
        case .number, .tag: return []
        }
    }

    /// Whether a `:matches` key has an unescaped `*` or `?` (RFC 5228 §2.7.1).
    func hasWildcard(_ key: String) -> Bool {
        var escaped = false
        for character in key {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "*" || character == "?" {
                return true
            }
        }
        return false
    }

    /// Why a header name can never occur, or nil. Field names are printable ASCII without
    /// colon (RFC 5322 §2.2, ftext).
    func headerNameProblem(_ name: String) -> String? {
        if name.contains(":") { return "a colon" }
        if name.contains(where: { $0 == " " || $0 == "\t" }) { return "white space" }
        return nil
    }

    func describe(seconds: Int) -> String {
        if seconds % 86_400 == 0 {
            let days = seconds / 86_400
            return days == 1 ? "1 day" : "\(days) days"
        }
        return seconds == 1 ? "1 second" : "\(seconds) seconds"
    }
}

/// A command's or test's arguments split into tags (with their parameters) and positionals.
struct LintArguments {
    /// Tags that take the next argument as their parameter (core, relational, vacation,
    /// imap4flags, and the RFCs we know of that may come later).
    static let tagsWithParameter: Set<String> = [
        "comparator", "value", "count", "days", "seconds", "subject", "from", "addresses", "handle", "flags",
        "index", "zone", "importance", "options", "message", "mime-type", "content",
    ]

    private(set) var tags: [(name: String, range: SourceRange, parameter: Argument?)] = []
    private(set) var positionals: [Argument] = []

    init(_ arguments: [Argument]) {
        var index = 0
        while index < arguments.count {
            if case .tag(let written, let range) = arguments[index] {
                let name = written.lowercased()
                var parameter: Argument?
                if Self.tagsWithParameter.contains(name), index + 1 < arguments.count {
                    if case .tag = arguments[index + 1] {} else {
                        parameter = arguments[index + 1]
                        index += 1
                    }
                }
                tags.append((name, range, parameter))
            } else {
                positionals.append(arguments[index])
            }
            index += 1
        }
    }

    func hasTag(_ name: String) -> Bool { tags.contains { $0.name == name } }

    func tagRange(_ name: String) -> SourceRange? { tags.first { $0.name == name }?.range }

    func parameter(of name: String) -> Argument? { tags.first { $0.name == name }?.parameter }
}

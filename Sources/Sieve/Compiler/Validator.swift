/// Gives a parsed script its meaning: checks `require`, command and test names, their
/// arguments, and builds the `CompiledScript`. Reports as many errors as it can find in
/// one pass.
///
/// - SeeAlso: RFC 5228 §2.10.5 (errors at compile time), §3.2 (require), §8.2 (grammar)
struct Validator {
    let options: SieveOptions
    let file: String?
    private(set) var diagnostics: [Diagnostic] = []
    /// Capabilities named by `require` so far.
    var capabilities: Set<SieveCapability> = []
    var requiredNames: [String] = []
    /// Lowercased variable name → slot.
    var slots: [String: Int] = [:]
    var slotNames: [String] = []
    /// Names assigned by `set` or the flag commands (counted against `maxVariables`).
    var assignedVariables: Set<String> = []
    /// Every capability an available `ihave` made usable somewhere in the script.
    var grantedByIhave: Set<SieveCapability> = []
    /// Blocks and tests that never run and were not checked (`if false { ... }`).
    var uncheckedCode: [UncheckedCode] = []
    /// Unknown command and test names (lowercased) and unknown tags ("owner :tag") already
    /// reported: each is reported at its first use only.
    var reportedUnknown: Set<String> = []
    /// The include extension's state: the loader, the scripts to include, globals.
    var include = IncludeValidation()
    /// Capabilities `require` named that the site has not enabled: already reported there,
    /// so their commands and tests are not reported again as missing a require.
    var requiredButDisabled: Set<SieveCapability> = []
    /// The `foreverypart` loops open around the command being compiled, by `:name`.
    var mimeLoops: [String?] = []

    init(options: SieveOptions, file: String?) {
        self.options = options
        self.file = file
    }

    mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(.error, message, at: location, file: file))
    }

    /// Something the script asked for that the site changes (a value over a limit): the
    /// script still compiles.
    mutating func warning(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(.warning, message, at: location, file: file))
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Reports an unknown command or test name, once per script (later uses are errors too,
    /// but repeating the message would only bury the others).
    mutating func reportUnknown(_ kind: String, _ name: String, at location: SourceLocation) {
        guard reportedUnknown.insert(name.lowercased()).inserted else { return }
        error("unknown \(kind) '\(name)'", at: location)
    }

    /// Validates and compiles a whole script.
    mutating func compile(_ script: ScriptNode) -> CompiledScript? {
        var index = 0
        let commands = script.commands
        while index < commands.count, commands[index].name.lowercased() == "require" {
            handleRequire(commands[index])
            index += 1
        }
        checkExtracttextRequires(Array(commands[..<index]))
        let body = compileBlock(commands[index...], topLevel: true)
        if hasErrors { return nil }
        var compiled = CompiledScript(file: file, requiredCapabilities: requiredNames, commands: body,
                              variableNames: slotNames, usesFlags: capabilities.contains(.imap4flags) || grantedByIhave.contains(.imap4flags),
                              readsMessageBody: capabilities.contains(.body) || grantedByIhave.contains(.body) || readsMIMEParts,
                              readsCurrentTime: capabilities.contains(.date) || grantedByIhave.contains(.date))
        compiled.globalSlots = slotNames.indices.filter { slotNames[$0].hasPrefix("global.") }
        return compiled
    }

    // MARK: require

    private mutating func handleRequire(_ node: CommandNode) {
        // A require with a test or a block is broken as a whole: its names are not examined.
        if !node.tests.isEmpty || node.hasTestList {
            error("'require' does not take a test", at: node.nameRange.start)
            return
        }
        if node.block != nil {
            error("'require' does not take a block", at: node.nameRange.start)
            return
        }
        guard node.arguments.count == 1 else {
            error("'require' expects one argument, a string or string list of capability names, found \(node.arguments.count)",
                  at: node.nameRange.start)
            return
        }
        let names: [StringLiteral]
        switch node.arguments[0] {
        case .string(let s): names = [s]
        case .stringList(let list, _): names = list
        default:
            error("'require' expects a string or string list of capability names, found \(node.arguments[0].phrase)",
                  at: node.arguments[0].range.start)
            return
        }
        for literal in names {
            let name = literal.value
            guard let capability = SieveCapability(rawValue: name.lowercased()) else {
                error("unsupported extension \"\(name)\" in require", at: literal.range.start)
                continue
            }
            guard options.enabledExtensions.contains(capability.rawValue) else {
                error(Self.disabledReason(capability) ?? "extension \"\(name)\" is not enabled on this server", at: literal.range.start)
                requiredButDisabled.insert(capability)
                continue
            }
            if capability == .imapflags || capability == .imap4flags,
               requiredNames.contains(capability == .imapflags ? SieveCapability.imap4flags.rawValue : SieveCapability.imapflags.rawValue) {
                error("the deprecated \"imapflags\" extension cannot be required together with \"imap4flags\"; keep only \"imap4flags\"",
                      at: literal.range.start)
                continue
            }
            if capabilities.insert(capability).inserted { requiredNames.append(capability.rawValue) }
            // Extensions that build on another make its commands and tests available too.
            if let implied = Self.impliedCapability[capability] { capabilities.insert(implied) }
        }
    }

    /// Capabilities another one brings along: `vnd.dovecot.environment` needs `environment`,
    /// `spamtestplus` is `spamtest` with `:percent`, and the imapflags draft is served by the
    /// imap4flags implementation (minus variable arguments, plus `mark`/`unmark`).
    static let impliedCapability: [SieveCapability: SieveCapability] = [
        .vndDovecotEnvironment: .environment, .spamtestplus: .spamtest, .imapflags: .imap4flags,
        .vndDovecotDuplicate: .duplicate, .vndDovecotImapsieve: .imapsieve,
    ]

    /// Whether the script uses the imapflags draft rather than imap4flags (no variable
    /// arguments to the flag commands and `hasflag`).
    var usesImapflagsDraft: Bool {
        capabilities.contains(.imapflags) && !requiredNames.contains(SieveCapability.imap4flags.rawValue)
    }

    // MARK: blocks and control structure

    /// Compiles a sequence of commands, joining `if`/`elsif`/`else` into one conditional.
    mutating func compileBlock(_ nodes: ArraySlice<CommandNode>, topLevel: Bool) -> [Command] {
        var out: [Command] = []
        // The open if-chain: its branches, and the command that started it.
        var chain: (branches: [Command.Branch], name: String, location: SourceLocation)?
        // The branch of the open chain whose test is always true: the rest of the chain never runs.
        var decidedBy: (name: String, location: SourceLocation)?

        func close(into out: inout [Command], _ chain: inout (branches: [Command.Branch], name: String, location: SourceLocation)?,
                   otherwise: [Command]? = nil) {
            if let open = chain {
                out.append(Command(kind: .conditional(branches: open.branches, otherwise: otherwise), name: open.name, location: open.location))
            }
            chain = nil
        }

        for node in nodes {
            let name = node.name.lowercased()
            switch name {
            case "if":
                close(into: &out, &chain)
                let errorsBefore = diagnostics.count
                let branch = compileBranch(node, name: name)
                chain = ([branch], name, node.nameRange.start)
                let alwaysTrue = diagnostics.count == errorsBefore && branch.test.fixedValue == true
                decidedBy = alwaysTrue ? (name, node.nameRange.start) : nil
            case "elsif":
                guard chain != nil else {
                    // Reported once: the elsif/else after it belong to it, not to a missing if.
                    error("'elsif' must follow 'if' or 'elsif'", at: node.nameRange.start)
                    chain = ([compileBranch(node, name: name)], name, node.nameRange.start)
                    decidedBy = nil
                    continue
                }
                if let decided = decidedBy {
                    checkBranchShape(node, name: name)
                    skipBlock(of: node, because: Self.decidedReason(decided), includingTest: true)
                    continue
                }
                let errorsBefore = diagnostics.count
                let branch = compileBranch(node, name: name)
                chain?.branches.append(branch)
                if diagnostics.count == errorsBefore, branch.test.fixedValue == true { decidedBy = (name, node.nameRange.start) }
            case "else":
                if chain != nil, let decided = decidedBy {
                    checkBranchShape(node, name: name)
                    skipBlock(of: node, because: Self.decidedReason(decided))
                    close(into: &out, &chain)
                    continue
                }
                let block = compileElse(node)
                guard chain != nil else {
                    error("'else' must follow 'if' or 'elsif'", at: node.nameRange.start)
                    continue
                }
                close(into: &out, &chain, otherwise: block)
            case "require":
                close(into: &out, &chain)
                error(topLevel ? "'require' must come before any other command"
                                : "'require' is only allowed at the start of the script, not inside a block",
                      at: node.nameRange.start)
            default:
                close(into: &out, &chain)
                if let command = compileCommand(node, name: name) { out.append(command) }
            }
        }
        close(into: &out, &chain)
        return out
    }

    private mutating func compileBranch(_ node: CommandNode, name: String) -> Command.Branch {
        let errorsBefore = diagnostics.count
        if !node.arguments.isEmpty {
            error("'\(name)' takes no arguments besides its test, found \(node.arguments[0].phrase)", at: node.arguments[0].range.start)
        }
        var test = Test(kind: .constant(false), name: "false", location: node.nameRange.start)
        // RFC 5463: a branch an `ihave` controls is compiled with the tested capabilities, or not at all.
        var granted: [SieveCapability] = []
        if !node.hasTestList, node.tests.count == 1, let gate = ihaveGate(node.tests[0]) {
            guard gate.available else { return skippedBranch(node, test: node.tests[0]) }
            granted = gate.capabilities.filter { !capabilities.contains($0) }
        }
        let before = capabilities
        capabilities.formUnion(granted)
        grantedByIhave.formUnion(granted)
        defer { capabilities = before }
        if node.hasTestList {
            error("'\(name)' takes one test, found a test list; use allof(...) or anyof(...)", at: node.nameRange.end)
        } else if node.tests.count != 1 {
            error("'\(name)' needs a test", at: node.nameRange.end)
        } else if let compiled = compileTest(node.tests[0]) {
            test = compiled
            if compiled.fixedValue == false, node.block != nil, diagnostics.count == errorsBefore {
                skipBlock(of: node, because: "its test is always false")
                return Command.Branch(test: test, block: [])
            }
        }
        guard let block = node.block else {
            error("'\(name)' needs a block { ... }", at: node.range.end)
            return Command.Branch(test: test, block: [])
        }
        return Command.Branch(test: test, block: compileBlock(block[...], topLevel: false))
    }

    private mutating func compileElse(_ node: CommandNode) -> [Command] {
        if !node.arguments.isEmpty || !node.tests.isEmpty {
            error("'else' takes no arguments or tests", at: node.nameRange.end)
        }
        guard let block = node.block else {
            error("'else' needs a block { ... }", at: node.range.end)
            return []
        }
        return compileBlock(block[...], topLevel: false)
    }

    /// Checks the form of an `elsif`/`else` that never runs (arguments, how many tests, the
    /// block's presence) without looking into its test or block.
    private mutating func checkBranchShape(_ node: CommandNode, name: String) {
        if name == "else" {
            if !node.arguments.isEmpty || !node.tests.isEmpty {
                error("'else' takes no arguments or tests", at: node.nameRange.end)
            }
        } else {
            if !node.arguments.isEmpty {
                error("'\(name)' takes no arguments besides its test, found \(node.arguments[0].phrase)",
                      at: node.arguments[0].range.start)
            }
            if node.hasTestList {
                error("'\(name)' takes one test, found a test list; use allof(...) or anyof(...)", at: node.nameRange.end)
            } else if node.tests.count != 1 {
                error("'\(name)' needs a test", at: node.nameRange.end)
            }
        }
        if node.block == nil { error("'\(name)' needs a block { ... }", at: node.range.end) }
    }

    /// Why the rest of an if-chain never runs.
    static func decidedReason(_ decided: (name: String, location: SourceLocation)) -> String {
        "the test of the '\(decided.name)' at \(Parser.position(decided.location)) is always true, so no later branch runs"
    }

    /// Reports a block or test attached to a command that takes neither.
    mutating func checkSimple(_ node: CommandNode, name: String) {
        if node.block != nil {
            error("command '\(name)' does not take a block", at: node.nameRange.start)
        }
        if !node.tests.isEmpty || node.hasTestList {
            error("command '\(name)' does not take a test", at: node.nameRange.start)
        }
    }

    /// The extension a known command or test needs, if it is not core.
    static let extensionOfCommand: [String: SieveCapability] = [
        "fileinto": .fileinto, "reject": .reject, "ereject": .ereject, "vacation": .vacation,
        "set": .variables, "setflag": .imap4flags, "addflag": .imap4flags, "removeflag": .imap4flags,
        "error": .ihave, "mark": .imapflags, "unmark": .imapflags,
        "include": .include, "return": .include, "global": .include,
        "addheader": .editheader, "deleteheader": .editheader,
        "pipe": .vndDovecotPipe, "filter": .vndDovecotFilter, "execute": .vndDovecotExecute, "debug_log": .vndDovecotDebug,
        "foreverypart": .foreverypart, "break": .foreverypart, "extracttext": .extracttext, "replace": .replace, "enclose": .enclose,
        "notify": .enotify, "denotify": .notify,
        "report": .vndDovecotReport,
    ]
    static let extensionOfTest: [String: SieveCapability] = [
        "envelope": .envelope, "string": .variables, "hasflag": .imap4flags, "body": .body, "mailboxexists": .mailbox, "ihave": .ihave,
        "date": .date, "currentdate": .date,
        "environment": .environment, "spamtest": .spamtest, "virustest": .virustest,
        "filter": .vndDovecotFilter, "execute": .vndDovecotExecute,
        "duplicate": .duplicate,
        "specialuse_exists": .specialUse, "mailboxidexists": .mailboxid, "metadata": .mboxmetadata, "metadataexists": .mboxmetadata,
        "servermetadata": .servermetadata, "servermetadataexists": .servermetadata,
        "valid_notify_method": .enotify, "notify_method_capability": .enotify,
        "valid_ext_list": .extlists,
    ]
    static let coreTests: Set<String> = ["address", "allof", "anyof", "exists", "false", "header", "not", "size", "true"]
    static let coreCommands: Set<String> = ["if", "elsif", "else", "require", "stop", "keep", "discard", "redirect"]

    /// Checks that a command/test from an extension is required; reports it otherwise.
    mutating func checkRequired(_ capability: SieveCapability?, kind: String, name: String, at location: SourceLocation) -> Bool {
        guard let capability, !capabilities.contains(capability) else { return true }
        if requiredButDisabled.contains(capability) { return false }
        // vacation-seconds is a superset of vacation for our purposes.
        if capability == .vacation && capabilities.contains(.vacationSeconds) { return true }
        error("\(kind) '\(name)' requires the \"\(capability.rawValue)\" extension; add require \"\(capability.rawValue)\";", at: location)
        return false
    }

    // MARK: variables

    /// The slot of a variable, creating it on first use.
    mutating func slot(for name: String) -> Int {
        let key = slotKey(for: name.lowercased())
        if let slot = slots[key] { return slot }
        let slot = slotNames.count
        slots[key] = slot
        slotNames.append(key)
        return slot
    }

    /// The slot of a variable assigned by `set` or a flag command; reports past the
    /// variable limit.
    mutating func assignedSlot(for name: String, at location: SourceLocation) -> Int {
        let key = slotKey(for: name.lowercased())
        if assignedVariables.insert(key).inserted, assignedVariables.count == options.limits.maxVariables + 1 {
            // Reported at the first variable past the limit only.
            error("too many variables: '\(key)' is one more than the limit of \(options.limits.maxVariables) per script",
                  at: location)
        }
        return slot(for: key)
    }
}

extension Linter {
    /// Whether `earlier` and `later` (in script order) can both run for one message: not when
    /// they sit in different branches of one `if` chain, nor when `earlier`'s branch stops
    /// before the script reaches `later`.
    func canRunTogether(_ earlier: Site, _ later: Site) -> Bool {
        for step in earlier.path {
            if let other = later.path.first(where: { $0.chain == step.chain }) {
                if other.branch != step.branch { return false }
            } else if step.stops {
                // `later` is after this branch, which always ends in `stop`.
                return false
            }
        }
        return true
    }

    /// Whether one of the two always runs when the other does: one's branches are a prefix of
    /// the other's (the same block, or one nested inside the other's block).
    func isNested(_ a: Site, _ b: Site) -> Bool {
        let (short, long) = a.path.count <= b.path.count ? (a.path, b.path) : (b.path, a.path)
        return long.starts(with: short)
    }

    /// `fileinto` into one folder twice where one always runs with the other (separate rules
    /// filing into one folder, `if a { fileinto "X"; } if b { fileinto "X"; }`, are fine), and
    /// rejections beside what they conflict with in any flow.
    ///
    /// - SeeAlso: RFC 5228 §4.1 (duplicate fileinto), RFC 5429 §2 (reject conflicts)
    mutating func checkFlows() {
        let conflictsWithReject: Set<String> = ["keep", "fileinto", "redirect", "vacation", "reject", "ereject"]
        for (index, later) in sites.enumerated() {
            let earlierSites = sites[..<index].filter { canRunTogether($0, later) }
            if later.name == "fileinto", let mailbox = later.mailbox,
               let first = earlierSites.first(where: { $0.name == "fileinto" && $0.mailbox == mailbox && isNested($0, later) }) {
                warn(.duplicateFileinto,
                     "fileinto \(quoted(mailbox)) again: the fileinto at line \(first.location.line) already files the "
                         + "message there in the same flow, and it is stored only once",
                     at: later.location)
            }
            let isReject = later.name == "reject" || later.name == "ereject"
            let conflict = earlierSites.first { earlier in
                let earlierIsReject = earlier.name == "reject" || earlier.name == "ereject"
                return isReject ? conflictsWithReject.contains(earlier.name)
                    : earlierIsReject && conflictsWithReject.contains(later.name)
            }
            if let conflict {
                warn(.rejectConflict,
                     "'\(later.name)' conflicts with the '\(conflict.name)' at line \(conflict.location.line) in the same flow: "
                         + "a run that reaches both fails and keeps the message (RFC 5429)",
                     at: later.location)
            }
        }
    }

    // MARK: require

    /// Warns about each required capability nothing in the script uses. Capabilities this
    /// check does not know how to detect are left alone.
    mutating func checkRequires(_ commands: [CommandNode]) {
        var usage = CapabilityUsage()
        usage.scan(commands)
        for command in commands where command.name.lowercased() == "require" {
            for argument in command.arguments {
                for literal in strings(in: argument) {
                    let capability = literal.value.lowercased()
                    guard let used = usage.isUsed(capability), !used else { continue }
                    warn(.unusedRequire,
                         "capability \(quoted(literal.value)) is required but never used; remove it from 'require'",
                         at: literal.range.start)
                }
            }
        }
    }
}

/// What a script uses, as far as `require` is concerned.
struct CapabilityUsage {
    var commands: Set<String> = []
    var tests: Set<String> = []
    /// Tags, lowercased, with the command or test they were given to ("vacation:seconds").
    var tags: Set<String> = []
    var comparators: Set<String> = []
    var usesVariableReference = false
    var usesEncodedCharacter = false

    mutating func scan(_ list: [CommandNode]) {
        for command in list {
            let name = command.name.lowercased()
            commands.insert(name)
            scan(arguments: command.arguments, of: name)
            command.tests.forEach { scan($0) }
            if let block = command.block { scan(block) }
        }
    }

    mutating func scan(_ test: TestNode) {
        let name = test.name.lowercased()
        tests.insert(name)
        scan(arguments: test.arguments, of: name)
        test.tests.forEach { scan($0) }
    }

    mutating func scan(arguments: [Argument], of owner: String) {
        let read = LintArguments(arguments)
        for tag in read.tags {
            tags.insert(tag.name)
            tags.insert(owner + ":" + tag.name)
            if tag.name == "comparator", case .string(let literal)? = tag.parameter {
                comparators.insert(literal.value.lowercased())
            }
        }
        guard owner != "require" else { return }
        for argument in arguments {
            let literals: [StringLiteral]
            switch argument {
            case .string(let literal): literals = [literal]
            case .stringList(let list, _): literals = list
            case .number, .tag: literals = []
            }
            for literal in literals { scan(string: literal.value) }
        }
    }

    /// Notes `${name}` / `${1}` (variables) and `${hex:..}` / `${unicode:..}` (encoded-character).
    mutating func scan(string: String) {
        var rest = Substring(string)
        while let start = rest.range(of: "${") {
            let after = rest[start.upperBound...].lowercased()
            if after.hasPrefix("hex:") || after.hasPrefix("unicode:") {
                usesEncodedCharacter = true
            } else if let first = after.first, first.isLetter || first.isNumber || first == "_" {
                usesVariableReference = true
            }
            rest = rest[start.upperBound...]
        }
    }

    /// Whether `capability` (lowercased) is used; nil when this check cannot tell.
    func isUsed(_ capability: String) -> Bool? {
        switch capability {
        case "fileinto", "reject", "ereject", "vacation":
            return commands.contains(capability)
        case "envelope", "body":
            return tests.contains(capability)
        case "copy":
            return tags.contains("copy")
        case "imap4flags":
            return !commands.isDisjoint(with: ["setflag", "addflag", "removeflag"]) || tests.contains("hasflag")
                || tags.contains("flags")
        case "variables":
            return commands.contains("set") || tests.contains("string") || usesVariableReference || commands.contains("global")
                || tags.contains("execute:output") || commands.contains("extracttext")
        case "vacation-seconds":
            return tags.contains("vacation:seconds")
        case "subaddress":
            return tags.contains("user") || tags.contains("detail")
        case "relational":
            return tags.contains("value") || tags.contains("count")
        case "regex":
            return tags.contains("regex") || tags.contains("quoteregex")
        case "encoded-character":
            return usesEncodedCharacter
        case "ihave":
            return tests.contains("ihave") || commands.contains("error")
        case "date":
            return tests.contains("date") || tests.contains("currentdate")
        case "index":
            return tags.contains("index")
        case "environment":
            return tests.contains("environment")
        case "spamtest", "virustest", "duplicate":
            return tests.contains(capability)
        case "vnd.dovecot.duplicate":
            return tests.contains("duplicate")
        case "spamtestplus":
            return tests.contains("spamtest")
        case "include":
            return !commands.isDisjoint(with: ["include", "return", "global"])
        case "editheader":
            return commands.contains("addheader") || commands.contains("deleteheader")
        case "extlists":
            return tags.contains("list") || tests.contains("valid_ext_list")
        case "vnd.dovecot.report":
            return commands.contains("report")
        case "imapflags":
            return !commands.isDisjoint(with: ["setflag", "addflag", "removeflag", "mark", "unmark"]) || tests.contains("hasflag")
                || tags.contains("flags")
        case "mime":
            return tags.contains("mime")
        case "foreverypart", "extracttext", "replace", "enclose":
            return commands.contains(capability)
        case "special-use":
            return tests.contains("specialuse_exists") || tags.contains("specialuse")
        case "mailboxid":
            return tests.contains("mailboxidexists") || tags.contains("mailboxid")
        case "mboxmetadata":
            return tests.contains("metadata") || tests.contains("metadataexists")
        case "servermetadata":
            return tests.contains("servermetadata") || tests.contains("servermetadataexists")
        case _ where capability.hasPrefix("comparator-"):
            return comparators.contains(String(capability.dropFirst("comparator-".count)))
        default:
            return nil
        }
    }
}

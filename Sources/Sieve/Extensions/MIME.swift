/// A compiled `header`, `address` or `exists` test with `:mime` (RFC 5703 §4): it looks at
/// the header of a MIME part instead of the message's top-level header.
///
/// - SeeAlso: RFC 5703 §4.1 (`:mime`, `:anychild`), §4.2 (`:type`, `:subtype`,
///   `:contenttype`, `:param`)
struct MIMETest: Sendable {
    enum Kind: Sendable {
        /// `header :mime`: the field values, or the piece `option` selects.
        case header(option: MIMEOption?)
        /// `address :mime`: an address part of the fields' addresses.
        case address(part: AddressPart)
        /// `exists :mime`: true when every named field exists.
        case exists
    }

    let kind: Kind
    /// Field names, lowercased when constant.
    let names: StrList
    /// `:anychild`: the current part and every part below it, instead of the current part only.
    let anyChild: Bool
    /// The comparison; nil for `exists`.
    let match: MatchSpec?
}

/// Which piece of a `Content-Type`-like field `header :mime` compares.
///
/// - SeeAlso: RFC 5703 §4.2
enum MIMEOption: Sendable {
    /// `:type`: the type (`text`), or a `Content-Disposition`'s disposition type.
    case type
    /// `:subtype`: the subtype (`plain`); "" for `Content-Disposition`.
    case subtype
    /// `:contenttype`: `type/subtype`, or the disposition type.
    case contentType
    /// `:param`: the values of the named parameters (RFC 2231 continuations joined and decoded).
    case parameters([String])
}

/// A compiled `foreverypart [:name string] { ... }`.
///
/// - SeeAlso: RFC 5703 §3
struct ForEveryPart: Sendable {
    /// The loop's name (for `break :name`), if given.
    let name: String?
    let block: [Command]
}

/// A compiled `extracttext [MODIFIER...] [:first number] <varname>`.
///
/// - SeeAlso: RFC 5703 §7
struct ExtractText: Sendable {
    let slot: Int
    /// `:first`: at most this many characters.
    let first: Int?
    let modifiers: [VariableModifier]
}

/// The names of RFC 5703's test tags and the deepest loop nesting.
enum MIMEExtension {
    /// Tags that only `:mime` makes meaningful.
    static let optionTags: Set<String> = ["type", "subtype", "contenttype", "param"]
    /// Every tag the extension adds to `header`, `address` and `exists`.
    static let allTags: Set<String> = optionTags.union(["mime", "anychild"])
    /// How many `foreverypart` loops may be open at once (Pigeonhole's limit too), across
    /// included scripts at run time.
    static let maximumLoopNesting = 4
}

extension Validator {
    /// Whether a `header`, `address` or `exists` test uses a tag of the mime extension.
    static func usesMIMETags(_ node: TestNode) -> Bool {
        node.arguments.contains { argument in
            if case .tag(let name, _) = argument { return MIMEExtension.allTags.contains(name.lowercased()) }
            return false
        }
    }

    /// Compiles `header`, `address` or `exists` written with `:mime`, `:anychild` or one of
    /// the `:mime` options.
    ///
    /// - SeeAlso: RFC 5703 §4.1, §4.2
    mutating func compileMIMETest(_ node: TestNode, name: String, location: SourceLocation) -> Test? {
        guard node.tests.isEmpty, !node.hasTestList else {
            error("test '\(name)' does not take nested tests", at: node.nameRange.end)
            return nil
        }
        var tags = [TagSpec("mime", capability: .mime), TagSpec("anychild", capability: .mime)]
        var positionals: [PositionalSpec]
        switch name {
        case "header":
            tags += TagSpec.matchTypes + TagSpec.comparator + [
                TagSpec("type", capability: .mime, group: "mime option"),
                TagSpec("subtype", capability: .mime, group: "mime option"),
                TagSpec("contenttype", capability: .mime, group: "mime option"),
                TagSpec("param", .stringList, capability: .mime, group: "mime option"),
            ]
            positionals = [PositionalSpec(role: "header names", kind: .stringList), PositionalSpec(role: "key list", kind: .stringList)]
        case "address":
            tags += TagSpec.matchTypes + TagSpec.comparator + TagSpec.addressParts
            positionals = [PositionalSpec(role: "header list", kind: .stringList), PositionalSpec(role: "key list", kind: .stringList)]
        default:
            positionals = [PositionalSpec(role: "header names", kind: .stringList)]
        }
        if name != "header" {
            // Say why the option does not fit rather than calling it unknown.
            for argument in node.arguments {
                guard case .tag(let written, let range) = argument, MIMEExtension.optionTags.contains(written.lowercased()) else { continue }
                error("tag ':\(written.lowercased())' applies to 'header :mime' only, not to '\(name)'", at: range.start)
                return nil
            }
        }
        guard let read = readArguments(node.arguments, of: "test", named: name, at: location, tags: tags, positionals: positionals)
        else { return nil }
        guard read.has("mime") else {
            let first = ["anychild", "type", "subtype", "contenttype", "param"].compactMap { tag in read.tags[tag].map { (tag, $0) } }
                .min { $0.1.range.start < $1.1.range.start }
            error("tag ':\(first?.0 ?? "anychild")' needs ':mime' (it selects MIME parts): write '\(name) :mime ...'",
                  at: first?.1.range.start ?? location)
            return nil
        }
        let names = compileStringList(read.positionals[0]).mappingConstants { $0.lowercased() }
        switch name {
        case "header":
            guard let match = matchSpec(read, keys: read.positionals[1]) else { return nil }
            var option: MIMEOption?
            if read.has("type") { option = .type }
            if read.has("subtype") { option = .subtype }
            if read.has("contenttype") { option = .contentType }
            if let parameter = read.tags["param"]?.parameter {
                option = .parameters(constantStrings(parameter).map { $0.0.lowercased() })
            }
            return Test(kind: .mime(MIMETest(kind: .header(option: option), names: names, anyChild: read.has("anychild"), match: match)),
                        name: name, location: location)
        case "address":
            guard let match = matchSpec(read, keys: read.positionals[1]) else { return nil }
            var part = AddressPart.all
            for tag in ["localpart", "domain", "user", "detail"] where read.has(tag) { part = AddressPart(tag: tag) ?? .all }
            return Test(kind: .mime(MIMETest(kind: .address(part: part), names: names, anyChild: read.has("anychild"), match: match)),
                        name: name, location: location)
        default:
            return Test(kind: .mime(MIMETest(kind: .exists, names: names, anyChild: read.has("anychild"), match: nil)),
                        name: name, location: location)
        }
    }

    /// Compiles `foreverypart [:name string] { ... }`; its block sees the loop (for `break`
    /// and `extracttext`).
    ///
    /// - SeeAlso: RFC 5703 §3
    mutating func compileForEveryPart(_ node: CommandNode, location: SourceLocation) -> Command? {
        var ok = true
        if let test = node.tests.first {
            error("command 'foreverypart' does not take a test; found '\(test.name)' (write foreverypart [:name \"name\"] { ... })",
                  at: test.nameRange.start)
            ok = false
        } else if node.hasTestList {
            error("command 'foreverypart' does not take a test list", at: node.nameRange.end)
            ok = false
        }
        let read = readArguments(node.arguments, of: "command", named: "foreverypart", at: location,
                                 tags: [TagSpec("name", .string)], positionals: [])
        if read == nil { ok = false }
        let loopName = read?.tags["name"]?.parameter.flatMap { stringArgument($0) }.map { decodedText($0) }
        guard let block = node.block else {
            error("command 'foreverypart' needs a block { ... } with the commands to run for each MIME part", at: node.range.end)
            return nil
        }
        if mimeLoops.count >= MIMEExtension.maximumLoopNesting {
            error("foreverypart loops nest too deep: at most \(MIMEExtension.maximumLoopNesting) may be open at once", at: location)
            ok = false
        }
        mimeLoops.append(loopName)
        let commands = compileBlock(block[...], topLevel: false)
        mimeLoops.removeLast()
        guard ok else { return nil }
        return Command(kind: .forEveryPart(ForEveryPart(name: loopName, block: commands)), name: "foreverypart", location: location)
    }

    /// Compiles `break [:name string]`: it must be inside a `foreverypart` (of this
    /// script), and a name must be one of the enclosing loops'.
    ///
    /// - SeeAlso: RFC 5703 §3
    mutating func compileBreak(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        guard let read = readArguments(node.arguments, of: "command", named: "break", at: location,
                                       tags: [TagSpec("name", .string)], positionals: [])
        else { return nil }
        guard !mimeLoops.isEmpty else {
            error("'break' is only allowed inside a foreverypart loop", at: location)
            return nil
        }
        guard let literal = read.tags["name"]?.parameter.flatMap({ stringArgument($0) }) else { return .breakLoop(levels: 0) }
        let target = decodedText(literal)
        guard let index = mimeLoops.lastIndex(where: { $0 == target }) else {
            let named = mimeLoops.compactMap { $0 }.map(quoted)
            error("'break :name \(quoted(target))' names no enclosing foreverypart loop; "
                  + (named.isEmpty ? "the enclosing loops have no :name" : "the enclosing loops are named " + named.joined(separator: ", ")),
                  at: literal.range.start)
            return nil
        }
        return .breakLoop(levels: mimeLoops.count - 1 - index)
    }

    /// Compiles `extracttext [MODIFIER...] [:first number] <varname: string>`.
    ///
    /// - SeeAlso: RFC 5703 §7
    mutating func compileExtractText(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        let modifierTags = VariableModifier.allCases.map { TagSpec($0.rawValue, capability: $0.capability) }
        var ok = true
        if mimeLoops.isEmpty {
            error("'extracttext' is only allowed inside a foreverypart loop (it reads the current MIME part)", at: location)
            ok = false
        }
        // `:first "x"`: one error for the misplaced string, not a second for the variable
        // name that then seems to be missing.
        for (index, argument) in node.arguments.enumerated().dropLast() {
            guard case .tag(let tag, _) = argument, tag.lowercased() == "first" else { continue }
            let next = node.arguments[index + 1]
            switch next {
            case .string, .stringList:
                error("tag ':first' expects a number (how many characters to keep), found \(next.phrase)", at: next.range.start)
                return nil
            case .number, .tag:
                continue
            }
        }
        guard let read = readArguments(node.arguments, of: "command", named: "extracttext", at: location,
                                       tags: modifierTags + [TagSpec("first", .number)],
                                       positionals: [PositionalSpec(role: "variable name", kind: .string)]),
              let nameLiteral = stringArgument(read.positionals[0])
        else { return nil }
        guard let modifiers = variableModifiers(read, at: location) else { return nil }
        let variable = decodedText(nameLiteral)
        guard VariableTemplate.isIdentifier(variable) else {
            error("'\(variable)' is not a valid variable name for extracttext (letters, digits and '_', not starting with a digit)",
                  at: nameLiteral.range.start)
            return nil
        }
        var first: Int?
        if case .number(let count, _)? = read.tags["first"]?.parameter { first = count }
        guard ok else { return nil }
        return .extractText(ExtractText(slot: assignedSlot(for: variable, at: nameLiteral.range.start), first: first,
                                        modifiers: modifiers))
    }

    /// Reports `require "extracttext"` without `foreverypart` or `variables`, which it
    /// builds on (RFC 5703 §7).
    mutating func checkExtracttextRequires(_ commands: [CommandNode]) {
        guard capabilities.contains(.extracttext) else { return }
        let missing = [SieveCapability.foreverypart, .variables].filter { !capabilities.contains($0) }
        guard !missing.isEmpty else { return }
        var at = commands.first?.nameRange.start ?? SourceLocation(line: 1, column: 1, offset: 0)
        for command in commands where command.name.lowercased() == "require" {
            for argument in command.arguments {
                let literals: [StringLiteral]
                switch argument {
                case .string(let literal): literals = [literal]
                case .stringList(let list, _): literals = list
                default: literals = []
                }
                if let found = literals.first(where: { $0.value.lowercased() == "extracttext" }) { at = found.range.start }
            }
        }
        error("the \"extracttext\" extension needs " + missing.map { "\"\($0.rawValue)\"" }.joined(separator: " and ")
              + " too; add require " + missing.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + ";", at: at)
    }
}

import MailCore

/// The site's rules for `addheader` and `deleteheader`: which fields scripts may not add
/// or delete, and how long an added value may be.
///
/// Always, whatever the settings: `Received` and `Auto-Submitted` cannot be deleted,
/// `Subject` can be added and deleted, and `X-Sieve-Redirected-From` (the field Sluice's
/// redirects carry to stop loops) can be neither added nor deleted. Adding a `Received` or
/// `Auto-Submitted` field is allowed unless the site forbids it (RFC 5293 §6 leaves that to
/// local policy; Pigeonhole allows it too).
///
/// - SeeAlso: RFC 5293 §6 (limitations on changes), §8 (security)
public struct EditheaderSettings: Sendable, Hashable {
    /// Pigeonhole's default for the longest added value, in octets.
    public static let defaultMaximumValueSize = 2048
    /// The smallest maximum a site may set.
    public static let minimumMaximumValueSize = 1024
    /// Fields no script may delete, whatever the settings.
    public static let alwaysProtected: Set<String> = ["received", "auto-submitted"]

    /// Lowercased names of fields scripts may not add.
    public var forbiddenToAdd: Set<String>
    /// Lowercased names of fields scripts may not delete.
    public var forbiddenToDelete: Set<String>
    /// The longest value `addheader` may add, in octets (UTF-8, before encoding).
    public var maximumValueSize: Int

    /// Settings with the given protected fields (any case) and value limit.
    public init(forbiddenToAdd: Set<String> = [], forbiddenToDelete: Set<String> = [],
                maximumValueSize: Int = EditheaderSettings.defaultMaximumValueSize) {
        self.forbiddenToAdd = Set(forbiddenToAdd.map { $0.lowercased() })
        self.forbiddenToDelete = Set(forbiddenToDelete.map { $0.lowercased() })
        self.maximumValueSize = maximumValueSize
    }

    /// Whether a script may add a field called `name`.
    public func allowsAdding(_ name: String) -> Bool {
        let key = name.lowercased()
        if key == "subject" { return true }
        if key == "x-sieve-redirected-from" { return false }
        return !forbiddenToAdd.contains(key)
    }

    /// Whether a script may delete fields called `name`.
    public func allowsDeleting(_ name: String) -> Bool {
        let key = name.lowercased()
        if Self.alwaysProtected.contains(key) || key == "x-sieve-redirected-from" { return false }
        if key == "subject" { return true }
        return !forbiddenToDelete.contains(key)
    }
}

/// A compiled `addheader` or `deleteheader`.
///
/// - SeeAlso: RFC 5293 §4, §5
enum HeaderEdit: Sendable {
    case add(name: Str, value: Str, last: Bool)
    /// `match` nil: no value patterns (every field of that name, or the indexed one).
    case delete(name: Str, index: FieldIndex?, match: MatchSpec?)
}

extension Validator {
    /// Compiles `addheader [:last] <field-name> <value>` and
    /// `deleteheader [:index N [:last]] [COMPARATOR] [MATCH-TYPE] <field-name> [<value-patterns>]`.
    ///
    /// - SeeAlso: RFC 5293 §4, §5, §6
    mutating func compileEditheader(_ node: CommandNode, name: String, location: SourceLocation) -> Command.Kind? {
        if name == "addheader" {
            guard let read = readArguments(node.arguments, of: "command", named: name, at: location,
                                           tags: [TagSpec("last")],
                                           positionals: [PositionalSpec(role: "field name", kind: .string),
                                                         PositionalSpec(role: "value", kind: .string)]),
                  let nameLiteral = stringArgument(read.positionals[0]),
                  let valueLiteral = stringArgument(read.positionals[1])
            else { return nil }
            let field = compileString(nameLiteral)
            let value = compileString(valueLiteral)
            var ok = true
            if case .constant(let text) = field {
                ok = checkFieldName(text, command: name, at: nameLiteral.range.start)
                if ok && !options.editheader.allowsAdding(text) {
                    warning("addheader: the site forbids adding \(quoted(text)) fields; this command will change nothing",
                            at: nameLiteral.range.start)
                }
            }
            if case .constant(let text) = value, let problem = Run.valueProblem(text, settings: options.editheader) {
                error("addheader: the value \(Self.shown(text)) is invalid: \(problem)", at: valueLiteral.range.start)
                ok = false
            } else if case .constant(let text) = value, text.unicodeScalars.contains(where: Self.isControl) {
                warning("addheader: the value \(Self.shown(text)) holds control characters; they are written RFC 2047-encoded",
                        at: valueLiteral.range.start)
            }
            return ok ? .editHeader(.add(name: field, value: value, last: read.has("last"))) : nil
        }

        guard let read = readArguments(node.arguments, of: "command", named: name, at: location,
                                       tags: TagSpec.matchTypes + TagSpec.comparator
                                           + [TagSpec("index", .number), TagSpec("last")],
                                       positionals: [PositionalSpec(role: "field name", kind: .string),
                                                     PositionalSpec(role: "value patterns", kind: .stringList)],
                                       optionalLeading: 1)
        else { return nil }
        if let last = read.tags["last"], read.tags["index"] == nil {
            error("deleteheader: the :last tag cannot be specified without the :index tag (:index 1 :last names the last field)",
                  at: last.range.start)
            return nil
        }
        guard let nameLiteral = stringArgument(read.positionals[0]) else {
            error("deleteheader expects a string for the field name, found \(read.positionals[0].phrase)",
                  at: read.positionals[0].range.start)
            return nil
        }
        var index: FieldIndex?
        if let use = read.tags["index"], case .number(let position, let range)? = use.parameter {
            guard position >= 1 else {
                error("deleteheader: :index counts fields from 1; found \(position)", at: range.start)
                return nil
            }
            index = FieldIndex(position: position, fromLast: read.has("last"))
        }
        let field = compileString(nameLiteral)
        if case .constant(let text) = field {
            guard checkFieldName(text, command: name, at: nameLiteral.range.start) else { return nil }
            if !options.editheader.allowsDeleting(text) {
                warning("deleteheader: \(quoted(text)) fields are protected from deletion; this command will change nothing",
                        at: nameLiteral.range.start)
            }
        }
        var match: MatchSpec?
        if read.positionals.count == 2 {
            guard let spec = matchSpec(read, keys: read.positionals[1]) else { return nil }
            match = spec
        }
        return .editHeader(.delete(name: field, index: index, match: match))
    }

    /// Reports a field name that is not RFC 5322 `1*ftext`.
    private mutating func checkFieldName(_ text: String, command: String, at location: SourceLocation) -> Bool {
        guard !HeaderFieldWriter.isValidFieldName(text) else { return true }
        error("\(command): the field name \(Self.shown(text)) is invalid: expected printable ASCII characters "
              + "other than ':', without spaces (RFC 5322 §3.6.8)", at: location)
        return false
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\r" && scalar != "\n") || scalar.value == 0x7F
    }

    /// A value for an error message: quoted, control characters shown as `?`, cut at 80.
    static func shown(_ text: String) -> String {
        let scalars = text.unicodeScalars.prefix(80).map { isControl($0) || $0 == "\0" ? "?" : $0 }
        return quoted(String(String.UnicodeScalarView(scalars))) + (text.unicodeScalars.count > 80 ? "…" : "")
    }
}

extension Run {
    /// Why `value` cannot be added, or nil: a NUL character, or more octets than the site
    /// allows.
    static func valueProblem(_ value: String, settings: EditheaderSettings) -> String? {
        if value.utf8.contains(0) { return "it contains a NUL character" }
        let size = value.utf8.count
        if size > settings.maximumValueSize {
            return "it is too large (\(size) octets; the site allows at most \(settings.maximumValueSize))"
        }
        return nil
    }

    /// Carries out an `addheader` or `deleteheader` on the run's message; later tests and
    /// the result see the edited message.
    ///
    /// A protected field is left alone with a warning, as RFC 5293 §6 asks ("MUST NOT
    /// permit"; the run goes on). An invalid field name or value found once variables are
    /// expanded is a runtime error.
    ///
    /// - SeeAlso: RFC 5293 §4, §5, §6
    mutating func execute(_ edit: HeaderEdit, at location: SourceLocation) throws(Failure) {
        switch edit {
        case .add(let nameString, let valueString, let last):
            let name = expand(nameString)
            try checkFieldName(name, command: "addheader", at: location)
            guard options.editheader.allowsAdding(name) else {
                warn("addheader: the site forbids adding \(quoted(name)) fields; the message was not changed", at: location)
                return
            }
            let value = expand(valueString)
            if let problem = Run.valueProblem(value, settings: options.editheader) {
                throw Failure(message: "addheader: the value \(Validator.shown(value)) is invalid: \(problem)", location: location)
            }
            message = message.addingField(name: name, value: value, last: last)
            messageEdited = true
            tracer?.record(.messageEdit("addheader\(last ? " :last" : "") \(quoted("\(name): \(value)"))", location: location))
        case .delete(let nameString, let index, let match):
            let name = expand(nameString)
            try checkFieldName(name, command: "deleteheader", at: location)
            guard options.editheader.allowsDeleting(name) else {
                warn("deleteheader: \(quoted(name)) fields are protected from deletion; the message was not changed", at: location)
                return
            }
            var candidates = message.fieldIndices(lowercasedName: name.lowercased())
            if let index { candidates = index.select(candidates).map { [$0] } ?? [] }
            var doomed: [Int] = []
            if let match, case .list = match.type {
                // RFC 6134: the fields whose value is on one of the lists.
                var unused: TraceComparison?
                for position in candidates
                where try compareList([message.headerFields[position].value], match, at: location, trace: &unused) {
                    doomed.append(position)
                }
            } else if let match {
                let prepared = match.prepared ?? PreparedKeys(expand(match.keys), type: match.type, comparator: match.comparator)
                try step(candidates.count * max(1, prepared.keys.count), at: location)
                for position in candidates
                where Matcher.match(values: [message.headerFields[position].value], keys: prepared).matched {
                    doomed.append(position)
                }
            } else {
                doomed = candidates
            }
            if !doomed.isEmpty {
                message = message.removingFields(at: doomed)
                messageEdited = true
            }
            if tracer != nil {
                let which = index.map { " :index \($0.position)\($0.fromLast ? " :last" : "")" } ?? ""
                tracer?.record(.messageEdit("deleteheader\(which) \(quoted(name)): \(doomed.count) of \(candidates.count) "
                                            + "field(s) removed", location: location))
            }
        }
    }

    private func checkFieldName(_ name: String, command: String, at location: SourceLocation) throws(Failure) {
        guard HeaderFieldWriter.isValidFieldName(name) else {
            throw Failure(message: "\(command): the field name \(Validator.shown(name)) (after variable expansion) is invalid: "
                          + "expected printable ASCII characters other than ':', without spaces", location: location)
        }
    }

    /// A problem that does not stop the run, reported with the result.
    private mutating func warn(_ message: String, at location: SourceLocation) {
        let problem = SieveRuntimeError(message, at: location, file: script.file)
        nonFatalErrors.append(problem)
        tracer?.record(.warning(problem))
    }
}

extension EditheaderSettings {
    /// The settings `test_config_set` made, in Pigeonhole's names, over `base`:
    /// `sieve_editheader_max_header_size` (octets, or with a `k`/`m` unit; below the
    /// minimum it is ignored, as Pigeonhole refuses it); the space-separated lists
    /// `sieve_editheader_protected` (neither added nor deleted), `sieve_editheader_forbid_add`
    /// and `sieve_editheader_forbid_delete`; and the per-field form
    /// `sieve_editheader_header` (the names) with `sieve_editheader_header/NAME/forbid_add`
    /// and `.../forbid_delete` set to `yes`.
    static func fromTestConfig(_ settings: [String: String], base: EditheaderSettings) -> EditheaderSettings {
        var result = base
        func names(_ key: String) -> [String] {
            (settings[key] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map { $0.lowercased() }
        }
        func yes(_ key: String) -> Bool {
            ["yes", "true", "1"].contains(settings[key]?.trimmingCharacters().lowercased() ?? "")
        }
        for name in names("sieve_editheader_protected") {
            result.forbiddenToAdd.insert(name)
            result.forbiddenToDelete.insert(name)
        }
        result.forbiddenToAdd.formUnion(names("sieve_editheader_forbid_add"))
        result.forbiddenToDelete.formUnion(names("sieve_editheader_forbid_delete"))
        for name in names("sieve_editheader_header") {
            let field = settings["sieve_editheader_header/\(name)/name"].map { $0.trimmingCharacters().lowercased() } ?? name
            if yes("sieve_editheader_header/\(name)/forbid_add") { result.forbiddenToAdd.insert(field) }
            if yes("sieve_editheader_header/\(name)/forbid_delete") { result.forbiddenToDelete.insert(field) }
        }
        if let text = settings["sieve_editheader_max_header_size"], let size = octets(text),
           size >= minimumMaximumValueSize {
            result.maximumValueSize = size
        }
        return result
    }

    /// `2048`, `2k`, `1 M` as octets.
    static func octets(_ text: String) -> Int? {
        let lowered = text.trimmingCharacters().lowercased()
        let digits = lowered.prefix { $0.isASCII && $0.isNumber }
        guard let number = Int(digits) else { return nil }
        switch lowered.dropFirst(digits.count).trimmingCharacters() {
        case "", "b": return number
        case "k", "kb": return number * 1024
        case "m", "mb": return number * 1024 * 1024
        default: return nil
        }
    }
}

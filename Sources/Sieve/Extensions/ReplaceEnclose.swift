import MailCore

/// A compiled `replace [:mime] [:subject string] [:from string] <replacement: string>`.
///
/// - SeeAlso: RFC 5703 §5
struct PartReplacement: Sendable {
    /// `:mime`: the replacement is a MIME entity (its header fields, an empty line, its
    /// body) instead of plain text.
    let isMIME: Bool
    let subject: Str?
    let from: Str?
    let replacement: Str
}

/// A compiled `enclose [:subject string] [:headers string-list] <text: string>`.
///
/// - SeeAlso: RFC 5703 §6
struct Enclosure: Sendable {
    let subject: Str?
    /// Names of the original's fields the new message copies; nil: every field but the
    /// MIME ones and `Subject`.
    let headers: StrList?
    let text: Str
}

/// A `replace` with its strings expanded.
struct ExpandedReplacement: Sendable {
    var isMIME: Bool
    var subject: String?
    var from: String?
    var replacement: String
}

/// An `enclose` with its strings expanded (header names lowercased).
struct ExpandedEnclosure: Sendable {
    var subject: String?
    var headers: [String]?
    var text: String
}

extension Validator {
    /// Whether the script uses an extension that reads MIME parts (the delivery agent then
    /// gives it the whole message, not only the header section).
    var readsMIMEParts: Bool {
        !capabilities.union(grantedByIhave).isDisjoint(with: [.mime, .foreverypart, .extracttext, .replace, .enclose])
    }

    /// - SeeAlso: RFC 5703 §5
    mutating func compileReplace(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        guard let read = readArguments(node.arguments, of: "command", named: "replace", at: location,
                                       tags: [TagSpec("mime"), TagSpec("subject", .string), TagSpec("from", .string)],
                                       positionals: [PositionalSpec(role: "replacement", kind: .string)]),
              let literal = stringArgument(read.positionals[0])
        else { return nil }
        var from: Str?
        if let fromLiteral = read.tags["from"]?.parameter.flatMap({ stringArgument($0) }) {
            let compiled = compileString(fromLiteral)
            if case .constant(let text) = compiled, MailboxSyntax.mailbox(in: text) == nil {
                error("replace :from \(quoted(text)) is not a valid address (expected local@domain, optionally with a name)",
                      at: fromLiteral.range.start)
                return nil
            }
            from = compiled
        }
        let subject = read.tags["subject"]?.parameter.flatMap { stringArgument($0) }.map { compileString($0) }
        return .replace(PartReplacement(isMIME: read.has("mime"), subject: subject, from: from, replacement: compileString(literal)))
    }

    /// - SeeAlso: RFC 5703 §6
    mutating func compileEnclose(_ node: CommandNode, location: SourceLocation) -> Command.Kind? {
        guard let read = readArguments(node.arguments, of: "command", named: "enclose", at: location,
                                       tags: [TagSpec("subject", .string), TagSpec("headers", .stringList)],
                                       positionals: [PositionalSpec(role: "text", kind: .string)]),
              let literal = stringArgument(read.positionals[0])
        else { return nil }
        let subject = read.tags["subject"]?.parameter.flatMap { stringArgument($0) }.map { compileString($0) }
        let headers = read.tags["headers"]?.parameter.map { compileStringList($0).mappingConstants { $0.lowercased() } }
        return .enclose(Enclosure(subject: subject, headers: headers, text: compileString(literal)))
    }
}

extension Run {
    /// Carries out `replace`: outside a loop (or with the loop at the message itself) the
    /// whole message body is replaced, the header kept but for its MIME fields (and
    /// `Subject`/`From` when given, kept as `Original-Subject`/`Original-From`); inside a loop
    /// the current part is replaced, header and body, once the outermost loop ends.
    ///
    /// - SeeAlso: RFC 5703 §5
    mutating func execute(_ command: PartReplacement, at location: SourceLocation) throws(Failure) {
        var expanded = ExpandedReplacement(isMIME: command.isMIME, subject: command.subject.map { expand($0) },
                                           from: command.from.map { expand($0) }, replacement: expand(command.replacement))
        if let from = expanded.from, case .template? = command.from {
            guard MailboxSyntax.mailbox(in: from) != nil else {
                throw Failure(message: "replace :from \(quoted(from)) (after variable expansion) is not a valid address", location: location)
            }
        }
        if let subject = expanded.subject { expanded.subject = subject.replacing("\r", with: "").replacing("\n", with: " ") }
        guard let current = mimeLoop.current.last, current > 0, let walk = mimeLoop.walk else {
            if mimeLoop.current.isEmpty {
                try step(1 + message.bytes.count / 1024, at: location)
                message = MessageRewriting.replacingBody(of: message, with: expanded)
                messageEdited = true
                tracer?.record(.messageEdit("replace\(expanded.isMIME ? " :mime" : ""): the message body was replaced", location: location))
            } else {
                // The loop is at the message itself: everything below it goes.
                mimeLoop.wholeReplacement = expanded
                mimeLoop.splices = []
                mimeLoop.skipped = Array(repeating: true, count: mimeLoop.walk?.parts.count ?? 0)
                tracer?.record(.messageEdit("replace: the whole message body will be replaced when the loop ends", location: location))
            }
            return
        }
        let part = walk.parts[current]
        guard let range = part.range(in: walk.message.bytes) else {
            warn(location, "replace: part \(current + 1) lies inside an encoded embedded message and cannot be replaced; "
                 + "the message was not changed")
            return
        }
        let lineEnding = MessageRewriting.lineEnding(of: walk.message)
        let bytes = MessageRewriting.entity(for: expanded, lineEnding: lineEnding)
        try step(1 + bytes.count / 1024, at: location)
        mimeLoop.splices.removeAll { range.contains($0.range.lowerBound) && $0.range.upperBound <= range.upperBound }
        mimeLoop.splices.append((range, bytes))
        if mimeLoop.skipped.isEmpty { mimeLoop.skipped = Array(repeating: false, count: walk.parts.count) }
        for below in (current + 1)..<walk.subtreeEnds[current] { mimeLoop.skipped[below] = true }
        tracer?.record(.messageEdit("replace\(expanded.isMIME ? " :mime" : ""): part \(current + 1) "
                                    + "(\(part.contentType.mimeType)) will be replaced when the loop ends", location: location))
    }

    /// Carries out `enclose`: the message becomes a new `multipart/mixed` message whose first
    /// part is the text and whose second is the original as `message/rfc822`. Inside a loop
    /// it happens once the outermost loop ends, after the loop's replacements.
    ///
    /// - SeeAlso: RFC 5703 §6
    mutating func execute(_ command: Enclosure, at location: SourceLocation) throws(Failure) {
        var expanded = ExpandedEnclosure(subject: command.subject.map { expand($0) },
                                         headers: command.headers.map { expandLowercased($0) }, text: expand(command.text))
        if let subject = expanded.subject { expanded.subject = subject.replacing("\r", with: "").replacing("\n", with: " ") }
        guard mimeLoop.current.isEmpty else {
            mimeLoop.enclosures.append(expanded)
            tracer?.record(.messageEdit("enclose: the message will be enclosed when the loop ends", location: location))
            return
        }
        try step(1 + message.bytes.count / 1024, at: location)
        message = MessageRewriting.enclosing(message, in: expanded)
        messageEdited = true
        tracer?.record(.messageEdit("enclose: the message was enclosed in a new message", location: location))
    }

    /// Applies what `replace` and `enclose` asked for inside the loops that just ended: the
    /// replaced parts spliced into the message in one pass, then a whole-message
    /// replacement, then the enclosures in order.
    mutating func applyLoopChanges(at location: SourceLocation) throws(Failure) {
        guard let walk = mimeLoop.walk else { return }
        var edited = walk.message
        if !mimeLoop.splices.isEmpty {
            let bytes = walk.message.bytes
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var copied = 0
            for splice in mimeLoop.splices.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
                out += bytes[copied..<splice.range.lowerBound]
                out += splice.bytes
                copied = splice.range.upperBound
            }
            out += bytes[copied...]
            try step(1 + out.count / 1024, at: location)
            edited = Message(bytes: out)
            tracer?.record(.messageEdit("replace: \(mimeLoop.splices.count) part(s) replaced", location: location))
        }
        if let whole = mimeLoop.wholeReplacement {
            try step(1 + edited.bytes.count / 1024, at: location)
            edited = MessageRewriting.replacingBody(of: edited, with: whole)
            tracer?.record(.messageEdit("replace: the message body was replaced", location: location))
        }
        for enclosure in mimeLoop.enclosures {
            try step(1 + edited.bytes.count / 1024, at: location)
            edited = MessageRewriting.enclosing(edited, in: enclosure)
            tracer?.record(.messageEdit("enclose: the message was enclosed in a new message", location: location))
        }
        mimeLoop.splices = []
        mimeLoop.skipped = []
        mimeLoop.wholeReplacement = nil
        mimeLoop.enclosures = []
        message = edited
        messageEdited = true
    }

    /// A problem that does not stop the run, reported with the result.
    private mutating func warn(_ location: SourceLocation, _ text: String) {
        let problem = SieveRuntimeError(text, at: location, file: script.file)
        nonFatalErrors.append(problem)
        tracer?.record(.warning(problem))
    }
}

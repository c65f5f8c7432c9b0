import MailCore

/// The parts of one message in the order `foreverypart` visits them (depth first, in
/// message order, the message itself first), with where each part's subtree ends, so
/// that a nested loop or `:anychild` reads a slice instead of walking the tree again.
///
/// Built once per message (in one pass over MailCore's MIME tree), whatever the number
/// of loops and tests.
struct MIMEWalk {
    /// The message the parts belong to.
    let message: Message
    let parts: [MIMEPart]
    /// For each part, the index just past its last descendant.
    let subtreeEnds: [Int]

    init(_ message: Message) {
        self.message = message
        var parts: [MIMEPart] = []
        var ends: [Int] = []
        // (index of the part, its children, the next child to visit)
        var stack: [(Int, [MIMEPart], Int)] = []
        let root = message.mimeRoot
        parts.append(root)
        ends.append(1)
        stack.append((0, root.children, 0))
        while let top = stack.last {
            if top.2 < top.1.count {
                stack[stack.count - 1].2 += 1
                let child = top.1[top.2]
                stack.append((parts.count, child.children, 0))
                parts.append(child)
                ends.append(parts.count)
            } else {
                ends[top.0] = parts.count
                stack.removeLast()
            }
        }
        self.parts = parts
        self.subtreeEnds = ends
    }

    /// The indices of part `index` and, with `anyChild`, every part below it.
    func scope(of index: Int, anyChild: Bool) -> Range<Int> {
        anyChild ? index..<subtreeEnds[index] : index..<(index + 1)
    }
}

/// What the open `foreverypart` loops of a run share: the walk, where each loop is, and
/// the changes `replace` and `enclose` asked for inside them (carried out when the
/// outermost loop ends, so a loop over many parts rebuilds the message once).
struct MIMELoopState {
    var walk: MIMEWalk?
    /// The part each open loop is at, outermost first.
    var current: [Int] = []
    /// How many more loops a `break` leaves once the innermost has ended.
    var breakLevels = 0
    /// Parts `replace` changed inside the loops: their byte range in the walk's message
    /// and the new bytes (none inside another).
    var splices: [(range: Range<Int>, bytes: [UInt8])] = []
    /// Parts below a replaced part, which the loops no longer visit.
    var skipped: [Bool] = []
    /// A `replace` of the whole message inside a loop (the loop was at the message itself).
    var wholeReplacement: ExpandedReplacement?
    /// `enclose` commands that ran inside the loops, in order.
    var enclosures: [ExpandedEnclosure] = []
    /// Loop iterations so far in this run.
    var iterations = 0

    var hasPendingChanges: Bool { !splices.isEmpty || wholeReplacement != nil || !enclosures.isEmpty }
}

extension Run {
    /// The walk of the current message: the loops' walk while a loop is open, else one
    /// built for (and kept with) the message as it stands.
    mutating func mimeWalk() -> MIMEWalk {
        if let walk = mimeLoop.walk, !mimeLoop.current.isEmpty || walk.message === message { return walk }
        let walk = MIMEWalk(message)
        mimeLoop.walk = walk
        return walk
    }

    /// Runs a `foreverypart` loop: its block once for each part below the current one (every
    /// part of the message, the message itself first, for an outermost loop).
    ///
    /// Each iteration counts one evaluation step. More than
    /// `MIMEExtension.maximumLoopNesting` loops open at once (through `include`) is a runtime error.
    ///
    /// - SeeAlso: RFC 5703 §3
    mutating func execute(_ loop: ForEveryPart, at location: SourceLocation) throws(Failure) -> Flow {
        guard mimeLoop.current.count < MIMEExtension.maximumLoopNesting else {
            throw Failure(message: "foreverypart loops nest too deep (through include): at most "
                          + "\(MIMEExtension.maximumLoopNesting) may be open at once", location: location)
        }
        let walk = mimeWalk()
        noteStructureLimit(at: location)
        let outermost = mimeLoop.current.isEmpty
        if outermost {
            mimeLoop.splices = []
            mimeLoop.skipped = []
            mimeLoop.wholeReplacement = nil
            mimeLoop.enclosures = []
        }
        let indices = mimeLoop.current.last.map { ($0 + 1)..<walk.subtreeEnds[$0] } ?? 0..<walk.parts.count
        let label = loop.name.map { ":name \(quoted($0)) " } ?? ""
        mimeLoop.current.append(indices.lowerBound)
        var flow = Flow.proceed
        var index = indices.lowerBound
        do {
            while index < indices.upperBound {
                if !mimeLoop.skipped.isEmpty, mimeLoop.skipped[index] {
                    index += 1
                    continue
                }
                try step(1, at: location)
                mimeLoop.iterations += 1
                mimeLoop.current[mimeLoop.current.count - 1] = index
                if tracer != nil {
                    let part = walk.parts[index]
                    tracer?.record(.partIteration("\(label)part \(index + 1) of \(walk.parts.count): "
                                                  + "\(part.contentType.mimeType) at depth \(part.depth)", location: location))
                }
                let result = try execute(loop.block)
                if result == .breakLoop {
                    if mimeLoop.breakLevels > 0 {
                        mimeLoop.breakLevels -= 1
                        flow = .breakLoop
                    }
                    tracer?.record(.partIteration("\(label)left by break", location: location))
                    break
                }
                if result != .proceed {
                    flow = result
                    break
                }
                index += 1
            }
        } catch {
            mimeLoop.current.removeLast()
            throw error
        }
        mimeLoop.current.removeLast()
        if outermost, mimeLoop.hasPendingChanges { try applyLoopChanges(at: location) }
        return flow
    }

    /// Evaluates `header`, `address` or `exists` with `:mime` on the current part (the
    /// message itself outside a loop), or with `:anychild` on it and every part below it.
    ///
    /// - SeeAlso: RFC 5703 §4.1, §4.2
    mutating func evaluate(_ test: MIMETest, at location: SourceLocation, trace: inout TraceComparison?) throws(Failure) -> Bool {
        let walk = mimeWalk()
        if test.anyChild { noteStructureLimit(at: location) }
        let scope = walk.scope(of: mimeLoop.current.last ?? 0, anyChild: test.anyChild)
        let names = expandLowercased(test.names)
        // Reading one part's fields is cheap (the comparison counts on its own); a scope
        // of many parts counts one step per part and name.
        if test.anyChild { try step(scope.count * max(names.count, 1), at: location) }
        switch test.kind {
        case .exists:
            let found = names.filter { name in scope.contains { !walk.parts[$0].fields(named: name).isEmpty } }
            if tracer != nil {
                trace = TraceComparison(values: found, keys: names, matchType: "exists :mime", comparator: nil)
            }
            return found.count == names.count
        case .header(let option):
            var values: [String] = []
            for index in scope {
                for name in names {
                    for field in walk.parts[index].fields(named: name) {
                        Self.appendMIMEValues(of: field, name: name, option: option, to: &values)
                    }
                }
            }
            guard let match = test.match else { return false }
            return try compare(values, match, at: location, trace: &trace)
        case .address(let part):
            var values: [String] = []
            for index in scope {
                for name in names {
                    for field in walk.parts[index].fields(named: name) {
                        appendAddressParts(part, of: AddressParser.parseList(field.value), to: &values)
                    }
                }
            }
            guard let match = test.match else { return false }
            return try compare(values, match, at: location, trace: &trace)
        }
    }

    /// The values `header :mime` compares for one field: its decoded value, or the piece of
    /// it an option names. `Content-Disposition` is read as a disposition (its type for
    /// `:type` and `:contenttype`, "" for `:subtype`), every other field as a
    /// `Content-Type`; a field that does not parse gives nothing for an option.
    static func appendMIMEValues(of field: HeaderField, name: String, option: MIMEOption?, to values: inout [String]) {
        guard let option else {
            values.append(field.value)
            return
        }
        let text = Charset.decodeLenient(field.rawValue)
        if name == "content-disposition" {
            guard let disposition = ContentDisposition.parse(text) else { return }
            switch option {
            case .type, .contentType: values.append(disposition.type)
            case .subtype: values.append("")
            case .parameters(let names): for key in names { if let value = disposition.parameters[key] { values.append(value) } }
            }
            return
        }
        guard let type = ContentType.parse(text) else { return }
        switch option {
        case .type: values.append(type.type)
        case .subtype: values.append(type.subtype)
        case .contentType: values.append(type.mimeType)
        case .parameters(let names): for key in names { if let value = type.parameters[key] { values.append(value) } }
        }
    }

    /// Sets a variable to the text of the current part: decoded and converted from its
    /// charset for text parts, HTML read as text (the same conversion `body :text` uses),
    /// "" for other parts (multiparts, attachments that are not text).
    ///
    /// - SeeAlso: RFC 5703 §7
    mutating func execute(_ extract: ExtractText, at location: SourceLocation) throws(Failure) {
        let walk = mimeWalk()
        let part = walk.parts[mimeLoop.current.last ?? 0]
        var text = ""
        if BodyExtraction.isReadable(part) {
            if part.contentType.subtype == "html" || part.contentType.subtype == "xhtml+xml" {
                let html = htmlTextExtractor ?? TagStrippingHTMLTextExtractor()
                text = html.text(fromHTML: part.decodedBody, charset: part.contentType.charset)
            } else {
                text = part.text ?? ""
            }
        }
        try step(1 + text.utf8.count / 1024, at: location)
        if let first = extract.first, text.unicodeScalars.count > first {
            text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(first)))
        }
        if !extract.modifiers.isEmpty { text = VariableModifier.applyAll(extract.modifiers, to: text) }
        variables[extract.slot] = limited(text)
        tracer?.record(.variable(name: script.variableNames[extract.slot], value: variables[extract.slot], location: location))
    }
}

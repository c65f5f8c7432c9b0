import MailCore

extension Run {
    /// Evaluates a `body` test: extracts the strings the transform selects (the MIME tree
    /// is parsed only now, on first use) and compares them with the keys.
    ///
    /// Work counts towards `maxEvaluationSteps`: besides one step per value and key, one
    /// step per started KiB of extracted text per key, so a script cannot make the run
    /// scan a large message many times over unbounded. A successful `:matches` does not set
    /// the match variables `${0}`...
    ///
    /// - SeeAlso: RFC 5173 §5 (transforms), §6 (no match variables from `body`)
    mutating func evaluateBody(_ transform: BodyTransform, _ match: MatchSpec, at location: SourceLocation,
                               trace: inout TraceComparison?) throws(Failure) -> Bool {
        let values = bodyValues(transform)
        if case .raw = transform {} else { noteStructureLimit(at: location) }
        // RFC 6134: a body string that is on one of the lists.
        if case .list = match.type { return try compareList(values, match, at: location, trace: &trace) }
        let prepared = match.prepared ?? PreparedKeys(expand(match.keys), type: match.type, comparator: match.comparator)
        let keys = prepared.keys
        var bytes = 0
        for value in values { bytes += value.utf8.count }
        let kib = (bytes + 1023) / 1024
        let (scan, scanOverflow) = kib.multipliedReportingOverflow(by: max(keys.count, 1))
        let (pairs, pairOverflow) = values.count.multipliedReportingOverflow(by: keys.count)
        try step(scanOverflow || pairOverflow ? Int.max / 2 : scan + pairs, at: location)
        if case .regex = match.type {
            try step(Matcher.regexWork(values: values, keys: prepared), at: location)
            reportInvalidRegexKeys(prepared, at: location)
        }
        let outcome = Matcher.match(values: values, keys: prepared)
        if tracer != nil {
            trace = TraceComparison(values: values.map { Self.traceExcerpt($0) }, keys: keys,
                                    matchType: match.typeDescription, comparator: match.comparator.rawValue)
        }
        return outcome.matched
    }

    /// The strings a transform selects, extracted once per run and transform.
    mutating func bodyValues(_ transform: BodyTransform) -> [String] {
        let key: String
        switch transform {
        case .raw: key = ":raw"
        case .text: key = ":text"
        case .content(let types): key = ":content\u{0}" + expand(types).joined(separator: "\u{0}")
        }
        if let cached = bodyCache[key] { return cached }
        let values: [String]
        if !BodyExtraction.hasBody(message) {
            values = []
        } else {
            switch transform {
            case .raw: values = BodyExtraction.raw(message)
            case .text: values = BodyExtraction.text(message, html: htmlTextExtractor ?? TagStrippingHTMLTextExtractor())
            case .content(let types): values = BodyExtraction.content(message, types: expand(types))
            }
        }
        bodyCache[key] = values
        return values
    }

    /// Reports, once per run, that the message reached a limit of the MIME parser (a
    /// warning in the result and the trace): what lies past it was searched as one raw
    /// text part, so a match there is not hidden but the structure is not exact.
    mutating func noteStructureLimit(at location: SourceLocation) {
        guard !reportedStructureLimit, let limit = message.mimeRoot.structureLimit else { return }
        reportedStructureLimit = true
        let warning = SieveRuntimeError(limit.description, at: location, file: script.file)
        nonFatalErrors.append(warning)
        tracer?.record(.warning(warning))
    }

    /// A body string shortened for a trace line (the first 200 characters).
    static func traceExcerpt(_ value: String) -> String {
        guard value.count > 200 else { return value }
        return String(value.prefix(200)) + "…"
    }
}

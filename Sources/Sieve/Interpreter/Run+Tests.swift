import MailCore

extension Run {
    /// Evaluates a test, short-circuiting allof/anyof left to right (RFC 5229 §3.2
    /// relies on that order for match variables).
    mutating func evaluate(_ test: Test) throws(Failure) -> Bool {
        try step(1, at: test.location)
        var comparison: TraceComparison?
        let matched: Bool
        switch test.kind {
        case .constant(let value):
            matched = value
        case .not(let inner):
            matched = try !evaluate(inner)
        case .allof(let tests):
            var all = true
            for inner in tests where try !evaluate(inner) {
                all = false
                break
            }
            matched = all
        case .anyof(let tests):
            var any = false
            for inner in tests where try evaluate(inner) {
                any = true
                break
            }
            matched = any
        case .header(let names, let match):
            let list = expandLowercased(names)
            // One name (the usual case) needs no new array: the message keeps its values.
            var values = list.count == 1 ? message.fieldValues(lowercasedName: list[0]) : []
            if list.count > 1 {
                for name in list { values += message.fieldValues(lowercasedName: name) }
            }
            matched = try compare(values, match, at: test.location, trace: &comparison)
        case .address(let part, let headers, let match):
            var values: [String] = []
            for name in expandLowercased(headers) where Validator.addressHeaders.contains(name) {
                appendAddressParts(part, of: addresses(name), to: &values)
            }
            matched = try compare(values, match, at: test.location, trace: &comparison)
        case .envelope(let part, let parts, let match):
            var values: [String] = []
            for name in expandLowercased(parts) {
                let path: String
                switch name {
                case "from": path = envelope.from
                case "to": path = envelope.to
                case "auth":
                    // Not in RFC 5228: the authenticated submitter, as Pigeonhole offers it.
                    guard let auth = envelope.auth, !auth.isEmpty else { continue }
                    if part == .all, case .invalid = EnvelopePath(auth) { values.append(auth); continue }
                    path = auth
                default: continue
                }
                switch EnvelopePath(path) {
                case .address(let address):
                    if let value = part.extract(from: address, separator: options.subaddressSeparator) { values.append(value) }
                case .null:
                    // RFC 5228 §5.4: the null reverse-path is "", whatever the address part.
                    values.append("")
                case .invalid:
                    break  // not a path: nothing to compare
                }
            }
            matched = try compare(values, match, at: test.location, trace: &comparison)
        case .exists(let names):
            let list = expandLowercased(names)
            matched = list.allSatisfy { !fieldIndices($0).isEmpty }
            if tracer != nil {
                comparison = TraceComparison(values: list.filter { !fieldIndices($0).isEmpty }, keys: list,
                                             matchType: "exists", comparator: nil)
            }
        case .mailboxExists(let names):
            let list = expand(names)
            matched = list.allSatisfy(mailboxIsPresent)
            if tracer != nil {
                comparison = TraceComparison(values: list.filter(mailboxIsPresent), keys: list,
                                             matchType: "mailboxexists", comparator: nil)
            }
        case .size(let over, let limit):
            matched = over ? message.size > limit : message.size < limit
            if tracer != nil {
                comparison = TraceComparison(values: [String(message.size)], keys: [String(limit)],
                                             matchType: over ? ":over" : ":under", comparator: nil)
            }
        case .string(let source, let match):
            var values = expand(source)
            // RFC 5229 §5: for :count, an empty string counts as no string.
            if case .count = match.type { values.removeAll { $0.isEmpty } }
            matched = try compare(values, match, at: test.location, trace: &comparison)
        case .testSuite(let testSuiteTest):
            matched = try evaluate(testSuiteTest, at: test.location, trace: &comparison)
        case .hasflag(let slots, let match):
            let values = FlagList.flags(in: slots.map { $0.map { variables[$0] } } ?? [internalFlags])
            let flagMatch = match.splittingFlagKeys { expand($0) }
            matched = try compare(values, flagMatch, at: test.location, trace: &comparison)
        case .body(let transform, let match):
            matched = try evaluateBody(transform, match, at: test.location, trace: &comparison)
        case .date(let date):
            matched = try evaluateDate(date, at: test.location, trace: &comparison)
        case .indexedHeader(let names, let index, let match):
            matched = try evaluateIndexedHeader(names: names, index: index, match: match, at: test.location, trace: &comparison)
        case .indexedAddress(let part, let headers, let index, let match):
            matched = try evaluateIndexedAddress(part: part, headers: headers, index: index, match: match,
                                                 at: test.location, trace: &comparison)
        case .environment(let name, let match, let vendorItems):
            matched = try evaluateEnvironment(name, match, vendorItems: vendorItems, at: test.location, trace: &comparison)
        case .spamtest(let percent, let match):
            matched = try evaluateScoreTest(.spam, percent: percent, match, at: test.location, trace: &comparison)
        case .virustest(let match):
            matched = try evaluateScoreTest(.virus, percent: false, match, at: test.location, trace: &comparison)
        case .program(let call):
            matched = try evaluateProgram(call, at: test.location)
        case .validNotifyMethod(let uris):
            matched = expand(uris).allSatisfy(NotifyURI.isValid)
        case .notifyMethodCapability(let uri, let capability, let match):
            let value = NotifyURI.capability(expand(uri), expand(capability))
            if let value { matched = try compare([value], match, at: test.location, trace: &comparison) } else { matched = false }
        case .duplicate(let duplicate):
            matched = try evaluateDuplicate(duplicate, at: test.location, trace: &comparison)
        case .mime(let mimeTest):
            matched = try evaluate(mimeTest, at: test.location, trace: &comparison)
        case .mailboxAttribute(let attributeTest):
            matched = try evaluateMailboxAttribute(attributeTest, at: test.location, trace: &comparison)
        case .validExtList(let names):
            matched = evaluateValidExtList(names, trace: &comparison)
        }
        tracer?.record(.test(TestTrace(name: test.name, location: test.location, matched: matched, comparison: comparison)))
        return matched
    }

    /// Compares values with keys; a successful `:matches` sets the match variables.
    mutating func compare(_ values: [String], _ match: MatchSpec, at location: SourceLocation,
                          trace: inout TraceComparison?) throws(Failure) -> Bool {
        let prepared = match.prepared ?? PreparedKeys(expand(match.keys), type: match.type, comparator: match.comparator)
        let keys = prepared.keys
        if case .count = match.type {
            try step(keys.count, at: location)
        } else if case .regex = match.type {
            try step(Matcher.regexWork(values: values, keys: prepared), at: location)
            reportInvalidRegexKeys(prepared, at: location)
        } else if case .list = match.type {
            return try compareList(values, match, at: location, trace: &trace)
        } else {
            let (work, overflow) = values.count.multipliedReportingOverflow(by: keys.count)
            try step(overflow ? Int.max / 2 : work, at: location)
        }
        let outcome = Matcher.match(values: values, keys: prepared)
        if outcome.matched, match.type == .matches || match.type == .regex {
            matchVariables = (outcome.captures ?? []).map { limited($0) }
        }
        if tracer != nil {
            trace = TraceComparison(values: values, keys: keys, matchType: match.typeDescription, comparator: match.comparator.rawValue)
        }
        return outcome.matched
    }

    /// Records a `:regex` key that held a variable and is not a valid expression after
    /// expansion. Like Pigeonhole, this does not stop the run: the key never matches, the
    /// other keys are still tried, and the error is reported with the result.
    mutating func reportInvalidRegexKeys(_ prepared: PreparedKeys, at location: SourceLocation) {
        for (key, error) in prepared.regexErrors {
            let problem = SieveRuntimeError("invalid :regex key \(RegexPattern.quotedForMessage(key)) (after variable expansion): "
                                            + "\(error); the key does not match", at: location, file: script.file)
            nonFatalErrors.append(problem)
            tracer?.record(.warning(problem))
        }
    }

    /// Indices of the header fields called `name` (lowercased), from the index the
    /// message built when it was parsed.
    func fieldIndices(_ name: String) -> [Int] {
        message.fieldIndices(lowercasedName: name)
    }

    /// The address lists of all fields called `name` (lowercased), parsed once per
    /// message and shared by every run on it.
    func addresses(_ name: String) -> [AddressListEntry] {
        message.addresses(lowercasedName: name)
    }

    /// Appends `part` of every address in `entries` (group members included) to `values`;
    /// an entry that is not an address counts only for `:all`, as its text.
    ///
    /// - SeeAlso: RFC 5228 §5.1, §2.7.4
    func appendAddressParts(_ part: AddressPart, of entries: [AddressListEntry], to values: inout [String]) {
        for entry in entries {
            switch entry {
            case .mailbox(let address):
                if let value = part.extract(from: address, separator: options.subaddressSeparator) { values.append(value) }
            case .group(_, let members):
                for address in members {
                    if let value = part.extract(from: address, separator: options.subaddressSeparator) { values.append(value) }
                }
            case .unparsable(let text):
                if part == .all { values.append(text) }
            }
        }
    }
}

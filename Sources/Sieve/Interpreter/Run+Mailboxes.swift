/// Running `fileinto :specialuse` / `:mailboxid` and the mailbox-attribute tests. Under
/// `sieve-check test` the test file itself asks the test suite's in-memory store.
extension Run {
    /// Whether a mailbox exists: the test suite's store in a test file, else the context.
    func mailboxIsPresent(_ name: String) -> Bool {
        if let catalog = testSuite?.mailboxCatalog { return catalog.exists(name) }
        return mailboxExists(name)
    }

    /// Where the attribute answers come from: the test suite's store in a test file,
    /// else the context.
    private var attributeLookup: MailboxAttributeLookup {
        if let catalog = testSuite?.mailboxCatalog { return MailboxAttributeLookup(catalog) }
        return mailboxAttributes
    }

    /// Files into the mailbox with the id, else the one marked with the special use, else
    /// the named one (created with `:create`), as RFC 9042 §4 and RFC 8579 §4 choose.
    mutating func fileinto(_ selection: FileintoSelection, at location: SourceLocation) throws(Failure) {
        var name = expand(selection.mailbox)
        guard !name.isEmpty else {
            throw Failure(message: "fileinto mailbox name is empty (after variable expansion)", location: location)
        }
        let lookup = attributeLookup
        var chosen: String?
        if let idString = selection.mailboxID {
            chosen = lookup.mailboxWithID(expand(idString))
        }
        if chosen == nil, let useString = selection.specialUse {
            let use = expand(useString)
            guard MailboxAttributeSyntax.isSpecialUse(use) else {
                throw Failure(message: "fileinto :specialuse \(quoted(use)) (after variable expansion) is not a special-use "
                              + "attribute; expected a backslash and an atom, such as \\Junk", location: location)
            }
            chosen = lookup.mailboxesWithSpecialUse(use).first
        }
        if let chosen { name = chosen }
        if chosen == nil, selection.create, let useString = selection.specialUse {
            specialUseCreations.append(SpecialUseCreation(mailbox: name, use: expand(useString)))
        }
        try add(.fileinto(mailbox: name, flags: actionFlags(selection.flags), copy: selection.copy,
                          create: chosen == nil && selection.create), at: location)
    }

    /// Evaluates `specialuse_exists`, `mailboxidexists`, `metadata`, `metadataexists`,
    /// `servermetadata` and `servermetadataexists`.
    mutating func evaluateMailboxAttribute(_ test: MailboxAttributeTest, at location: SourceLocation,
                                           trace: inout TraceComparison?) throws(Failure) -> Bool {
        let lookup = attributeLookup
        switch test {
        case .specialUseExists(let mailboxString, let usesList):
            let uses = expand(usesList)
            if let invalid = uses.first(where: { !MailboxAttributeSyntax.isSpecialUse($0) }) {
                throw Failure(message: "specialuse_exists: \(quoted(invalid)) (after variable expansion) is not a special-use "
                              + "attribute; expected a backslash and an atom, such as \\Junk", location: location)
            }
            let found: [String]
            if let mailboxString {
                let mailbox = expand(mailboxString)
                // A mailbox that does not exist has no special use.
                let assigned = mailboxIsPresent(mailbox) ? lookup.specialUsesOfMailbox(mailbox).map { $0.lowercased() } : []
                found = uses.filter { assigned.contains($0.lowercased()) }
            } else {
                found = uses.filter { !lookup.mailboxesWithSpecialUse($0).isEmpty }
            }
            if tracer != nil {
                trace = TraceComparison(values: found, keys: uses, matchType: "specialuse_exists", comparator: nil)
            }
            return found.count == uses.count
        case .mailboxIDExists(let idList):
            let ids = expand(idList)
            let found = ids.filter { lookup.mailboxWithID($0) != nil }
            if tracer != nil {
                trace = TraceComparison(values: found, keys: ids, matchType: "mailboxidexists", comparator: nil)
            }
            return found.count == ids.count
        case .metadata(let mailboxString, let entryString, let match):
            let entry = expand(entryString)
            let mailbox = mailboxString.map { expand($0) }
            // An invalid name, or a mailbox that does not exist, has no value: the test is false.
            guard MailboxAttributeSyntax.entryProblem(entry) == nil, mailbox.map(mailboxIsPresent) ?? true,
                  let value = lookup.metadata(entry, mailbox)
            else {
                if tracer != nil { trace = TraceComparison(values: [], keys: expand(match.keys), matchType: "metadata", comparator: nil) }
                return false
            }
            return try compare([value], match, at: location, trace: &trace)
        case .metadataExists(let mailboxString, let entryList):
            let entries = expand(entryList)
            let mailbox = mailboxString.map { expand($0) }
            let present = mailbox.map(mailboxIsPresent) ?? true
            let found = present ? entries.filter { MailboxAttributeSyntax.entryProblem($0) == nil && lookup.metadata($0, mailbox) != nil } : []
            if tracer != nil {
                trace = TraceComparison(values: found, keys: entries, matchType: "metadataexists", comparator: nil)
            }
            return found.count == entries.count
        }
    }
}

extension TestSuiteState {
    /// The test suite's folders and the annotations set so far, as a catalog.
    var mailboxCatalog: MailboxCatalog {
        var catalog = mailboxAttributes
        catalog.mailboxes = Set(mailStore.folders.keys)
        return catalog
    }
}

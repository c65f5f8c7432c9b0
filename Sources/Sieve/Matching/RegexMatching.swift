extension Matcher {
    /// `:regex`: true when some key's expression matches somewhere in some value. Values
    /// are tried in order, and for each value the keys in order; the first match ends
    /// the search and its text and groups become the match variables. A key that is not
    /// a valid expression never matches.
    ///
    /// - SeeAlso: draft-ietf-sieve-regex §3
    static func matchRegex(values: [String], keys prepared: PreparedKeys) -> MatchOutcome {
        for value in values {
            let found = UTF8Bytes.with(value) { text -> [String]? in
                for case let regex? in prepared.regexes {
                    guard let match = regex.run(text, captures: true).match else { continue }
                    return match.ranges.map { range in
                        range.map { String(decoding: UnsafeBufferPointer(rebasing: text[$0]), as: UTF8.self) } ?? ""
                    }
                }
                return nil
            }
            if let found { return MatchOutcome(matched: true, captures: found) }
        }
        return MatchOutcome(matched: false)
    }

    /// How much evaluation work (in `SieveLimits.maxEvaluationSteps` steps) matching
    /// `values` against the prepared `:regex` keys may take: one step per started 1 024
    /// thread visits the machine can make at most, that is per KiB of value text times
    /// the instructions of each key (at least one step per value and key).
    static func regexWork(values: [String], keys prepared: PreparedKeys) -> Int {
        var instructions = 0
        for case let regex? in prepared.regexes { instructions += regex.instructionCount }
        var total = 0
        for value in values {
            let (visits, overflow) = (value.utf8.count + 1).multipliedReportingOverflow(by: instructions)
            if overflow { return Int.max / 2 }
            total += max(1, (visits + 1023) / 1024)
            if total > Int.max / 4 { return Int.max / 2 }
        }
        return max(total, values.count * prepared.keys.count)
    }
}

import Testing
@testable import Sieve

/// Builds a result from a list of actions, returning the final list or the first failure.
private func collect(_ actions: [SieveAction], limits: SieveLimits = SieveLimits(),
                     implicitFlags: [String] = []) -> Result<[SieveAction], ResultBuilder.Failure> {
    var builder = ResultBuilder(limits: limits)
    do {
        for action in actions { try builder.add(action) }
    } catch {
        return .failure(error)
    }
    return .success(builder.finish(implicitKeepFlags: implicitFlags))
}

private func final(_ actions: [SieveAction], limits: SieveLimits = SieveLimits(),
                   implicitFlags: [String] = []) -> [SieveAction]? {
    try? collect(actions, limits: limits, implicitFlags: implicitFlags).get()
}

private func failure(_ actions: [SieveAction], limits: SieveLimits = SieveLimits()) -> String? {
    if case .failure(let f) = collect(actions, limits: limits) { return f.message }
    return nil
}

@Suite("RFC 5228 §2.10.2 implicit keep")
struct ImplicitKeepRuleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var actions: [SieveAction]
        var keepsImplicitly: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no actions", actions: [], keepsImplicitly: true),
        Case(name: "fileinto cancels", actions: [.fileinto(mailbox: "A", flags: [], copy: false, create: false)], keepsImplicitly: false),
        Case(name: "fileinto :copy keeps", actions: [.fileinto(mailbox: "A", flags: [], copy: true, create: false)], keepsImplicitly: true),
        Case(name: "redirect cancels", actions: [.redirect(address: "a@b.c", copy: false)], keepsImplicitly: false),
        Case(name: "redirect :copy keeps", actions: [.redirect(address: "a@b.c", copy: true)], keepsImplicitly: true),
        Case(name: "discard cancels", actions: [.discard], keepsImplicitly: false),
        Case(name: "reject cancels", actions: [.reject(reason: "no")], keepsImplicitly: false),
        Case(name: "ereject cancels", actions: [.ereject(reason: "no")], keepsImplicitly: false),
        Case(name: "vacation keeps", actions: [.vacation(VacationAction(to: "x@y", from: nil, subject: nil, reason: "r", isMime: false, handle: "h", seconds: 1, addresses: []))], keepsImplicitly: true),
    ]

    @Test(arguments: cases)
    func implicitKeep(_ c: Case) throws {
        let list = try #require(final(c.actions))
        #expect(list.contains(.keep(flags: [], implicit: true)) == c.keepsImplicitly)
    }

    @Test func explicitKeepReplacesImplicitKeep() {
        #expect(final([.keep(flags: [], implicit: false)]) == [.keep(flags: [], implicit: false)])
    }

    @Test func implicitKeepCarriesSortedFlags() {
        #expect(final([], implicitFlags: ["\\Seen", "$Label \\Flagged"]) == [.keep(flags: ["$Label", "\\Flagged", "\\Seen"], implicit: true)])
    }
}

@Suite("RFC 5228 §2.10.3 duplicate actions")
struct DuplicateActionTests {
    /// RFC 5232 §5: when duplicates collapse, the last flag list wins.
    @Test func fileintoSameMailboxCollapsesWithTheLastFlags() {
        let list = final([
            .fileinto(mailbox: "Lists", flags: ["\\Seen", "$Old"], copy: false, create: false),
            .fileinto(mailbox: "Lists", flags: ["\\seen", "$Work"], copy: false, create: false),
        ])
        #expect(list == [.fileinto(mailbox: "Lists", flags: ["$Work", "\\Seen"], copy: false, create: false)])
        let unflagged = final([
            .fileinto(mailbox: "Lists", flags: ["\\Seen"], copy: false, create: false),
            .fileinto(mailbox: "Lists", flags: [], copy: false, create: false),
        ])
        #expect(unflagged == [.fileinto(mailbox: "Lists", flags: [], copy: false, create: false)])
    }

    /// RFC 5232 §5, for the keep: `keep :flags "\\Seen"` after `keep` leaves only `\\Seen`.
    @Test func keepsCollapseWithTheLastFlags() {
        let list = final([
            .keep(flags: ["IMPLICIT"], implicit: false),
            .keep(flags: ["\\Seen"], implicit: false),
        ])
        #expect(list == [.keep(flags: ["\\Seen"], implicit: false)])
    }

    @Test func fileintoCopyAndPlainMergeToPlain() {
        let list = final([
            .fileinto(mailbox: "A", flags: [], copy: true, create: false),
            .fileinto(mailbox: "A", flags: [], copy: false, create: false),
        ])
        #expect(list == [.fileinto(mailbox: "A", flags: [], copy: false, create: false)])
    }

    @Test func fileintoDifferentMailboxesBothStay() {
        let list = final([
            .fileinto(mailbox: "A", flags: [], copy: false, create: false),
            .fileinto(mailbox: "a", flags: [], copy: false, create: false),
        ])
        #expect(list?.count == 2)
    }

    @Test func fileintoInboxIsKeep() {
        let list = final([
            .keep(flags: ["\\Seen"], implicit: false),
            .fileinto(mailbox: "inbox", flags: ["\\Flagged"], copy: false, create: false),
        ])
        #expect(list == [.keep(flags: ["\\Flagged"], implicit: false)])
    }

    @Test func redirectSameAddressCollapses() {
        let list = final([
            .redirect(address: "bob@Example.COM", copy: true),
            .redirect(address: "bob@example.com", copy: true),
        ])
        #expect(list == [.redirect(address: "bob@Example.COM", copy: true), .keep(flags: [], implicit: true)])
    }

    @Test func discardListedOnce() {
        #expect(final([.discard, .discard]) == [.discard])
    }
}

@Suite("RFC 5429 reject conflicts")
struct RejectConflictTests {
    static let vacation = SieveAction.vacation(VacationAction(to: "x@y", from: nil, subject: nil, reason: "r", isMime: false, handle: "h", seconds: 1, addresses: []))
    static let deliveries: [SieveAction] = [
        .keep(flags: [], implicit: false),
        .fileinto(mailbox: "A", flags: [], copy: false, create: false),
        .fileinto(mailbox: "A", flags: [], copy: true, create: false),
        .redirect(address: "a@b.c", copy: false),
        .redirect(address: "a@b.c", copy: true),
        vacation,
    ]

    @Test(arguments: deliveries, [SieveAction.reject(reason: "no"), .ereject(reason: "no")])
    func rejectAfterDeliveryFails(_ delivery: SieveAction, _ reject: SieveAction) {
        #expect(failure([delivery, reject]) != nil)
    }

    @Test(arguments: deliveries, [SieveAction.reject(reason: "no"), .ereject(reason: "no")])
    func deliveryAfterRejectFails(_ delivery: SieveAction, _ reject: SieveAction) {
        #expect(failure([reject, delivery]) != nil)
    }

    @Test func rejectAndErejectConflict() {
        #expect(failure([.reject(reason: "a"), .ereject(reason: "b")]) == "'ereject' cannot follow 'reject': only one rejection per run (RFC 5429)")
    }

    @Test func fileintoThenRejectMessage() {
        #expect(failure([.fileinto(mailbox: "A", flags: [], copy: false, create: false), .reject(reason: "x")])
                == "'reject' cannot be combined with 'fileinto' in one run (RFC 5429)")
    }

    @Test func discardWithRejectIsAllowed() {
        #expect(final([.discard, .reject(reason: "go away")]) == [.discard, .reject(reason: "go away")])
    }
}

@Suite("Sieve limits on actions")
struct ActionLimitTests {
    @Test func actionLimit() {
        let limits = SieveLimits(maxActions: 2)
        let actions: [SieveAction] = (1...3).map { .fileinto(mailbox: "F\($0)", flags: [], copy: false, create: false) }
        #expect(failure(actions, limits: limits) == "too many actions: the limit is 2 per message")
        #expect(final(Array(actions.prefix(2)), limits: limits)?.count == 2)
    }

    @Test func redirectLimitCountsDistinctAddresses() {
        let limits = SieveLimits(maxRedirects: 2)
        let same: [SieveAction] = Array(repeating: .redirect(address: "a@b.c", copy: false), count: 5)
        #expect(final(same, limits: limits) == [.redirect(address: "a@b.c", copy: false)])
        let distinct: [SieveAction] = (1...3).map { .redirect(address: "u\($0)@b.c", copy: false) }
        #expect(failure(distinct, limits: limits) == "too many redirects: the limit is 2 per message")
    }

    @Test func secondVacationFails() {
        let v = RejectConflictTests.vacation
        #expect(failure([v, v]) == "only one vacation action is allowed per run (RFC 5230 §4.7)")
    }
}

@Suite("RFC 5232 §3 flag lists")
struct FlagListTests {
    @Test(arguments: [
        (["\\seen \\SEEN"], ["\\Seen"]),
        (["a  b", "b a"], ["a", "b"]),
        (["", " "], []),
        (["\\Answered $Label", "\\flagged"], ["\\Answered", "$Label", "\\Flagged"]),
    ])
    func flagsAreSplitCanonicalisedAndDeduplicated(_ input: [String], _ expected: [String]) {
        #expect(FlagList.flags(in: input) == expected)
    }

    @Test func addAndRemove() {
        #expect(FlagList.adding(["\\Seen", "x"], to: "\\seen y") == "\\Seen y x")
        #expect(FlagList.removing(["\\SEEN"], from: "\\Seen y") == "y")
    }
}

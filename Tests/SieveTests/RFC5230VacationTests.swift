import Testing
@testable import Sieve

private func vacation(_ script: String, envelope: SieveEnvelope = standardEnvelope,
                      options: SieveOptions = SieveOptions()) throws -> VacationAction? {
    for action in try actions(script, envelope: envelope, options: options) {
        if case .vacation(let v) = action { return v }
    }
    return nil
}

@Suite("RFC 5230 vacation")
struct RFC5230VacationTests {
    @Test func subjectDependentReasonExample() throws {
        let v = try #require(try vacation("""
        require "vacation";
        if header :contains "subject" "cyrus" {
            vacation "I'm out -- send mail to cyrus-bugs";
        } else {
            vacation "I'm out -- call me at +1 304 555 0123";
        }
        """))
        #expect(v.reason == "I'm out -- call me at +1 304 555 0123")
        #expect(v.to == "coyote@desert.example.org")
        #expect(v.seconds == 7 * 86_400)
        #expect(v.subject == nil && v.from == nil && !v.isMime)
    }

    @Test func vacationKeepsTheImplicitKeep() throws {
        let list = try actions("require \"vacation\"; vacation \"away\";")
        #expect(list.count == 2)
        #expect(list.last == implicitKeep)
    }

    @Test func daysAndAddressesExample() throws {
        let v = try #require(try vacation("""
        require "vacation";
        vacation :days 23 :addresses ["tjs@example.edu",
                                      "ts4z@landru.example.edu"]
           "I'm away until October 19.
           If it's an emergency, call 911, I guess." ;
        """))
        #expect(v.seconds == 23 * 86_400)
        #expect(v.addresses == ["tjs@example.edu", "ts4z@landru.example.edu"])
    }

    @Test func redirectOrVacationExample() throws {
        let list = try actions("""
        require "vacation";
        if header :contains "from" "boss@example.edu" {
            redirect "pleeb@xanadu.example.edu";
        } else {
            vacation "Sorry, I'm away, I'll read your message when I get around to it.";
        }
        """)
        #expect(list.count == 2)
    }

    @Test func subjectFromMatchVariablesExample() throws {
        let v = try #require(try vacation("""
        require ["vacation", "variables"];
        if header :matches "subject" "*" {
            vacation :subject "Automatic response to: ${1}" "I'm away";
        }
        """))
        #expect(v.subject == "Automatic response to: I have a present for you")
    }

    @Test(arguments: ["Subject: lunch?", "Subject: meeting"])
    func explicitHandleIsUsedForEveryReason(_ subject: String) throws {
        let list = try actions("""
            require "vacation";
            if header :contains "subject" "lunch" {
                vacation :handle "ran-away" "I'm out and can't meet for lunch";
            } else {
                vacation :handle "ran-away" "I'm out";
            }
            """, message: makeMessage([subject]))
        guard case .vacation(let v)? = list.first else {
            Issue.record("no vacation in \(list)")
            return
        }
        #expect(v.handle == "ran-away")
        #expect(v.reason == (subject.contains("lunch") ? "I'm out and can't meet for lunch" : "I'm out"))
    }

    @Test(arguments: [(0, 86_400), (1, 86_400), (30, 30 * 86_400), (365, 60 * 86_400), (Int.max / 2, 60 * 86_400)])
    func daysAreClamped(_ days: Int, _ seconds: Int) throws {
        let v = try #require(try vacation("require \"vacation\"; vacation :days \(days) \"x\";"))
        #expect(v.seconds == seconds)
    }

    @Test(arguments: [(0, 0), (60, 86_400), (172_800, 172_800), (999_999_999, 60 * 86_400)])
    func secondsAreClampedButZeroMeansAlways(_ value: Int, _ expected: Int) throws {
        let v = try #require(try vacation("require \"vacation-seconds\"; vacation :seconds \(value) \"x\";"))
        #expect(v.seconds == expected)
    }

    @Test func sitePolicyChangesTheBounds() throws {
        var options = SieveOptions()
        options.vacationPeriods = VacationPeriods(minimum: 3600, standard: 7200, maximum: 10_000)
        #expect(try vacation("require \"vacation-seconds\"; vacation :seconds 60 \"x\";", options: options)?.seconds == 3600)
        #expect(try vacation("require \"vacation\"; vacation \"x\";", options: options)?.seconds == 7200)
        #expect(try vacation("require \"vacation\"; vacation :days 1 \"x\";", options: options)?.seconds == 10_000)
    }

    @Test func daysAndSecondsAreExclusive() {
        let found = diagnostics("require [\"vacation\", \"vacation-seconds\"]; vacation :days 1 :seconds 5 \"x\";")
        #expect(found == ["test.sieve:1:60: error: ':seconds' conflicts with ':days': only one response interval may be given"])
    }

    @Test func secondsNeedsVacationSeconds() {
        let found = diagnostics("require \"vacation\"; vacation :seconds 5 \"x\";")
        #expect(found == ["test.sieve:1:30: error: tag ':seconds' requires the \"vacation-seconds\" extension; add require \"vacation-seconds\";"])
    }

    @Test func defaultHandleIsStableAndChangesWithArguments() throws {
        let base = try #require(try vacation("require \"vacation\"; vacation :subject \"s\" :from \"me@example.com\" \"r\";"))
        let again = try #require(try vacation("require \"vacation\"; vacation :from \"me@example.com\" :subject \"s\" \"r\";"))
        #expect(base.handle == again.handle)
        #expect(base.handle == VacationRules.defaultHandle(reason: "r", subject: "s", from: "me@example.com", isMime: false))
        let variants = [
            "vacation :subject \"s2\" :from \"me@example.com\" \"r\";",
            "vacation :subject \"s\" :from \"you@example.com\" \"r\";",
            "vacation :subject \"s\" :from \"me@example.com\" \"r2\";",
            "vacation :subject \"s\" :from \"me@example.com\" :mime \"r\";",
            "vacation :from \"me@example.com\" \"r\";",
        ]
        for variant in variants {
            let other = try #require(try vacation("require \"vacation\"; " + variant))
            #expect(other.handle != base.handle, "\(variant)")
        }
    }

    @Test func handleHashIsFixedAcrossRuns() {
        // A changed hash would resend every user's vacation message after an upgrade.
        #expect(VacationRules.defaultHandle(reason: "I'm away", subject: nil, from: nil, isMime: false)
                == VacationRules.defaultHandle(reason: "I'm away", subject: nil, from: nil, isMime: false))
        #expect(VacationRules.defaultHandle(reason: "", subject: nil, from: nil, isMime: false).hasPrefix("sieve-vacation-"))
        #expect(VacationRules.defaultHandle(reason: "", subject: nil, from: nil, isMime: false).count == 31)
    }

    @Test func invalidFromIsACompileError() {
        let found = diagnostics("require \"vacation\"; vacation :from \"not an address\" \"x\";")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("test.sieve:1:36: error: vacation :from \"not an address\" is not a valid address") == true)
    }

    @Test func fromWithDisplayNameIsKept() throws {
        let v = try vacation("require \"vacation\"; vacation :from \"Road Runner <rr@acme.example.com>\" \"x\";")
        #expect(v?.from == "Road Runner <rr@acme.example.com>")
    }

    @Test func mimeReason() throws {
        let v = try #require(try vacation("""
        require "vacation";
        vacation :mime text:
        Content-Type: text/plain; charset=utf-8

        Je suis absent.
        .
        ;
        """))
        #expect(v.isMime)
        #expect(v.reason.contains("Je suis absent."))
    }

    @Test func secondVacationIsARuntimeError() throws {
        let result = try run("require \"vacation\"; vacation \"a\"; vacation \"b\";")
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.first?.message == "only one vacation action is allowed per run (RFC 5230 §4.7)")
    }

    @Test func nullSenderGivesEmptyRecipient() throws {
        let v = try vacation("require \"vacation\"; vacation \"x\";", envelope: SieveEnvelope(from: "", to: "u@example.com"))
        #expect(v?.to == "")
    }
}

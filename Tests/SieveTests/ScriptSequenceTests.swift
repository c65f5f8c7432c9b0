import Foundation
import MailCore
import MultiscriptCases
import Testing
@testable import Sieve

/// The rules for running several scripts in a row (`ScriptSequence`), driven by the
/// shared table in `SieveScripts/multiscript/`, plus the rules the table cannot show.
@Suite("Script sequences: before, user and after scripts (Pigeonhole multiscript)")
struct ScriptSequenceTests {
    static func sequenced(_ path: String, role: String) throws -> SequencedScript {
        let compiled = SieveCompiler.compile(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), file: path)
        guard let script = compiled.script else {
            return .broken(name: role, diagnostics: compiled.diagnostics.map(\.description))
        }
        return .compiled(name: role, script: script)
    }

    static func context() throws -> SieveMessageContext {
        SieveMessageContext(message: Message(bytes: try MultiscriptCase.messageBytes()),
                            envelope: SieveEnvelope(from: MultiscriptCase.sender, to: MultiscriptCase.recipient))
    }

    /// The outcome in the table's terms.
    static func observed(_ outcome: ScriptSequenceOutcome) -> MultiscriptCase.Expectation {
        var seen = MultiscriptCase.Expectation()
        seen.ran = outcome.steps.filter { $0.status == .ran }.map(\.name)
        seen.failed = outcome.failed
        for action in outcome.actions {
            switch action {
            case .keep(let flags, _): seen.stored.append(.init(folder: "INBOX", flags: flags))
            case .fileinto(let mailbox, let flags, _, _): seen.stored.append(.init(folder: mailbox, flags: flags))
            case .redirect(let address, _): seen.redirects.append(address)
            case .reject(let reason), .ereject(let reason): seen.rejection = reason
            case .vacation(let vacation): seen.vacation = vacation.reason
            case .discard: seen.discarded = true
            // No case of the table pipes; a pipe would show as a redirect to "| program".
            case .pipe(let pipe): seen.redirects.append("| " + pipe.program)
            // Nor notifies; a notification would show as a redirect to its method URI.
            case .notify(let notification): seen.redirects.append(notification.method)
            case .report(let report): seen.redirects.append("report " + report.address)
            }
        }
        seen.stored.sort()
        seen.redirects.sort()
        return seen
    }

    @Test("the table has the cases the rules need", arguments: [13])
    func tableIsComplete(_ count: Int) throws {
        #expect(try MultiscriptCase.all().count >= count)
    }

    @Test("each case of SieveScripts/multiscript", arguments: try MultiscriptCase.all())
    func tableCase(_ example: MultiscriptCase) throws {
        let scripts = try example.scripts.map { try Self.sequenced($0.path, role: $0.role) }
        let outcome = ScriptSequence.run(scripts, context: try Self.context())
        var expected = example.expected
        expected.stored.sort()
        expected.redirects.sort()
        #expect(Self.observed(outcome) == expected, "notes: \(outcome.notes)")
    }

    private func compiled(_ source: String, _ name: String) throws -> SequencedScript {
        let result = SieveCompiler.compile(Array(source.utf8), file: name)
        return .compiled(name: name, script: try #require(result.script, "\(result.diagnostics)"))
    }

    @Test("one script alone: the outcome is its own result")
    func singleScript() throws {
        for source in ["require \"fileinto\"; keep; fileinto \"A\";", "discard;", "require \"reject\"; reject \"no\";",
                       "require [\"fileinto\", \"copy\"]; fileinto :copy \"A\";", "redirect \"a@example.net\";"] {
            let script = try compiled(source, "s")
            guard case .compiled(_, let program) = script else { return }
            let alone = SieveInterpreter.run(program, context: try Self.context())
            let outcome = ScriptSequence.run([script], context: try Self.context())
            #expect(outcome.actions == alone.actions, "\(source)")
        }
    }

    @Test("fileinto \"INBOX\" ends the sequence; an explicit keep does not")
    func inboxIsNotKeep() throws {
        let later = try compiled("require \"fileinto\"; fileinto \"Work\";", "user")
        let filed = ScriptSequence.run([try compiled("require \"fileinto\"; fileinto \"INBOX\";", "before"), later],
                                       context: try Self.context())
        #expect(filed.actions == [.keep(flags: [], implicit: false)])
        #expect(filed.steps.map(\.status) == [.ran, .skipped])
        let kept = ScriptSequence.run([try compiled("keep;", "before"), later], context: try Self.context())
        #expect(kept.actions == [.fileinto(mailbox: "Work", flags: [], copy: false, create: false)])
    }

    @Test("the action limit holds per message: an earlier script's actions count")
    func limitsPerMessage() throws {
        var options = SieveOptions()
        options.limits.maxActions = 2
        let before = try compiled("require [\"fileinto\", \"copy\"]; fileinto :copy \"A\"; fileinto :copy \"B\";", "before")
        let user = try compiled("require \"fileinto\"; fileinto \"C\";", "user")
        let outcome = ScriptSequence.run([before, user], context: try Self.context(), options: options)
        #expect(outcome.failed)
        #expect(outcome.actions == [.fileinto(mailbox: "A", flags: [], copy: true, create: false),
                                    .fileinto(mailbox: "B", flags: [], copy: true, create: false),
                                    .keep(flags: [], implicit: true)])
        #expect(outcome.errors.first?.message.contains("too many actions") == true)
    }

    @Test("a missing script changes nothing")
    func missingScript() throws {
        let outcome = ScriptSequence.run([.missing(name: "before"), try compiled("discard;", "user")],
                                         context: try Self.context())
        #expect(outcome.actions == [.discard])
        #expect(!outcome.failed)
        #expect(outcome.steps.map(\.status) == [.missing, .ran])
    }

    @Test("within one script reject beside fileinto is still a runtime error (RFC 5429)")
    func sameScriptConflict() throws {
        let outcome = ScriptSequence.run([try compiled("require [\"fileinto\", \"reject\"]; fileinto \"A\"; reject \"no\";", "user")],
                                         context: try Self.context())
        #expect(outcome.failed)
        #expect(outcome.fallbackKeep)
        #expect(outcome.actions == [.keep(flags: [], implicit: true)])
        #expect(outcome.notes.first?.contains("cannot be combined") == true)
    }

    @Test("the modified-message hook: the next script sees the message set on the sequence")
    func modifiedMessageHook() throws {
        var sequence = ScriptSequence()
        sequence.message = Message("Subject: changed\r\n\r\nx\r\n")
        sequence.run(try compiled("require \"fileinto\"; if header :is \"subject\" \"changed\" { fileinto \"Seen\"; }", "user"),
                     context: try Self.context())
        #expect(sequence.outcome.actions == [.fileinto(mailbox: "Seen", flags: [], copy: false, create: false)])
        #expect(sequence.outcome.message?.fields(named: "subject").first?.value == "changed")
    }
}

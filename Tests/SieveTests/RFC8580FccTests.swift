import MailCore
import Testing
@testable import Sieve

@Suite("RFC 8580 fcc on vacation and notify")
struct RFC8580FccTests {
    @Test("vacation and notify carry :fcc with :flags and :create", arguments: [
        ("vacation :fcc \"Sent\" \"Away.\";", FccTarget(mailbox: "Sent")),
        ("vacation :fcc \"Sent\" :flags [\"\\\\Seen\", \"$Auto\"] :create \"Away.\";",
         FccTarget(mailbox: "Sent", flags: ["\\Seen", "$Auto"], create: true)),
        ("notify :fcc \"Notes\" \"mailto:a@example.com\";", FccTarget(mailbox: "Notes")),
        ("set \"f\" \"Sent Items\"; notify :fcc \"${f}\" :create \"mailto:a@example.com\";",
         FccTarget(mailbox: "Sent Items", create: true)),
    ])
    func fccTarget(_ body: String, _ expected: FccTarget) throws {
        let list = try actions("require [\"fcc\", \"vacation\", \"enotify\", \"imap4flags\", \"mailbox\", \"variables\"];\n" + body)
        let fcc = list.compactMap { action -> FccTarget? in
            switch action {
            case .vacation(let v): v.fcc
            case .notify(let n): n.fcc
            default: nil
            }
        }
        #expect(fcc == [expected])
    }

    @Test("without :fcc the actions have none")
    func noFcc() throws {
        let list = try actions("require [\"vacation\"];\nvacation \"Away.\";")
        guard case .vacation(let v) = list.first else { Issue.record("no vacation: \(list)"); return }
        #expect(v.fcc == nil)
    }

    @Test("the compile errors, each naming what is missing", arguments: [
        ("require \"vacation\";\nvacation :fcc \"Sent\" \"Away.\";", "tag ':fcc' requires the \"fcc\" extension"),
        ("require [\"vacation\", \"fcc\"];\nvacation :fcc \"Sent\" :create \"Away.\";", "tag ':create' requires the \"mailbox\" extension"),
        ("require [\"vacation\", \"fcc\", \"mailbox\"];\nvacation :create \"Away.\";", "vacation :create needs :fcc"),
        ("require [\"vacation\", \"fcc\"];\nvacation :fcc \"\" \"Away.\";", "vacation :fcc needs a folder name, found an empty string"),
        ("require [\"enotify\", \"fcc\", \"imap4flags\"];\nnotify :flags \"\\\\Seen\" \"mailto:a@example.com\";", "notify :flags needs :fcc"),
    ])
    func errors(_ script: String, _ message: String) {
        let found = diagnostics(script)
        #expect(found.contains { $0.contains(message) }, "\(found)")
    }

    @Test("an :fcc folder that expands to nothing is a runtime error")
    func emptyAtRunTime() throws {
        let result = try run("require [\"vacation\", \"fcc\", \"variables\"];\nvacation :fcc \"${none}\" \"Away.\";")
        #expect(result.errors.first?.message == ":fcc folder name is empty (after variable expansion)")
    }
}

@Suite("The deprecated notify draft (require \"notify\"), mapped onto enotify")
struct NotifyDraftTests {
    static var options: SieveOptions { SieveOptions() }

    @Test("on by default; a site may turn it off")
    func siteMayDisable() {
        #expect(diagnostics("require \"notify\";\nnotify :options \"a@example.com\";").isEmpty)
        var options = SieveOptions()
        options.enabledExtensions.remove("notify")
        let errors = diagnostics("require \"notify\";\nnotify :options \"a@example.com\";", options: options)
        #expect(errors.first?.contains("extension \"notify\" is not enabled on this server") == true, "\(errors)")
    }

    @Test("notify :options lists the recipients; the message is the body, with $from$ and $subject$ filled in")
    func draftNotify() throws {
        let message = makeMessage(["From: Wile <coyote@desert.example.org>", "Subject: Anvil"])
        let list = try actions("""
            require "notify";
            notify :method "mailto" :options ["a@example.com", "b@example.com"] :high :message "$from$ wrote: $subject$ ($env-from$)";
            """, message: message, options: Self.options)
        guard case .notify(let n) = list.first else { Issue.record("no notify: \(list)"); return }
        #expect(n.recipients.map(\.address.addrSpec) == ["a@example.com", "b@example.com"])
        #expect(n.body == "Wile <coyote@desert.example.org> wrote: Anvil (coyote@desert.example.org)")
        #expect(n.importance == 1)
        #expect(n.uriSubject == "[SIEVE] New mail notification")
        #expect(list.last == implicitKeep)
    }

    @Test("denotify cancels the notifications whose :id matches, or all of them")
    func denotify() throws {
        func ids(_ body: String) throws -> [String?] {
            try actions("require \"notify\";\n" + body, options: Self.options).compactMap {
                if case .notify(let n) = $0 { n.id } else { nil }
            }
        }
        let script = """
            notify :id "boss" :options "a@example.com";
            notify :id "list-x" :options "b@example.com";
            notify :id "list-y" :low :options "c@example.com";
            """
        #expect(try ids(script) == ["boss", "list-x", "list-y"])
        #expect(try ids(script + "\ndenotify :matches \"list-*\";") == ["boss"])
        #expect(try ids(script + "\ndenotify :is \"boss\";") == ["list-x", "list-y"])
        #expect(try ids(script + "\ndenotify :low;") == ["boss", "list-x"])
        #expect(try ids(script + "\ndenotify;") == [])
    }

    @Test("only the mailto method; :options must be addresses", arguments: [
        ("notify :method \"sms\" :options \"a@example.com\";", "supports only the \"mailto\" method, found \"sms\""),
        ("notify :options \"not an address\";", "notify :options address \"not an address\" is not a valid address"),
    ])
    func draftErrors(_ body: String, _ message: String) {
        let errors = diagnostics("require \"notify\";\n" + body, options: Self.options)
        #expect(errors.contains { $0.contains(message) }, "\(errors)")
    }
}

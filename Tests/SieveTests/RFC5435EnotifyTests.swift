import MailCore
import Testing
@testable import Sieve

/// The notifications of a successful run, in order.
private func notifications(_ body: String, require: [String] = ["enotify"], options: SieveOptions = SieveOptions())
    throws -> [NotifyAction]
{
    let requires = require.map { "\"\($0)\"" }.joined(separator: ", ")
    return try actions("require [\(requires)];\n" + body, options: options).compactMap {
        if case .notify(let n) = $0 { n } else { nil }
    }
}

private func recipients(_ n: NotifyAction) -> [String] {
    n.recipients.map { ($0.isCarbonCopy ? "cc:" : "") + $0.address.addrSpec }
}

@Suite("RFC 5435 enotify and RFC 5436 mailto")
struct RFC5435EnotifyTests {
    struct URICase: Sendable, CustomTestStringConvertible {
        var uri: String
        var valid: Bool
        var testDescription: String { uri }
    }

    static let uris: [URICase] = [
        URICase(uri: "mailto:alm@example.com", valid: true),
        URICase(uri: "MAILTO:alm@example.com", valid: true),
        URICase(uri: "mailto:a@example.com%2Cb@example.org?cc=c@example.net&subject=Hi%20there", valid: true),
        URICase(uri: "mailto:?to=a@example.com", valid: true),
        URICase(uri: "mailto:", valid: true),
        URICase(uri: "snailto:alm@example.com", valid: false),
        URICase(uri: "tel:+14085551212", valid: false),
        URICase(uri: "alm@example.com", valid: false),
        URICase(uri: "mailto:alm@example.com;?header=x", valid: false),
        URICase(uri: "mailto:alm@example.com?header<=x", valid: false),
        URICase(uri: "mailto:alm@example.com?header=x>y", valid: false),
        URICase(uri: "mailto:alm@example.com?header:=x", valid: false),
        URICase(uri: "mailto:alm%23example.com", valid: false),
        URICase(uri: "mailto:alm@example.com?to=bob%23example.org", valid: false),
        URICase(uri: "mailto:alm@example.com?subject=%4", valid: false),
        URICase(uri: "mailto:alm@example.com?x-tag=a%0D%0AB:c", valid: false),
    ]

    @Test("valid_notify_method: mailto URIs with valid syntax only (RFC 5435 §5, RFC 6068)", arguments: uris)
    func validNotifyMethod(_ c: URICase) throws {
        #expect(try holds("valid_notify_method \(quoted(c.uri))", require: ["enotify"]) == c.valid)
    }

    @Test("notify with a constant invalid URI fails to compile, naming the problem")
    func invalidURICompileError() {
        let errors = diagnostics("require \"enotify\";\nnotify \"snailto:alm@example.com\";")
        #expect(errors.count == 1)
        #expect(errors.first?.contains("test.sieve:2:8: error: notify method \"snailto:alm@example.com\": unsupported notification method 'snailto'") == true,
                "\(errors)")
        let mailto = diagnostics("require \"enotify\";\nnotify \"mailto:alm%23example.com\";")
        #expect(mailto.first?.contains("invalid recipient \"alm#example.com\"") == true, "\(mailto)")
    }

    @Test("an invalid URI built from variables is a runtime error (RFC 5435 §3.1)")
    func invalidURIRuntimeError() throws {
        let result = try run("require [\"enotify\", \"variables\"];\nset \"m\" \"snailto\";\nnotify \"${m}:x@example.com\";")
        #expect(result.errors.first?.message.contains("unsupported notification method 'snailto'") == true)
        #expect(result.actions == [implicitKeep])
    }

    @Test("the compile-time checks on :from, :importance and :options (RFC 5435 §3.3–3.5)", arguments: [
        (":from \"stephan#example.org\"", "notify :from \"stephan#example.org\" is not a valid address"),
        (":from \"\"", "notify :from \"\" is not a valid address"),
        (":importance \"4\"", "notify :importance must be \"1\" (high), \"2\" (normal) or \"3\" (low), found \"4\""),
        (":options \"frop\"", "notify :options item \"frop\" is not of the form name=value"),
        (":options \"_frop=1\"", "notify :options item \"_frop=1\" is not of the form name=value"),
        (":options \"=frop\"", "notify :options item \"=frop\" is not of the form name=value"),
        (":flags \"\\\\Seen\"", "notify :flags needs :fcc"),
    ])
    func tagErrors(_ tag: String, _ message: String) {
        let errors = diagnostics("require [\"enotify\", \"imap4flags\"];\nnotify \(tag) \"mailto:a@example.com\";")
        #expect(errors.contains { $0.contains(message) }, "\(errors)")
    }

    @Test("the action: recipients from the path and the to/cc fields, subject, body, other fields; reserved fields dropped")
    func actionFromURI() throws {
        let list = try notifications("""
            notify :from "Me <me@example.com>" :importance "1" :message "Hi" :options "x=y"
              "mailto:a@example.com%2Cb@example.org?cc=c@example.net&subject=S&body=Line%0D%0Atwo&X-Tag=t&from=evil@x.org&bcc=d@x.org";
            """)
        try #require(list.count == 1)
        let n = list[0]
        #expect(recipients(n) == ["a@example.com", "b@example.org", "cc:c@example.net"])
        #expect(n.uriSubject == "S")
        #expect(n.body == "Line\r\ntwo")
        #expect(n.headers == [NotifyHeader(name: "X-Tag", value: "t")], "from and bcc are reserved (RFC 5436 §2.7)")
        #expect(n.from == "Me <me@example.com>")
        #expect(n.importance == 1)
        #expect(n.message == "Hi")
        #expect(n.options == ["x=y"])
    }

    @Test("notify keeps the implicit keep and joins any action, reject included (RFC 5435 §3.9)")
    func compatibility() throws {
        let list = try actions("require [\"enotify\", \"reject\"];\nnotify \"mailto:a@example.com\";\nreject \"no\";")
        #expect(list.count == 2)
        #expect(list.contains(.reject(reason: "no")))
        let kept = try actions("require \"enotify\";\nnotify \"mailto:a@example.com\";")
        #expect(kept.last == implicitKeep)
    }

    @Test("one run notifies an address once: later notifications lose the recipients earlier ones reach (RFC 5436 §2.7)")
    func duplicatesCollapse() throws {
        let list = try notifications("""
            notify "mailto:a@example.com%2Cb@example.com?cc=b@example.com";
            notify "mailto:A@EXAMPLE.com?cc=c@example.com";
            notify "mailto:b@Example.com";
            """)
        #expect(list.map(recipients) == [["a@example.com", "b@example.com"], ["cc:c@example.com"]])
    }

    @Test("at most maxNotifications per message; 0 forbids notify")
    func limit() throws {
        var options = SieveOptions()
        options.limits.maxNotifications = 2
        let script = "require \"enotify\";\n" + (1...3).map { "notify \"mailto:u\($0)@example.com\";" }.joined(separator: "\n")
        let result = try run(script, options: options)
        #expect(result.errors.first?.message == "number of notify actions exceeds policy limit of 2 per message")
        // 0: a script with notify no longer compiles; one compiled before the change fails at run time.
        let compiled = try #require(SieveCompiler.compile("require \"enotify\";\nnotify \"mailto:u@example.com\";",
                                                          file: "test.sieve", options: options).script)
        options.limits.maxNotifications = 0
        #expect(diagnostics("require \"enotify\";\nnotify \"mailto:u@example.com\";", options: options)
            == ["test.sieve:2:1: error: local policy prohibits the use of a notify action (max_notifications = 0)"])
        let none = SieveInterpreter.run(compiled, context: SieveMessageContext(message: standardMessage, envelope: standardEnvelope),
                                        options: options)
        #expect(none.errors.first?.message.contains("local policy prohibits the use of a notify action") == true)
    }

    @Test("notify_method_capability: mailto's online is maybe (RFC 5436 §2.2)", arguments: [
        ("notify_method_capability \"mailto:a@example.com\" \"online\" \"maybe\"", true),
        ("notify_method_capability \"mailto:a@example.com\" \"Online\" \"MAYBE\"", true),
        ("notify_method_capability \"mailto:a@example.com\" \"online\" \"yes\"", false),
        ("notify_method_capability \"mailto:a@example.com\" \"frop\" \"maybe\"", false),
        ("notify_method_capability \"xmpp:a@example.com\" \"online\" \"maybe\"", false),
        ("notify_method_capability :matches \"mailto:a@example.com\" \"online\" \"m*\"", true),
    ])
    func capability(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test, require: ["enotify"]) == expected)
    }

    @Test("set :encodeurl percent-encodes all but unreserved characters, as UTF-8 (RFC 5435 §6)", arguments: [
        ("Safe body&evil=evilbody", "Safe%20body%26evil%3Devilbody"),
        ("a-b.c_d~e", "a-b.c_d~e"),
        ("Günther <g@x.org>", "G%C3%BCnther%20%3Cg%40x.org%3E"),
        ("", ""),
    ])
    func encodeurl(_ input: String, _ expected: String) throws {
        let list = try actions("""
            require ["enotify", "variables", "fileinto"];
            set :encodeurl "v" \(quoted(input));
            fileinto "${v}x";
            """)
        #expect(list.first == .fileinto(mailbox: expected + "x", flags: [], copy: false, create: false))
    }

    @Test(":encodeurl needs enotify, and ranks between :quotewildcard and :length (precedence 15)")
    func encodeurlRules() throws {
        let errors = diagnostics("require \"variables\";\nset :encodeurl \"v\" \"x\";")
        #expect(errors.contains { $0.contains(":encodeurl") && $0.contains("enotify") }, "\(errors)")
        let list = try actions("""
            require ["enotify", "variables", "fileinto"];
            set :length :encodeurl "v" "a b";
            fileinto "${v}";
            """)
        #expect(list.first == .fileinto(mailbox: "5", flags: [], copy: false, create: false), "encoded first, then counted")
    }
}

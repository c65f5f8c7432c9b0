import MailCore
import Testing
@testable import Sieve

/// A context with the site's lists in memory.
private struct ListContext: SieveContext {
    var message = standardMessage
    var envelope = standardEnvelope
    var externalLists: any ExternalListSource
}

/// A list source whose one list cannot be read.
private struct BrokenLists: ExternalListSource {
    func hasList(_ name: ExternalListName) -> Bool { true }
    func lookUp(_ value: String, in name: ExternalListName) -> ExternalListAnswer { .failed("disk on fire") }
}

private let siteLists = ExternalLists([
    ExternalListName(":addrbook:default")!: ["Coyote@Desert.example.org", "ally@acme.example.com"],
    ExternalListName("tag:example.com,2024:vip")!: ["boss@acme.example.com"],
    ExternalListName(":addrbook:empty")!: [],
])

private func runLists(_ body: String, lists: any ExternalListSource = siteLists, message: Message = standardMessage)
    throws -> SieveResult
{
    let source = "require [\"extlists\", \"fileinto\", \"variables\", \"envelope\"];\n" + body
    let compiled = SieveCompiler.compile(source, file: "test.sieve")
    guard let script = compiled.script else { throw ScriptFailedToCompile(diagnostics: compiled.diagnostics) }
    return SieveInterpreter.run(script, context: ListContext(message: message, externalLists: lists))
}

private func listHolds(_ test: String, lists: any ExternalListSource = siteLists) throws -> Bool {
    let result = try runLists("if \(test) { fileinto \"yes\"; }", lists: lists)
    #expect(result.errors.isEmpty, "unexpected runtime errors: \(result.errors)")
    return result.actions.contains(fileinto("yes"))
}

@Suite("RFC 6134 extlists")
struct RFC6134ExtlistsTests {
    @Test("list names: URNs, tag URIs and the :addrbook: shorthand; other schemes are no list name",
          arguments: [
              (":addrbook:default", "urn:ietf:params:sieve:addrbook:default"),
              ("urn:ietf:params:sieve:addrbook:default", "urn:ietf:params:sieve:addrbook:default"),
              ("URN:IETF:params:sieve:addrbook:Friends", "urn:ietf:params:sieve:addrbook:Friends"),
              (":addrbook:personal?label=Family", "urn:ietf:params:sieve:addrbook:personal?label=Family"),
              ("tag:example.com,2010-05-28:mylist", "tag:example.com,2010-05-28:mylist"),
              ("frop:666", nil), ("addrbook", nil), ("", nil), ("urn:ietf", nil), ("tag:nodate", nil),
              ("urn:ietf:params:sieve:addr book", nil),
          ] as [(String, String?)])
    func listNames(_ text: String, uri: String?) {
        #expect(ExternalListName(text)?.uri == uri)
    }

    @Test("names compare without regard to case, the shorthand equal to its long form")
    func namesCompare() {
        #expect(ExternalListName(":addrbook:default") == ExternalListName("URN:ietf:PARAMS:sieve:addrbook:DEFAULT"))
        #expect(ExternalListName(":addrbook:default") != ExternalListName(":addrbook:other"))
    }

    @Test(":list on address, header, envelope and string tests",
          arguments: [
              ("address :list \"from\" \":addrbook:default\"", true),
              ("address :list \"to\" \":addrbook:default\"", true),  // ally@ is in a group
              ("address :list \"cc\" \":addrbook:default\"", false),
              ("address :list \"cc\" [\":addrbook:default\", \"tag:example.com,2024:vip\"]", true),
              ("address :list \"from\" \":addrbook:empty\"", false),
              ("envelope :list \"from\" \"urn:ietf:params:sieve:addrbook:default\"", true),
              ("envelope :list \"to\" \":addrbook:default\"", false),
              ("header :list \"x-caffeine\" \":addrbook:default\"", false),
              ("string :list \"BOSS@acme.example.com\" \"tag:example.com,2024:vip\"", true),
              ("not address :list \"from\" \":addrbook:default\"", false),
          ])
    func listMatch(_ test: String, expected: Bool) throws {
        #expect(try listHolds(test) == expected)
    }

    @Test("body :list: a body text that is on a list")
    func bodyList() throws {
        let onList = makeMessage(["From: a@example.org", "Subject: x"], body: "boss@acme.example.com")
        let result = try runLists("require \"body\";\nif body :text :list \"tag:example.com,2024:vip\" { discard; }", message: onList)
        #expect(result.actions == [.discard])
        let other = try runLists("require \"body\";\nif body :text :list \"tag:example.com,2024:vip\" { discard; }")
        #expect(other.actions == [implicitKeep])
    }

    @Test("deleteheader :list removes the fields whose value is on a list")
    func deleteheaderList() throws {
        let message = makeMessage(["From: a@example.org", "X-Sender: boss@acme.example.com", "X-Sender: someone@else.example"])
        let result = try runLists("require \"editheader\";\ndeleteheader :list \"X-Sender\" \"tag:example.com,2024:vip\";",
                                  message: message)
        let remaining = result.modifiedMessage?.headerFields.filter { $0.hasName("X-Sender") }.map(\.value)
        #expect(remaining == ["someone@else.example"])
    }

    @Test("the first value found is ${0}")
    func matchVariable() throws {
        let result = try runLists("""
            if address :list ["cc", "to"] [":addrbook:default", "tag:example.com,2024:vip"] { set "hit" "${0}"; }
            if string :is "${hit}" "boss@acme.example.com" { fileinto "yes"; }
            """)
        #expect(result.actions == [fileinto("yes")])
    }

    @Test("a key that is no list name, or no list of the site, is skipped with one warning")
    func unknownKeys() throws {
        let result = try runLists("""
            if address :list "from" ["frop:666", ":addrbook:nonesuch", ":addrbook:default"] { fileinto "yes"; }
            """)
        #expect(result.actions == [fileinto("yes")])
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.message.contains("\"frop:666\" is not a list name") == true)
    }

    @Test("a list that cannot be read fails the run: the message is kept")
    func unreadableList() throws {
        let result = try runLists("if address :list \"from\" \":addrbook:default\" { discard; }", lists: BrokenLists())
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.first?.message.contains("disk on fire") == true)
    }

    @Test("without site lists only the empty default address book exists")
    func defaultContext() throws {
        #expect(try !listHolds("address :list \"from\" \":addrbook:default\"", lists: ExternalLists.standard))
        #expect(try listHolds("valid_ext_list \":addrbook:default\"", lists: ExternalLists.standard))
        #expect(try !listHolds("valid_ext_list \"tag:example.com,2024:vip\"", lists: ExternalLists.standard))
    }

    @Test("valid_ext_list is true when every name is a list of the site",
          arguments: [
              ("valid_ext_list \":addrbook:default\"", true),
              ("valid_ext_list [\"urn:ietf:params:sieve:addrbook:default\", \"tag:example.com,2024:vip\"]", true),
              ("valid_ext_list [\":addrbook:default\", \":addrbook:diabolical\"]", false),
              ("valid_ext_list \"frop:666\"", false),
          ])
    func validExtList(_ test: String, expected: Bool) throws {
        #expect(try listHolds(test) == expected)
    }

    @Test("compile errors name what is wrong",
          arguments: [
              ("require \"extlists\";\nif address :list :comparator \"i;octet\" \"from\" \":addrbook:default\" { stop; }",
               "test.sieve:2:18: error: the :list match type takes no comparator (the list decides how entries compare)"),
              ("require \"extlists\";\nredirect :list \"tag:example.com,2010:mylist\";",
               "test.sieve:2:10: error: redirect :list is not supported: Sluice does not redirect to the members of a list; redirect to each address instead"),
              ("if address :list \"from\" \":addrbook:default\" { stop; }",
               "test.sieve:1:12: error: tag ':list' requires the \"extlists\" extension; add require \"extlists\";"),
              ("if valid_ext_list \":addrbook:default\" { stop; }",
               "test.sieve:1:4: error: test 'valid_ext_list' requires the \"extlists\" extension; add require \"extlists\";"),
          ])
    func compileErrors(_ source: String, expected: String) {
        #expect(diagnostics(source).first == expected)
    }

    @Test("list files: one entry a line, comments, blank lines and angle brackets")
    func listFileEntries() {
        let text = "# friends\r\nalice@example.org\n\n  <bob@example.net>  \n#carol@example.com\ndave@example.com"
        #expect(ExternalLists.entries(inListFile: text) == ["alice@example.org", "bob@example.net", "dave@example.com"])
    }

    @Test("Matcher alone never matches :list (lists belong to the run's context)")
    func matcherAlone() {
        #expect(!Matcher.match(values: ["a@example.org"], keys: [":addrbook:default"], type: .list, comparator: .octet).matched)
    }
}

@testable import MailCore
import Testing
@testable import Sieve

/// Whether `body ...` holds for `message` (with "body" and the given extensions required).
private func bodyHolds(_ test: String, _ message: Message, require: [String] = [],
                       html: (any HTMLTextExtractor)? = nil) throws -> Bool {
    let requires = (["body", "fileinto"] + require).map { "\"\($0)\"" }.joined(separator: ", ")
    let source = "require [\(requires)];\nif \(test) { fileinto \"yes\"; }"
    let compiled = SieveCompiler.compile(source, file: "test.sieve")
    guard let script = compiled.script else { throw ScriptFailedToCompile(diagnostics: compiled.diagnostics) }
    let context = SieveMessageContext(message: message, envelope: standardEnvelope, htmlTextExtractor: html)
    let result = SieveInterpreter.run(script, context: context)
    #expect(result.errors.isEmpty, "unexpected runtime errors: \(result.errors)")
    return result.actions.contains(fileinto("yes"))
}

@Suite("RFC 5173 §4 body: syntax and requirements")
struct RFC5173BodySyntaxTests {
    @Test func requiresTheExtension() {
        let found = diagnostics("if body :contains \"x\" { discard; }")
        #expect(found == ["test.sieve:1:4: error: test 'body' requires the \"body\" extension; add require \"body\";"])
    }

    @Test(arguments: [
        ("body :raw :text \"x\"", "':text' conflicts with ':raw': only one body transform may be given"),
        ("body :content \"x\"", "test 'body' expects 1 positional argument [key list (a string list)], found 0"),
        ("body :content :contains \"x\"", "tag ':content' must be followed by a string list"),
        ("body :html \"x\"", "unknown tag ':html' for test 'body'"),
        ("body :count \"eq\" \"1\"", "tag ':count' requires the \"relational\" extension"),
    ])
    func rejected(_ test: String, _ expected: String) {
        let found = diagnostics("require \"body\";\nif \(test) { discard; }")
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    @Test func capabilityIsAdvertised() {
        #expect(SieveOptions.supportedExtensions.contains("body"))
    }
}

@Suite("RFC 5173 §5.1 body :raw")
struct RFC5173BodyRawTests {
    @Test(arguments: [
        // The undecoded body: quoted-printable and base64 stay as they were sent.
        ("body :raw :contains \"Gr=FC=DFe\"", true),
        ("body :raw :contains \"Grüße\"", false),
        ("body :raw :contains \"PGh0bWw+\"", true),
        // Boundaries, part headers, preamble and epilogue are content too.
        ("body :raw :contains \"--ALT--\"", true),
        ("body :raw :contains \"Content-Transfer-Encoding: base64\"", true),
        ("body :raw :contains \"preamble\"", true),
        // The message header is not part of the body.
        ("body :raw :contains \"Subject: Your order\"", false),
        ("body :raw :matches \"This is the preamble*Epilogue text*\"", true),
    ])
    func rawOnAlternative(_ test: String, _ expected: Bool) throws {
        #expect(try bodyHolds(test, BodyMessages.alternative) == expected)
    }

    @Test func rawIsOneString() throws {
        #expect(try bodyHolds("body :raw :count \"eq\" \"1\"", BodyMessages.nested, require: ["relational"]))
    }
}

@Suite("RFC 5173 §5.2 body :content")
struct RFC5173BodyContentTests {
    @Test(arguments: [
        // "type/subtype" selects exactly; transfer and charset decoding are undone.
        ("body :content \"text/plain\" :contains \"Grüße\"", true),
        ("body :content \"text/plain\" :contains \"Gr=FC\"", false),
        ("body :content \"TEXT/HTML\" :contains \"<b>order</b> &amp; invoice: café\"", true),
        // "text" selects every text subtype; HTML stays markup under :content.
        ("body :content \"text\" :contains \"<p>\"", true),
        ("body :content \"text/plain\" :contains \"<p>\"", false),
        // "" selects all parts, the multipart too (its preamble and epilogue).
        ("body :content \"\" :contains \"preamble\"", true),
        ("body :content \"multipart\" :contains \"Epilogue text after\"", true),
        ("body :content \"multipart\" :contains \"ships tomorrow\"", false),
        ("body :content \"multipart/alternative\" :is \"This is the preamble, MIME readers hide it.\"", true),
        // Malformed type items select nothing.
        ("body :content \"/plain\" :contains \"order\"", false),
        ("body :content \"text/\" :contains \"order\"", false),
        ("body :content \"text/plain/x\" :contains \"order\"", false),
        ("body :content [\"image\", \"text/plain\"] :contains \"tomorrow\"", true),
    ])
    func contentOnAlternative(_ test: String, _ expected: Bool) throws {
        #expect(try bodyHolds(test, BodyMessages.alternative) == expected)
    }

    @Test(arguments: [
        // Each matched part is compared on its own: no match across parts.
        ("body :content \"text\" :matches \"See the attached figures.\"", true),
        ("body :content \"text\" :contains \"figures.<p>\"", false),
        // message/rfc822: only the embedded header is searched for that type...
        ("body :content \"message/rfc822\" :contains \"Subject: Quarterly numbers\"", true),
        ("body :content \"message/rfc822\" :contains \"Revenue\"", false),
        // ...its body parts only when their own type is selected (QP UTF-8 decoded).
        ("body :content \"text/plain\" :contains \"Revenue is up 12 € million\"", true),
        // Non-text parts: transfer decoding only.
        ("body :content \"image/png\" :contains \"chart-data\"", true),
        ("body :content \"application\" :contains \"chart-data\"", false),
    ])
    func contentOnNested(_ test: String, _ expected: Bool) throws {
        #expect(try bodyHolds(test, BodyMessages.nested) == expected)
    }

    @Test(arguments: [
        // text: the inner plain and HTML parts and the embedded message's plain body.
        ("body :content \"text\" :count \"eq\" \"3\"", true),
        // multipart: the preamble and the epilogue of each of the two multiparts.
        ("body :content \"multipart\" :count \"eq\" \"4\"", true),
        ("body :content \"image\" :count \"eq\" \"1\"", true),
    ])
    func partCounts(_ test: String, _ expected: Bool) throws {
        #expect(try bodyHolds(test, BodyMessages.nested, require: ["relational"]) == expected)
    }

    @Test func contentTypesMayUseVariables() throws {
        let test = "allof(true, body :content \"${kind}\" :contains \"chart-data\")"
        let source = "require [\"body\", \"variables\", \"fileinto\"];\nset \"kind\" \"image\";\nif \(test) { fileinto \"yes\"; }"
        let compiled = SieveCompiler.compile(source, file: "test.sieve")
        let script = try #require(compiled.script)
        let result = SieveInterpreter.run(script, context: SieveMessageContext(message: BodyMessages.nested, envelope: standardEnvelope))
        #expect(result.actions == [fileinto("yes")])
    }
}

@Suite("RFC 5173 §5.3 body :text")
struct RFC5173BodyTextTests {
    @Test(arguments: [
        // :text is the default transform.
        ("body :contains \"Grüße\"", true),
        ("body :text :contains \"Grüße\"", true),
        // HTML parts become text: tags, entities and <style> are gone.
        ("body :text :contains \"Your order & invoice: café\"", true),
        ("body :text :contains \"<b>\"", false),
        ("body :text :contains \"color:red\"", false),
        // Preamble and epilogue are not text a reader sees.
        ("body :text :contains \"preamble\"", false),
        ("body :text :contains \"Epilogue\"", false),
        // Comparators: i;octet is case-sensitive, the default i;ascii-casemap is not.
        ("body :text :contains \"SHIPS TOMORROW\"", true),
        ("body :comparator \"i;octet\" :text :contains \"SHIPS TOMORROW\"", false),
        ("body :comparator \"i;octet\" :contains \"ships tomorrow\"", true),
        // :is compares whole parts.
        ("body :is \"Grüße! Your order ships tomorrow.\"", true),
        ("body :matches \"*order ships*\"", true),
        ("body :matches \"order ships\"", false),
    ])
    func textOnAlternative(_ test: String, _ expected: Bool) throws {
        #expect(try bodyHolds(test, BodyMessages.alternative) == expected)
    }

    @Test(arguments: [
        ("body :contains \"Big SALE on Straßenschuhe today\"", true),
        ("body :contains \"unsubscribe\"", false),
        ("body :contains \"Hidden title\"", false),
        ("body :contains \"tracking pixel\"", false),
    ])
    func htmlOnlyWithFallbackExtractor(_ test: String, _ expected: Bool) throws {
        #expect(try bodyHolds(test, BodyMessages.htmlOnly) == expected)
    }

    @Test func htmlGoesThroughTheContextsExtractor() throws {
        struct Shouting: HTMLTextExtractor {
            func text(fromHTML html: [UInt8], charset: String?) -> String { "EXTRACTED(\(charset ?? "none"))" }
        }
        #expect(try bodyHolds("body :is \"EXTRACTED(utf-8)\"", BodyMessages.htmlOnly, html: Shouting()))
        #expect(try !bodyHolds("body :contains \"SALE\"", BodyMessages.htmlOnly, html: Shouting()))
    }

    @Test(arguments: [
        ("body :contains \"attached figures\"", true),
        ("body :contains \"Revenue is up 12 € million\"", true),   // inside message/rfc822
        ("body :contains \"chart-data\"", false),                   // image: not text
        ("body :contains \"iVBORw0KGgo\"", false),
        ("body :contains \"Quarterly numbers\"", false),             // an embedded header is not body text
    ])
    func textOnNested(_ test: String, _ expected: Bool) throws {
        #expect(try bodyHolds(test, BodyMessages.nested) == expected)
    }

    @Test func plainMessageWithoutMIMEHeaders() throws {
        #expect(try bodyHolds("body :contains \"free for lunch\"", BodyMessages.plain))
        #expect(try bodyHolds("body :raw :is \"Are you free for lunch on Friday?\r\nCheers\r\n\"", BodyMessages.plain))
    }
}

@Suite("RFC 5173 §5 body: a message without a body, an embedded header")
struct RFC5173BodyEdgeTests {
    @Test("a header not followed by an empty line has no body: every body test is false", arguments: [
        "body :raw :contains \"\"", "body :raw :is \"\"", "body :raw :matches \"*\"", "body :text :contains \"\"",
        "body :content \"text\" :contains \"\"",
    ])
    func noBody(_ test: String) throws {
        #expect(try !bodyHolds(test, Message("From: a@example.org\r\nSubject: No body\r\n")))
        #expect(try !bodyHolds(test, Message("From: a@example.org\nSubject: No body")))
        // After the empty line the body exists, though empty.
        #expect(try bodyHolds(test, Message("From: a@example.org\r\nSubject: Empty body\r\n\r\n")))
    }

    @Test(":text reads XHTML as HTML, and skips a part with an unknown transfer encoding (RFC 2045 §6.4)")
    func xhtmlAndBrokenEncoding() throws {
        let message = BodyMessages.lines([
            "From: a@example.org", "Content-Type: multipart/mixed; boundary=b", "",
            "--b", "Content-Type: application/xhtml+xml; charset=us-ascii", "",
            "<html><body>XHTML Hello</body></html>",
            "--b", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: multipart/related", "",
            "<html><body>Broken Hi</body></html>",
            "--b--",
        ])
        #expect(try bodyHolds("body :text :contains \"XHTML Hello\"", message))
        #expect(try !bodyHolds("body :text :contains \"<html>\"", message))
        #expect(try !bodyHolds("body :text :contains \"Broken\"", message))
    }

    @Test("message/rfc822 under :content: the embedded header is its fields, without the empty line after them")
    func embeddedHeaderExactly() throws {
        let header = "From: cfo@example.com\r\nSubject: Quarterly numbers\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n"
        #expect(try bodyHolds("body :content \"message/rfc822\" :is \"\(header)\"", BodyMessages.nested))
    }
}

@Suite("RFC 5173 §6 body: interaction and limits")
struct RFC5173BodyRulesTests {
    @Test func matchesDoesNotSetMatchVariables() throws {
        let source = """
            require ["body", "variables", "fileinto"];
            if header :matches "subject" "*" {}
            if body :matches "*order ships*" { fileinto "got-${1}"; }
            """
        let compiled = SieveCompiler.compile(source, file: "test.sieve")
        let script = try #require(compiled.script)
        let result = SieveInterpreter.run(script, context: SieveMessageContext(message: BodyMessages.alternative, envelope: standardEnvelope))
        // ${1} still holds what the header test's "*" captured, not the body's.
        #expect(result.actions == [fileinto("got-Your order")])
    }

    @Test func largeBodiesCountTowardsTheStepLimit() throws {
        let big = Message("Subject: big\r\n\r\n" + String(repeating: "0123456789abcdef", count: 64 * 1024) + "\r\n")
        var options = SieveOptions()
        options.limits.maxEvaluationSteps = 500
        let compiled = SieveCompiler.compile("require \"body\";\nif body :raw :contains \"needle\" { discard; }", file: "t.sieve", options: options)
        let script = try #require(compiled.script)
        let result = SieveInterpreter.run(script, context: SieveMessageContext(message: big, envelope: standardEnvelope), options: options)
        #expect(result.actions == [implicitKeep])
        #expect(result.errors.map(\.message) == ["script exceeded the evaluation limit of 500 steps"])
        // The same body with the default limit is fine: 1 MiB costs about 1024 steps.
        let relaxed = SieveInterpreter.run(try #require(SieveCompiler.compile("require \"body\";\nif body :raw :contains \"needle\" { discard; }").script),
                                           context: SieveMessageContext(message: big, envelope: standardEnvelope))
        #expect(relaxed.errors.isEmpty)
    }

    @Test func theMIMETreeIsParsedOnlyByBodyTests() throws {
        let message = BodyMessages.lines(["Subject: lazy", "Content-Type: text/plain", "", "hello"])
        #expect(try !bodyHolds("body :raw :contains \"nothing\"", message))
        #expect(!message.isMIMEParsed)
        #expect(try bodyHolds("body :text :contains \"hello\"", message))
        #expect(message.isMIMEParsed)
    }
}

@Suite("RFC 5173 tag-stripping fallback")
struct TagStrippingHTMLTextExtractorTests {
    @Test(arguments: [
        ("<p>a</p><p>b</p>", "a b"),
        ("x &lt;y&gt; &amp; &#233;&#xE9; &quot;q&quot;", "x <y> & éé \"q\""),
        ("<style type=\"text/css\">p{}</style>Text", "Text"),
        ("<SCRIPT>alert(1)</SCRIPT>ok", "ok"),
        ("broken <b unterminated", "broken"),
        ("a <!-- never closed", "a"),
        ("&unknown; stays", "&unknown; stays"),
    ])
    func converts(_ html: String, _ expected: String) {
        #expect(TagStrippingHTMLTextExtractor().text(fromHTML: Array(html.utf8), charset: nil) == expected)
    }

    @Test func usesTheCharset() {
        #expect(TagStrippingHTMLTextExtractor().text(fromHTML: [0x3C, 0x70, 0x3E, 0xE9, 0x74, 0xE9], charset: "iso-8859-1") == "été")
    }
}

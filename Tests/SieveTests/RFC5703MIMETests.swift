import MailCore
import Testing
@testable import Sieve

/// A nested multipart message: the parts' `X-Test` fields name them, in message order.
let nestedMIMEMessage = Message("""
    From: Hendrik <hendrik@example.com>\r
    To: Harrie <harrie@example.com>\r
    Subject: Nested parts\r
    Content-Type: multipart/mixed; boundary=AA\r
    X-Test: AA\r
    \r
    Preamble.\r
    --AA\r
    Content-Type: multipart/alternative; boundary=BB\r
    X-Test: BB\r
    \r
    --BB\r
    Content-Type: text/plain; charset="us-ascii"\r
    X-Test: CC\r
    Content-From: Tim <tim@example.com>\r
    \r
    Plain text part.\r
    --BB\r
    Content-Type: text/html; charset="us-ascii"\r
    X-Test: DD\r
    \r
    <html><body><p>An <b>HTML</b> part.</p></body></html>\r
    --BB--\r
    --AA\r
    Content-Type: application/pdf; name="report.pdf"\r
    Content-Disposition: attachment; filename="report.pdf"; size=1234\r
    X-Test: EE\r
    \r
    JVBERi0xLjQK\r
    --AA--\r

    """)

/// The mailboxes a run files into, in order (the usual way these tests read a loop's work).
private func folders(_ script: String, message: Message = nestedMIMEMessage) throws -> [String] {
    let result = try run("require [\"mime\", \"foreverypart\", \"fileinto\", \"variables\", \"extracttext\"];\n" + script,
                         message: message)
    #expect(result.errors.isEmpty, "unexpected runtime errors: \(result.errors)")
    return result.actions.compactMap { if case .fileinto(let mailbox, _, _, _) = $0 { mailbox } else { nil } }
}

@Suite("RFC 5703 mime and foreverypart")
struct RFC5703MIMETests {
    @Test(arguments: [
        // §4.1: without a loop, :mime reads the message's own header; :anychild every part.
        ("header :mime \"X-Test\" \"AA\"", true),
        ("header :mime \"X-Test\" \"CC\"", false),
        ("header :mime :anychild \"X-Test\" \"CC\"", true),
        ("header :mime :anychild \"X-Test\" \"ZZ\"", false),
        // §4.2: the pieces of Content-Type and Content-Disposition.
        ("header :mime :type \"Content-Type\" \"multipart\"", true),
        ("header :mime :subtype \"Content-Type\" \"mixed\"", true),
        ("header :mime :contenttype \"Content-Type\" \"multipart/mixed\"", true),
        ("header :mime :param \"boundary\" \"Content-Type\" \"AA\"", true),
        ("header :mime :anychild :contenttype \"Content-Type\" \"text/html\"", true),
        ("header :mime :anychild :param \"name\" \"Content-Type\" \"report.pdf\"", true),
        ("header :mime :anychild :type \"Content-Disposition\" \"attachment\"", true),
        ("header :mime :anychild :subtype \"Content-Disposition\" \"\"", true),
        ("header :mime :anychild :param [\"filename\", \"size\"] \"Content-Disposition\" \"1234\"", true),
        ("header :mime :anychild :param \"filename\" :matches \"Content-Disposition\" \"*.exe\"", false),
        // address and exists.
        ("address :mime :anychild :domain \"Content-From\" \"example.com\"", true),
        ("address :mime :domain \"Content-From\" \"example.com\"", false),
        ("exists :mime :anychild [\"X-Test\", \"Content-Disposition\", \"Content-From\"]", true),
        ("exists :mime :anychild [\"X-Test\", \"X-Nonsense\"]", false),
        ("exists :mime \"Content-From\"", false),
    ])
    func mimeTestsOutsideALoop(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test, require: ["mime"], message: nestedMIMEMessage) == expected)
    }

    @Test func foreverypartVisitsEveryPartDepthFirstTheMessageFirst() throws {
        let seen = try folders("foreverypart { if header :mime :matches \"X-Test\" \"*\" { fileinto \"${1}\"; } }")
        #expect(seen == ["AA", "BB", "CC", "DD", "EE"])
    }

    @Test(arguments: [
        // A nested loop walks the parts below the outer loop's part.
        ("foreverypart { if header :mime \"X-Test\" \"BB\" { foreverypart { if header :mime :matches \"X-Test\" \"*\" { fileinto \"${1}\"; } } } }",
         ["CC", "DD"]),
        // :anychild inside a loop: the current part and the parts below it.
        ("foreverypart { if header :mime :anychild \"X-Test\" \"DD\" { if header :mime :matches \"X-Test\" \"*\" { fileinto \"${1}\"; } } }",
         ["AA", "BB", "DD"]),
        // break leaves the innermost loop; break :name the named one.
        ("foreverypart { if header :mime :matches \"X-Test\" \"*\" { fileinto \"${1}\"; } if header :mime \"X-Test\" \"CC\" { break; } }",
         ["AA", "BB", "CC"]),
        ("foreverypart :name \"outer\" { foreverypart { if header :mime :matches \"X-Test\" \"*\" { fileinto \"${1}\"; } break :name \"outer\"; } }",
         ["BB"]),
        ("foreverypart :name \"outer\" { foreverypart { if header :mime :matches \"X-Test\" \"*\" { fileinto \"${1}\"; } break; } }",
         ["BB", "CC"]),
    ])
    func nestedLoopsAndBreak(_ script: String, _ expected: [String]) throws {
        #expect(try folders(script) == expected)
    }

    @Test func extracttextReadsTheCurrentPartWithHTMLAsText() throws {
        let seen = try folders("""
            foreverypart {
                extracttext :first 12 "text";
                if not string "${text}" "" { fileinto "${text}"; }
            }
            """)
        #expect(seen == ["Plain text p", "An HTML part"])
    }

    @Test func extracttextTakesModifiers() throws {
        let seen = try folders("""
            foreverypart { if header :mime :type "Content-Type" "text" { extracttext :upper :first 5 "t"; fileinto "${t}"; break; } }
            """)
        #expect(seen == ["PLAIN"])
    }

    @Test(arguments: [
        ("require \"foreverypart\";\nbreak;", "test.sieve:2:1: error: 'break' is only allowed inside a foreverypart loop"),
        ("require \"foreverypart\";\nforeverypart :name \"a\" {\n  break :name \"b\";\n}",
         "test.sieve:3:15: error: 'break :name \"b\"' names no enclosing foreverypart loop; the enclosing loops are named \"a\""),
        ("require \"foreverypart\";\nforeverypart;", "test.sieve:2:14: error: command 'foreverypart' needs a block"),
        ("require \"foreverypart\";\nforeverypart \"x\" { }", "test.sieve:2:14: error: command 'foreverypart' takes no positional arguments, found 1"),
        ("require \"foreverypart\";\nforeverypart { foreverypart { foreverypart { foreverypart { foreverypart { } } } } }",
         "test.sieve:2:61: error: foreverypart loops nest too deep: at most 4 may be open at once"),
        ("require \"mime\";\nif header :anychild \"To\" \"x\" { }", "test.sieve:2:11: error: tag ':anychild' needs ':mime'"),
        ("require \"mime\";\nif header :type \"Content-Type\" \"text\" { }", "test.sieve:2:11: error: tag ':type' needs ':mime'"),
        ("require \"mime\";\nif address :mime :type \"To\" \"x\" { }", "test.sieve:2:18: error: tag ':type' applies to 'header :mime' only"),
        ("require \"mime\";\nif exists :mime :param \"a\" \"To\" { }", "test.sieve:2:17: error: tag ':param' applies to 'header :mime' only"),
        ("require \"mime\";\nif header :mime :type :subtype \"Content-Type\" \"x\" { }",
         "test.sieve:2:23: error: ':subtype' conflicts with ':type': only one mime option may be given"),
        ("if header :mime \"To\" \"x\" { }", "test.sieve:1:11: error: tag ':mime' requires the \"mime\" extension"),
        ("require [\"extracttext\", \"variables\", \"foreverypart\"];\nextracttext \"x\";",
         "test.sieve:2:1: error: 'extracttext' is only allowed inside a foreverypart loop"),
        ("require [\"extracttext\", \"variables\"];\nkeep;", "test.sieve:1:10: error: the \"extracttext\" extension needs \"foreverypart\" too"),
        ("require [\"extracttext\", \"variables\", \"foreverypart\"];\nforeverypart { extracttext \"0\"; }",
         "test.sieve:2:28: error: '0' is not a valid variable name for extracttext"),
        ("require \"replace\";\nreplace :from \"not an address\" \"x\";",
         "test.sieve:2:15: error: replace :from \"not an address\" is not a valid address"),
    ])
    func compileErrorsArePrecise(_ script: String, _ expected: String) {
        let found = diagnostics(script)
        #expect(found.contains { $0.hasPrefix(expected) }, "\(found)")
    }

    @Test func fourNestedLoopsRun() throws {
        // Four loops in one script are allowed; the limit counts loops open at once.
        let result = try run("""
            require ["foreverypart", "fileinto"];
            foreverypart { foreverypart { foreverypart { foreverypart { fileinto "deep"; } } } }
            """)
        #expect(result.errors.isEmpty)
    }

    @Test func traceShowsEachIterationAndBreak() throws {
        let recorder = SieveTraceRecorder()
        _ = try run("""
            require ["foreverypart", "mime"];
            foreverypart :name "scan" { if header :mime "X-Test" "CC" { break; } }
            """, message: nestedMIMEMessage, tracer: recorder)
        let lines = recorder.events.compactMap { if case .partIteration(let text, _) = $0 { text } else { nil } }
        #expect(lines == [
            ":name \"scan\" part 1 of 5: multipart/mixed at depth 0",
            ":name \"scan\" part 2 of 5: multipart/alternative at depth 1",
            ":name \"scan\" part 3 of 5: text/plain at depth 2",
            ":name \"scan\" left by break",
        ])
    }

    @Test(arguments: [
        // Each capability is used: no "required but never used" (extracttext uses variables).
        ("require [\"mime\", \"foreverypart\", \"extracttext\", \"variables\", \"replace\", \"enclose\"];\n"
         + "foreverypart { if header :mime :type \"Content-Type\" \"text\" { extracttext \"t\"; replace \"x\"; } }\n"
         + "enclose \"y\";\n", []),
        ("require [\"mime\", \"foreverypart\", \"replace\"];\nkeep;\n",
         ["capability \"mime\" is required but never used", "capability \"foreverypart\" is required but never used",
          "capability \"replace\" is required but never used"]),
    ])
    func lintKnowsWhatTheExtensionsUse(_ script: String, _ expected: [String]) {
        let found = SieveLinter.lint(Array(script.utf8), file: "t.sieve").map(\.message)
        #expect(found.count == expected.count, "\(found)")
        for piece in expected { #expect(found.contains { $0.hasPrefix(piece) }, "\(found)") }
    }

    @Test(arguments: [
        ("require \"mime\"; if header :mime \"X\" \"y\" { }", true),
        ("require \"foreverypart\"; foreverypart { }", true),
        ("require \"enclose\"; enclose \"x\";", true),
        ("require \"ihave\"; if ihave \"replace\" { replace \"x\"; }", true),
        ("require \"fileinto\"; fileinto \"x\";", false),
    ])
    func scriptsThatReadPartsAskForTheWholeMessage(_ source: String, _ readsBody: Bool) throws {
        let script = try #require(SieveCompiler.compile(source, file: "t.sieve", options: SieveOptions()).script)
        #expect(script.readsMessageBody == readsBody)
    }

    @Test func tenThousandPartsCostLinearWork() throws {
        var text = "From: a@example.com\r\nSubject: many\r\nContent-Type: multipart/mixed; boundary=P\r\n\r\n"
        for index in 0..<9_990 { text += "--P\r\nContent-Type: text/plain\r\nX-N: \(index)\r\n\r\npart \(index)\r\n" }
        text += "--P--\r\n"
        let message = Message(text)
        let clock = ContinuousClock()
        let start = clock.now
        // A nested loop: the outer visits every part, the inner only those below each one.
        let seen = try folders("""
            foreverypart { foreverypart { if header :mime "X-N" "9989" { fileinto "last"; } } }
            foreverypart { if header :mime :anychild "X-N" "9989" { fileinto "anychild"; break; } }
            """, message: message)
        #expect(seen == ["last", "anychild"])
        #expect(clock.now - start < .seconds(30))
        // One loop with one test: about four steps a part, so it fits 50,000 and not 30,000.
        let script = "require [\"foreverypart\", \"mime\", \"fileinto\"];\n"
            + "foreverypart { if header :mime \"X-N\" \"9989\" { fileinto \"found\"; } }"
        let roomy = try run(script, message: message, options: SieveOptions(limits: SieveLimits(maxEvaluationSteps: 50_000)))
        #expect(roomy.errors.isEmpty && roomy.actions == [fileinto("found")])
        let tight = try run(script, message: message, options: SieveOptions(limits: SieveLimits(maxEvaluationSteps: 30_000)))
        #expect(tight.errors.map(\.message) == ["script exceeded the evaluation limit of 30000 steps"])
    }
}

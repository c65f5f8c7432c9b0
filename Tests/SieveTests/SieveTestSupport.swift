import MailCore
import Testing
@testable import Sieve

/// A message built from header lines and a body, CRLF line ends.
func makeMessage(_ headers: [String], body: String = "Hello.\r\n") -> Message {
    Message(headers.joined(separator: "\r\n") + "\r\n\r\n" + body)
}

/// The message most tests run against.
let standardMessage = makeMessage([
    "Return-Path: <coyote@desert.example.org>",
    "From: \"Wile E. Coyote\" <coyote@desert.example.org>",
    "To: roadrunner@acme.example.com, Friends: ally@acme.example.com, bob+lists@acme.example.com;",
    "Cc: (a comment) boss@acme.example.com",
    "Subject: I have a present for you",
    "X-Caffeine: C8H10N4O2",
    "X-Spam-Score: 12",
    "List-Id: <sieve.ietf.org>",
], body: "Look, I'm sorry about the whole anvil thing.\r\n")

let standardEnvelope = SieveEnvelope(from: "coyote@desert.example.org", to: "roadrunner+sieve@acme.example.com")

struct ScriptFailedToCompile: Error, CustomStringConvertible {
    var diagnostics: [Diagnostic]
    var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Compiles and runs `source`, failing the test if it does not compile.
func run(_ source: String, message: Message = standardMessage, envelope: SieveEnvelope = standardEnvelope,
         options: SieveOptions = SieveOptions(), tracer: (any SieveTracer)? = nil) throws -> SieveResult {
    let compiled = SieveCompiler.compile(source, file: "test.sieve", options: options)
    guard let script = compiled.script else { throw ScriptFailedToCompile(diagnostics: compiled.diagnostics) }
    return SieveInterpreter.run(script, context: SieveMessageContext(message: message, envelope: envelope),
                                options: options, tracer: tracer)
}

/// The actions of a successful run.
func actions(_ source: String, message: Message = standardMessage, envelope: SieveEnvelope = standardEnvelope,
             options: SieveOptions = SieveOptions()) throws -> [SieveAction] {
    let result = try run(source, message: message, envelope: envelope, options: options)
    #expect(result.errors.isEmpty, "unexpected runtime errors: \(result.errors)")
    return result.actions
}

/// The compile diagnostics of `source` as printed (`test.sieve:L:C: error: ...`).
func diagnostics(_ source: String, options: SieveOptions = SieveOptions()) -> [String] {
    SieveCompiler.compile(source, file: "test.sieve", options: options).diagnostics.map(\.description)
}

/// Whether the script's single `if` test holds: runs `if TEST { fileinto "yes"; }`.
func holds(_ test: String, require: [String] = [], message: Message = standardMessage,
           envelope: SieveEnvelope = standardEnvelope, options: SieveOptions = SieveOptions()) throws -> Bool {
    let requires = (require + ["fileinto"]).map { "\"\($0)\"" }.joined(separator: ", ")
    let list = try actions("require [\(requires)];\nif \(test) { fileinto \"yes\"; }", message: message,
                           envelope: envelope, options: options)
    return list.contains(.fileinto(mailbox: "yes", flags: [], copy: false, create: false))
}

let implicitKeep = SieveAction.keep(flags: [], implicit: true)

func fileinto(_ mailbox: String, flags: [String] = [], copy: Bool = false) -> SieveAction {
    .fileinto(mailbox: mailbox, flags: flags, copy: copy, create: false)
}

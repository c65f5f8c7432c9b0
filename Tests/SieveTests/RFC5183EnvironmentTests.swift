import MailCore
import Testing
@testable import Sieve

/// The environment a delivery from a known client would have.
private let deliveryEnvironment = SieveEnvironment(
    domain: "example.com", host: "mx1.example.com", remoteHost: "relay.example.net", remoteIP: "192.0.2.7",
    username: "joe@example.com", configItems: ["display_name": "Joe Bloggs"])

/// Whether `if TEST { fileinto "yes"; }` files the message, run with `environment`.
private func holdsIn(_ environment: SieveEnvironment, _ test: String, require: [String] = ["environment"],
                     options: SieveOptions = SieveOptions()) throws -> Bool {
    try actionsIn(environment, "if \(test) { fileinto \"yes\"; }", require: require, options: options)
        .contains(fileinto("yes"))
}

private func actionsIn(_ environment: SieveEnvironment, _ body: String, require: [String],
                       options: SieveOptions = SieveOptions()) throws -> [SieveAction] {
    let requires = (require + ["fileinto"]).map { "\"\($0)\"" }.joined(separator: ", ")
    let compiled = SieveCompiler.compile("require [\(requires)];\n" + body, file: "test.sieve", options: options)
    guard let script = compiled.script else { throw ScriptFailedToCompile(diagnostics: compiled.diagnostics) }
    let context = SieveMessageContext(message: standardMessage, envelope: standardEnvelope, environment: environment)
    let result = SieveInterpreter.run(script, context: context, options: options)
    #expect(result.errors.isEmpty, "unexpected runtime errors: \(result.errors)")
    return result.actions
}

@Suite("RFC 5183 §4 environment items")
struct RFC5183EnvironmentItemTests {
    @Test(arguments: [
        ("environment \"domain\" \"example.com\"", true),
        ("environment \"host\" \"mx1.example.com\"", true),
        ("environment :is \"location\" \"MDA\"", true),
        ("environment :is :comparator \"i;octet\" \"name\" \"Sluice\"", true),
        ("environment \"phase\" \"during\"", true),
        ("environment \"remote-host\" \"relay.example.net\"", true),
        ("environment \"remote-ip\" \"192.0.2.7\"", true),
        ("environment :matches \"remote-ip\" \"192.0.2.*\"", true),
        ("environment \"remote-ip\" \"192.0.2.8\"", false),
        ("environment :is \"version\" \"\(SluiceVersion.current)\"", true),
        // Unknown items are false whatever the match type (RFC 5183 §5).
        ("environment :contains \"nonsense\" \"\"", false),
        ("not environment :matches \"nonsense\" \"*\"", true),
        // Names are compared exactly, as Pigeonhole does.
        ("environment :contains \"Remote-IP\" \"\"", false),
        // The vnd.dovecot items need their extension.
        ("environment :contains \"vnd.dovecot.username\" \"\"", false),
    ])
    func standardItems(_ test: String, _ expected: Bool) throws {
        #expect(try holdsIn(deliveryEnvironment, test) == expected)
    }

    @Test(arguments: [
        ("environment :count \"eq\" :comparator \"i;ascii-numeric\" \"location\" \"1\"", true),
        ("environment :count \"eq\" :comparator \"i;ascii-numeric\" \"nonsense\" \"0\"", false),
        ("environment :count \"eq\" :comparator \"i;ascii-numeric\" \"remote-ip\" \"0\"", false),
    ])
    func countsOneValueOrNothing(_ test: String, _ expected: Bool) throws {
        #expect(try holdsIn(deliveryEnvironment, test, require: ["environment", "relational", "comparator-i;ascii-numeric"])
            == expected)
    }

    @Test func aMissingRemoteAddressIsNoItem() throws {
        let overUnixSocket = SieveEnvironment(host: "mx1.example.com")
        #expect(try holdsIn(overUnixSocket, "environment :contains \"remote-ip\" \"\"") == false)
        #expect(try holdsIn(overUnixSocket, "environment :contains \"host\" \"\"") == true)
    }

    @Test func theNameMayHoldVariables() throws {
        let body = "set \"item\" \"remote-ip\";\nif environment \"${item}\" \"192.0.2.7\" { fileinto \"yes\"; }"
        #expect(try actionsIn(deliveryEnvironment, body, require: ["environment", "variables"]).contains(fileinto("yes")))
    }

    @Test func aMatchSetsMatchVariables() throws {
        let body = "if environment :matches \"host\" \"*.*\" { fileinto \"${1}\"; }"
        #expect(try actionsIn(deliveryEnvironment, body, require: ["environment", "variables"]) == [fileinto("mx1")])
    }

    @Test func theDefaultContextKnowsOnlyTheFixedItems() throws {
        #expect(try holds("environment \"name\" \"Sluice\"", require: ["environment"]))
        #expect(try holds("environment :contains \"host\" \"\"", require: ["environment"]) == false)
    }

    @Test func domainOfAHostDropsTheFirstLabel() {
        #expect(SieveEnvironment.domain(ofHost: "mx1.example.com") == "example.com")
        #expect(SieveEnvironment.domain(ofHost: "localhost") == "localhost")
    }

    @Test func settingItems() throws {
        var environment = SieveEnvironment()
        try environment.set("remote-ip", to: "2001:db8::1")
        try environment.set("vnd.dovecot.config.team", to: "ops")
        try environment.set("x-site", to: "eu")
        #expect(environment.remoteIP == "2001:db8::1")
        #expect(environment.value(of: "vnd.dovecot.config.TEAM", vendorItems: true) == "ops")
        #expect(environment.value(of: "x-site", vendorItems: false) == "eu")
        #expect(throws: SieveEnvironment.SettingProblem.self) { try environment.set("version", to: "9") }
    }
}

@Suite("RFC 5183 §5 environment test syntax")
struct RFC5183EnvironmentSyntaxTests {
    @Test(arguments: [
        ("if environment \"host\" \"x\" { keep; }",
         #"test.sieve:1:4: error: test 'environment' requires the "environment" extension; add require "environment";"#),
        ("require \"environment\";\nif environment \"host\" { keep; }",
         "test.sieve:2:4: error: test 'environment' expects 2 positional arguments [item name (a string), key list (a string list)], found 1"),
        ("require \"environment\";\nif environment \"\" \"x\" { keep; }",
         #"test.sieve:2:16: error: environment needs an item name such as "remote-ip" or "host", found an empty string"#),
        ("require \"environment\";\nif environment [\"host\", \"domain\"] \"x\" { keep; }",
         "test.sieve:2:16: error: test 'environment' expects a string for the item name, found a string list"),
    ])
    func reportsMistakes(_ source: String, _ expected: String) {
        #expect(diagnostics(source) == [expected])
    }
}

@Suite("vnd.dovecot.environment")
struct VendorEnvironmentTests {
    @Test(arguments: [
        ("environment \"vnd.dovecot.default-mailbox\" \"INBOX\"", true),
        ("environment \"vnd.dovecot.username\" \"joe@example.com\"", true),
        ("environment \"vnd.dovecot.config.display_name\" \"Joe Bloggs\"", true),
        ("environment \"vnd.dovecot.config.DISPLAY_NAME\" \"Joe Bloggs\"", true),
        ("environment :contains \"vnd.dovecot.config.missing\" \"\"", false),
        ("environment :contains \"vnd.dovecot.config.\" \"\"", false),
        // The standard items stay available.
        ("environment \"remote-ip\" \"192.0.2.7\"", true),
    ])
    func vendorItems(_ test: String, _ expected: Bool) throws {
        #expect(try holdsIn(deliveryEnvironment, test, require: ["vnd.dovecot.environment"]) == expected)
    }

    @Test(arguments: [
        ("${env.remote_ip}", "192.0.2.7"),
        ("${env.remote_host}", "relay.example.net"),
        ("${env.host}", "mx1.example.com"),
        ("${ENV.name}", "Sluice"),
        ("${env.vnd.dovecot.username}", "joe@example.com"),
        ("${env.vnd.dovecot.default_mailbox}", "INBOX"),
        ("${env.vnd.dovecot.config.display_name}", "Joe Bloggs"),
        ("${env.nonsense}", ""),
        // Not a variable reference (names cannot hold '-'): literal text.
        ("${env.remote-ip}", "${env.remote-ip}"),
        ("from ${env.remote_ip} via ${env.host}", "from 192.0.2.7 via mx1.example.com"),
    ])
    func envNamespace(_ reference: String, _ expected: String) throws {
        let body = "set \"v\" \"\(reference)\";\nif string :is \"${v}\" \"\(expected)\" { fileinto \"yes\"; }"
        #expect(try actionsIn(deliveryEnvironment, body, require: ["vnd.dovecot.environment", "variables"]).contains(fileinto("yes")))
    }

    @Test(arguments: [
        ("require [\"vnd.dovecot.environment\", \"variables\"];\nset \"env.host\" \"x\";",
         #"test.sieve:2:5: error: cannot assign to environment variable "env.host": the env. namespace is read-only"#),
        ("require [\"vnd.dovecot.environment\", \"variables\"];\nset \"a\" \"${env.1}\";",
         "test.sieve:2:9: error: '${env.1}' is not an environment variable: '1' is a number, expected an item name such as ${env.remote_ip}"),
        ("require [\"variables\"];\nset \"a\" \"${env.host}\";",
         "test.sieve:2:9: error: unknown variable namespace 'env' in '${env.host}'"),
    ])
    func reportsMistakes(_ source: String, _ expected: String) {
        #expect(diagnostics(source) == [expected])
    }
}

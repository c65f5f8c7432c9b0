import MailCore
import Testing
@testable import Sieve

/// The values a `header` test compares come from the message's shared name index; these
/// pin down which values, and in which order (it decides the `:matches` variables).
@Suite("RFC 5228 §5.7 header: values from several names and repeated fields")
struct HeaderValueOrderTests {
    static let message = makeMessage([
        "X-Tag: first",
        "Subject: hello",
        "x-tag: second",
        "X-TAG: third",
    ])

    /// What `${1}` holds after `header :matches NAMES "*"` files into it.
    func firstCapture(_ names: String) throws -> [SieveAction] {
        try actions("""
            require ["fileinto", "variables"];
            if header :matches \(names) "*" { fileinto "${1}"; }
            """, message: Self.message)
    }

    @Test("names are searched in the order given, fields in message order", arguments: [
        ("\"x-tag\"", "first"),
        ("[\"Subject\", \"X-Tag\"]", "hello"),
        ("[\"X-Tag\", \"Subject\"]", "first"),
        ("[\"absent\", \"X-TAG\"]", "first"),
    ])
    func captureComesFromFirstValue(names: String, expected: String) throws {
        #expect(try firstCapture(names) == [.fileinto(mailbox: expected, flags: [], copy: false, create: false)])
    }

    @Test("every repeated field is compared", arguments: ["first", "second", "third"])
    func repeatedFields(value: String) throws {
        #expect(try holds("header :is \"x-tag\" \"\(value)\"", message: Self.message))
        #expect(try holds("header :is [\"absent\", \"X-Tag\"] \"\(value)\"", message: Self.message))
    }

    @Test func absentNamesGiveNoValues() throws {
        #expect(try !holds("header :matches [\"absent\", \"other\"] \"*\"", message: Self.message))
        #expect(try !holds("header :contains \"absent\" \"\"", message: Self.message))
    }

    @Test("a header name from a variable is lowercased when the test runs")
    func variableName() throws {
        let result = try actions("""
            require ["fileinto", "variables"];
            set "name" "X-TAG";
            if header :matches ["${name}", "subject"] "*" { fileinto "${1}"; }
            """, message: Self.message)
        #expect(result == [.fileinto(mailbox: "first", flags: [], copy: false, create: false)])
    }
}

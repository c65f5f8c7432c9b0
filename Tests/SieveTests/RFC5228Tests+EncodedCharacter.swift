import Testing
@testable import Sieve

@Suite("RFC 5228 §2.4.2.4 encoded-character")
struct EncodedCharacterRequireTests {
    @Test func decodesHexAndUnicode() throws {
        let list = try actions("require [\"encoded-character\", \"fileinto\"]; fileinto \"${hex:41 42}${unicode:e9}t\";")
        #expect(list == [fileinto("ABét")])
    }

    @Test func withoutRequireStaysLiteral() throws {
        #expect(try actions("require \"fileinto\"; fileinto \"${hex:41}\";") == [fileinto("${hex:41}")])
    }

    @Test func decodedBeforeMatching() throws {
        #expect(try holds("header :contains \"subject\" \"${hex:70 72 65}sent\"", require: ["encoded-character"]))
    }

    @Test func invalidUnicodeIsACompileErrorWithLocation() {
        let found = diagnostics("require \"encoded-character\";\nkeep;\nif header :is \"x\" \"${unicode:D800}\" { keep; }")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("test.sieve:3:19: error: invalid encoded character in string") == true)
    }
}


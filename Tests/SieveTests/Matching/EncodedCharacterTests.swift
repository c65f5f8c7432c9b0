import Testing
@testable import Sieve

@Suite("RFC 5228 §2.4.2.4 encoded characters")
struct EncodedCharacterTests {
    @Test(arguments: [
        // Prefix case, separate and combined sequences, leading zeros; a blank before the prefix is not allowed.
        ("${hex:24 24}", "$$"), ("${HEX: 24 24}", "$$"), ("${hex:24}${hex:24}", "$$"),
        ("${unicode:40}", "@"), ("${ unicode:40}", "${ unicode:40}"), ("${UNICODE:40}", "@"),
        ("${Unicode:40}", "@"), ("${unicode:0040}", "@"),
        ("${hex:40", "${hex:40"), ("${hex:4${hex:30}}", "${hex:40}"),
        // Multiple values, blanks around and between them.
        ("${hex: 41 42 }", "AB"), ("${hex:\t41\r\n42}", "AB"), ("${unicode: 48 69 }", "Hi"),
        ("${unicode:1F600}", "😀"), ("${unicode:E9}", "é"), ("${unicode:0}", "\u{0}"),
        ("${unicode:10FFFF}", "\u{10FFFF}"), ("${unicode:000000041}", "A"),
        ("${hex:C3 A9}", "é"), ("${hex:C3}${hex:A9}", "é"), ("${hex:a}", "\n"),
        ("a${hex:41}b${unicode:42}c", "aAbBc"),
        // Malformed: left as written.
        ("${hex:}", "${hex:}"), ("${hex: }", "${hex: }"), ("${hex:4G}", "${hex:4G}"),
        ("${hex:414}", "${hex:414}"), ("${hex:4142", "${hex:4142"), ("${unicode:}", "${unicode:}"),
        ("${hexa:41}", "${hexa:41}"), ("${foo}", "${foo}"), ("$", "$"), ("", ""), ("${", "${"),
        ("${hex:41,42}", "${hex:41,42}"), ("$${hex:41}", "$A"), ("no escapes", "no escapes"),
    ])
    func decode(input: String, expected: String) throws {
        #expect(try EncodedCharacter.decode(input) == expected)
    }

    @Test(arguments: [
        ("${unicode:D800}", "D800"), ("${unicode:DFFF}", "DFFF"), ("${unicode:110000}", "110000"),
        ("${unicode:FFFFFFFFFFFFFFFFFFFF}", "FFFFFFFFFFFFFFFFFFFF"), ("x${unicode:41 dc00}", "dc00"),
    ])
    func invalidScalarsAreErrors(input: String, digits: String) {
        #expect(throws: EncodedCharacterError.invalidUnicodeScalar(digits)) {
            try EncodedCharacter.decode(input)
        }
    }

    @Test(arguments: ["${hex:FF}", "${hex:C3}", "a${hex:80}b"])
    func hexOctetsMustFormUTF8(input: String) {
        #expect(throws: EncodedCharacterError.self) { try EncodedCharacter.decode(input) }
    }

    @Test func errorMessagesSayWhatWasExpected() {
        let message = EncodedCharacterError.invalidUnicodeScalar("D800").description
        #expect(message.contains("D800"))
        #expect(message.contains("10FFFF"))
    }
}

import Testing
@testable import MailCore

@Suite("RFC 2047 encoded words")
struct EncodedWordTests {
    @Test(
        "decodes",
        arguments: [
            ("=?UTF-8?B?SGVsbG8gV8O2cmxk?=", "Hello Wörld"),
            ("=?utf-8?q?caf=C3=A9?=", "café"),
            ("=?utf-8?Q?caf=c3=a9?=", "café"),
            ("=?ISO-8859-1?Q?Andr=E9?= Pirard", "André Pirard"),
            ("=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"),
            ("=?ISO-8859-15?Q?=A4uro?=", "€uro"),
            ("=?windows-1252?Q?=80_and_=93quotes=94?=", "€ and \u{201C}quotes\u{201D}"),
            ("=?KOI8-R?B?8NLJ18XU?=", "Привет"),
            ("=?Shift_JIS?B?k/qWe4zq?=", "日本語"),
            ("=?utf-8*en?Q?hello?=", "hello"),
            ("=?UTF-8?Q??=", ""),
            ("Re: =?utf-8?q?a?= b", "Re: a b"),
        ])
    func decodes(input: String, expected: String) {
        #expect(EncodedWords.decode(input) == expected)
    }

    @Test(
        "whitespace between adjacent encoded words is dropped (§6.2)",
        arguments: [
            ("(=?ISO-8859-1?Q?a?=)", "(a)"),
            ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
            ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
            ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"),
        ])
    func adjacent(input: String, expected: String) {
        #expect(EncodedWords.decode(input) == expected)
    }

    @Test("a character split across two words survives")
    func splitCharacter() {
        // "é" is C3 A9; each word carries one byte.
        #expect(EncodedWords.decode("=?utf-8?Q?caf=C3?= =?utf-8?Q?=A9?=") == "café")
        #expect(EncodedWords.decode("=?utf-8?B?w6k=?= =?utf-8?B?w6k=?=") == "éé")
    }

    @Test(
        "broken encoded words are left as they stand",
        arguments: [
            "=?utf-8?B?###?=",
            "=?utf-8?B?QUJD?",
            "=?utf-8?B?QUJD",
            "=?no-such-charset-xyz?Q?abc?=",
            "=?utf-8?X?abc?=",
            "=?utf-8?Q?has space?=",
            "=??Q?abc?=",
            "=?utf-8//TRANSLIT?Q?abc?=",
            "=?",
            "a =? b ?= c",
        ])
    func broken(input: String) {
        #expect(EncodedWords.decode(input) == input)
    }

    @Test("a broken word beside a good one: only the good one is decoded")
    func mixed() {
        #expect(EncodedWords.decode("=?utf-8?B?!!?= =?utf-8?Q?ok?=") == "=?utf-8?B?!!?= ok")
    }

    @Test("Q: a stray '=' is kept; lowercase hex is accepted")
    func qDetails() {
        #expect(EncodedWords.decode("=?utf-8?Q?a=ZZb=3d?=") == "a=ZZb=")
    }

    @Test("header values are decoded in Message")
    func inMessage() {
        let message = Message("Subject: =?utf-8?B?w5xiZXI=?= =?utf-8?Q?_alles?=\r\n\r\n")
        #expect(message.headerFields.first?.value == "Über alles")
        #expect(message.headerFields.first?.rawValue == Array("=?utf-8?B?w5xiZXI=?= =?utf-8?Q?_alles?=".utf8))
    }
}

@Suite("RFC 2045 §5.1 charsets")
struct CharsetTests {
    @Test(
        "converts",
        arguments: [
            ([0x63, 0x61, 0x66, 0xE9] as [UInt8], "ISO-8859-1", "café"),
            ([0x63, 0x61, 0x66, 0xE9], "latin1", "café"),
            ([0xA4], "iso-8859-15", "€"),
            ([0x80], "windows-1252", "€"),
            ([0xC3, 0xA9], "UTF-8", "é"),
            ([0xC3, 0xA9], "us-ascii", "é"),
            ([0xE9], "us-ascii", "é"),
            ([0xF0, 0xD2, 0xC9], "koi8-r", "При"),
            ([0xFF], "utf-8", "\u{FFFD}"),
            ([0x82, 0xA0], "shift_jis", "あ"),
            ([0x41, 0x82], "shift_jis", "A\u{FFFD}"),
        ])
    func converts(bytes: [UInt8], charset: String, expected: String) {
        #expect(Charset.decode(bytes, charset: charset) == expected)
    }

    @Test("unknown or unsafe charset names give nil", arguments: ["x-nonexistent-42", "", "utf-8//IGNORE", "a b"])
    func unknown(name: String) {
        #expect(Charset.decode([0x41], charset: name) == nil)
    }
}

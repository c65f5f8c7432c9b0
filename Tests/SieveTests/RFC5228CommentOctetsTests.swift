import Testing
@testable import Sieve

/// Comments may hold any octet; strings must still be UTF-8.
///
/// - SeeAlso: RFC 5228 §2.3 (comments), §2.7.2 (scripts are UTF-8), §8.1 (grammar)
@Suite("RFC 5228 §2.3, §8.1: comment octets")
struct RFC5228CommentOctetsTests {
    /// Scripts saved in a legacy charset: Latin-1 "é" (0xE9), KOI8-R "Привет" (0xF0 0xD2 ...), 0xFF.
    static let legacyComments: [(String, [UInt8])] = [
        ("Latin-1 hash comment", Array("# caf".utf8) + [0xE9] + Array("\nkeep;\n".utf8)),
        ("KOI8-R hash comment", Array("# ".utf8) + [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4] + Array("\r\nkeep;\r\n".utf8)),
        ("KOI8-R bracket comment", Array("/* ".utf8) + [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4] + Array(" */ keep;".utf8)),
        ("bracket comment over lines", Array("/*\n".utf8) + [0xFF, 0xFE, 0x80] + Array("\n*/\nkeep;\n".utf8)),
        ("truncated UTF-8 at the end of a comment", Array("keep; # ".utf8) + [0xE2, 0x82]),
        ("comment after text:", Array("if header :is \"subject\" text: # ".utf8) + [0xE9]
            + Array("\nhi\n.\n{ keep; }\n".utf8)),
    ]

    @Test(arguments: legacyComments)
    func legacyCharsetCommentsCompile(_ name: String, _ source: [UInt8]) {
        let result = SieveCompiler.compile(source, file: "legacy.sieve")
        #expect(result.diagnostics.isEmpty, "\(name): \(result.diagnostics)")
        #expect(result.script != nil)
    }

    @Test func columnsAfterABracketCommentStayRight() {
        // The comment holds 3 invalid bytes (3 columns); the bad tag that follows is at column 11.
        let source = Array("/* ".utf8) + [0xE9, 0xE8, 0xFF] + Array(" */ :;".utf8)
        let result = SieveParser.parse(source)
        #expect(result.diagnostics.map { "\($0.location.line):\($0.location.column)" } == ["1:11"])
    }

    static let stillErrors: [(String, [UInt8], String)] = [
        ("Latin-1 in a quoted string", Array("fileinto \"caf".utf8) + [0xE9] + Array("\";".utf8), "1:14: error: invalid UTF-8 byte 0xE9"),
        ("KOI8-R in a multi-line string", Array("reject text:\n".utf8) + [0xF0, 0xD2] + Array("\n.\n;".utf8), "2:1: error: invalid UTF-8 byte 0xF0"),
        ("NUL in a comment", Array("# a".utf8) + [0] + Array("\nkeep;".utf8), "1:4: error: NUL character is not allowed in a script"),
        ("lone CR in a comment", Array("/* a\rb */ keep;".utf8), "1:5: error: carriage return (CR) not followed by line feed (LF)"),
    ]

    @Test(arguments: stillErrors)
    func stringsMustStillBeUTF8(_ name: String, _ source: [UInt8], _ expected: String) {
        let result = SieveCompiler.compile(source, file: "t.sieve")
        #expect(result.script == nil, "\(name)")
        #expect(result.diagnostics.first?.description == "t.sieve:" + expected, "\(name): \(result.diagnostics)")
    }
}

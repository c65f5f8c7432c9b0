import Testing

@testable import Reports

/// `text` encoded as ISO-8859-1 (every scalar must be below U+0100).
private func latin1(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
}

@Suite("RFC 5173 body :text — HTML to text: charsets (RFC 2045 §5.1 charset parameter)")
struct HTMLTextCharsetTests {
    @Test func mimeCharsetIsUsed() {
        let bytes = latin1("<p>Caf\u{E9} cr\u{E8}me</p>")
        #expect(HTMLText.extractText(fromHTML: bytes, charset: "ISO-8859-1") == "Café crème")
    }

    @Test func mimeCharsetWinsOverMeta() {
        let bytes = Array(#"<html><head><meta charset="iso-8859-1"></head><body>caf"#.utf8) + [0xC3, 0xA9] + Array("</body></html>".utf8)
        #expect(HTMLText.extractText(fromHTML: bytes, charset: "utf-8") == "café")
    }

    @Test("meta declarations decide without a MIME charset", arguments: [
        #"<meta charset="iso-8859-1">"#,
        #"<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">"#,
        #"<meta charset="windows-1252">"#,
    ])
    func metaCharset(meta: String) {
        let bytes = Array("<html><head>\(meta)</head><body>".utf8) + [0x63, 0x61, 0x66, 0xE9] + Array("</body></html>".utf8)
        #expect(HTMLText.extractText(fromHTML: bytes, charset: nil) == "café")
    }

    @Test func latin1AndASCIILabelsReadAsWindows1252() {
        // 0x93/0x94 are curly quotes and 0x80 the euro sign in Windows-1252, the way browsers
        // read mail labelled ISO-8859-1 or US-ASCII.
        let bytes: [UInt8] = [0x93, 0x51, 0x94, 0x20, 0x80, 0x35]
        for label in ["iso-8859-1", "us-ascii", "Windows-1252", " latin1 "] {
            #expect(HTMLText.extractText(fromHTML: bytes, charset: label) == "“Q” €5", "label \(label)")
        }
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        let bytes: [UInt8] = Array("<p>ok ".utf8) + [0xFF, 0xC3] + Array(" still here</p><p>after</p>".utf8)
        #expect(HTMLText.extractText(fromHTML: bytes, charset: "UTF-8") == "ok \u{FFFD}\u{FFFD} still here\n\nafter")
    }

    @Test func brokenBytesInAnIconvCharsetDoNotCutTheTextShort() {
        // Shift_JIS "あい", then a lone lead byte 0x82 before ASCII: invalid.
        let bytes: [UInt8] = Array("<p>abc ".utf8) + [0x82, 0xA0, 0x82, 0xA2] + Array(" def ".utf8) + [0x82]
            + Array(" ghi</p><p>after</p>".utf8)
        let text = HTMLText.extractText(fromHTML: bytes, charset: "Shift_JIS")
        #expect(text.hasPrefix("abc あい def "))
        #expect(text.hasSuffix("ghi\n\nafter"))
        #expect(text.contains("\u{FFFD}"))
    }

    @Test func brokenBytesUnderAMetaCharsetDoNotCutTheTextShort() {
        let bytes: [UInt8] = Array(#"<html><head><meta charset="shift_jis"></head><body><p>abc "#.utf8) + [0x82, 0xA0]
            + Array(" x ".utf8) + [0x82] + Array(" ghi</p><p>after</p></body></html>".utf8)
        let text = HTMLText.extractText(fromHTML: bytes, charset: nil)
        #expect(text.hasPrefix("abc あ x "))
        #expect(text.hasSuffix("ghi\n\nafter"))
    }

    @Test func statefulEncoding() {
        // ISO-2022-JP "日本" between escape sequences.
        let bytes: [UInt8] = Array("<p>".utf8) + [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x1B, 0x28, 0x42] + Array("!</p>".utf8)
        #expect(HTMLText.extractText(fromHTML: bytes, charset: "ISO-2022-JP") == "日本!")
    }

    @Test func unknownCharsetFallsBackToSniffing() {
        let bytes = Array("<p>caf\u{E9}</p>".utf8)
        #expect(HTMLText.extractText(fromHTML: bytes, charset: "x-no-such-charset") == "café")
        #expect(HTMLText.extractText(fromHTML: bytes, charset: "../../etc/passwd") == "café")
    }

    @Test func noCharsetReadsUTF8() {
        #expect(HTMLText.extractText(fromHTML: Array("<p>日本語 ✉️</p>".utf8), charset: nil) == "日本語 ✉️")
    }

    @Test("a byte-order mark decides", arguments: [
        ([0xEF, 0xBB, 0xBF] + Array("<p>é</p>".utf8), "é"),
        ([0xFF, 0xFE, 0x3C, 0x00, 0x70, 0x00, 0x3E, 0x00, 0xE9, 0x00], "é"),
        ([0xFE, 0xFF, 0x00, 0x3C, 0x00, 0x70, 0x00, 0x3E, 0x00, 0xE9], "é"),
    ] as [([UInt8], String)])
    func byteOrderMark(bytes: [UInt8], expected: String) {
        #expect(HTMLText.extractText(fromHTML: bytes, charset: "iso-8859-1") == expected)
    }

    @Test func decodedStringIgnoresMeta() {
        let html = #"<html><head><meta charset="iso-8859-1"></head><body>naïve café</body></html>"#
        #expect(HTMLText.extractText(fromHTML: html) == "naïve café")
    }
}

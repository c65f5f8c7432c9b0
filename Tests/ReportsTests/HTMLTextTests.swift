import Testing

@testable import Reports

private func text(_ html: String, charset: String? = "utf-8") -> String {
    HTMLText.extractText(fromHTML: Array(html.utf8), charset: charset)
}

@Suite("RFC 5173 body :text — HTML to text: layout")
struct HTMLTextLayoutTests {
    static let cases: [(html: String, expected: String)] = [
        ("<p>Hello</p><p>World</p>", "Hello\n\nWorld"),
        ("<div>one</div><div>two</div>", "one\ntwo"),
        ("<div><div>nested</div></div><div>next</div>", "nested\nnext"),
        ("line one<br>line two<br/>line three", "line one\nline two\nline three"),
        ("a<br><br>b", "a\n\nb"),
        ("<ul><li>first</li><li>second</li></ul>after", "first\nsecond\nafter"),
        ("<h1>Title</h1>text", "Title\ntext"),
        ("<body>before<hr>after</body>", "before\nafter"),
        // libxml2 wraps text that opens a document without <body> in an implied <p>.
        ("before<hr>after", "before\n\nafter"),
        ("<blockquote>quoted</blockquote>reply", "quoted\nreply"),
        ("<table><tr><td>Item</td><td>Price</td></tr><tr><td>Pills</td><td>$9</td></tr></table>",
         "Item\tPrice\nPills\t$9"),
        ("<table>\n  <tr>\n    <th>A</th>\n    <th>B</th>\n  </tr>\n</table>", "A\tB"),
        ("<span>inline</span> <b>bold</b><i>italic</i>", "inline bolditalic"),
        ("<p>a</p><br><p>b</p>", "a\n\n\nb"),
        ("<div>a<br></div><div>b</div>", "a\nb"),
    ]

    @Test("block elements become line breaks", arguments: cases)
    func layout(html: String, expected: String) {
        #expect(text(html) == expected)
    }
}

@Suite("RFC 5173 body :text — HTML to text: whitespace")
struct HTMLTextWhitespaceTests {
    static let cases: [(html: String, expected: String)] = [
        ("  lots   of\n\n spaces\tand\r\ntabs  ", "lots of spaces and tabs"),
        ("<p>\n   indented source\n   text\n</p>", "indented source text"),
        ("a&nbsp;&nbsp;&nbsp;b", "a   b"),
        ("<pre>\n  keep\n    this   layout\n</pre>", "  keep\n    this   layout"),
        ("<p>x</p><pre>a  b</pre><p>y</p>", "x\n\na  b\n\ny"),
        ("<pre>one<br>two</pre>", "one\ntwo"),
        ("<textarea>  raw\n  text</textarea>", "  raw\n  text"),
        ("soft\u{AD}hyphen and zero\u{200B}width", "softhyphen and zerowidth"),
        ("<b>a</b>\n<b>b</b>", "a b"),
    ]

    @Test("whitespace collapses outside pre", arguments: cases)
    func whitespace(html: String, expected: String) {
        #expect(text(html) == expected)
    }
}

@Suite("RFC 5173 body :text — HTML to text: entities and hidden content")
struct HTMLTextEntityTests {
    static let cases: [(html: String, expected: String)] = [
        ("caf&eacute; &amp; cr&egrave;me &lt;br&gt;", "café & crème <br>"),
        ("&#233;&#xE9; &euro;&hellip; &quot;q&quot; &apos;", "éé €… \"q\" '"),
        ("&#150; &#147;smart&#148;", "– “smart”"),
        ("unknown &foo; entity & lone ampersand", "unknown &foo; entity & lone ampersand"),
        ("<script>var x = '<p>hidden</p>';</script>visible", "visible"),
        ("<style>p { color: red }</style><p>shown</p>", "shown"),
        ("<head><title>Subject line</title></head><body>body text</body>", "body text"),
        ("<!-- a comment -->text<!-- another -->", "text"),
        ("<div style=\"display: none\">hash buster</div>seen", "seen"),
        ("<span hidden>no</span>yes", "yes"),
        ("<div STYLE='DISPLAY:NONE'>x</div>y", "y"),
        ("<noscript>no script here</noscript>", "no script here"),
    ]

    @Test("entities decode, hidden parts vanish", arguments: cases)
    func entities(html: String, expected: String) {
        #expect(text(html) == expected)
    }
}

@Suite("RFC 5173 body :text — HTML to text: broken markup")
struct HTMLTextBrokenMarkupTests {
    static let cases: [(html: String, expected: String)] = [
        ("<p>unclosed paragraph<p>second", "unclosed paragraph\n\nsecond"),
        ("<div><span>unclosed <b>bold", "unclosed bold"),
        ("</p></div>stray closers</table>", "stray closers"),
        ("<p>a < b and c > d</p>", "a < b and c > d"),
        ("<table><td>cell without row</table>", "cell without row"),
        ("text<", "text<"),
        ("<p title=\"unterminated>text</p>", ""),
        ("just plain text, no tags", "just plain text, no tags"),
        ("", ""),
        ("   \n\t  ", ""),
        ("<html><body></body></html>", ""),
    ]

    @Test("recovers from broken markup", arguments: cases)
    func broken(html: String, expected: String) {
        #expect(text(html) == expected)
    }

    @Test func deepNestingDoesNotOverflow() {
        let depth = 50_000
        let html = String(repeating: "<div>", count: depth) + "deep" + String(repeating: "</div>", count: depth)
        #expect(text(html) == "deep")
        let spans = String(repeating: "<span>", count: depth) + "inner" + String(repeating: "</span>", count: depth)
        #expect(text(spans) == "inner")
    }

    @Test func controlCharactersAreDropped() {
        #expect(text("a\u{1}b\u{7}c\u{1B}d") == "abcd")
        // libxml2 reads NUL as a space.
        #expect(HTMLText.extractText(fromHTML: [0x61, 0x00, 0x62], charset: nil) == "a b")
    }
}

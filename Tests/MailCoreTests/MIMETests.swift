import Testing
@testable import MailCore

private func lines(_ items: [String], _ lineEnd: String = "\r\n") -> String {
    items.joined(separator: lineEnd)
}

@Suite("RFC 2045 §5 Content-Type")
struct ContentTypeTests {
    @Test("type, subtype and parameters; names case-insensitive")
    func parse() throws {
        let type = try #require(ContentType.parse("Text/HTML; CharSet=\"UTF-8\" (comment); format=flowed"))
        #expect(type.mimeType == "text/html")
        #expect(type.charset == "UTF-8")
        #expect(type.parameters["FORMAT"] == "flowed")
        #expect(type.parameters.map(\.name) == ["charset", "format"])
    }

    @Test("invalid types give nil", arguments: ["", "text", "/plain", "text/", "(only comment)"])
    func invalid(text: String) {
        #expect(ContentType.parse(text) == nil)
    }

    @Test("a broken parameter is skipped, the rest kept")
    func brokenParameter() {
        let type = ContentType.parse("multipart/mixed; junk; boundary=abc/def=")
        #expect(type?.boundary == "abc/def=")
    }

    @Test("defaults: text/plain; charset=us-ascii (§5.2)")
    func defaults() {
        let message = Message("Subject: none\r\n\r\nhello")
        #expect(message.mimeRoot.contentType == ContentType.defaultType)
        #expect(message.mimeRoot.contentType.charset == "us-ascii")
        let invalid = Message("Content-Type: garbage\r\n\r\nhello")
        #expect(invalid.mimeRoot.contentType.mimeType == "text/plain")
        #expect(invalid.mimeRoot.text == "hello")
    }
}

@Suite("RFC 2231 parameter value continuations")
struct RFC2231Tests {
    @Test(
        "decodes",
        arguments: [
            ("attachment; filename*0*=utf-8''%E2%82%AC%20rates; filename*1*=%20%C3%A9t%C3%A9.txt", "€ rates été.txt"),
            ("attachment; filename*1=\"two.txt\"; filename*0=\"part-\"", "part-two.txt"),
            ("attachment; filename*=iso-8859-1'fr'caf%E9.txt", "café.txt"),
            ("attachment; filename*=''plain%20name", "plain name"),
            ("attachment; filename=\"old.txt\"; filename*=utf-8''new.txt", "new.txt"),
            ("attachment; filename=\"=?utf-8?B?w6lsw6h2ZS50eHQ=?=\"", "élève.txt"),
            ("attachment; filename*0*=utf-8''a; filename*2*=c", "a"),
            ("attachment; filename=bad%zz", "bad%zz"),
        ])
    func filename(field: String, expected: String) {
        #expect(ContentDisposition.parse(field)?.filename == expected)
    }

    @Test("disposition type is lowercased")
    func dispositionType() {
        #expect(ContentDisposition.parse("ATTACHMENT")?.isAttachment == true)
        #expect(ContentDisposition.parse(";;") == nil)
    }
}

@Suite("RFC 2045 §6 transfer encodings")
struct TransferEncodingTests {
    @Test(
        "base64 tolerates whitespace, garbage and missing padding",
        arguments: [
            ("SGVsbG8sIFdvcmxkIQ==", "Hello, World!"),
            ("SGVs\r\nbG8s\r\n IFdv cmxk\tIQ==\r\n", "Hello, World!"),
            ("SGV*sb!G8", "Hello"),
            ("SGVsbG8", "Hello"),
            ("", ""),
        ])
    func base64(input: String, expected: String) {
        #expect(TransferDecoding.decodeBase64(Array(input.utf8)) == Array(expected.utf8))
    }

    @Test(
        "quoted-printable",
        arguments: [
            ("caf=C3=A9", "café"),
            ("caf=c3=a9", "café"),
            ("soft=\r\nbreak", "softbreak"),
            ("soft=  \nbreak", "softbreak"),
            ("trailing   \r\nspace", "trailing\r\nspace"),
            ("broken =G1 and =4", "broken =G1 and =4"),
            ("end=", "end"),
            ("a=3D=\nb", "a=b"),
            ("keep\nLF", "keep\nLF"),
        ])
    func quotedPrintable(input: String, expected: String) {
        #expect(TransferDecoding.decodeQuotedPrintable(Array(input.utf8)) == Array(expected.utf8))
    }

    @Test("encoding names", arguments: [
        ("base64", TransferEncoding.base64), (" Quoted-Printable ", .quotedPrintable),
        ("7BIT", .sevenBit), ("", .sevenBit), ("8bit", .eightBit), ("binary", .binary), ("x-uuencode", .other("x-uuencode")),
    ])
    func names(text: String, expected: TransferEncoding) {
        #expect(TransferEncoding(text) == expected)
    }
}

@Suite("RFC 2046 §5 multipart and message")
struct MultipartTests {
    static let nested = lines([
        "From: a@x.test",
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; boundary=\"outer\"",
        "",
        "This is the preamble.",
        "--outer",
        "Content-Type: multipart/alternative; boundary=inner",
        "",
        "--inner",
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "caf=E9",
        "--inner  ",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        "PGI+w6k8L2I+",
        "--inner--",
        "--outer\t",
        "Content-Type: application/octet-stream; name=\"data.bin\"",
        "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf",
        "Content-Transfer-Encoding: base64",
        "",
        "AAEC/w==",
        "--outer",
        "Content-Type: message/rfc822",
        "",
        "Subject: =?utf-8?Q?inner_=C3=A9?=",
        "Content-Type: text/plain; charset=koi8-r",
        "Content-Transfer-Encoding: 8bit",
        "",
        "embedded",
        "--outer--",
        "This is the epilogue.",
        "--outer",
        "ignored",
    ])

    @Test("nested multiparts, transfer and charset decoding", arguments: ["\r\n", "\n"])
    func nestedTree(lineEnd: String) throws {
        let text = Self.nested.replacingLineEnds(with: lineEnd)
        let root = Message(text).mimeRoot
        #expect(root.contentType.mimeType == "multipart/mixed")
        #expect(root.children.count == 3)
        let alternative = root.children[0]
        #expect(alternative.contentType.mimeType == "multipart/alternative")
        #expect(alternative.children.map(\.contentType.mimeType) == ["text/plain", "text/html"])
        #expect(alternative.children[0].text == "café")
        #expect(alternative.children[0].rawBody.elementsEqual("caf=E9".utf8))
        #expect(alternative.children[1].text == "<b>é</b>")
        let attachment = root.children[1]
        #expect(attachment.decodedBody == [0, 1, 2, 255])
        #expect(attachment.text == nil)
        #expect(attachment.filename == "résumé.pdf")
        #expect(attachment.contentDisposition?.isAttachment == true)
        let wrapper = root.children[2]
        #expect(wrapper.contentType.isEmbeddedMessage)
        let embedded = try #require(wrapper.children.first)
        #expect(embedded.fields(named: "subject").first?.value == "inner é")
        #expect(embedded.text == "embedded")
        #expect(root.allParts.map(\.depth) == [0, 1, 2, 2, 1, 1, 2])
    }

    @Test("part ranges exclude the line break before a delimiter")
    func rawBytes() throws {
        let message = Message(lines(["Content-Type: multipart/mixed; boundary=b", "", "--b", "X: 1", "", "body", "--b--", ""]))
        let part = try #require(message.mimeRoot.children.first)
        #expect(Array(part.rawBytes) == Array("X: 1\r\n\r\nbody".utf8))
        #expect(Array(part.rawBody) == Array("body".utf8))
        #expect(part.fields(named: "x").first?.value == "1")
    }

    @Test("lines that only start with the boundary are not delimiters")
    func boundaryPrefix() {
        let message = Message(lines([
            "Content-Type: multipart/mixed; boundary=abc", "", "--abc", "", "one", "--abcdef", "--abc-", "--abc", "", "two", "--abc--",
        ]))
        let texts = message.mimeRoot.children.map(\.text)
        #expect(texts == ["one\r\n--abcdef\r\n--abc-", "two"])
    }

    @Test("a missing close delimiter is tolerated")
    func unterminated() {
        let message = Message(lines(["Content-Type: multipart/mixed; boundary=b", "", "--b", "", "first", "--b", "", "last line"]))
        #expect(message.mimeRoot.children.map(\.text) == ["first", "last line"])
    }

    @Test("a multipart without boundary, or without delimiters, has no children")
    func noBoundary() {
        #expect(Message("Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\na\r\n").mimeRoot.children.isEmpty)
        #expect(Message("Content-Type: multipart/mixed; boundary=q\r\n\r\nnone here").mimeRoot.children.isEmpty)
    }

    @Test("parts of multipart/digest default to message/rfc822 (§5.1.5)")
    func digest() {
        let message = Message(lines([
            "Content-Type: multipart/digest; boundary=d", "", "--d", "", "Subject: one", "", "body one", "--d--",
        ]))
        let part = message.mimeRoot.children.first
        #expect(part?.contentType.mimeType == "message/rfc822")
        #expect(part?.children.first?.fields(named: "subject").first?.value == "one")
    }

    @Test("a base64-encoded embedded message is decoded before parsing")
    func encodedEmbedded() {
        // "Subject: hi\r\n\r\nyo"
        let message = Message(lines(["Content-Type: message/rfc822", "Content-Transfer-Encoding: base64", "", "U3ViamVjdDogaGkNCg0KeW8="]))
        let inner = message.mimeRoot.children.first
        #expect(inner?.fields(named: "subject").first?.value == "hi")
        #expect(inner?.text == "yo")
    }

    @Test("the MIME tree is built lazily, once")
    func laziness() {
        let message = Message(Self.nested)
        #expect(!message.isMIMEParsed)
        #expect(message.headerFields.count == 3)
        #expect(!message.isMIMEParsed)
        let first = message.mimeRoot
        #expect(message.isMIMEParsed)
        #expect(message.mimeRoot.children.count == first.children.count)
    }

    @Test("concurrent first access yields one consistent tree")
    func concurrentAccess() async {
        let message = Message(Self.nested)
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { message.mimeRoot.allParts.count } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 7, count: 8))
    }
}

extension String {
    func replacingLineEnds(with lineEnd: String) -> String {
        split(separator: "\r\n", omittingEmptySubsequences: false).joined(separator: lineEnd)
    }
}

import Testing
@testable import Delivery

@Suite("RFC 5321 §4.4 trace fields on each copy")
struct TraceFieldsTests {
    @Test("the three fields, exactly, with CRLF line ends")
    func exact() {
        let bytes = TraceFields.render(sender: "alice@example.com", recipient: "joe+x@example.org",
                                       heloName: "mx.example.com", clientHostName: "mx.example.com",
                                       clientAddress: "192.0.2.7", hostname: "mail.example.org",
                                       transactionID: "T42", date: 1_751_364_000)
        let expected = "Return-Path: <alice@example.com>\r\n"
            + "Delivered-To: joe+x@example.org\r\n"
            + "Received: from mx.example.com (mx.example.com [192.0.2.7]) by mail.example.org\r\n"
            + "\twith LMTP id T42 (envelope-from <alice@example.com>) for <joe+x@example.org>;\r\n"
            + "\tTue, 1 Jul 2025 10:00:00 +0000\r\n"
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test("null sender, Unix socket client, IPv6 client")
    func variants() {
        let unix = String(decoding: TraceFields.render(sender: "", recipient: "joe@example.org", heloName: "",
                                                       clientHostName: nil, clientAddress: nil, hostname: "h",
                                                       transactionID: "1", date: 0), as: UTF8.self)
        #expect(unix.hasPrefix("Return-Path: <>\r\nDelivered-To: joe@example.org\r\nReceived: from unknown by h with LMTP id 1"))
        #expect(unix.hasSuffix("Thu, 1 Jan 1970 00:00:00 +0000\r\n"))
        let v6 = String(decoding: TraceFields.render(sender: "a@b", recipient: "c@d", heloName: "x",
                                                     clientHostName: nil, clientAddress: "2001:db8::1", hostname: "h",
                                                     transactionID: "1", date: 0), as: UTF8.self)
        #expect(v6.contains("from x ([IPv6:2001:db8::1]) by h"))
    }

    @Test("hostile values cannot inject lines; every line stays short")
    func hostile() {
        let evil = "evil\r\nX-Injected: yes (a) \\" + String(repeating: "y", count: 5000)
        let text = String(decoding: TraceFields.render(sender: evil, recipient: evil, heloName: evil,
                                                       clientHostName: evil, clientAddress: "192.0.2.1", hostname: evil,
                                                       transactionID: evil, date: 0), as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast()
        #expect(!text.contains("\nX-Injected"))
        #expect(!text.replacingOccurrences("\r\n", with: "").contains("\r"))
        #expect(!text.replacingOccurrences("\r\n", with: "").contains("\n"))
        for line in lines { #expect(line.utf8.count < 998) }
        // Every line is a field start or a continuation.
        for line in lines {
            #expect(line.hasPrefix("\t") || line.hasPrefix("Return-Path:") || line.hasPrefix("Delivered-To:")
                    || line.hasPrefix("Received:"))
        }
        // Parentheses inside the comments are neutralised.
        #expect(text.contains("(evil??X-Injected:?yes??a???y"))
        #expect(text.contains("<evil??X-Injected:?yes??a???y"))
    }

    @Test("RFC 5322 §3.3 dates", arguments: [
        (Int64(0), "Thu, 1 Jan 1970 00:00:00 +0000"),
        (Int64(951_782_400), "Tue, 29 Feb 2000 00:00:00 +0000"),
        (Int64(1_767_225_599), "Wed, 31 Dec 2025 23:59:59 +0000"),
    ])
    func dates(seconds: Int64, expected: String) {
        #expect(TraceFields.rfc5322Date(seconds) == expected)
    }
}

extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

import Foundation
import MailCore
import Sieve
import Testing

@testable import AutoReply

/// One attempt to smuggle a header line into the reply.
struct InjectionCase: Sendable, CustomTestStringConvertible {
    var name: String
    var action: VacationAction = vacationAction()
    var headers: [String] = personalHeaders
    var hostname: String = "mx.example.com"

    var testDescription: String { name }
}

@Suite("RFC 5322 §2.2 vacation reply: no header injection")
struct HeaderInjectionTests {
    static let cases: [InjectionCase] = [
        InjectionCase(name: ":subject with CRLF", action: vacationAction(subject: "Away\r\nBcc: victim@example.net")),
        InjectionCase(name: ":subject with bare LF", action: vacationAction(subject: "Away\nBcc: victim@example.net")),
        InjectionCase(name: ":subject with bare CR", action: vacationAction(subject: "Away\rBcc: victim@example.net")),
        InjectionCase(name: ":subject with CRLF CRLF (body injection)",
                      action: vacationAction(subject: "Away\r\n\r\nInjected body")),
        InjectionCase(name: ":subject with NUL and Unicode line separator",
                      action: vacationAction(subject: "Away\u{0}\u{2028}Bcc: victim@example.net")),
        InjectionCase(name: ":from display name with encoded CRLF",
                      action: vacationAction(from: "\"=?utf-8?q?Bob=0D=0ABcc:_victim@example.net?=\" <bob@example.com>")),
        InjectionCase(name: "original subject with encoded CRLF",
                      headers: ["From: sender@example.org", "To: user@example.com",
                                "Subject: =?utf-8?b?SGkNCkJjYzogdmljdGltQGV4YW1wbGUubmV0?="]),
        InjectionCase(name: "original Message-ID with junk",
                      headers: ["To: user@example.com", "Message-ID: <ok@example.org> (=?utf-8?q?=0D=0ABcc:_v@x?=) <bad id@x>"]),
        InjectionCase(name: "original References with encoded CRLF",
                      headers: ["To: user@example.com", "Message-ID: <m@x.example>",
                                "References: <a@x.example> =?utf-8?q?=0D=0ABcc:_v@x?= <b@x.example>"]),
        InjectionCase(name: "host name with CRLF", hostname: "mx.example.com\r\nBcc: victim@example.net"),
    ]

    @Test("injected text never becomes a header line", arguments: cases)
    func injection(_ row: InjectionCase) throws {
        let composer = VacationReplyComposer(hostname: row.hostname)
        let (outbound, reply) = try composeReply(vacationRequest(action: row.action, headers: row.headers), composer: composer)
        #expect(headerSectionIsWellFormed(outbound.bytes))
        #expect(reply.fields(named: "Bcc").isEmpty)
        #expect(!reply.headerFields.contains { $0.value.contains("\r") || $0.value.contains("\n") })
        #expect(reply.mimeRoot.text == "I am away.\r\n")
    }

    @Test("sanitised subject keeps the visible text")
    func subjectText() throws {
        let (_, reply) = try composeReply(vacationRequest(action: vacationAction(subject: "Away\r\n\tuntil  Monday")))
        #expect(field(reply, "Subject") == "Away until Monday")
    }

    @Test("identifiers with junk are dropped, good ones kept")
    func identifiers() throws {
        let headers = ["To: user@example.com", "Message-ID: <ok@example.org> (=?utf-8?q?=0D=0ABcc:_v@x?=) <bad id@x>",
                       "References: <a@x.example> junk <b c@x> <b@x.example>"]
        let (_, reply) = try composeReply(vacationRequest(headers: headers))
        #expect(field(reply, "In-Reply-To") == "<ok@example.org>")
        #expect(field(reply, "References") == "<a@x.example> <b@x.example> <ok@example.org>")
    }

    @Test("an invalid host name falls back to localhost in the Message-ID")
    func hostname() throws {
        let composer = VacationReplyComposer(hostname: "bad host\r\n")
        let (_, reply) = try composeReply(vacationRequest(), composer: composer)
        #expect(field(reply, "Message-ID")?.hasSuffix("@localhost>") == true)
    }

    @Test(":from with CRLF in the address is refused")
    func fromAddressInjection() {
        #expect(throws: AutoReplyError.self) {
            try composeReply(vacationRequest(action: vacationAction(from: "bob@example.com\r\nBcc: victim@example.net")))
        }
    }
}

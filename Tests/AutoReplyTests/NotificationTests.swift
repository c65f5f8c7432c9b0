import Foundation
import MailCore
import Sieve
import Testing

@testable import AutoReply

private func notifyAction(_ recipients: [(String, Bool)] = [("pager@phone.example", false)], from: String? = nil,
                          importance: Int = 2, message: String? = nil, uriSubject: String? = nil, body: String? = nil,
                          headers: [NotifyHeader] = []) -> NotifyAction {
    NotifyAction(method: "mailto:", recipients: recipients.map { text, cc in
        NotifyRecipient(address: AddressParser.parseList(text).mailboxes[0], isCarbonCopy: cc)
    }, headers: headers, uriSubject: uriSubject, body: body, from: from, importance: importance, message: message)
}

private func request(_ action: NotifyAction = notifyAction(), headers: [String] = personalHeaders,
                     sender: String = "sender@example.org") -> NotificationRequest {
    NotificationRequest(action: action, message: message(headers), recipient: "user@example.com", envelopeSender: sender)
}

private func compose(_ request: NotificationRequest) throws -> (OutboundMessage, Message) {
    let sent = try NotificationComposer(hostname: "mx.example.com").compose(request, now: testNow)
    return (sent, Message(bytes: sent.bytes))
}

@Suite("RFC 5436 mailto notifications: policy and composer")
struct NotificationTests {
    @Test("suppressed for the messages vacation never answers; a null sender still notifies (RFC 5436 §2.7)", arguments: [
        (["List-Id: <x.example.org>"], "sender@example.org", "came from a mailing list"),
        (["Auto-Submitted: auto-notified"], "sender@example.org", "sent automatically"),
        (["Precedence: junk"], "sender@example.org", "bulk mail"),
        (["X-Auto-Response-Suppress: All"], "sender@example.org", "asked for no automatic replies"),
        ([], "MAILER-DAEMON@example.org", "is a system address"),
        ([], "", nil),
        (["Auto-Submitted: no"], "sender@example.org", nil),
    ] as [([String], String, String?)])
    func policy(_ extra: [String], _ sender: String, _ reason: String?) {
        let decision = NotificationPolicy().check(request(headers: personalHeaders + extra, sender: sender))
        if let reason {
            guard case .suppress(let why) = decision else { Issue.record("sent: \(decision)"); return }
            #expect(why.description.contains(reason), "\(why)")
        } else {
            #expect(decision == .respond)
        }
    }

    @Test("every field of a notification, parsed back")
    func fields() throws {
        let action = notifyAction([("Pager <pager@phone.example>", false), ("boss@example.net", true)], importance: 1,
                                  headers: [NotifyHeader(name: "X-Ticket", value: "42")])
        let (sent, mail) = try compose(request(action))
        #expect(sent.recipients == ["pager@phone.example", "boss@example.net"])
        #expect(sent.envelopeSender == "user@example.com")
        #expect(mail.fields(named: "From").first?.value == "user@example.com")
        #expect(mail.fields(named: "To").first?.value == "Pager <pager@phone.example>")
        #expect(mail.fields(named: "Cc").first?.value == "boss@example.net")
        #expect(mail.fields(named: "Subject").first?.value == "Notification: Lunch?")
        #expect(mail.fields(named: "Auto-Submitted").first?.value == "auto-notified; owner-email=\"user@example.com\"")
        #expect(mail.fields(named: "Precedence").first?.value == "bulk")
        #expect(mail.fields(named: "X-Priority").first?.value == "1 (Highest)")
        #expect(mail.fields(named: "Importance").first?.value == "High")
        #expect(mail.fields(named: "X-Ticket").first?.value == "42")
        #expect(mail.fields(named: "Message-ID").first?.value.hasSuffix("@mx.example.com>") == true)
        #expect(String(decoding: mail.body, as: UTF8.self).contains("Notification of new message."))
    }

    @Test("the subject: :message, else the URI's subject, else from the message; 256 characters at most", arguments: [
        (notifyAction(message: "Boss wrote", uriSubject: "ignored"), "Boss wrote"),
        (notifyAction(uriSubject: "From the URI"), "From the URI"),
        (notifyAction(message: String(repeating: "x", count: 300)), String(repeating: "x", count: 255) + "…"),
        (notifyAction(message: "Grüße"), "Grüße"),
    ])
    func subject(_ action: NotifyAction, _ expected: String) throws {
        let (_, mail) = try compose(request(action))
        #expect(mail.fields(named: "Subject").first?.value == expected)
    }

    @Test("the envelope sender: null after a null sender, else :from, else the user; the setting overrides")
    func envelopeSender() throws {
        #expect(try compose(request(sender: "")).0.envelopeSender == "")
        #expect(try compose(request(notifyAction(from: "Me <me@example.com>"))).0.envelopeSender == "me@example.com")
        let composer = NotificationComposer(hostname: "mx.example.com", envelopeSender: .sender)
        #expect(try composer.compose(request(), now: testNow).envelopeSender == "sender@example.org")
        #expect(try composer.compose(request(sender: "<>"), now: testNow).envelopeSender == "")
    }

    @Test("the URI's body is the text, line ends made CRLF, non-ASCII quoted-printable")
    func body() throws {
        let (_, mail) = try compose(request(notifyAction(body: "Zeile eins\nGrüße")))
        let text = String(decoding: mail.body, as: UTF8.self)
        #expect(mail.fields(named: "Content-Transfer-Encoding").first?.value == "quoted-printable")
        #expect(text.contains("Zeile eins\r\nGr=C3=BC=C3=9Fe"))
    }

    @Test("no recipients, or a :from that is not an address, is an error")
    func errors() {
        #expect(throws: AutoReplyError.self) { try compose(request(notifyAction([]))) }
        #expect(throws: AutoReplyError.self) { try compose(request(notifyAction(from: "not an address"))) }
    }
}

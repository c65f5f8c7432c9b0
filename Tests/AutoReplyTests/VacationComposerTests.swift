import Foundation
import MailCore
import Sieve
import Testing

@testable import AutoReply

@Suite("RFC 5230 §5 / RFC 3834 §3 vacation reply: header fields")
struct VacationReplyHeaderTests {
    @Test("every header field of a plain reply, parsed back")
    func headers() throws {
        let (outbound, reply) = try composeReply(vacationRequest())
        #expect(outbound.envelopeSender == "")
        #expect(outbound.recipients == ["sender@example.org"])
        #expect(field(reply, "Date") == "Tue, 14 Nov 2023 22:13:20 +0000")
        #expect(reply.addresses(named: "From").mailboxes.map(\.addrSpec) == ["user@example.com"])
        #expect(reply.addresses(named: "To").mailboxes.map(\.addrSpec) == ["sender@example.org"])
        #expect(field(reply, "Subject") == "Auto: Lunch?")
        #expect(field(reply, "In-Reply-To") == "<m1@example.org>")
        #expect(field(reply, "References") == "<m1@example.org>")
        #expect(field(reply, "Auto-Submitted") == "auto-replied (vacation)")
        #expect(field(reply, "Precedence") == "bulk")
        #expect(field(reply, "MIME-Version") == "1.0")
        let messageID = try #require(field(reply, "Message-ID"))
        #expect(messageID.hasPrefix("<sluice.") && messageID.hasSuffix("@mx.example.com>"))
        #expect(reply.mimeRoot.contentType.mimeType == "text/plain")
        #expect(reply.mimeRoot.contentType.charset == "utf-8")
        #expect(reply.mimeRoot.text == "I am away.\r\n")
        #expect(headerSectionIsWellFormed(outbound.bytes))
    }

    @Test("each field appears once")
    func fieldsOnce() throws {
        let (_, reply) = try composeReply(vacationRequest())
        for name in ["Date", "From", "To", "Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted",
                     "Precedence", "MIME-Version", "Content-Type"] {
            #expect(reply.fields(named: name).count == 1, "\(name)")
        }
    }

    @Test("Message-IDs differ between replies")
    func uniqueMessageID() throws {
        let (_, first) = try composeReply(vacationRequest(), seed: 1)
        let (_, second) = try composeReply(vacationRequest(), seed: 2)
        #expect(field(first, "Message-ID") != field(second, "Message-ID"))
    }

    @Test("subject rules", arguments: [
        (nil as String?, "Subject: Lunch?", "Auto: Lunch?"),
        ("Out of office", "Subject: Lunch?", "Out of office"),
        (nil, "X-No-Subject: 1", "Automated reply"),
        (nil, "Subject:   ", "Automated reply"),
        ("   ", "Subject: Lunch?", "Auto: Lunch?"),
        (nil, "Subject: =?iso-8859-1?q?Caf=E9?=", "Auto: Café"),
    ])
    func subjects(_ given: String?, _ originalSubject: String, _ expected: String) throws {
        let headers = ["From: sender@example.org", "To: user@example.com", originalSubject]
        let (_, reply) = try composeReply(vacationRequest(action: vacationAction(subject: given), headers: headers))
        #expect(field(reply, "Subject") == expected)
    }

    @Test("non-ASCII subjects are RFC 2047-encoded, decode back, and fold", arguments: [
        "Abwesenheitsnotiz: Jörg ist im Urlaub",
        "休暇中です。ご不便をおかけしますが、八月十五日以降にご連絡いたします。どうぞよろしくお願いいたします。",
        "Emoji 🏖️👨‍👩‍👧‍👦 and accents éèêë " + String(repeating: "ü", count: 120),
        "ASCII but has =?utf-8?x inside",
    ])
    func encodedSubject(_ subject: String) throws {
        let (outbound, reply) = try composeReply(vacationRequest(action: vacationAction(subject: subject)))
        #expect(field(reply, "Subject") == subject)
        let lines = headerLines(outbound.bytes)
        let subjectLines = lines.drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.allSatisfy { $0.utf8.count <= 78 && $0.allSatisfy(\.isASCII) })
        for line in subjectLines {
            for word in line.split(separator: " ") where word.hasPrefix("=?") {
                #expect(word.count <= 75)
            }
        }
    }

    @Test("encoded words in :subject are decoded, then encoded again as needed (as Pigeonhole reads them)", arguments: [
        ("=?utf-8?b?w4TDlsOc?= sadasd", "ÄÖÜ sadasd"),
        ("=?iso-8859-1?q?Caf=E9?= closed", "Café closed"),
        ("plain =? text", "plain =? text"),
    ])
    func encodedWordsInSubject(_ given: String, _ expected: String) throws {
        let (_, reply) = try composeReply(vacationRequest(action: vacationAction(subject: given)))
        #expect(field(reply, "Subject") == expected)
    }

    @Test("a subject longer than 256 characters is cut and ends with an ellipsis", arguments: [
        String(repeating: "word ", count: 80), String(repeating: "語", count: 300),
    ])
    func longSubjectCut(_ original: String) throws {
        let headers = ["From: sender@example.org", "To: user@example.com", "Subject: " + original]
        let (outbound, reply) = try composeReply(vacationRequest(headers: headers))
        let subject = try #require(field(reply, "Subject"))
        #expect(subject.unicodeScalars.count <= VacationReplyComposer.maximumSubjectLength)
        #expect(subject.hasPrefix("Auto: " + original.prefix(100)))
        #expect(subject.hasSuffix("…"))
        #expect(headerLines(outbound.bytes).allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("To: the envelope sender, with the display name of the Sender or From field carrying it", arguments: [
        (["From: \"Stephan Bosch\" <stephan@example.org>", "To: user@example.com"], "stephan@example.org", false,
         "\"Stephan Bosch\" <stephan@example.org>"),
        (["From: Stephan <stephan@example.org>", "Sender: Hendrik Jan <hj@example.org>", "To: user@example.com"],
         "hj@example.org", false, "\"Hendrik Jan\" <hj@example.org>"),
        (["From: Stephan <stephan@example.org>", "To: user@example.com"], "other@example.org", false, "<other@example.org>"),
        (["From: Stephan <stephan@example.org>", "To: user@example.com"], "srs0=a=b@fwd.example", true,
         "Stephan <stephan@example.org>"),
    ] as [([String], String, Bool, String)])
    func toField(headers: [String], envelopeSender: String, ignoreEnvelope: Bool, expected: String) throws {
        let composer = VacationReplyComposer(hostname: "mx.example.com",
                                             settings: .init(toHeaderIgnoresEnvelope: ignoreEnvelope))
        let (outbound, reply) = try composeReply(vacationRequest(action: vacationAction(to: envelopeSender), headers: headers),
                                                 composer: composer)
        #expect(reply.fields(named: "To").first.map { String(decoding: $0.rawValue, as: UTF8.self) }?
            .trimmingCharacters(in: .whitespaces) == expected)
        #expect(outbound.recipients == [envelopeSender])
    }

    @Test("From: the user's address the message was sent to; the envelope sender is <> unless send_from_recipient")
    func fromAddressedAddress() throws {
        let headers = ["From: sender@example.org", "To: Team <team@example.com>", "Subject: x"]
        let request = vacationRequest(action: vacationAction(addresses: ["team@example.com"]), headers: headers)
        let (outbound, reply) = try composeReply(request)
        #expect(reply.addresses(named: "From").mailboxes.map(\.addrSpec) == ["team@example.com"])
        #expect(outbound.envelopeSender == "")
        let sending = VacationReplyComposer(hostname: "mx.example.com", settings: .init(sendFromRecipient: true))
        let (fromUser, _) = try composeReply(request, composer: sending)
        #expect(fromUser.envelopeSender == "team@example.com")
    }

    @Test("default_subject and subject_template", arguments: [
        ("Subject: Lunch?", "Away: Lunch?"), ("X-None: 1", "Nothing to say"),
    ])
    func subjectSettings(_ originalSubject: String, _ expected: String) throws {
        let composer = VacationReplyComposer(hostname: "mx.example.com",
                                             settings: .init(defaultSubject: "Nothing to say", subjectTemplate: "Away: %{subject}"))
        let headers = ["From: sender@example.org", "To: user@example.com", originalSubject]
        let (_, reply) = try composeReply(vacationRequest(headers: headers), composer: composer)
        #expect(field(reply, "Subject") == expected)
    }

    @Test("a long ASCII subject folds at spaces and reads back unchanged")
    func longASCIISubject() throws {
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ")
        let (outbound, reply) = try composeReply(vacationRequest(action: vacationAction(subject: subject)))
        #expect(field(reply, "Subject") == subject)
        #expect(headerLines(outbound.bytes).allSatisfy { $0.utf8.count <= 78 })
        #expect(!String(decoding: outbound.bytes, as: UTF8.self).contains("=?"))
    }

    @Test(":from with a display name, and the recipient's address by default")
    func fromAddress() throws {
        let (_, reply) = try composeReply(vacationRequest(action: vacationAction(from: "Jörg Müller <joerg@example.com>")))
        let from = try #require(reply.addresses(named: "From").mailboxes.first)
        #expect(from.addrSpec == "joerg@example.com")
        #expect(from.displayName == "Jörg Müller")
        let (_, quoted) = try composeReply(vacationRequest(action: vacationAction(from: "\"Smith, J.\" <js@example.com>")))
        let quotedFrom = try #require(quoted.addresses(named: "From").mailboxes.first)
        #expect(quotedFrom.displayName == "Smith, J.")
        #expect(quotedFrom.addrSpec == "js@example.com")
        // Without :from: the user's address as the message was addressed to it...
        let (_, plain) = try composeReply(vacationRequest(recipient: "<User@Example.com>"))
        #expect(plain.addresses(named: "From").mailboxes.map(\.addrSpec) == ["user@example.com"])
        // ...else the recipient address as given.
        let headers = ["From: sender@example.org", "To: someone@example.net", "Subject: x"]
        let (_, unaddressed) = try composeReply(vacationRequest(headers: headers, recipient: "<User@Example.com>"))
        #expect(unaddressed.addresses(named: "From").mailboxes.map(\.addrSpec) == ["User@Example.com"])
    }

    @Test("an invalid :from or a null sender is an error, not a reply")
    func errors() {
        #expect(throws: AutoReplyError.self) { try composeReply(vacationRequest(action: vacationAction(from: "not an address"))) }
        #expect(throws: AutoReplyError.self) { try composeReply(vacationRequest(action: vacationAction(to: ""))) }
        #expect(throws: AutoReplyError.self) { try composeReply(vacationRequest(action: vacationAction(to: "a b@c"))) }
    }

    @Test("the Date field follows RFC 5322 §3.3", arguments: [
        (0.0, 0, "Thu, 1 Jan 1970 00:00:00 +0000"),
        (951_782_400, 0, "Tue, 29 Feb 2000 00:00:00 +0000"),
        (1_700_000_000, 3600, "Tue, 14 Nov 2023 23:13:20 +0100"),
        (1_700_000_000, -5 * 3600 - 1800, "Tue, 14 Nov 2023 16:43:20 -0530"),
        (4_107_542_399, 0, "Sun, 28 Feb 2100 23:59:59 +0000"), (4_133_980_799, 0, "Fri, 31 Dec 2100 23:59:59 +0000"),
        (-1, 0, "Wed, 31 Dec 1969 23:59:59 +0000"),
    ])
    func dates(_ seconds: Double, _ offset: Int, _ expected: String) {
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: seconds), utcOffsetSeconds: offset) == expected)
    }
}

@Suite("RFC 5322 §3.6.4 vacation reply: In-Reply-To and References")
struct VacationReplyThreadingTests {
    @Test("References: the original References, then its Message-ID")
    func references() throws {
        let headers = personalHeaders + ["References: <r1@x.example>\r\n  <r2@x.example>", "In-Reply-To: <r2@x.example>"]
        let (_, reply) = try composeReply(vacationRequest(headers: headers))
        #expect(field(reply, "In-Reply-To") == "<m1@example.org>")
        let ids = try #require(field(reply, "References")).split(separator: " ")
        #expect(ids == ["<r1@x.example>", "<r2@x.example>", "<m1@example.org>"])
    }

    @Test("no References: a single In-Reply-To identifier stands in")
    func inReplyToOnly() throws {
        let (_, reply) = try composeReply(vacationRequest(headers: personalHeaders + ["In-Reply-To: <p@x.example>"]))
        #expect(field(reply, "References") == "<p@x.example> <m1@example.org>")
    }

    @Test("no Message-ID: no In-Reply-To, References only from the original")
    func noMessageID() throws {
        let headers = ["From: sender@example.org", "To: user@example.com", "References: <r1@x.example>"]
        let (_, reply) = try composeReply(vacationRequest(headers: headers))
        #expect(reply.fields(named: "In-Reply-To").isEmpty)
        #expect(field(reply, "References") == "<r1@x.example>")
        let (_, bare) = try composeReply(vacationRequest(headers: ["From: sender@example.org", "To: user@example.com"]))
        #expect(bare.fields(named: "References").isEmpty)
    }

    @Test("a long References list is folded and shortened to the first and the last 20")
    func longReferences() throws {
        let refs = (1...60).map { "<ref\($0).with.a.longish.identifier@lists.example.org>" }
        let (outbound, reply) = try composeReply(vacationRequest(headers: personalHeaders + ["References: " + refs.joined(separator: " ")]))
        let ids = try #require(field(reply, "References")).split(separator: " ").map(String.init)
        #expect(ids.count == 21)
        #expect(ids.first == refs[0])
        #expect(Array(ids[1...19]) == Array(refs[41...59]))
        #expect(ids.last == "<m1@example.org>")
        #expect(headerLines(outbound.bytes).allSatisfy { $0.utf8.count <= 78 })
    }
}

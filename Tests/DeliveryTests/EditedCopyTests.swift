import MailCore
import Testing
@testable import Delivery

#if canImport(Glibc)
import Glibc
#endif

/// A script that edits the message: a new first field, no Subject.
private let editing = """
    require "editheader";
    addheader "X-Edited" "by the script";
    deleteheader "Subject";
    """

/// A long message (over the 64 KiB the agent reads first), CRLF line ends.
private func longMessage() -> [UInt8] {
    var text = "From: Sender <sender@example.com>\r\nTo: team@example.org\r\nSubject: Long one\r\n\r\n"
    for line in 0..<3000 { text += "body line \(line) with some words in it to fill\r\n" }
    return Array(text.utf8)
}

/// `bytes` with their header section's `Subject` line dropped and `X-Edited` put first.
private func editedVersion(of bytes: [UInt8], newline: String = "\r\n") -> [UInt8] {
    var text = String(decoding: bytes, as: UTF8.self)
    let subject = text.range(of: "Subject: ")!
    let lineEnd = text[subject.lowerBound...].range(of: newline)!
    text.removeSubrange(subject.lowerBound..<lineEnd.upperBound)
    return Array(("X-Edited: by the script" + newline + text).utf8)
}

/// The bytes after the trace fields (Return-Path, Delivered-To, Received) of a stored copy.
private func afterTraceFields(_ stored: [UInt8], newline: String = "\r\n") -> [UInt8] {
    let text = String(decoding: stored, as: UTF8.self)
    // The Received field ends with the date, "+0000".
    let end = text.range(of: "+0000" + newline)!
    return Array(text[end.upperBound...].utf8)
}

@Suite("Delivery: a recipient whose scripts edited the message gets its own copy (RFC 5293)")
struct EditedCopyTests {
    @Test("the editing recipient's copy is edited; the other's is byte for byte the message as received")
    func twoRecipients() async throws {
        let site = try TestSite()
        try site.script("editor", editing)
        let outcomes = try await site.agent().deliver(transaction(["editor@example.org", "plain@example.org"]))
        #expect(outcomes.map(\.reply.code) == [250, 250])
        let original = Array(sampleMessage.utf8)
        let editorFiles = site.messages("editor")
        let plainFiles = site.messages("plain")
        try #require(editorFiles.count == 1 && plainFiles.count == 1)
        let edited = Array(try site.dir.contents(editorFiles[0]).utf8)
        let plain = Array(try site.dir.contents(plainFiles[0]).utf8)
        #expect(afterTraceFields(edited) == editedVersion(of: original))
        #expect(afterTraceFields(plain) == original)
        #expect(String(decoding: plain, as: UTF8.self).hasPrefix("Return-Path: <sender@example.com>\r\nDelivered-To: plain@example.org\r\n"))
        // S= in the name is the stored size, edits included.
        #expect(editorFiles[0].contains(",S=\(edited.count),"))
    }

    @Test("a long spooled message: edited header section, then the body read from the spool; the spool is not changed",
          arguments: LineEnding.allCases)
    func longSpooledMessage(lineEnding: LineEnding) async throws {
        var site = try TestSite()
        site.configuration.storage.maildir.lineEnding = lineEnding
        try site.script("editor", editing)
        let bytes = longMessage()
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(memoryThreshold: 16 * 1024,
                                                                                 directory: site.dir.path, lineEnding: lineEnding))
        try writer.append(bytes[...])
        let spooled = try writer.finish()
        let before = try spooled.bytes()
        var tx = transaction(["editor@example.org", "plain@example.org"])
        tx.message = .spooled(spooled)
        let outcomes = try await site.agent().deliver(tx)
        #expect(outcomes.map(\.reply.code) == [250, 250])
        let newline = lineEnding == .lf ? "\n" : "\r\n"
        var converted: [UInt8] = []
        var converter = LineEndingConverter(target: lineEnding)
        converter.convert(bytes, appendingTo: &converted)
        converter.finish(appendingTo: &converted)
        let edited = Array(try site.dir.contents(try #require(site.messages("editor").first)).utf8)
        let plain = Array(try site.dir.contents(try #require(site.messages("plain").first)).utf8)
        #expect(afterTraceFields(edited, newline: newline) == editedVersion(of: converted, newline: newline))
        #expect(afterTraceFields(plain, newline: newline) == converted)
        #expect(try spooled.bytes() == before)
    }

    @Test("one recipient with the spool's preamble: an edited copy is written, never the spool file linked")
    func editedCopyIsNotLinked() async throws {
        let site = try TestSite()
        try site.script("solo", editing)
        let agent = try site.agent()
        var tx = transaction(["solo@example.org"], id: "EDIT1")
        let preamble = agent.spoolPreamble(transactionID: tx.id, sender: tx.sender, recipient: "solo@example.org",
                                           heloName: tx.heloName, clientAddress: tx.clientAddress,
                                           clientHostName: tx.clientHostName)
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(memoryThreshold: 16 * 1024,
                                                                                 directory: site.dir.path, lineEnding: .crlf),
                                        preamble: preamble)
        let bytes = longMessage()
        try writer.append(bytes[...])
        let spooled = try writer.finish()
        tx.message = .spooled(spooled)
        tx.receivedAt = preamble.createdAt
        let outcomes = await agent.deliver(tx)
        #expect(outcomes.map(\.reply.code) == [250])
        let file = try #require(site.messages("solo").first)
        let stored = Array(try site.dir.contents(file).utf8)
        #expect(stored == preamble.bytes + editedVersion(of: bytes))
        var status = stat()
        let storedInode = stat(site.dir.file(file), &status) == 0 ? UInt(status.st_ino) : 0
        let spoolInode = spooled.withContents { contents -> UInt in
            guard case .file(let descriptor, _) = contents else { return 0 }
            var status = stat()
            return fstat(descriptor, &status) == 0 ? UInt(status.st_ino) : 0
        }
        #expect(storedInode != spoolInode)
        #expect(try spooled.bytes() == bytes)
    }

    @Test("the user's script sees what a before script added; the copy carries both edits")
    func chainSeesEarlierEdits() async throws {
        var site = try TestSite()
        site.configuration.scripts.before = [try site.dir.write("global/tag.sieve",
                                                                "require \"editheader\";\naddheader \"X-Tagged\" \"global\";\n")]
        try site.script("chain", """
            require ["editheader", "fileinto"];
            if header :is "X-Tagged" "global" { addheader :last "X-Seen" "yes"; fileinto "Tagged"; }
            """)
        let outcomes = try await site.agent().deliver(transaction(["chain@example.org"]))
        #expect(outcomes.first?.copies.map(\.mailbox) == ["Tagged"])
        let stored = try site.dir.contents(try #require(site.messages("chain", ".Tagged").first))
        #expect(stored.contains("\r\nX-Tagged: global\r\nFrom: Sender"))
        #expect(stored.contains("Message-ID: <1@example.com>\r\nX-Seen: yes\r\n\r\nBody line one."))
    }

    @Test("a redirect sends the recipient's edited message; the other recipient's copy is untouched")
    func redirectCarriesTheEdits() async throws {
        let site = try TestSite()
        try site.script("fwd", """
            require ["editheader", "copy"];
            addheader "X-Forwarded-By" "fwd";
            deleteheader "Subject";
            redirect :copy "elsewhere@example.net";
            """)
        let submitter = RecordingSubmitter()
        let outcomes = try await site.agent(submitter: submitter)
            .deliver(transaction(["fwd@example.org", "plain@example.org"]))
        #expect(outcomes.map(\.reply.code) == [250, 250])
        let sent = try #require(submitter.submitted.first)
        #expect(sent.recipients == ["elsewhere@example.net"])
        #expect(sent.message.contains("\r\nX-Forwarded-By: fwd\r\nFrom: Sender <sender@example.com>\r\n"))
        #expect(!sent.message.contains("Subject: Hello"))
        #expect(sent.message.hasSuffix("\r\n\r\nBody line one.\r\nBody line two.\r\n"))
        let kept = try site.dir.contents(try #require(site.messages("fwd").first))
        #expect(kept.contains("X-Forwarded-By: fwd"))
        let plain = Array(try site.dir.contents(try #require(site.messages("plain").first)).utf8)
        #expect(afterTraceFields(plain) == Array(sampleMessage.utf8))
    }
}

@Suite("Delivery: a recipient's trace fields are rendered once")
struct TraceFieldsOnceTests {
    /// A spool whose preamble says it holds `recipient`'s trace fields, with bytes no
    /// rendering would give: whatever the copy starts with shows where its fields came from.
    private func spooled(preambleFor recipient: String, tx: DeliveryTransaction, site: TestSite) throws -> SpooledMessage {
        let bytes = Array("X-From-Preamble: yes\r\n".utf8)
        var converter = LineEndingConverter(target: .crlf)
        var converted: [UInt8] = []
        converter.convert(bytes, appendingTo: &converted)
        converter.finish(appendingTo: &converted)
        let origin = TraceFields.origin(sender: tx.sender, recipient: recipient, heloName: tx.heloName,
                                        clientHostName: tx.clientHostName, clientAddress: tx.clientAddress,
                                        hostname: site.configuration.hostname, transactionID: tx.id, date: tx.receivedAt)
        let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(directory: site.dir.path, lineEnding: .crlf),
                                        preamble: SpoolPreamble(bytes: converted, converted: converter.produced,
                                                                createdAt: tx.receivedAt, origin: origin))
        try writer.append(Array(sampleMessage.utf8)[...])
        return try writer.finish()
    }

    @Test("the preamble made for this recipient is its trace fields; another recipient's fields are rendered")
    func preambleIsUsed() async throws {
        let site = try TestSite()
        var tx = transaction(["one@example.org"])
        tx.message = .spooled(try spooled(preambleFor: "one@example.org", tx: tx, site: site))
        _ = try await site.agent().deliver(tx)
        let stored = try site.dir.contents(try #require(site.messages("one").first))
        #expect(stored == "X-From-Preamble: yes\r\n" + sampleMessage)

        var other = transaction(["two@example.org"])
        other.message = .spooled(try spooled(preambleFor: "one@example.org", tx: other, site: site))
        _ = try await site.agent().deliver(other)
        let rendered = try site.dir.contents(try #require(site.messages("two").first))
        #expect(rendered.hasPrefix("Return-Path: <sender@example.com>\r\nDelivered-To: two@example.org\r\n"))
        #expect(!rendered.contains("X-From-Preamble"))
    }
}

@Suite("Delivery: what an edited message carries")
struct EditedMessageTests {
    @Test("a header edit keeps the received body; a changed body is carried whole")
    func headerOrWhole() {
        let original = Message("Subject: a\r\n\r\nbody\r\n")
        let headerOnly = EditedMessage(original.addingField(name: "X", value: "1"), from: original)
        #expect(headerOnly == EditedMessage(headerSection: Array("X: 1\r\nSubject: a\r\n\r\n".utf8),
                                            bodyOffset: "Subject: a\r\n\r\n".utf8.count))
        let rewritten = EditedMessage(Message("Subject: a\r\n\r\nnew body\r\n"), from: original)
        #expect(rewritten.replacedBody == Array("new body\r\n".utf8))
    }

    @Test("a copy with a replaced body stores it, behind the edited header section")
    func storesReplacedBody() throws {
        let site = try TestSite()
        let user = DeliveryUser(recipient: "rw@example.org", address: "rw@example.org", localPart: "rw", detail: nil,
                                domain: "example.org", maildirPath: site.dir.path + "/mail/rw/Maildir", scriptPath: nil,
                                quota: Quota())
        var request = CopyRequest(user: user, mailbox: "INBOX", flags: [], create: false,
                                  traceFields: Array("X-Trace: t\r\n".utf8), message: .bytes(Array(sampleMessage.utf8)))
        request.edited = EditedMessage(headerSection: Array("Subject: new\r\n\r\n".utf8), bodyOffset: 0,
                                       replacedBody: Array("Rewritten.\r\n".utf8))
        _ = try MaildirMailStore(configuration: site.configuration.storage.maildir).store(request)
        let stored = try site.dir.contents(try #require(site.messages("rw").first))
        #expect(stored == "X-Trace: t\r\nSubject: new\r\n\r\nRewritten.\r\n")
    }
}

import MailCore
import Testing
@testable import Delivery

#if canImport(Glibc)
import Glibc
#endif

/// A message of about 200 KB whose last body line is `needle`; CRLF line ends with a few
/// bare LFs (which count twice in Sieve's `size`).
private func longMessage(needle: String) -> [UInt8] {
    var text = "From: Sender <sender@example.com>\r\nTo: team@example.org\r\nSubject: Long one\r\nX-Bare: lf\n\r\n"
    for line in 0..<4000 { text += "body line \(line) with some words in it to fill\r\n" }
    text += needle + "\r\n"
    return Array(text.utf8)
}

/// Spools `bytes` the way the LMTP server does with `storage.line_endings`: converted on
/// the way in, on disk past 16 KiB, after `preamble` when given.
private func spool(_ bytes: [UInt8], _ lineEnding: LineEnding, in directory: String,
                   preamble: SpoolPreamble? = nil) throws -> SpooledMessage {
    let writer = MessageSpoolWriter(configuration: MessageSpoolConfiguration(memoryThreshold: 16 * 1024,
                                                                             directory: directory, lineEnding: lineEnding),
                                    preamble: preamble)
    for start in stride(from: 0, to: bytes.count, by: 1000) {
        try writer.append(bytes[start..<min(start + 1000, bytes.count)])
    }
    return try writer.finish()
}

@Suite("Delivery from a spool that converted line ends: header-only parse, body on demand")
struct ConvertedSpoolTests {
    @Test("a long message is parsed only up to its header section, with the size as received")
    func headerOnlyParse() throws {
        let site = try TestSite()
        let bytes = longMessage(needle: "needle")
        let spooled = try spool(bytes, .lf, in: site.dir.path)
        let prepared = try PreparedMessage.prepare(.spooled(spooled), limit: 32 << 20).get()
        let received = Message(bytes: bytes)
        #expect(prepared.headers.size == received.size)
        #expect(prepared.headers.headerFields.map(\.name) == received.headerFields.map(\.name))
        // Only the header section was read: the body is not there.
        #expect(prepared.headers.bytes.count < 200)
        #expect(prepared.headers.body.isEmpty)
        let withBody = try prepared.forBody().get()
        #expect(withBody.size == received.size)
        #expect(withBody.body.count > 150_000)
        #expect(String(decoding: withBody.body.suffix(8), as: UTF8.self) == "\nneedle\n")
    }

    @Test("scripts with and without body tests decide right; the copies are the spool behind the trace fields",
          arguments: LineEnding.allCases)
    func deliverBothKinds(lineEnding: LineEnding) async throws {
        var site = try TestSite()
        site.configuration.storage.maildir.lineEnding = lineEnding
        let bytes = longMessage(needle: "needle-at-the-end")
        try site.script("reader", """
            require ["body", "fileinto"];
            if body :contains "needle-at-the-end" { fileinto "Found"; }
            """)
        // `size` comes from the spool: 4000 lines of 50 octets are over 150K.
        try site.script("sizer", """
            require "fileinto";
            if size :over 150K { fileinto "Big"; }
            """)
        let spooled = try spool(bytes, lineEnding, in: site.dir.path)
        var tx = transaction(["reader@example.org", "sizer@example.org", "plain@example.org"])
        tx.message = .spooled(spooled)
        let outcomes = try await site.agent().deliver(tx)
        #expect(outcomes.map(\.reply.code) == [250, 250, 250])
        #expect(outcomes.map { $0.copies.map(\.mailbox) } == [["Found"], ["Big"], ["INBOX"]])

        var expectedMessage: [UInt8] = []
        var converter = LineEndingConverter(target: lineEnding)
        converter.convert(bytes, appendingTo: &expectedMessage)
        converter.finish(appendingTo: &expectedMessage)
        let newline = lineEnding == .lf ? "\n" : "\r\n"
        for (user, folder) in [("reader", ".Found"), ("sizer", ".Big"), ("plain", "")] {
            let files = site.messages(user, folder)
            try #require(files.count == 1, "\(user)")
            let stored = Array(try site.dir.contents(files[0]).utf8)
            #expect(stored.count > expectedMessage.count)
            #expect(Array(stored.suffix(expectedMessage.count)) == expectedMessage, "\(user)")
            let head = String(decoding: stored.prefix(stored.count - expectedMessage.count), as: UTF8.self)
            #expect(head.hasPrefix("Return-Path: <sender@example.com>" + newline + "Delivered-To: \(user)@example.org" + newline))
            // S in the file name is the stored size.
            #expect(files[0].contains(",S=\(stored.count),"))
        }
    }

    /// The inode of a stored file, or of the spool file.
    private func inode(_ path: String) -> UInt {
        var status = stat()
        return stat(path, &status) == 0 ? UInt(status.st_ino) : 0
    }

    private func inode(of spooled: SpooledMessage) -> UInt {
        spooled.withContents { contents -> UInt in
            guard case .file(let descriptor, _) = contents else { return 0 }
            var status = stat()
            return fstat(descriptor, &status) == 0 ? UInt(status.st_ino) : 0
        }
    }

    @Test("one recipient whose trace fields are the spool's preamble: every copy is the spool file itself, linked",
          arguments: LineEnding.allCases)
    func linkedSpool(lineEnding: LineEnding) async throws {
        var site = try TestSite()
        site.configuration.storage.maildir.lineEnding = lineEnding
        try site.script("solo", """
            require ["fileinto", "copy"];
            fileinto :copy "Archive";
            """)
        let agent = try site.agent()
        var tx = transaction(["<solo@example.org>"], id: "LINK1")
        let preamble = agent.spoolPreamble(transactionID: tx.id, sender: tx.sender, recipient: "<solo@example.org>",
                                           heloName: tx.heloName, clientAddress: tx.clientAddress,
                                           clientHostName: tx.clientHostName)
        let bytes = longMessage(needle: "end")
        let spooled = try spool(bytes, lineEnding, in: site.dir.path, preamble: preamble)
        let linkable = MessageSpoolConfiguration(directory: site.dir.path).makesLinkableFiles
        #expect(spooled.isLinkable == linkable)
        tx.message = .spooled(spooled)
        tx.receivedAt = preamble.createdAt
        let outcomes = await agent.deliver(tx)
        #expect(outcomes.map(\.reply.code) == [250])
        #expect(outcomes.first?.copies.map(\.mailbox) == ["Archive", "INBOX"])
        let files = site.messages("solo") + site.messages("solo", ".Archive")
        try #require(files.count == 2)
        for file in files {
            // Not a copy: the spool file's own inode, under a Maildir name.
            #expect((inode(site.dir.file(file)) == inode(of: spooled)) == linkable)
            let stored = Array(try site.dir.contents(file).utf8)
            #expect(stored == preamble.bytes + (try spooled.bytes()))
            #expect(file.contains(",S=\(stored.count),"))
        }
    }

    @Test("a preamble that is not this recipient's trace fields is never stored: the copy is written")
    func foreignPreamble() async throws {
        var site = try TestSite()
        site.configuration.storage.maildir.lineEnding = .lf
        let agent = try site.agent()
        var tx = transaction(["dana@example.org"], id: "LINK2")
        let preamble = agent.spoolPreamble(transactionID: tx.id, sender: tx.sender, recipient: "someone-else@example.org",
                                           heloName: tx.heloName, clientAddress: tx.clientAddress,
                                           clientHostName: tx.clientHostName)
        let spooled = try spool(longMessage(needle: "end"), .lf, in: site.dir.path, preamble: preamble)
        tx.message = .spooled(spooled)
        tx.receivedAt = preamble.createdAt
        let outcomes = await agent.deliver(tx)
        #expect(outcomes.map(\.reply.code) == [250])
        let files = site.messages("dana")
        try #require(files.count == 1)
        #expect(inode(site.dir.file(files[0])) != inode(of: spooled))
        let stored = try site.dir.contents(files[0])
        #expect(stored.hasPrefix("Return-Path: <sender@example.com>\nDelivered-To: dana@example.org\n"))
        #expect(!stored.contains("someone-else"))
        #expect(Array(stored.utf8).suffix(spooled.size) == ArraySlice(try spooled.bytes()))
    }
}

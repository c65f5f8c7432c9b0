import AutoReply
import Foundation
import MailCore
import Sieve
import Testing
@testable import Delivery

@Suite("Delivery: vnd.dovecot.report and RFC 6134 lists")
struct ReportAndListDeliveryTests {
    @Test("a report reaches the submitter as multipart/report with the feedback fields; the copy is kept")
    func reportSent() async throws {
        var site = try TestSite()
        site.configuration.hostname = "mx.example.org"
        site.configuration.report.from = .address("abuse-desk@example.org")
        try site.script("max", """
            require "vnd.dovecot.report";
            report :headers_only "abuse" "Spam, reported by Max." "abuse@example.net";
            """)
        let submitter = RecordingSubmitter()
        let outcomes = try await site.agent(submitter: submitter)
            .deliver(transaction(["max@example.org"], message: addressed(to: "max")))
        #expect(outcomes.first?.reply.code == 250)
        #expect(site.messages("max").count == 1)
        #expect(outcomes.first?.reportResults == ["<abuse@example.net> sent 'abuse' report"])
        let sent = try #require(submitter.submitted.first)
        #expect(submitter.submitted.count == 1)
        #expect(sent.from == "")
        #expect(sent.recipients == ["abuse@example.net"])
        let report = Message(sent.message)
        #expect(report.fields(named: "From").first?.value == "abuse-desk@example.org")
        #expect(report.fields(named: "Subject").first?.value == "Report: Hello")
        let root = report.mimeRoot
        #expect(root.contentType.mimeType == "multipart/report")
        #expect(root.contentType.parameters["report-type"] == "feedback-report")
        #expect(root.children.map(\.contentType.mimeType) == ["text/plain", "message/feedback-report", "text/rfc822-headers"])
        let fields = String(decoding: root.children[1].rawBody, as: UTF8.self)
        #expect(fields.contains("Feedback-Type: abuse\r\n"))
        #expect(fields.contains("Original-Mail-From: <sender@example.com>\r\n"))
        #expect(fields.contains("Reporting-MTA: dns; mx.example.org\r\n"))
        #expect(fields.contains("Dovecot-Reporting-User: <max@example.org>"))
        #expect(!sent.message.contains("Body."))
    }

    @Test("a report that cannot be submitted is logged; the delivery still succeeds")
    func reportFails() async throws {
        let site = try TestSite()
        try site.script("max", "require \"vnd.dovecot.report\";\nreport \"abuse\" \"x\" \"abuse@example.net\";")
        let submitter = RecordingSubmitter()
        submitter.setFailing(true)
        let outcomes = try await site.agent(submitter: submitter)
            .deliver(transaction(["max@example.org"], message: addressed(to: "max")))
        #expect(outcomes.first?.reply.code == 250)
        #expect(outcomes.first?.reportResults.first?.hasPrefix("<abuse@example.net> failed: ") == true)
    }

    @Test("configured lists and per-user list files answer :list and valid_ext_list")
    func lists() async throws {
        var site = try TestSite()
        let file = try site.dir.write("contacts/max.txt", "# Max's contacts\nsender@example.com\n")
        site.configuration.lists = [
            ExternalListName(":addrbook:default")!: .file(try PathTemplate(site.dir.path + "/contacts/%n.txt")),
            ExternalListName("tag:example.org,2024:vip")!: .entries(["boss@example.org"]),
        ]
        #expect(file.hasSuffix("max.txt"))
        let script = """
            require ["extlists", "fileinto"];
            if address :list "from" ":addrbook:default" { fileinto "Known"; }
            elsif valid_ext_list "tag:example.org,2024:vip" { fileinto "Unknown"; }
            """
        try site.script("max", script)
        try site.script("ida", script)
        _ = try await site.agent().deliver(transaction(["max@example.org", "ida@example.org"], message: addressed(to: "max")))
        #expect(site.messages("max", ".Known").count == 1)
        #expect(site.messages("ida", ".Unknown").count == 1)  // ida has no contacts file: an empty list
    }
}

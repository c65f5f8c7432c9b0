import Foundation
import MailCore
import Testing
import Tracking

@testable import AutoReply
import TrackingSQLite

let originalText = "Return-Path: <sender@example.org>\r\nFrom: sender@example.org\r\nTo: user@example.com\r\n"
    + "Subject: Report\r\nMessage-ID: <r1@example.org>\r\n\r\nBody line one.\r\n.leading dot\r\n"

func redirectRequest(
    target: String = "boss@example.net", text: String = originalText, sender: String = "sender@example.org",
    user: String = "user@example.com"
) -> RedirectRequest {
    RedirectRequest(target: target, message: Message(text), envelopeSender: sender, userAddress: user)
}

func sent(_ decision: RedirectDecision) -> OutboundMessage? {
    if case .send(let message) = decision { return message }
    return nil
}

@Suite("RFC 5228 §4.2 redirect: the resent message")
struct RedirectComposeTests {
    @Test("the original bytes under one trace field, to the target, from the original sender")
    func unchanged() async throws {
        let decision = try await RedirectPolicy().decide(redirectRequest(), store: InMemoryTrackingStore(), now: testNow)
        let outbound = try #require(sent(decision))
        let prefix = Array("X-Sieve-Redirected-From: <user@example.com>\r\n".utf8)
        #expect(Array(outbound.bytes.prefix(prefix.count)) == prefix)
        #expect(Array(outbound.bytes.dropFirst(prefix.count)) == Array(originalText.utf8))
        #expect(outbound.envelopeSender == "sender@example.org")
        #expect(outbound.recipients == ["boss@example.net"])
        let parsed = Message(bytes: outbound.bytes)
        #expect(parsed.fields(named: "X-Sieve-Redirected-From").map(\.value) == ["<user@example.com>"])
        #expect(parsed.fields(named: "Subject").first?.value == "Report")
    }

    @Test("a null sender stays null", arguments: ["", "<>", " <> "])
    func nullSender(_ sender: String) throws {
        let outbound = try RedirectPolicy().check(redirectRequest(sender: sender)).get()
        #expect(outbound.envelopeSender == "")
    }

    @Test("the sender loses its angle brackets, keeps its case")
    func senderForm() throws {
        #expect(try RedirectPolicy().check(redirectRequest(sender: "<Sender@Example.org>")).get().envelopeSender
            == "Sender@Example.org")
    }

    @Test("target forms are stripped to the addr-spec", arguments: [
        ("boss@example.net", "boss@example.net"), ("<boss@example.net>", "boss@example.net"),
        ("The Boss <boss@example.net>", "boss@example.net"), ("\"Boss, The\" <boss@example.net>", "boss@example.net"),
        ("  boss@example.net ", "boss@example.net"), ("\"a b\"@example.net", "\"a b\"@example.net"),
    ])
    func targets(_ text: String, _ expected: String) throws {
        #expect(try RedirectPolicy().check(redirectRequest(target: text)).get().recipients == [expected])
    }

    @Test("invalid targets are refused with the address in the reason", arguments: [
        "", "boss", "boss@", "@example.net", "boss@exa mple.net", "a..b@example.net", "Boss <>",
        "boss@example.net\r\nBcc: x@y.example", "boss@-example.net",
    ])
    func invalidTargets(_ text: String) throws {
        let decision = RedirectPolicy().check(redirectRequest(target: text))
        guard case .failure(.invalidTarget(let shown)) = decision else {
            Issue.record("expected invalidTarget, got \(decision)")
            return
        }
        #expect(!shown.contains("\r") && !shown.contains("\n"))
        #expect(RedirectReason.invalidTarget(shown).description.contains("expected local@domain"))
    }

    @Test("an mbox From line at the start is not resent")
    func mboxLine() throws {
        let outbound = try RedirectPolicy().check(redirectRequest(text: "From sender@example.org Mon Nov 13 10:00:00 2023\n" + originalText)).get()
        #expect(Array(outbound.bytes.suffix(originalText.utf8.count)) == Array(originalText.utf8))
        #expect(!String(decoding: outbound.bytes, as: UTF8.self).contains("From sender@example.org Mon"))
    }
}

@Suite("RFC 5228 §4.2 redirect: loop control")
struct RedirectLoopTests {
    @Test("a message that already passed this user is refused")
    func loop() throws {
        let text = "X-Sieve-Redirected-From: <USER@example.COM>\r\n" + originalText
        #expect(throws: RedirectReason.loop(userAddress: "user@example.com")) {
            try RedirectPolicy().check(redirectRequest(text: text)).get()
        }
    }

    @Test("a redirect of a redirect by the same user is refused; by another user it passes")
    func chain() throws {
        let first = try RedirectPolicy().check(redirectRequest()).get()
        let firstText = String(decoding: first.bytes, as: UTF8.self)
        #expect(throws: RedirectReason.self) {
            try RedirectPolicy().check(redirectRequest(target: "x@example.net", text: firstText)).get()
        }
        let second = try RedirectPolicy().check(
            redirectRequest(target: "user@example.com", text: firstText, user: "boss@example.net")).get()
        let parsed = Message(bytes: second.bytes)
        #expect(parsed.fields(named: "X-Sieve-Redirected-From").map(\.value) == ["<boss@example.net>", "<user@example.com>"])
        // Back at the first user: refused, the loop is closed.
        #expect(throws: RedirectReason.loop(userAddress: "user@example.com")) {
            try RedirectPolicy().check(
                redirectRequest(target: "boss@example.net", text: String(decoding: second.bytes, as: UTF8.self))).get()
        }
    }

    @Test("loop refusal reads as a sentence")
    func reasonText() {
        #expect(RedirectReason.loop(userAddress: "user@example.com").description
            == "mail loop: the message already carries X-Sieve-Redirected-From: user@example.com")
    }

    @Test("an unusable user address is refused")
    func badUser() {
        #expect(throws: RedirectReason.invalidUserAddress("")) { try RedirectPolicy().check(redirectRequest(user: "")).get() }
    }
}

@Suite("RFC 5228 §4.2 redirect: duplicate suppression")
struct RedirectDuplicateTests {
    @Test("the same message to the same target within 12 hours goes once")
    func twelveHours() async throws {
        let store = InMemoryTrackingStore()
        let policy = RedirectPolicy()
        #expect(sent(try await policy.decide(redirectRequest(), store: store, now: testNow)) != nil)
        let again = try await policy.decide(redirectRequest(), store: store, now: testNow.addingTimeInterval(12 * 3600 - 1))
        #expect(again == .suppressed(.duplicate(target: "boss@example.net", messageKey: "<r1@example.org>", seconds: 43200)))
        #expect(sent(try await policy.decide(redirectRequest(), store: store, now: testNow.addingTimeInterval(12 * 3600))) != nil)
    }

    @Test("another target or another message is not a duplicate")
    func distinct() async throws {
        let store = InMemoryTrackingStore()
        let policy = RedirectPolicy()
        #expect(sent(try await policy.decide(redirectRequest(), store: store, now: testNow)) != nil)
        #expect(sent(try await policy.decide(redirectRequest(target: "other@example.net"), store: store, now: testNow)) != nil)
        let other = originalText.replacingOccurrences(of: "<r1@example.org>", with: "<r2@example.org>")
        #expect(sent(try await policy.decide(redirectRequest(text: other), store: store, now: testNow)) != nil)
    }

    @Test("the target is compared case-insensitively and without its display name")
    func targetForms() async throws {
        let store = InMemoryTrackingStore()
        #expect(sent(try await RedirectPolicy().decide(redirectRequest(), store: store, now: testNow)) != nil)
        #expect(sent(try await RedirectPolicy().decide(redirectRequest(target: "Boss <BOSS@example.net>"), store: store,
                                                       now: testNow)) == nil)
    }

    @Test("without a Message-ID, a digest of the header fields (trace fields left out) identifies the message")
    func digest() async throws {
        let plain = "From: a@example.org\r\nTo: user@example.com\r\nSubject: no id\r\n\r\nbody\r\n"
        let relayed = "Received: from mx2 by mx1; Mon, 13 Nov 2023 10:00:00 +0000\r\n" + plain
        let changed = plain.replacingOccurrences(of: "no id", with: "other")
        let key = RedirectComposer.messageKey(Message(plain))
        #expect(key.hasPrefix("digest:") && key.count == 7 + 32)
        #expect(RedirectComposer.messageKey(Message(relayed)) == key)
        #expect(RedirectComposer.messageKey(Message(changed)) != key)
        let store = InMemoryTrackingStore()
        #expect(sent(try await RedirectPolicy().decide(redirectRequest(text: plain), store: store, now: testNow)) != nil)
        #expect(sent(try await RedirectPolicy().decide(redirectRequest(text: relayed), store: store, now: testNow)) == nil)
        #expect(sent(try await RedirectPolicy().decide(redirectRequest(text: changed), store: store, now: testNow)) != nil)
    }

    @Test("refused redirects record nothing; forget after a failed send allows another")
    func recording() async throws {
        let store = InMemoryTrackingStore()
        let loop = redirectRequest(text: "X-Sieve-Redirected-From: <user@example.com>\r\n" + originalText)
        guard case .refused = try await RedirectPolicy().decide(loop, store: store, now: testNow) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(await store.recordCount == 0)
        #expect(sent(try await RedirectPolicy().decide(redirectRequest(), store: store, now: testNow)) != nil)
        try await RedirectPolicy().forget(redirectRequest(), store: store)
        #expect(sent(try await RedirectPolicy().decide(redirectRequest(), store: store, now: testNow)) != nil)
    }

    @Test("concurrent deliveries of one message: exactly one redirect (SQLite store)")
    func concurrent() async throws {
        let folder = FileManager.default.temporaryDirectory.path + "/sluice-redirect-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = SQLiteTrackingStore(path: folder + "/tracking.sqlite")
        let count = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask { sent(try await RedirectPolicy().decide(redirectRequest(), store: store, now: testNow)) != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(count == 1)
    }
}

import Foundation
import MailCore
import Sieve

@testable import AutoReply

/// A fixed clock reading for tests.
let testNow = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 +0000

/// A vacation action with test defaults.
func vacationAction(
    to: String = "sender@example.org", from: String? = nil, subject: String? = nil, reason: String = "I am away.",
    isMime: Bool = false, handle: String = "h1", seconds: Int = 7 * 86_400, addresses: [String] = []
) -> VacationAction {
    VacationAction(to: to, from: from, subject: subject, reason: reason, isMime: isMime, handle: handle,
                   seconds: seconds, addresses: addresses)
}

/// A message made of header lines (CRLF-joined) and a short body.
func message(_ headers: [String], body: String = "Hello there.\r\n") -> Message {
    Message((headers.map { $0 + "\r\n" }.joined() + "\r\n" + body))
}

/// An ordinary personal message to user@example.com.
let personalHeaders = [
    "From: Sender <sender@example.org>",
    "To: User <user@example.com>",
    "Subject: Lunch?",
    "Date: Mon, 13 Nov 2023 10:00:00 +0000",
    "Message-ID: <m1@example.org>",
]

/// A vacation request for user@example.com.
func vacationRequest(
    action: VacationAction = vacationAction(), headers: [String] = personalHeaders,
    recipient: String = "user@example.com", aliases: [String] = []
) -> VacationRequest {
    VacationRequest(action: action, message: message(headers), recipient: recipient, aliases: aliases)
}

/// A deterministic random source (SplitMix64) so composed messages are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds realistic messages of a requested size, already in LMTP wire form (CRLF lines,
/// dot-stuffed, ending with the `.` line).
///
/// The body is built once (prose in a text/plain part; past 16 KiB a base64 PDF-like
/// attachment makes up the size) and shared by every message; the header is built per
/// message, with a unique Message-ID and one of four kinds that the benchmark script files
/// differently: personal mail (kept), a mailing list (filed under Lists/), spam-flagged
/// (filed into Junk) and an urgent note from the boss (kept and flagged).
struct MessageFactory: Sendable {
    static let boundary = "=_sluice_load_b7f1c2e9"
    /// The shared body, dot-stuffed, followed by CRLF "." CRLF.
    let wireBody: [UInt8]
    let sender: String
    let domain: String

    init(targetSize: Int, sender: String, domain: String) {
        self.sender = sender
        self.domain = domain
        // A header is about 1 KiB; the body makes up the rest.
        let bodySize = max(512, targetSize - 1100)
        var random = SplitMix(seed: UInt64(targetSize))
        var body: [String] = []
        if bodySize <= 16_384 {
            body.append("This is a multi-part message in MIME format.")
            body.append("")
            body.append("--\(Self.boundary)")
            body.append("Content-Type: text/plain; charset=utf-8")
            body.append("Content-Transfer-Encoding: 8bit")
            body.append("")
            body += Self.prose(octets: bodySize - 300, random: &random)
            body.append("")
            body.append("--\(Self.boundary)--")
        } else {
            body.append("This is a multi-part message in MIME format.")
            body.append("")
            body.append("--\(Self.boundary)")
            body.append("Content-Type: text/plain; charset=utf-8")
            body.append("Content-Transfer-Encoding: 8bit")
            body.append("")
            body += Self.prose(octets: 3000, random: &random)
            body.append("")
            body.append("--\(Self.boundary)")
            body.append("Content-Type: application/pdf; name=\"quarterly-report.pdf\"")
            body.append("Content-Disposition: attachment; filename=\"quarterly-report.pdf\"")
            body.append("Content-Transfer-Encoding: base64")
            body.append("")
            body += Self.base64Lines(octets: bodySize - 3600, random: &random)
            body.append("")
            body.append("--\(Self.boundary)--")
        }
        var wire: [UInt8] = []
        wire.reserveCapacity(bodySize + 4096)
        for line in body {
            if line.hasPrefix(".") { wire.append(UInt8(ascii: ".")) }
            wire.append(contentsOf: line.utf8)
            wire.append(contentsOf: [13, 10])
        }
        wire.append(contentsOf: Array(".\r\n".utf8))
        wireBody = wire
    }

    /// The header of message number `sequence` for `recipients`, ending with the empty line.
    func header(sequence: Int, worker: Int, recipients: [String]) -> [UInt8] {
        let kind = sequence % 4
        let messageID = "<\(worker).\(sequence).\(wireBody.count)@origin.example>"
        let date = "Tue, 14 Jan 2025 09:\(twoDigits(sequence % 60)):\(twoDigits((sequence / 60) % 60)) +0100"
        var lines = [
            "Received: from mail.origin.example (mail.origin.example [192.0.2.25])",
            "\tby mx.\(domain) (Postfix) with ESMTPS id 4Y\(worker)Q\(sequence)",
            "\tfor <\(recipients[0])>; \(date)",
            "Received: from laptop.origin.example (unknown [198.51.100.7])",
            "\tby mail.origin.example (Postfix) with ESMTPSA id 7K\(sequence)",
            "\t; \(date)",
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=origin.example; s=mail2024;",
            "\th=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;",
            "\tb=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaGFzIHRoZSByaWdodCBzaGFwZQ==",
            "Message-ID: \(messageID)",
            "Date: \(date)",
            "To: " + recipients.joined(separator: ", "),
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"\(Self.boundary)\"",
        ]
        switch kind {
        case 0:
            lines += ["From: Jana Novakova <\(sender)>", "Subject: Re: notes from Thursday's planning meeting"]
        case 1:
            lines += [
                "From: Build Bot <builds@lists.origin.example>",
                "Subject: [swift-dev] nightly toolchain \(sequence) is available",
                "List-Id: Swift development <swift-dev.lists.origin.example>",
                "List-Unsubscribe: <mailto:swift-dev-leave@lists.origin.example>",
                "Precedence: list",
            ]
        case 2:
            lines += [
                "From: Special Offers <deals@promo.example>",
                "Subject: You have been selected for an exclusive offer",
                "X-Spam-Flag: YES",
                "X-Spam-Score: 9.3",
            ]
        default:
            lines += ["From: Petr Svoboda <boss@origin.example>", "Subject: URGENT: sign-off needed today"]
        }
        var wire: [UInt8] = []
        for line in lines {
            wire.append(contentsOf: line.utf8)
            wire.append(contentsOf: [13, 10])
        }
        wire.append(contentsOf: [13, 10])
        return wire
    }

    private static let words = """
        the release schedule meeting agreed that we would move the review to next week because \
        several people are travelling and the numbers from the last quarter still need a careful \
        look before anyone signs off on the budget please send your comments on the attached \
        draft by friday and let me know if the proposed time does not work for your team we \
        also discussed the migration of the mail servers which should be finished before the \
        holidays with a short maintenance window announced in advance to all users
        """.split(separator: " ").map(String.init)

    private static func prose(octets: Int, random: inout SplitMix) -> [String] {
        var lines: [String] = []
        var total = 0
        var line = ""
        while total < octets {
            let word = words[Int(random.next() % UInt64(words.count))]
            if line.count + word.count + 1 > 72 {
                lines.append(line)
                total += line.utf8.count + 2
                line = ""
                if random.next() % 6 == 0 { lines.append(""); total += 2 }
            }
            line += line.isEmpty ? word.prefix(1).uppercased() + word.dropFirst() : " " + word
        }
        if !line.isEmpty { lines.append(line + ".") }
        return lines
    }

    private static func base64Lines(octets: Int, random: inout SplitMix) -> [String] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let lineCount = max(1, octets / 78)
        var lines: [String] = []
        lines.reserveCapacity(lineCount)
        var bytes = [UInt8](repeating: 0, count: 76)
        for _ in 0..<lineCount {
            var bits = random.next()
            for index in 0..<76 {
                if index % 10 == 0 { bits = random.next() }
                bytes[index] = alphabet[Int(bits & 63)]
                bits >>= 6
            }
            lines.append(String(decoding: bytes, as: UTF8.self))
        }
        return lines
    }
}

/// A small deterministic generator (SplitMix64), so that runs are reproducible.
struct SplitMix {
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

/// Two-digit zero-padded decimal.
func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

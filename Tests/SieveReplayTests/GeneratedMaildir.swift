import Foundation

/// A deterministic pseudo-random generator (SplitMix64) so a generated Maildir is the same
/// on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What the replay script (below) does with a message of each kind.
enum MessageKind: CaseIterable {
    case spam, blocked, rejected, list, forwarded, urgent, plain, brokenFolder
}

/// A Maildir of generated messages in a fresh temporary folder, with what each file is.
struct GeneratedMaildir {
    let root: URL
    /// Relative path → kind.
    var kinds: [String: MessageKind] = [:]
    /// Relative path → delivery time used.
    var times: [String: Int] = [:]
    static let baseTime = 1_700_000_000

    /// The script the tests replay; each kind above leads to one outcome.
    static let script = """
        require ["fileinto", "reject", "vacation", "body", "variables"];
        if header :contains "subject" "[spam]" { fileinto "Junk"; stop; }
        if address :is "from" "blocked@evil.example" { discard; stop; }
        if header :contains "subject" "reject me" { reject "No thanks."; stop; }
        if address :domain "from" "lists.example" { fileinto "Lists/swift"; stop; }
        if body :contains "please forward-me" { redirect "archive@example.org"; stop; }
        if header :contains "subject" "urgent" { vacation "I am away until Monday."; }
        if header :matches "subject" "broken-folder*" { fileinto "${1}"; }
        """

    init(count: Int, seed: UInt64) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        let folders = ["", ".Lists.swift", ".Entw&APw-rfe", ".Junk"]
        let fm = FileManager.default
        for folder in folders {
            for sub in ["cur", "new", "tmp"] {
                try fm.createDirectory(at: root.appendingPathComponent(folder).appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        }
        var rng = SeededGenerator(state: seed)
        for i in 0..<count {
            let kind = MessageKind.allCases.randomElement(using: &rng) ?? .plain
            let folder = folders.randomElement(using: &rng) ?? ""
            let time = Self.baseTime + i * 3600
            let legacyName = Int.random(in: 0..<10, using: &rng) == 0
            let inCur = Bool.random(using: &rng)
            var name = legacyName ? "legacy-message-\(i)" : "\(time).M\(i)P42.generator"
            if inCur { name += ":2,S" }
            let relative = (folder.isEmpty ? "" : folder + "/") + (inCur ? "cur/" : "new/") + name
            let url = root.appendingPathComponent(relative)
            let crlf = Bool.random(using: &rng)
            try Data(Self.message(kind, index: i, crlf: crlf).utf8).write(to: url)
            try fm.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(time))], ofItemAtPath: url.path)
            kinds[relative] = kind
            times[relative] = time
        }
        // Not messages: a delivery in progress and a hidden file.
        try Data("Subject: [spam] in tmp\r\n\r\nx\r\n".utf8).write(to: root.appendingPathComponent("tmp/1.M1P1.partial"))
        try Data("x".utf8).write(to: root.appendingPathComponent("cur/.hidden"))
    }

    static func message(_ kind: MessageKind, index: Int, crlf: Bool) -> String {
        var from = "friend\(index)@example.org"
        var subject = "Message \(index)"
        var body = "Hello number \(index)."
        var extra: [String] = []
        switch kind {
        case .spam: subject = "[spam] Cheap watches \(index)"
        case .blocked: from = "blocked@evil.example"
        case .rejected: subject = "Please reject me \(index)"
        case .list: from = "announce@lists.example"
        case .forwarded:
            extra = ["MIME-Version: 1.0", "Content-Type: text/html; charset=utf-8"]
            body = "<p>Please   forward-me <i>too</i></p>"
        case .urgent: subject = "Urgent: reply \(index)"
        case .plain: break
        case .brokenFolder: subject = "broken-folder"
        }
        let lines = ["Return-Path: <\(from)>", "Delivered-To: jan@example.net", "From: \(from)", "To: jan@example.net",
                     "Subject: \(subject)"] + extra + ["", body, ""]
        return lines.joined(separator: crlf ? "\r\n" : "\n")
    }

    /// Every file under the root with its size and modification time (nanoseconds).
    func snapshot() throws -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: root.path) else { return out }
        while let relative = walker.nextObject() as? String {
            var info = stat()
            guard stat(root.appendingPathComponent(relative).path, &info) == 0 else { continue }
            out[relative] = [Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec), Int(info.st_mode), Int(info.st_ino)]
        }
        return out
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

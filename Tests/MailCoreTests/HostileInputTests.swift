import Testing
@testable import MailCore

/// A small deterministic generator (SplitMix64), so failures can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

@Suite("Hostile and random input")
struct HostileInputTests {
    @Test("multiparts nested far past the depth limit: the rest is one raw text part")
    func deepMultipart() {
        var text = ""
        for level in 0..<2_000 {
            text += "Content-Type: multipart/mixed; boundary=b\(level)\r\n\r\n--b\(level)\r\n"
        }
        text += "\r\nleaf\r\n"
        let root = Message(text).mimeRoot
        let parts = root.allParts
        #expect(parts.count == MIMEParser.maximumDepth + 2)
        let last = parts[parts.count - 1]
        #expect(last.isUnparsedRemainder && last.depth == MIMEParser.maximumDepth + 1)
        #expect(last.contentType.type == "text" && last.contentType.subtype == "plain" && last.headerFields.isEmpty)
        #expect(last.text?.hasSuffix("\r\nleaf\r\n") == true)
        #expect(root.structureLimit == .depth(MIMEParser.maximumDepth))
        #expect(parts.dropLast().allSatisfy { !$0.isUnparsedRemainder })
    }

    @Test("embedded messages nested far past the depth limit")
    func deepEmbedded() {
        let text = String(repeating: "Content-Type: message/rfc822\n\n", count: 5_000) + "Subject: x\n\nbody"
        let root = Message(text).mimeRoot
        let parts = root.allParts
        #expect(parts.count == MIMEParser.maximumDepth + 2)
        #expect(parts.last?.isUnparsedRemainder == true)
        #expect(parts.last?.text?.hasSuffix("Subject: x\n\nbody") == true)
        #expect(root.structureLimit == .depth(MIMEParser.maximumDepth))
    }

    @Test("a flood of delimiters is capped; the parts past the cap are one raw text part")
    func manyParts() {
        var text = "Content-Type: multipart/mixed; boundary=b\n\n"
        for index in 0..<30_000 { text += "--b\n\npart \(index)\n" }
        text += "--b--\n"
        let root = Message(text).mimeRoot
        let parts = root.allParts
        #expect(parts.count == MIMEParser.maximumParts + 1)
        #expect(root.structureLimit == .parts(MIMEParser.maximumParts))
        let rest = root.children[root.children.count - 1]
        #expect(rest.isUnparsedRemainder)
        // The first part the parser did not build starts the remainder; the last ends it.
        #expect(rest.text?.hasPrefix("\npart \(MIMEParser.maximumParts - 1)\n") == true, "\(rest.text?.prefix(40) ?? "")")
        #expect(rest.text?.hasSuffix("part 29999") == true)
    }

    @Test("the part limit reached inside a nested multipart leaves a remainder at each level")
    func partsLimitNested() {
        var inner = "Content-Type: multipart/mixed; boundary=i\n\n"
        for index in 0..<(MIMEParser.maximumParts + 5) { inner += "--i\n\ninner \(index)\n" }
        inner += "--i--\n"
        let text = "Content-Type: multipart/mixed; boundary=o\n\n--o\n" + inner + "--o\n\nouter tail\n--o--\n"
        let root = Message(text).mimeRoot
        #expect(root.children.count == 2)
        #expect(root.children[0].children.last?.isUnparsedRemainder == true)
        #expect(root.children[1].isUnparsedRemainder)
        #expect(root.children[1].text == "\nouter tail")
    }

    @Test("messages within the limits have no remainder and no limit")
    func withinLimits() {
        let text = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n--b--\n"
        let root = Message(text).mimeRoot
        #expect(root.structureLimit == nil)
        #expect(root.allParts.count == 3 && root.allParts.allSatisfy { !$0.isUnparsedRemainder })
    }

    @Test("a 1 MB folded header and a 1 MB unterminated multipart")
    func bigInputs() {
        let folded = "X-Big: a" + String(repeating: "\r\n b", count: 300_000) + "\r\n\r\n"
        let message = Message(folded)
        #expect(message.headerFields.first?.value.utf8.count == 1 + 300_000 * 2)
        let body = "Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n\r\n" + String(repeating: "x", count: 1 << 20)
        #expect(Message(body).mimeRoot.children.first?.rawBody.count == 1 << 20)
    }

    @Test("address lists made of nothing but specials")
    func addressGarbage() {
        let inputs = [
            String(repeating: "<", count: 10_000), String(repeating: "\"", count: 10_001), String(repeating: ",;:@", count: 5_000),
            String(repeating: "[", count: 10_000) + "a@b", String(repeating: "\\", count: 9_999),
            String(repeating: "a:", count: 5_000) + ";",
        ]
        for input in inputs {
            for entry in AddressParser.parseList(input) {
                if case .unparsable(let text) = entry { #expect(input.contains(text)) }
            }
            _ = AddressParser.parseEnvelopePath(input)
        }
    }

    static let seeds: [String] = [
        MultipartTests.nested,
        "From: \"Joe\" <j@x>, g: a@b, (c) \"q\"@[1.2.3.4];\r\nSubject: =?utf-8?B?w6k=?= =?koi8-r?Q?=F0?=\r\n\r\nbody",
        "Content-Type: text/plain; charset*0*=utf-8''a; charset*1=b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=E9=\r\n=",
    ]

    @Test("random and mutated bytes never crash the parsers", arguments: 0..<4)
    func fuzz(round: Int) {
        var random = SeededGenerator(state: UInt64(round) &* 7919 &+ 17)
        let interesting: [UInt8] = Array("\r\n \t:;,<>@\"()[]\\=?-_*'%/.".utf8) + [0, 0x80, 0xC3, 0xFF]
        for iteration in 0..<400 {
            var bytes: [UInt8]
            if iteration % 4 == 0 {
                bytes = (0..<Int.random(in: 0..<600, using: &random)).map { _ in
                    Bool.random(using: &random) ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
                }
            } else {
                bytes = Array(Self.seeds.randomElement(using: &random)!.utf8)
                for _ in 0..<Int.random(in: 1...12, using: &random) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0: bytes[at] = interesting.randomElement(using: &random)!
                    case 1: bytes.remove(at: at)
                    case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
                    default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 20)], at: at)
                    }
                }
            }
            let message = Message(bytes: bytes)
            #expect(message.size >= bytes.count)
            #expect(message.bodyOffset <= bytes.count)
            for part in message.mimeRoot.allParts {
                #expect(part.rawBody.count <= part.rawBytes.count)
                _ = part.text
                _ = part.filename
            }
            for field in message.headerFields {
                let text = String(decoding: field.rawValue, as: UTF8.self)
                for entry in field.addresses {
                    if case .mailbox(let address) = entry { #expect(!address.localPart.isEmpty) }
                }
                _ = AddressParser.parseEnvelopePath(text)
                _ = ContentType.parse(text)
            }
        }
    }
}

import Testing

@testable import MailCore

/// The rules stated plainly, a byte at a time, to check the span-copying converter against.
private enum Reference {
    static func convert(_ input: [UInt8], to target: LineEnding) -> (stored: [UInt8], virtualSize: Int) {
        var stored: [UInt8] = []
        for (index, byte) in input.enumerated() {
            switch target {
            case .lf:
                if byte == 0x0D, index + 1 < input.count, input[index + 1] == 0x0A { continue }
            case .crlf:
                if byte == 0x0A, index == 0 || input[index - 1] != 0x0D { stored.append(0x0D) }
            }
            stored.append(byte)
        }
        let bare = stored.indices.filter { stored[$0] == 0x0A && ($0 == 0 || stored[$0 - 1] != 0x0D) }.count
        return (stored, stored.count + bare)
    }
}

/// A small seeded generator so failures replay.
private struct Seeded {
    var state: UInt64
    init(_ seed: Int) { state = UInt64(seed) &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    /// Bytes rich in CR, LF and dots.
    mutating func message(maximum: Int) -> [UInt8] {
        let alphabet: [UInt8] = [0x0D, 0x0A, 0x2E, 0x61, 0x62, 0x20, 0xC3, 0xA9]
        return (0..<next(maximum)).map { _ in alphabet[next(alphabet.count)] }
    }

    /// `bytes` cut into pieces of 1 to `maximum` octets.
    mutating func pieces(_ bytes: [UInt8], maximum: Int) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 1 + next(maximum))
            pieces.append(Array(bytes[offset..<end]))
            offset = end
        }
        return pieces
    }
}

private func convert(_ pieces: [[UInt8]], to target: LineEnding) -> (LineEndingConverter, [UInt8]) {
    var converter = LineEndingConverter(target: target)
    var output: [UInt8] = []
    for piece in pieces { converter.convert(piece, appendingTo: &output) }
    converter.finish(appendingTo: &output)
    return (converter, output)
}

@Suite("Line ends: conversion and the sizes S, W and RFC 5322 size")
struct LineEndingConverterTests {
    @Test(
        "converts line ends and counts S and W, fed a byte at a time",
        arguments: [
            (LineEnding.lf, "a\r\nb\r\n", "a\nb\n", 6),
            (.lf, "a\nb\n", "a\nb\n", 6),
            (.lf, "a\rb\r\n", "a\rb\n", 5),
            (.lf, "a\r\r\n", "a\r\n", 3),
            (.lf, "end\r", "end\r", 4),
            (.lf, "\r\n\r\nbody", "\n\nbody", 8),
            (.crlf, "a\r\nb\r\n", "a\r\nb\r\n", 6),
            (.crlf, "a\nb\n", "a\r\nb\r\n", 6),
            (.crlf, "a\rb", "a\rb", 3),
            (.crlf, "\n", "\r\n", 2),
        ]
    )
    func convert(target: LineEnding, input: String, stored: String, virtualSize: Int) {
        let (converter, output) = MailCoreTests.convert(input.utf8.map { [$0] }, to: target)
        #expect(output == Array(stored.utf8))
        #expect(converter.storedSize == stored.utf8.count)
        #expect(converter.virtualSize == virtualSize)
        #expect(converter.inputSize == input.utf8.count)
    }

    @Test("random inputs in random pieces convert like the byte-by-byte rules", arguments: 0..<60)
    func randomPieces(seed: Int) {
        var random = Seeded(seed)
        let input = random.message(maximum: 3000)
        let pieces = random.pieces(input, maximum: 64)
        for target in LineEnding.allCases {
            let (converter, output) = MailCoreTests.convert(pieces, to: target)
            let expected = Reference.convert(input, to: target)
            #expect(output == expected.stored, "\(target)")
            #expect(converter.storedSize == expected.stored.count)
            #expect(converter.virtualSize == expected.virtualSize)
            // The size Sieve reports is the one Message counts on the input itself.
            #expect(converter.inputRFC5322Size == Message.rfc5322Size(input))
        }
    }

    @Test("bytes converted elsewhere and appended count like one conversion", arguments: 0..<40)
    func appendedConversion(seed: Int) {
        var random = Seeded(seed)
        let head = random.message(maximum: 200)
        let tail = random.message(maximum: 2000)
        for target in LineEnding.allCases {
            let (whole, wholeOutput) = MailCoreTests.convert([head, tail], to: target)
            var split = LineEndingConverter(target: target)
            var output: [UInt8] = []
            split.convert(head, appendingTo: &output)
            let (tailConverter, tailOutput) = MailCoreTests.convert([tail], to: target)
            guard split.canAppend(tailConverter.produced) else {
                // Only a CR at the seam may refuse (held back, or produced last).
                #expect(head.last == 0x0D)
                continue
            }
            split.append(tailConverter.produced)
            output += tailOutput
            #expect(output == wholeOutput)
            #expect(split.storedSize == whole.storedSize)
            #expect(split.virtualSize == whole.virtualSize)
        }
    }

    @Test("converted bytes of another form are refused")
    func otherFormRefused() {
        let (crlf, _) = MailCoreTests.convert([Array("a\r\n".utf8)], to: .crlf)
        #expect(!LineEndingConverter(target: .lf).canAppend(crlf.produced))
    }
}

@Suite("Header section length")
struct HeaderSectionLengthTests {
    @Test(
        "finds the blank line that ends the header section",
        arguments: [
            ("Subject: a\r\n\r\nbody", 14),
            ("Subject: a\n\nbody", 12),
            ("Subject: a\n folded\nTo: b\n\n", 26),
            ("\r\nbody", 2),
            ("\nbody", 1),
            ("Subject: a\r\n", nil),
            ("Subject: a\r\nTo: b", nil),
            ("", nil),
        ] as [(String, Int?)]
    )
    func length(text: String, expected: Int?) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { Message.headerSectionLength($0) } == expected)
    }

    @Test("parsing only the header section gives the same fields as the whole message")
    func sameFields() {
        let text = "From: a@example.org\r\nSubject: hello\r\n world\r\nTo: b@example.org\r\n\r\nbody line\r\nX-Not: a field\r\n"
        let bytes = Array(text.utf8)
        guard let length = bytes.withUnsafeBytes({ Message.headerSectionLength($0) }) else {
            Issue.record("no header section end found")
            return
        }
        let whole = Message(bytes: bytes)
        let headers = Message(bytes: Array(bytes[..<length]), size: whole.size)
        #expect(headers.headerFields.map(\.name) == whole.headerFields.map(\.name))
        #expect(headers.headerFields.map(\.value) == whole.headerFields.map(\.value))
        #expect(headers.size == whole.size)
        #expect(headers.body.isEmpty)
    }
}

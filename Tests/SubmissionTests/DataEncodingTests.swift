import Testing

@testable import Submission

/// A message as given to the client, what must go on the wire, and the RFC 1870 size.
struct EncodingCase: CustomTestStringConvertible, Sendable {
    var name: String
    var message: String
    var wire: String
    var testDescription: String { name }
}

@Suite("RFC 5321 §4.5.2 transparency (dot-stuffing) and §2.3.8 line endings")
struct DataEncodingTests {
    static let cases: [EncodingCase] = [
        EncodingCase(name: "plain CRLF message", message: "a\r\nb\r\n", wire: "a\r\nb\r\n.\r\n"),
        EncodingCase(name: "line starting with a dot", message: "a\r\n.b\r\n", wire: "a\r\n..b\r\n.\r\n"),
        EncodingCase(name: "line of two dots", message: "..\r\n", wire: "...\r\n.\r\n"),
        EncodingCase(name: "lone dot line is not the end", message: "x\r\n.\r\ny\r\n", wire: "x\r\n..\r\ny\r\n.\r\n"),
        EncodingCase(name: "dot at the very start", message: ".start\r\n", wire: "..start\r\n.\r\n"),
        EncodingCase(name: "dot after bare LF", message: "a\n.b\n", wire: "a\r\n..b\r\n.\r\n"),
        EncodingCase(name: "dot after bare CR", message: "a\r.b\r", wire: "a\r\n..b\r\n.\r\n"),
        EncodingCase(name: "CR CR LF is two line ends", message: "a\r\r\n.b\r\n", wire: "a\r\n\r\n..b\r\n.\r\n"),
        EncodingCase(name: "LF CR is two line ends", message: "a\n\r.b\r\n", wire: "a\r\n\r\n..b\r\n.\r\n"),
        EncodingCase(name: "no final line end", message: "a\r\nlast", wire: "a\r\nlast\r\n.\r\n"),
        EncodingCase(name: "ends with a dot and no line end", message: "a\r\n.", wire: "a\r\n..\r\n.\r\n"),
        EncodingCase(name: "ends with a bare CR", message: "a\r", wire: "a\r\n.\r\n"),
        EncodingCase(name: "empty message", message: "", wire: ".\r\n"),
        EncodingCase(name: "dot inside a line is untouched", message: "a.b\r\n .c\r\n", wire: "a.b\r\n .c\r\n.\r\n"),
    ]

    @Test("wire form", arguments: cases)
    func wire(_ example: EncodingCase) {
        let encoded = DataEncoding.encode(Array(example.message.utf8))
        #expect(encoded.wire == Array(example.wire.utf8))
    }

    @Test("no bare CR or LF reaches the wire", arguments: cases)
    func onlyCRLF(_ example: EncodingCase) {
        let wire = DataEncoding.encode(Array(example.message.utf8)).wire
        for (index, byte) in wire.enumerated() {
            if byte == 13 { #expect(index + 1 < wire.count && wire[index + 1] == 10, "bare CR at \(index)") }
            if byte == 10 { #expect(index > 0 && wire[index - 1] == 13, "bare LF at \(index)") }
        }
    }

    @Test("SIZE counts the normalised message without stuffing or the final dot (RFC 1870 §6.1)")
    func size() {
        // "a\n.b" → "a\r\n.b\r\n" = 7 octets; the wire adds one stuffing dot and ".\r\n".
        let encoded = DataEncoding.encode(Array("a\n.b".utf8))
        #expect(encoded.messageSize == 7)
        #expect(encoded.wire.count == 7 + 1 + 3)
    }

    @Test("binary octets pass through unchanged")
    func binary() {
        let message: [UInt8] = [0x00, 0xFF, 0x80, 0x2E, 0x0D, 0x0A, 0x2E, 0xC3, 0xA9]
        let encoded = DataEncoding.encode(message)
        #expect(encoded.wire == [0x00, 0xFF, 0x80, 0x2E, 0x0D, 0x0A, 0x2E, 0x2E, 0xC3, 0xA9, 0x0D, 0x0A, 0x2E, 0x0D, 0x0A])
        #expect(DataEncoding.hasEightBitOctets(message))
        #expect(!DataEncoding.hasEightBitOctets(Array("ascii".utf8)))
    }
}

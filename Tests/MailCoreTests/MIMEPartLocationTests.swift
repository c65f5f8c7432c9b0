import Testing
@testable import MailCore

@Suite("MIMEPart.range(in:): where a part lies in the message bytes")
struct MIMEPartLocationTests {
    @Test("a part of a multipart is a range of the message; one inside an encoded embedded message is not")
    func ranges() throws {
        let inner = "Content-Type: text/plain\r\n\r\ninner\r\n"
        let encoded = "Q29udGVudC1UeXBlOiB0ZXh0L3BsYWluDQoNCmlubmVyDQo="  // base64 of `inner`
        #expect(TransferDecoding.decodeBase64(Array(encoded.utf8)[...]) == Array(inner.utf8))
        let message = Message("Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
                              + "--B\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" + encoded + "\r\n--B--\r\n")
        let parts = message.mimeRoot.allParts
        try #require(parts.count == 4)
        #expect(parts[0].range(in: message.bytes) == 0..<message.bytes.count)
        let plain = try #require(parts[1].range(in: message.bytes))
        #expect(String(decoding: message.bytes[plain], as: UTF8.self) == "Content-Type: text/plain\r\n\r\nplain")
        #expect(parts[2].range(in: message.bytes) != nil)
        // The embedded message was parsed from its decoded bytes: no range of the message is it.
        #expect(parts[3].range(in: message.bytes) == nil)
    }
}

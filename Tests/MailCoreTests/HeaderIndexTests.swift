import Testing
@testable import MailCore

/// The per-message indexes that script runs share: field positions by lowercased name
/// (built at parse time) and parsed address lists (built on first request).
@Suite("RFC 5322 §3.6 field look-up by name, shared across runs")
struct HeaderIndexTests {
    static let text = """
        Received: from a\r
        To: A <a@x.example>, b@y.example\r
        Subject: one\r
        received: from b\r
        CC: g: c@z.example;\r
        RECEIVED: from c\r
        to: d@w.example\r
        X-Empty:\r
        \r
        body
        """

    @Test("fieldIndices(lowercasedName:) lists every field of that name in message order",
          arguments: ["received", "to", "cc", "subject", "x-empty", "absent", ""])
    func indicesMatchNameScan(name: String) {
        let message = Message(Self.text)
        let scanned = message.headerFields.indices.filter { message.headerFields[$0].hasName(name) }
        #expect(message.fieldIndices(lowercasedName: name) == scanned)
    }

    @Test("fieldValues(lowercasedName:) gives the decoded values of those fields in message order",
          arguments: ["received", "to", "cc", "subject", "x-empty", "absent"])
    func valuesMatchNameScan(name: String) {
        let message = Message(Self.text)
        #expect(message.fieldValues(lowercasedName: name) == message.fields(named: name).map(\.value))
    }

    @Test func encodedWordsAreDecodedInIndexedValues() {
        let message = Message("Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= all\r\nsubject: two\r\n\r\n")
        #expect(message.fieldValues(lowercasedName: "subject") == ["Grüße all", "two"])
    }

    @Test func indicesForReceived() {
        let message = Message(Self.text)
        #expect(message.fieldIndices(lowercasedName: "received") == [0, 3, 5])
        #expect(message.fieldIndices(lowercasedName: "received").map { message.headerFields[$0].value }
                == ["from a", "from b", "from c"])
    }

    @Test("the index is keyed by the lowercased name only")
    func upperCaseLookupFindsNothing() {
        let message = Message(Self.text)
        #expect(message.fieldIndices(lowercasedName: "Received").isEmpty)
    }

    @Test("addresses(lowercasedName:) equals addresses(named:), first and second time",
          arguments: ["to", "cc", "subject", "absent"])
    func addressesMatchUncached(name: String) {
        let message = Message(Self.text)
        let expected = message.addresses(named: name)
        #expect(message.addresses(lowercasedName: name) == expected)
        #expect(message.addresses(lowercasedName: name) == expected)
    }

    @Test func addressesJoinAllFieldsOfTheName() {
        let message = Message(Self.text)
        #expect(message.addresses(lowercasedName: "to").mailboxes.map(\.addrSpec)
                == ["a@x.example", "b@y.example", "d@w.example"])
    }

    @Test("concurrent first requests for the same names all see the uncached lists")
    func concurrentAddressRequests() async {
        let message = Message(Self.text)
        let names = ["to", "cc"]
        let expected = names.map { message.addresses(named: $0) }
        let results = await withTaskGroup(of: (Int, [AddressListEntry]).self) { group in
            for i in 0..<32 {
                group.addTask { (i % 2, message.addresses(lowercasedName: names[i % 2])) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0.1 == expected[$0.0] })
    }
}

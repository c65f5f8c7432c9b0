import MailCore

/// Builds a redirected message: the original, unchanged, under one new trace field.
///
/// - SeeAlso: RFC 5228 §4.2 (the message is sent unchanged apart from trace fields)
public enum RedirectComposer {
    /// The outbound message for a redirect of `message` by `userAddress` to `target`.
    ///
    /// The bytes are `X-Sieve-Redirected-From: <user>` CRLF followed by the message as
    /// received (an mbox `From ` line at its very start is dropped: it is not part of
    /// the message). The envelope sender is the original one, a null sender staying
    /// null (angle brackets are removed; the text is otherwise kept). Addresses are
    /// written as RFC 5321 paths carry them.
    public static func compose(message: Message, envelopeSender: String, userAddress: MailAddress, target: MailAddress)
        -> OutboundMessage
    {
        let sender = AddressMatching.pathText(envelopeSender).filter { $0 != "\r" && $0 != "\n" }
        let user = HeaderWriting.addrSpec(MailAddress(localPart: userAddress.localPart, domain: userAddress.domain))
        var bytes = Array("\(RedirectPolicy.loopHeaderName): <\(user)>\r\n".utf8)
        bytes += withoutMboxLine(message.bytes)
        let recipient = HeaderWriting.addrSpec(MailAddress(localPart: target.localPart, domain: target.domain))
        return OutboundMessage(envelopeSender: sender, recipients: [recipient], bytes: bytes)
    }

    /// `bytes` without a leading mbox `From ` separator line.
    static func withoutMboxLine(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        guard bytes.starts(with: "From ".utf8) else { return bytes[...] }
        guard let lineFeed = bytes.firstIndex(of: 0x0A) else { return bytes[bytes.endIndex...] }
        return bytes[(lineFeed + 1)...]
    }

    /// The identity of a message for duplicate suppression: its first Message-ID, or
    /// else `digest:` and a 128-bit FNV-1a hash of its header fields in order, leaving
    /// out the trace fields that change from hop to hop (`Received`, `Return-Path`,
    /// `Delivered-To`, `X-Original-To`, `X-Sieve-Redirected-From`).
    public static func messageKey(_ message: Message) -> String {
        if let id = message.fields(named: "Message-ID").lazy.compactMap({ HeaderWriting.messageIDs(in: $0.rawValue).first }).first {
            return id
        }
        let skipped = ["Received", "Return-Path", "Delivered-To", "X-Original-To", RedirectPolicy.loopHeaderName]
        var hash = FNV1a128()
        for field in message.headerFields where !skipped.contains(where: field.hasName) {
            hash.add(Array(field.name.lowercased().utf8))
            hash.add([UInt8(ascii: ":")])
            hash.add(field.rawValue)
            hash.add([0x0D, 0x0A])
        }
        return "digest:" + hash.hexDigest
    }
}

/// The 128-bit FNV-1a hash: stable across processes and versions (records outlive a
/// process), cheap, and wide enough that unrelated messages do not collide.
struct FNV1a128 {
    private static let prime: UInt128 = (1 << 88) | 0x13B
    private var state: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d

    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes {
            state ^= UInt128(byte)
            state = state &* Self.prime
        }
    }

    var hexDigest: String {
        let hex = String(state, radix: 16)
        return String(repeating: "0", count: 32 - hex.count) + hex
    }
}

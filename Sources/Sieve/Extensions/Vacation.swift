/// Vacation helpers: the default handle and the response interval.
///
/// - SeeAlso: RFC 5230 §4.1, §4.2; RFC 6131 §2
enum VacationRules {
    /// The handle for a vacation without `:handle`: a stable hash (64-bit FNV-1a) of the
    /// reason, subject, from address and `:mime`, so changing any of them starts a new
    /// tracking record (RFC 5230 §4.2). Stable across processes and versions, unlike
    /// `Hasher`, because tracking records outlive a process.
    static func defaultHandle(reason: String, subject: String?, from: String?, isMime: Bool) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        func field(_ tag: UInt8, _ value: String?) {
            mix(tag)
            guard let value else { mix(0); return }
            mix(1)
            for byte in value.utf8 { mix(byte) }
            // A terminator that cannot occur in UTF-8 keeps field boundaries unambiguous.
            mix(0xFF)
        }
        field(UInt8(ascii: "r"), reason)
        field(UInt8(ascii: "s"), subject)
        field(UInt8(ascii: "f"), from)
        field(UInt8(ascii: "m"), isMime ? "1" : "0")
        let hex = String(hash, radix: 16)
        return "sieve-vacation-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `:days` converted to seconds without overflow.
    static func seconds(fromDays days: Int) -> Int {
        let (product, overflow) = days.multipliedReportingOverflow(by: 86_400)
        return overflow ? Int.max : product
    }
}

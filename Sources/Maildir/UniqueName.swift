import Glibc
import Synchronization

/// Makes Maildir unique file names: `<secs>.M<usecs>P<pid>Q<counter>.<host>`.
///
/// The counter is process-wide, so two deliveries in the same microsecond still differ; the
/// host name makes names unique across machines sharing the storage. In the host name `/`
/// becomes `\057`, `:` becomes `\072` and `,` becomes `\054`, since those characters separate
/// path components, the info part and the `,S=`/`,W=` fields.
///
/// - SeeAlso: https://cr.yp.to/proto/maildir.html ("Unique names"); Dovecot's Maildir file names.
struct UniqueNameGenerator: Sendable {
    private static let counter = Atomic<UInt64>(0)

    let escapedHostname: String
    let pid: Int32
    let now: @Sendable () -> timespec

    init(hostname: String, pid: Int32 = getpid(), now: @escaping @Sendable () -> timespec = UniqueNameGenerator.realtime) {
        self.escapedHostname = Self.escape(hostname)
        self.pid = pid
        self.now = now
    }

    @Sendable static func realtime() -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time
    }

    static func escape(_ hostname: String) -> String {
        var result = ""
        for character in hostname.unicodeScalars {
            switch character {
            case "/": result += "\\057"
            case ":": result += "\\072"
            case ",": result += "\\054"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// The next unique base name.
    func next() -> String {
        let time = now()
        let sequence = Self.counter.wrappingAdd(1, ordering: .relaxed).newValue
        return "\(time.tv_sec).M\(time.tv_nsec / 1000)P\(pid)Q\(sequence).\(escapedHostname)"
    }
}

/// Streams message bytes to disk in the configured line-end convention and counts the sizes
/// Maildir file names carry: S (bytes on disk) and W (bytes with CRLF line ends).
struct LineEndingConverter {
    let lineEnding: MaildirConfiguration.LineEnding
    /// Bytes produced so far (S).
    private(set) var storedSize: UInt64 = 0
    /// LFs produced that do not follow a CR; each would take one more byte as CRLF.
    private var bareLineFeeds: UInt64 = 0
    /// The last byte produced.
    private var lastOutput: UInt8 = 0
    /// The last input byte was a CR (in `.lf` mode held back until we know whether LF follows).
    private var previousWasCR = false

    init(lineEnding: MaildirConfiguration.LineEnding) {
        self.lineEnding = lineEnding
    }

    /// The RFC 822 size (W): the stored size with every line end counted as CRLF.
    var virtualSize: UInt64 { storedSize + bareLineFeeds }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    @inline(__always)
    private mutating func emit(_ byte: UInt8, into output: inout [UInt8]) {
        if byte == Self.lf && lastOutput != Self.cr { bareLineFeeds += 1 }
        lastOutput = byte
        output.append(byte)
        storedSize += 1
    }

    /// Converts one input chunk, appending the output to `output`.
    mutating func convert(_ input: [UInt8], into output: inout [UInt8]) {
        switch lineEnding {
        case .lf:
            convertToLF(input, into: &output)
        case .crlf:
            // Bare LF -> CRLF; CRLF passes through.
            for byte in input {
                if byte == Self.lf && !previousWasCR { emit(Self.cr, into: &output) }
                emit(byte, into: &output)
                previousWasCR = byte == Self.cr
            }
        }
    }

    /// CRLF -> LF, a span at a time: runs without CR are copied whole (`memchr` finds the
    /// next CR); a CR is dropped when an LF follows and kept otherwise; a CR that ends the
    /// chunk is held back until the next chunk shows what follows it. Each stored LF that
    /// does not follow a stored CR adds a byte to W.
    private mutating func convertToLF(_ input: [UInt8], into output: inout [UInt8]) {
        input.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
            let count = buffer.count
            var index = 0
            if previousWasCR {
                previousWasCR = false
                if base[0] != Self.lf { emit(Self.cr, into: &output) }
            }
            output.reserveCapacity(output.count + count)
            while index < count {
                let next = memchr(base + index, Int32(Self.cr), count - index)
                let crIndex = next.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? count
                if crIndex > index {
                    appendSpan(UnsafeBufferPointer(start: base + index, count: crIndex - index), into: &output)
                }
                guard crIndex < count else { break }
                if crIndex + 1 == count {
                    previousWasCR = true
                } else if base[crIndex + 1] != Self.lf {
                    appendSpan(UnsafeBufferPointer(start: base + crIndex, count: 1), into: &output)
                }
                index = crIndex + 1
            }
        }
    }

    private mutating func appendSpan(_ span: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        guard let base = span.baseAddress, let first = span.first, let last = span.last else { return }
        // A span holds no CR, so only its first LF can follow one (a kept bare CR).
        var lineFeeds: UInt64 = 0
        for offset in 0..<span.count { lineFeeds &+= base[offset] == Self.lf ? 1 : 0 }
        if first == Self.lf && lastOutput == Self.cr { lineFeeds -= 1 }
        bareLineFeeds += lineFeeds
        storedSize += UInt64(span.count)
        lastOutput = last
        output.append(contentsOf: span)
    }

    /// Ends the message: in `.lf` mode a CR held back at the very end is written.
    mutating func finish(into output: inout [UInt8]) {
        if lineEnding == .lf && previousWasCR {
            previousWasCR = false
            emit(Self.cr, into: &output)
        }
    }
}

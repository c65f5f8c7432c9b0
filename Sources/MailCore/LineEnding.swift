#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How line ends are written when a message is stored.
public enum LineEnding: String, Sendable, Hashable, CaseIterable {
    /// CRLF becomes LF (Dovecot's default for Maildir). Bare LF and bare CR are kept.
    case lf
    /// Bare LF becomes CRLF; CRLF (as received over LMTP) is kept. Bare CR is kept.
    case crlf
}

/// What a `LineEndingConverter` produced from a whole message: enough to copy those bytes
/// as they are into a longer output (after per-recipient header lines) and still count that
/// output's sizes exactly.
public struct ConvertedBytes: Sendable, Hashable {
    /// The form of the bytes.
    public var lineEnding: LineEnding
    /// Their size in octets (`S`).
    public var count: Int
    /// Their size with every line end counted as CRLF (`W`), as counted from the start of
    /// an output (or after a byte that is not a CR).
    public var virtualSize: Int
    /// The last byte (0 when there are none).
    public var lastByte: UInt8

    /// A summary of converted bytes, fields as documented above.
    public init(lineEnding: LineEnding, count: Int, virtualSize: Int, lastByte: UInt8) {
        self.lineEnding = lineEnding
        self.count = count
        self.virtualSize = virtualSize
        self.lastByte = lastByte
    }
}

/// Converts a message's line ends to a `LineEnding` as its bytes stream past, in chunks
/// of any size (a CRLF split between two chunks converts like a whole one), and counts
/// the sizes a store needs:
/// - `storedSize`: octets produced (Maildir's `S`);
/// - `virtualSize`: the produced bytes with every line end counted as CRLF (Maildir's
///   `W`, the RFC 822 size IMAP reports): each produced LF not right after a produced CR
///   counts one more octet;
/// - `inputSize` and `inputRFC5322Size`: the input as given, and with each of its bare
///   LFs counted as CRLF (what Sieve's `size` test measures of the message as received).
///
/// The rules, stated byte by byte (`.lf`): a CR directly followed by an LF is dropped;
/// every other byte is kept. (`.crlf`): an LF not directly after a CR gets a CR in front;
/// every other byte is kept.
///
/// Work is done a line at a time: `memchr` finds each LF and the bytes between are copied
/// whole, so a long message costs one scan and one copy.
///
/// - SeeAlso: RFC 5322 §2.1 and §2.3 (CRLF line ends); https://cr.yp.to/proto/maildir.html
///   and the Maildir++ `,S=` / `,W=` conventions.
public struct LineEndingConverter: Sendable {
    /// The form produced.
    public let target: LineEnding
    /// Octets produced so far (`S`).
    public private(set) var storedSize: Int = 0
    /// Octets given so far.
    public private(set) var inputSize: Int = 0
    /// Produced LFs that do not follow a produced CR.
    private var storedBareLineFeeds = 0
    /// Given LFs that do not follow a given CR.
    private var inputBareLineFeeds = 0
    /// The last byte produced (0 before the first).
    private var lastOutput: UInt8 = 0
    /// The last byte given was a CR.
    private var lastInputWasCR = false
    /// `.lf`: a CR that ended the last chunk, held back until the next byte shows whether an
    /// LF follows it.
    private var heldCR = false

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// A converter to `target` with nothing seen yet.
    public init(target: LineEnding) {
        self.target = target
    }

    /// The produced bytes' size with every line end counted as CRLF (`W`).
    public var virtualSize: Int { storedSize + storedBareLineFeeds }

    /// The input's size with each bare LF counted as CRLF (RFC 5228 §5.9's `size`).
    public var inputRFC5322Size: Int { inputSize + inputBareLineFeeds }

    /// True while a CR at the end of the input so far is held back (`.lf` only): the next
    /// byte decides whether it is produced.
    public var isHoldingCR: Bool { heldCR }

    /// What was produced so far.
    public var produced: ConvertedBytes {
        ConvertedBytes(lineEnding: target, count: storedSize, virtualSize: virtualSize, lastByte: lastOutput)
    }

    /// Whether bytes converted elsewhere can follow what was produced so far as they are:
    /// the same form, no CR held back (it might have paired with their first LF) and the
    /// last byte produced not a CR (their `W` was counted without one in front).
    public func canAppend(_ converted: ConvertedBytes) -> Bool {
        converted.lineEnding == target && !heldCR && lastOutput != Self.cr
    }

    /// Accounts for bytes converted elsewhere that the caller puts in the output now
    /// (`canAppend(converted)` must be true).
    public mutating func append(_ converted: ConvertedBytes) {
        precondition(canAppend(converted), "converted bytes appended where they do not fit")
        guard converted.count > 0 else { return }
        storedSize += converted.count
        storedBareLineFeeds += converted.virtualSize - converted.count
        lastOutput = converted.lastByte
    }

    /// The most octets `convert` can produce from `inputCount` octets: room to give it.
    public func maximumOutput(forInput inputCount: Int) -> Int {
        target == .crlf ? 2 * inputCount : inputCount + 1
    }

    /// Converts one chunk into `destination`, which must have room for
    /// `maximumOutput(forInput: input.count)` octets; returns the octets written.
    public mutating func convert(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer) -> Int {
        guard let base = input.baseAddress, !input.isEmpty else { return 0 }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let count = input.count
        inputSize += count
        var written = 0
        var start = 0
        if heldCR {
            heldCR = false
            // CR LF across chunks: the CR is dropped; the LF is handled below.
            if bytes[0] != Self.lf { written += put(Self.cr, destination + written) }
        }
        var previousWasCR = lastInputWasCR
        while start < count {
            guard let found = memchr(bytes + start, Int32(Self.lf), count - start) else {
                var end = count
                if target == .lf && bytes[count - 1] == Self.cr {
                    end -= 1
                    heldCR = true
                }
                written += copy(bytes + start, end - start, destination + written)
                break
            }
            let lineFeed = bytes.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let afterCR = lineFeed > 0 ? bytes[lineFeed - 1] == Self.cr : previousWasCR
            if !afterCR { inputBareLineFeeds += 1 }
            switch target {
            case .lf:
                // Up to the CR that an LF follows (dropped), or up to a bare LF.
                let contentEnd = afterCR && lineFeed > start ? lineFeed - 1 : lineFeed
                written += copy(bytes + start, contentEnd - start, destination + written)
                written += put(Self.lf, destination + written)
            case .crlf:
                if afterCR {
                    written += copy(bytes + start, lineFeed + 1 - start, destination + written)
                } else {
                    written += copy(bytes + start, lineFeed - start, destination + written)
                    written += put(Self.cr, destination + written)
                    written += put(Self.lf, destination + written)
                }
            }
            start = lineFeed + 1
            previousWasCR = false
        }
        lastInputWasCR = bytes[count - 1] == Self.cr
        return written
    }

    /// Converts one chunk, appending the output to `output`.
    public mutating func convert(_ input: [UInt8], appendingTo output: inout [UInt8]) {
        input.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Void in convert(raw, appendingTo: &output) }
    }

    /// Converts one chunk, appending the output to `output`.
    public mutating func convert(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        guard !input.isEmpty else { return }
        let produced = [UInt8](unsafeUninitializedCapacity: maximumOutput(forInput: input.count)) { buffer, initialized in
            initialized = buffer.baseAddress.map { convert(input, into: UnsafeMutableRawPointer($0)) } ?? 0
        }
        output.append(contentsOf: produced)
    }

    /// Ends the input: a CR held back at the very end is produced. Returns the octets
    /// written to `destination` (room for one).
    public mutating func finish(into destination: UnsafeMutableRawPointer) -> Int {
        guard heldCR else { return 0 }
        heldCR = false
        return put(Self.cr, destination)
    }

    /// Ends the input, appending a held-back CR to `output`.
    public mutating func finish(appendingTo output: inout [UInt8]) {
        guard heldCR else { return }
        heldCR = false
        produced(Self.cr)
        output.append(Self.cr)
    }

    /// Produces one byte.
    @inline(__always)
    private mutating func put(_ byte: UInt8, _ destination: UnsafeMutableRawPointer) -> Int {
        destination.storeBytes(of: byte, as: UInt8.self)
        produced(byte)
        return 1
    }

    /// Counts one produced byte.
    @inline(__always)
    private mutating func produced(_ byte: UInt8) {
        if byte == Self.lf && lastOutput != Self.cr { storedBareLineFeeds += 1 }
        lastOutput = byte
        storedSize += 1
    }

    /// Produces a run of bytes that holds no LF.
    @inline(__always)
    private mutating func copy(_ source: UnsafePointer<UInt8>, _ count: Int, _ destination: UnsafeMutableRawPointer) -> Int {
        guard count > 0 else { return 0 }
        destination.copyMemory(from: source, byteCount: count)
        lastOutput = source[count - 1]
        storedSize += count
        return count
    }
}

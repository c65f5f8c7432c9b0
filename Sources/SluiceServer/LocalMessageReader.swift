#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailCore

/// Why a message on standard input cannot be delivered.
public struct LocalMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The exit status this problem calls for.
    public var status: DeliverExitStatus
    /// The line for standard error, starting with an enhanced status code.
    public var message: String

    /// The message.
    public var description: String { message }
}

/// Turns the message an MTA writes to a local delivery agent into the form the delivery
/// agent stores: CRLF line ends, no mbox `From ` line.
///
/// - A bare LF becomes CRLF (MTAs write LF to commands); a CRLF stays; a bare CR stays as
///   it is (the LMTP server keeps it too).
/// - A first line starting with `From ` (the mbox envelope line that Postfix's `local`
///   and `pipe` with the `F` flag write) is dropped: it is not a header field.
///
/// Fed in chunks of any size, it gives the same result as the whole input at once.
public struct LocalMessageNormalizer: Sendable {
    private var previousWasCR = false
    /// The first line, held until it is known whether it is a `From ` line.
    private var firstLine: [UInt8] = []
    private var decidedFirstLine = false
    /// Longest first line held back; past it, the line cannot be `From ` and goes on.
    private static let firstLineLimit = 1000

    /// A normaliser at the start of a message.
    public init() {}

    /// The normalised bytes for `chunk`, given what came before.
    public mutating func feed(_ chunk: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(chunk.count + chunk.count / 32)
        for byte in chunk {
            if !decidedFirstLine {
                firstLine.append(byte)
                let prefix = Array("From ".utf8)
                let couldBeFrom = firstLine.count <= prefix.count ? prefix.starts(with: firstLine) : firstLine.starts(with: prefix)
                if !couldBeFrom || firstLine.count > Self.firstLineLimit {
                    decidedFirstLine = true
                    let held = firstLine
                    firstLine = []
                    for heldByte in held { convert(heldByte, into: &output) }
                } else if byte == 0x0A {
                    // A whole `From ` line: dropped.
                    decidedFirstLine = true
                    firstLine = []
                }
                continue
            }
            convert(byte, into: &output)
        }
        return output
    }

    /// What is still held back at the end of the input.
    public mutating func finish() -> [UInt8] {
        decidedFirstLine = true
        let held = firstLine
        firstLine = []
        // An input that is only a `From ` line without a line end: keep it (it is all there is).
        var output: [UInt8] = []
        for byte in held { convert(byte, into: &output) }
        return output
    }

    private mutating func convert(_ byte: UInt8, into output: inout [UInt8]) {
        if byte == 0x0A && !previousWasCR { output.append(0x0D) }
        output.append(byte)
        previousWasCR = byte == 0x0D
    }
}

/// Reads one message from a file descriptor (standard input) into a message spool, the way
/// the LMTP server spools what it receives: in memory up to the spool's threshold, then in
/// an unlinked temporary file, so a large message is never held whole in memory.
public enum LocalMessageReader {
    /// Reads until end of file. Fails with `dataError` for a NUL octet or a message over
    /// `maximumSize` octets (0 for no limit), `temporaryFailure` for a read or spool error.
    public static func read(fileDescriptor: Int32, spool: MessageSpoolConfiguration, maximumSize: Int)
        throws(LocalMessageError) -> SpooledMessage
    {
        let writer = MessageSpoolWriter(configuration: spool)
        var normalizer = LocalMessageNormalizer()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        func append(_ bytes: [UInt8]) throws(LocalMessageError) {
            if bytes.contains(0) {
                throw LocalMessageError(status: .dataError, message: "5.6.0 the message contains a NUL octet")
            }
            do {
                try writer.append(bytes)
            } catch {
                throw LocalMessageError(status: .temporaryFailure, message: "4.3.0 \(error.message)")
            }
            if maximumSize > 0 && writer.count > maximumSize {
                throw LocalMessageError(
                    status: .dataError,
                    message: "5.2.3 the message is larger than the limit of \(maximumSize) octets (max_message_size)")
            }
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(fileDescriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw LocalMessageError(status: .temporaryFailure, message: "4.3.0 cannot read the message: \(reason)")
            }
            if count == 0 { break }
            try append(normalizer.feed(buffer[0..<count]))
        }
        try append(normalizer.finish())
        do {
            return try writer.finish()
        } catch {
            throw LocalMessageError(status: .temporaryFailure, message: "4.3.0 \(error.message)")
        }
    }
}

/// `read(2)`, named apart from ``LocalMessageReader/read(fileDescriptor:spool:maximumSize:)``.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately plain LMTP client for the end-to-end tests: a blocking TCP socket,
/// bytes written as given, replies split into lines by hand. It shares no code with the
/// server, so the tests check the wire, not our own parser against itself.
final class LMTPClient {
    /// One complete (possibly multi-line) reply.
    struct Reply: CustomStringConvertible {
        var code: Int
        var lines: [String]
        var text: String { lines.joined(separator: "\n") }
        var description: String { lines.map { "\(code) \($0)" }.joined(separator: " | ") }
    }

    enum ClientError: Error, CustomStringConvertible {
        case connect(Int32)
        case closed(String)
        case malformed(String)
        var description: String {
            switch self {
            case .connect(let e): return "connect failed: \(String(cString: strerror(e)))"
            case .closed(let partial): return "connection closed; unread: \(partial)"
            case .malformed(let line): return "malformed reply line: \(line)"
            }
        }
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 {
            let error = errno
            close(fd)
            throw ClientError.connect(error)
        }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Reads one reply: lines `NNN-text` until `NNN text`.
    func reply() throws -> Reply {
        var lines: [String] = []
        while true {
            let line = try readLine()
            guard line.count >= 3, let code = Int(line.prefix(3)) else { throw ClientError.malformed(line) }
            let rest = line.dropFirst(3)
            lines.append(String(rest.dropFirst()))
            if rest.first != "-" { return Reply(code: code, lines: lines) }
        }
    }

    func replies(_ count: Int) throws -> [Reply] {
        try (0..<count).map { _ in try reply() }
    }

    /// Sends a command line and reads its reply.
    func command(_ line: String) throws -> Reply {
        send(line + "\r\n")
        return try reply()
    }

    private func readLine() throws -> String {
        while true {
            if let index = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<index])
                buffer.removeFirst(index + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { throw ClientError.closed(String(decoding: buffer, as: UTF8.self)) }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}

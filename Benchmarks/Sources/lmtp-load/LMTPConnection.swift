#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One reply of the server: its code and the text of each line (RFC 5321 §4.2).
struct Reply: CustomStringConvertible {
    var code: Int
    var lines: [String]

    var description: String { lines.map { "\(code) \($0)" }.joined(separator: " / ") }
}

/// A blocking client connection with a read buffer. Used by one thread only; written
/// independently of Sluice's LMTP code so that it can judge the server's replies.
final class LMTPConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var readIndex = 0

    init(endpoint: Endpoint, timeout: Double) throws(LoadError) {
        switch endpoint {
        case .tcp(let host, let port):
            fd = try Self.connectTCP(host: host, port: port)
        case .unix(let path):
            fd = try Self.connectUnix(path: path)
        }
        var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    private static func connectTCP(host: String, port: UInt16) throws(LoadError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .connect("cannot resolve '\(host)': \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address for '\(host)'"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    return fd
                }
                lastError = "\(host):\(port): \(String(cString: strerror(errno)))"
                close(fd)
            }
            entry = info.pointee.ai_next
        }
        throw .connect(lastError)
    }

    private static func connectUnix(path: String) throws(LoadError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw .connect("socket path longer than \(capacity - 1) octets: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .connect("socket(): \(String(cString: strerror(errno)))") }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw .connect("unix:\(path): \(message)")
        }
        return fd
    }

    /// Writes all of `bytes`.
    func send(_ bytes: UnsafeRawBufferPointer) throws(LoadError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.send(fd, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .timeout("the server stopped reading") }
                throw .io("send: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    func send(_ bytes: [UInt8]) throws(LoadError) {
        var failure: LoadError?
        bytes.withUnsafeBytes { raw in
            do throws(LoadError) { try send(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    func send(_ text: String) throws(LoadError) { try send(Array(text.utf8)) }

    /// Reads one complete (possibly multi-line) reply.
    func readReply() throws(LoadError) -> Reply {
        var code: Int?
        var lines: [String] = []
        while true {
            let line = try readLine()
            guard line.count >= 3, let lineCode = Int(line.prefix(3)), (200...599).contains(lineCode) else {
                throw .protocolViolation("expected a reply line 'NNN text', found '\(line)'")
            }
            if let code, code != lineCode {
                throw .protocolViolation("a multi-line reply changed its code from \(code) to \(lineCode)")
            }
            code = lineCode
            let separator = line.dropFirst(3).first
            guard separator == nil || separator == " " || separator == "-" else {
                throw .protocolViolation("expected ' ' or '-' after the reply code, found '\(line)'")
            }
            lines.append(String(line.dropFirst(4)))
            if separator != "-" { return Reply(code: lineCode, lines: lines) }
        }
    }

    /// Whether the server has sent bytes that nobody asked for (an extra reply).
    func hasUnsolicitedBytes() -> Bool {
        if readIndex < buffer.count { return true }
        var probe: UInt8 = 0
        let count = recv(fd, &probe, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count > 0
    }

    private func readLine() throws(LoadError) -> String {
        while true {
            if let end = lineEnd() {
                let line = String(decoding: buffer[readIndex..<end], as: UTF8.self)
                readIndex = end + 2
                if readIndex == buffer.count { buffer.removeAll(keepingCapacity: true); readIndex = 0 }
                return line
            }
            if readIndex > 0 { buffer.removeFirst(readIndex); readIndex = 0 }
            guard buffer.count < 65_536 else { throw .protocolViolation("a reply line longer than 64 KiB") }
            try fill()
        }
    }

    private func lineEnd() -> Int? {
        var index = readIndex
        while index + 1 < buffer.count {
            if buffer[index] == 13 && buffer[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }

    private func fill() throws(LoadError) {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { buffer.append(contentsOf: chunk[..<count]); return }
            if count == 0 { throw .io("the server closed the connection") }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw .timeout("no reply within the reply timeout") }
            throw .io("recv: \(String(cString: strerror(errno)))")
        }
    }
}

import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Maildir

/// Runs `body` with a fresh directory of its own under the system temporary directory, then removes it.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    var template = Array((FileManager.default.temporaryDirectory.path + "/sluice-maildir-XXXXXX").utf8CString)
    let path = try template.withUnsafeMutableBufferPointer { buffer -> String in
        guard let base = buffer.baseAddress, let result = mkdtemp(base) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return String(cString: result)
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Names of the entries in a directory (empty when it does not exist).
func entries(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
}

func contents(_ path: String) -> [UInt8] {
    (FileManager.default.contents(atPath: path)).map { Array($0) } ?? []
}

func mode(_ path: String) -> mode_t {
    var info = stat()
    _ = lstat(path, &info)
    return info.st_mode & 0o7777
}

/// Sets a file's access and modification times to `secondsAgo` before now.
func age(_ path: String, secondsAgo: Int) {
    let then = timespec(tv_sec: time(nil) - secondsAgo, tv_nsec: 0)
    let times = [then, then]
    _ = utimensat(AT_FDCWD, path, times, 0)
}

func store(_ root: String, quota: MaildirQuota = .unlimited, lineEnding: MaildirConfiguration.LineEnding = .lf, fileSystem: (any FileSystem)? = nil) -> MaildirStore {
    var configuration = MaildirConfiguration()
    configuration.hostname = "mx1.example"
    configuration.lineEnding = lineEnding
    return MaildirStore(root: root, quota: quota, configuration: configuration, fileSystem: fileSystem ?? SystemFileSystem())
}

/// A file system that passes calls to the real one but fails chosen calls on purpose and
/// records what was called, so tests can check the order of durable steps.
final class FaultyFileSystem: FileSystem {
    enum Operation: String, Sendable {
        case open, write, read, copy, fsync, close, link, rename, unlink, mkdir, chmod, stat, list, fsyncDirectory
    }

    struct Fault: Sendable {
        var operation: Operation
        /// Only calls whose path contains this fail (for fd calls: the path the fd was opened with).
        var pathContains: String
        var errno: Int32
        /// How many matching calls fail before calls succeed again.
        var times: Int = 1
    }

    struct State {
        var faults: [Fault] = []
        /// Each write passes at most this many bytes (a short write), when set.
        var writeLimit: Int?
        /// Fail this many writes with EINTR before letting them through.
        var interruptedWrites = 0
        var paths: [Int32: String] = [:]
        var calls: [(Operation, String)] = []
    }

    private let real = SystemFileSystem()
    // Mutex makes the class Sendable: every access to the state goes through it.
    let state: Mutex<State>

    init(faults: [Fault] = [], writeLimit: Int? = nil, interruptedWrites: Int = 0) {
        state = Mutex(State(faults: faults, writeLimit: writeLimit, interruptedWrites: interruptedWrites))
    }

    var calls: [(Operation, String)] { state.withLock { $0.calls } }

    private func enter(_ operation: Operation, _ path: String) throws(SystemCallError) {
        let code: Int32? = state.withLock { state in
            state.calls.append((operation, path))
            guard let index = state.faults.firstIndex(where: { $0.operation == operation && path.contains($0.pathContains) && $0.times > 0 })
            else { return nil }
            state.faults[index].times -= 1
            return state.faults[index].errno
        }
        if let code { throw SystemCallError(errno: code) }
    }

    private func path(of fd: Int32) -> String { state.withLock { $0.paths[fd] ?? "fd \(fd)" } }

    func open(_ path: String, flags: Int32, mode: mode_t) throws(SystemCallError) -> Int32 {
        try enter(.open, path)
        let fd = try real.open(path, flags: flags, mode: mode)
        state.withLock { $0.paths[fd] = path }
        return fd
    }

    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) -> Int {
        try enter(.write, path(of: fd))
        let (interrupt, limit) = state.withLock { state -> (Bool, Int?) in
            if state.interruptedWrites > 0 {
                state.interruptedWrites -= 1
                return (true, nil)
            }
            return (false, state.writeLimit)
        }
        if interrupt { throw SystemCallError(errno: EINTR) }
        let count = min(bytes.count, limit ?? bytes.count)
        return try real.write(fd, UnsafeRawBufferPointer(rebasing: bytes[..<count]))
    }

    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        try enter(.read, path(of: fd))
        return try real.read(fd, into: buffer)
    }

    func copy(from source: Int32, offset: inout Int, count: Int, to destination: Int32) throws(SystemCallError) -> Int {
        try enter(.copy, path(of: destination))
        let limit = state.withLock { $0.writeLimit }
        return try real.copy(from: source, offset: &offset, count: min(count, limit ?? count), to: destination)
    }

    func fsync(_ fd: Int32) throws(SystemCallError) {
        try enter(.fsync, path(of: fd))
        try real.fsync(fd)
    }

    func close(_ fd: Int32) throws(SystemCallError) {
        let path = path(of: fd)
        state.withLock { _ = $0.paths.removeValue(forKey: fd) }
        do throws(SystemCallError) {
            try enter(.close, path)
        } catch {
            try? real.close(fd)  // the descriptor is gone either way, as with a real failed close
            throw error
        }
        try real.close(fd)
    }

    func link(_ source: String, _ destination: String) throws(SystemCallError) {
        try enter(.link, destination)
        try real.link(source, destination)
    }

    func rename(_ source: String, _ destination: String) throws(SystemCallError) {
        try enter(.rename, destination)
        try real.rename(source, destination)
    }

    func unlink(_ path: String) throws(SystemCallError) {
        try enter(.unlink, path)
        try real.unlink(path)
    }

    func mkdir(_ path: String, mode: mode_t) throws(SystemCallError) {
        try enter(.mkdir, path)
        try real.mkdir(path, mode: mode)
    }

    func chmod(_ path: String, mode: mode_t) throws(SystemCallError) {
        try enter(.chmod, path)
        try real.chmod(path, mode: mode)
    }

    func stat(_ path: String) throws(SystemCallError) -> FileStatus {
        try enter(.stat, path)
        return try real.stat(path)
    }

    func contentsOfDirectory(_ path: String) throws(SystemCallError) -> [String] {
        try enter(.list, path)
        return try real.contentsOfDirectory(path)
    }

    func fsyncDirectory(_ path: String) throws(SystemCallError) {
        try enter(.fsyncDirectory, path)
        try real.fsyncDirectory(path)
    }
}

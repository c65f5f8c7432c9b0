#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs a program with `posix_spawn`, feeds it bytes on standard input and waits for it, with a
/// deadline; no shell, no threads blocked.
///
/// Standard input is one end of a Unix socket pair, written without blocking and without
/// `SIGPIPE`, so a child that stops reading can neither hang nor kill us. Standard error goes to
/// an unlinked temporary file (no reader needed, nothing to deadlock on); standard output to
/// `/dev/null`. The child leads its own process group, so a timeout's `SIGTERM`/`SIGKILL` also
/// reaches whatever it started.
enum ChildProcess {
    /// How the child ended.
    enum Termination: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// What happened, as far as the caller needs to know.
    struct Result {
        var termination: Termination
        /// The child was killed because the deadline passed.
        var timedOut: Bool
        /// The child was killed because the calling task was cancelled.
        var cancelled: Bool
        /// Octets of standard input the child accepted before it closed its end (or all of them).
        var bytesWritten: Int
        /// The start of standard error, trimmed, with control characters other than newline shown as `?`.
        var standardError: String
    }

    /// The program could not be started.
    struct LaunchError: Error {
        var message: String
        /// The `errno` behind the failure, when there is one.
        var code: Int32 = 0
        /// Failures that pass on their own (busy program file, out of processes or memory).
        var isTransient: Bool { [ETXTBSY, EAGAIN, ENOMEM].contains(code) }
    }

    static func run(
        executablePath: String, arguments: [String], standardInput: [UInt8], timeout: Duration,
        killGracePeriod: Duration, maximumStandardErrorLength: Int
    ) async throws(LaunchError) -> Result {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let errorFile = try makeStandardErrorFile()
        defer { close(errorFile) }
        let (ours, theirs) = try makeSocketPair()
        var oursOpen = true
        defer { if oursOpen { close(ours) } }

        // ETXTBSY: the program file is open for writing somewhere (being replaced, or inherited
        // for an instant by a child another thread is starting). It passes; try a few times.
        var pid: pid_t = 0
        var attempt = 0
        while true {
            do {
                pid = try spawn(
                    executablePath: executablePath, arguments: arguments, standardInput: theirs,
                    standardError: errorFile)
                break
            } catch where error.code == ETXTBSY && attempt < 6 && clock.now < deadline {
                attempt += 1
                try? await Task.sleep(for: .milliseconds(5 << attempt))
            } catch {
                close(theirs)
                throw error
            }
        }
        close(theirs)

        // Feed standard input until done, the child stops reading, or time runs out.
        var written = 0
        var exitStatus: Int32?
        var pause = Duration.milliseconds(1)
        feeding: while written < standardInput.count {
            let result = standardInput.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return sendWithoutSignal(ours, base + written, raw.count - written)
            }
            if result > 0 {
                written += result
                pause = .milliseconds(1)
                continue
            }
            let error = errno
            if result < 0 && error == EINTR { continue }
            guard result < 0 && (error == EAGAIN || error == EWOULDBLOCK) else { break feeding }  // EPIPE etc.
            if clock.now >= deadline || Task.isCancelled { break feeding }
            // A child that exited while something it started still holds the socket: stop feeding.
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus = status
                break feeding
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(20))
        }
        shutdown(ours, Int32(SHUT_WR))
        close(ours)
        oursOpen = false

        // Wait for the child, killing its process group past the deadline or on cancellation.
        var timedOut = false
        var cancelled = false
        var killAt: ContinuousClock.Instant?
        pause = .milliseconds(1)
        while exitStatus == nil {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                exitStatus = status
                break
            }
            if reaped < 0 && errno != EINTR {
                return Result(
                    termination: .signalled(SIGKILL), timedOut: timedOut, cancelled: cancelled,
                    bytesWritten: written, standardError: "waitpid failed: \(String(cString: strerror(errno)))")
            }
            let now = clock.now
            if killAt == nil && (now >= deadline || Task.isCancelled) {
                timedOut = now >= deadline
                cancelled = !timedOut
                kill(-pid, SIGTERM)
                killAt = now + killGracePeriod
            } else if let at = killAt, now >= at {
                kill(-pid, SIGKILL)
                killAt = now + .seconds(3600)
            }
            if Task.isCancelled {
                // Task.sleep returns at once when cancelled; the child must still be reaped.
                usleep(UInt32(pause.components.attoseconds / 1_000_000_000_000))
            } else {
                try? await Task.sleep(for: pause)
            }
            pause = min(pause * 2, .milliseconds(20))
        }
        let status = exitStatus ?? 0
        let termination: Termination =
            status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
        return Result(
            termination: termination, timedOut: timedOut, cancelled: cancelled, bytesWritten: written,
            standardError: readStandardError(errorFile, limit: maximumStandardErrorLength))
    }

    private static func sendWithoutSignal(_ socket: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if os(Linux)
        return send(socket, bytes, count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        #else
        return send(socket, bytes, count, MSG_DONTWAIT)
        #endif
    }

    private static func makeSocketPair() throws(LaunchError) -> (ours: Int32, theirs: Int32) {
        var fds: [Int32] = [-1, -1]
        #if os(Linux)
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else {
            throw LaunchError(message: "socketpair for standard input failed: \(String(cString: strerror(errno)))")
        }
        #if !os(Linux)
        var on: Int32 = 1
        setsockopt(fds[0], SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        #endif
        return (fds[0], fds[1])
    }

    /// An anonymous (already unlinked) temporary file for the child's standard error.
    private static func makeStandardErrorFile() throws(LaunchError) -> Int32 {
        let directory = FileManager.default.temporaryDirectory.path
        var template = Array("\(directory)/sluice-sendmail-stderr-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        // Not atomic with creation (mkostemp is not exported): a child spawned meanwhile by
        // another thread could inherit this descriptor, which only keeps the file alive longer.
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        guard fd >= 0 else {
            throw LaunchError(message: "could not create a temporary file in \(directory) for standard error: \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { _ = unlink(base) }
        }
        return fd
    }

    private static func spawn(
        executablePath: String, arguments: [String], standardInput: Int32, standardError: Int32
    ) throws(LaunchError) -> pid_t {
        #if os(Linux)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)

        // Own process group (so a timeout kills the whole tree), default signal dispositions, nothing blocked.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executablePath] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment: [UnsafeMutablePointer<CChar>?] =
            ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executablePath, &actions, &attributes, argv, environment)
        guard result == 0 else {
            throw LaunchError(message: String(cString: strerror(result)), code: result)
        }
        return pid
    }

    private static func readStandardError(_ fd: Int32, limit: Int) -> String {
        guard limit > 0, lseek(fd, 0, SEEK_SET) == 0 else { return "" }
        var bytes = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            let count = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(fd, base + filled, limit - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        let text = String(decoding: bytes[..<filled], as: UTF8.self)
        let visible = String(
            text.unicodeScalars.map { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F ? "?" : Character($0) })
        return visible.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

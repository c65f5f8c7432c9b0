#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One program to run: what, with which arguments and environment, what it reads, and
/// the bounds on the run.
public struct ProgramInvocation: Sendable {
    /// The executable's full path (it is run directly: no shell, no `PATH` search).
    public var path: String
    /// `argv[1...]`, passed as they are.
    public var arguments: [String]
    /// The complete environment of the program: nothing of ours is inherited.
    public var environment: [String: String]
    /// What the program reads on standard input, then end of file.
    public var input: [UInt8]
    /// Longest the program may run; nil: no limit.
    public var timeout: Duration?
    /// Whether standard output is kept (else it is read and dropped).
    public var capturesOutput: Bool
    /// Most octets of standard output kept; a program that writes more is killed.
    public var maxOutput: Int

    public init(path: String, arguments: [String], environment: [String: String], input: [UInt8], timeout: Duration?,
                capturesOutput: Bool, maxOutput: Int) {
        self.path = path
        self.arguments = arguments
        self.environment = environment
        self.input = input
        self.timeout = timeout
        self.capturesOutput = capturesOutput
        self.maxOutput = maxOutput
    }
}

/// How a program run ended.
public struct ProgramRun: Sendable, Equatable {
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    public var termination: Termination
    /// The program was killed because its time ran out.
    public var timedOut: Bool
    /// The program was killed because it wrote more than `maxOutput` octets.
    public var outputTooLarge: Bool
    /// Its standard output (empty unless captured).
    public var output: [UInt8]
    /// The start of its standard error (at most 4 KiB), for the log.
    public var standardError: String

    /// Whether the program exited by itself with status 0.
    public var succeeded: Bool { termination == .exited(0) && !timedOut && !outputTooLarge }

    /// Why the run did not succeed, in a few words ("timed out after 10 s", "exited with
    /// status 2"); nil when it succeeded.
    public var failureDescription: String? {
        if timedOut { return "it did not finish in time and was killed" }
        if outputTooLarge { return "it wrote more output than the limit and was killed" }
        switch termination {
        case .exited(0): return nil
        case .exited(let status): return "it exited with status \(status)"
        case .signalled(let signal): return "it was killed by signal \(signal)"
        }
    }
}

/// The program could not be started.
public struct ProgramLaunchError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Runs a program and waits for it, blocking the calling thread: `posix_spawn` (no
/// shell), standard input fed and standard output and error drained with `poll`, so
/// neither side can dead-lock on a full pipe. The program leads its own process group;
/// past the timeout or the output limit the group gets SIGTERM, then SIGKILL half a
/// second later.
///
/// Writing to a program that stopped reading raises SIGPIPE; the first run sets SIGPIPE
/// to ignored for the process (the program itself starts with default dispositions).
public enum ProgramRunner {
    /// How long a killed program's group has between SIGTERM and SIGKILL.
    static let killGracePeriod = Duration.milliseconds(500)
    static let standardErrorLimit = 4096

    public static func run(_ invocation: ProgramInvocation) throws(ProgramLaunchError) -> ProgramRun {
        ignoreBrokenPipes
        let clock = ContinuousClock()
        let deadline = invocation.timeout.map { clock.now + $0 }
        let input = try makePipe("standard input")
        let output: (read: Int32, write: Int32)
        let errors: (read: Int32, write: Int32)
        do {
            output = try makePipe("standard output")
        } catch {
            close(input.read); close(input.write)
            throw error
        }
        do {
            errors = try makePipe("standard error")
        } catch {
            close(input.read); close(input.write); close(output.read); close(output.write)
            throw error
        }
        let pid: pid_t
        do {
            pid = try spawn(invocation, stdin: input.read, stdout: output.write, stderr: errors.write)
        } catch {
            for fd in [input.read, input.write, output.read, output.write, errors.read, errors.write] { close(fd) }
            throw error
        }
        close(input.read)
        close(output.write)
        close(errors.write)
        for fd in [input.write, output.read, errors.read] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }

        var run = ProgramRun(termination: .exited(0), timedOut: false, outputTooLarge: false, output: [], standardError: "")
        var stdinFD: Int32? = input.write
        var stdoutFD: Int32? = output.read
        var stderrFD: Int32? = errors.read
        var written = 0
        var errorBytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        if invocation.input.isEmpty, let fd = stdinFD {
            close(fd)
            stdinFD = nil
        }
        var killedAt: ContinuousClock.Instant?

        func terminate(_ reason: inout Bool) {
            reason = true
            kill(-pid, SIGTERM)
            killedAt = clock.now
        }

        // Feed and drain until both outputs reach end of file, or the run must end.
        while stdoutFD != nil || stderrFD != nil || stdinFD != nil {
            if let deadline, clock.now >= deadline, killedAt == nil { terminate(&run.timedOut) }
            if killedAt != nil { break }
            var fds: [pollfd] = []
            if let fd = stdinFD { fds.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)) }
            if let fd = stdoutFD { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if let fd = stderrFD { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            var wait: Int32 = 100
            if let deadline {
                let left = milliseconds(deadline - clock.now)
                wait = Int32(max(0, min(left, 100)))
            }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 && errno != EINTR { break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == stdinFD {
                    let count = invocation.input.withUnsafeBytes { raw -> Int in
                        guard let base = raw.baseAddress else { return 0 }
                        return write(entry.fd, base + written, min(raw.count - written, 65536))
                    }
                    if count > 0 { written += count }
                    if (count < 0 && errno != EAGAIN && errno != EINTR) || written >= invocation.input.count {
                        close(entry.fd)
                        stdinFD = nil
                    }
                } else if entry.fd == stdoutFD || entry.fd == stderrFD {
                    let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                    if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                    if count <= 0 {
                        close(entry.fd)
                        if entry.fd == stdoutFD { stdoutFD = nil } else { stderrFD = nil }
                        continue
                    }
                    if entry.fd == stdoutFD {
                        guard invocation.capturesOutput else { continue }
                        if run.output.count + count > invocation.maxOutput {
                            terminate(&run.outputTooLarge)
                            break
                        }
                        run.output.append(contentsOf: buffer[..<count])
                    } else if errorBytes.count < standardErrorLimit {
                        errorBytes.append(contentsOf: buffer[..<min(count, standardErrorLimit - errorBytes.count)])
                    }
                }
            }
        }
        for fd in [stdinFD, stdoutFD, stderrFD].compactMap({ $0 }) { close(fd) }

        // Reap the program; past the deadline (or after SIGTERM's grace) kill its group.
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            let now = clock.now
            if killedAt == nil, let deadline, now >= deadline { terminate(&run.timedOut) }
            if let at = killedAt, now - at >= killGracePeriod {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                break
            }
            usleep(2000)
        }
        run.termination = status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
        run.standardError = String(decoding: errorBytes, as: UTF8.self)
        return run
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }

    /// Set once, on first use.
    private static let ignoreBrokenPipes: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    private static func makePipe(_ what: String) throws(ProgramLaunchError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        // Not atomic with creation (pipe2 is not exported): a program another thread starts
        // meanwhile could inherit an end, which only delays its end of file.
        let result = pipe(&fds)
        for fd in fds where result == 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        guard result == 0 else {
            throw ProgramLaunchError(message: "cannot create a pipe for \(what): \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }

    private static func spawn(_ invocation: ProgramInvocation, stdin: Int32, stdout: Int32,
                              stderr: Int32) throws(ProgramLaunchError) -> pid_t {
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
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([invocation.path] + invocation.arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment: [UnsafeMutablePointer<CChar>?] =
            invocation.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }
        var pid: pid_t = 0
        var result = posix_spawn(&pid, invocation.path, &actions, &attributes, argv, environment)
        // ETXTBSY: the file is open for writing somewhere (being replaced, or inherited for an
        // instant by a child another thread is starting). It passes; try a few times.
        var attempt = 0
        while result == ETXTBSY && attempt < 6 {
            attempt += 1
            usleep(UInt32(5000 << attempt))
            result = posix_spawn(&pid, invocation.path, &actions, &attributes, argv, environment)
        }
        guard result == 0 else {
            throw ProgramLaunchError(message: "cannot start \(invocation.path): \(String(cString: strerror(result)))")
        }
        return pid
    }
}

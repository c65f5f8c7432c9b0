#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Sieve
import Synchronization

/// What compiling one script file gave.
enum CompileOutcome<Script: Sendable>: Sendable {
    case compiled(Script)
    /// The script has errors; one line per diagnostic (`file:line:column: error: ...`).
    case broken([String])
}

/// What the cache has for a path.
enum CachedScript<Script: Sendable>: Sendable {
    /// No file at the path: no script, the implicit keep applies.
    case missing
    /// The compiled script of the file's current version.
    case script(Script)
    /// The file does not compile, cannot be read, or is too large; the diagnostics say
    /// why. Delivery falls back to INBOX.
    case broken([String])
}

/// Compiled scripts keyed by path, recompiled only when the file changes.
///
/// On each use the file is `stat`ed (cheap); its device, inode, size and modification
/// time (nanoseconds) identify the version. A changed version is read with the same
/// `open` whose `fstat` gives the version stored, so the cache never pairs old text
/// with a new version. Diagnostics of a broken version are logged once per version.
///
/// Scripts a script includes (RFC 6609) are files too: each one the compilation looked
/// for is recorded with its version, or as missing, and `stat`ed on each use as well;
/// when one changed, appeared or disappeared the script is compiled again.
///
/// Safe for concurrent deliveries: the table is behind a `Mutex`, and compiling
/// happens outside the lock (two deliveries meeting a new version at once may both
/// compile it; the first to finish is kept and logged, the other is dropped quietly).
final class ScriptCache<Script: Sendable>: Sendable {
    private struct Entry: Sendable {
        var version: FileVersion
        var outcome: CachedScript<Script>
        /// The included scripts the compilation looked for.
        var dependencies: [ScriptDependency]

        var isCurrent: Bool { dependencies.allSatisfy(\.isCurrent) }
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let compile: @Sendable (_ source: [UInt8], _ path: String, _ loader: any SieveScriptLoader) -> CompileOutcome<Script>
    private let maximumBytes: Int
    /// Where `include :global` looks (`[scripts] global_dir`); nil: not configured.
    private let globalDirectory: String?
    private let logger: Logger
    /// How many times a file was compiled (for tests and metrics).
    private let compilations = Atomic<Int>(0)

    /// A cache whose scripts may include others: `compile` gets a loader that finds
    /// personal scripts next to the script and global ones in `globalDirectory`.
    init(maximumBytes: Int, globalDirectory: String? = nil, logger: Logger,
         compileWithIncludes compile: @escaping @Sendable (_ source: [UInt8], _ path: String, _ loader: any SieveScriptLoader)
             -> CompileOutcome<Script>) {
        self.maximumBytes = maximumBytes
        self.globalDirectory = globalDirectory
        self.logger = logger
        self.compile = compile
    }

    /// A cache whose compile step does not look at includes.
    convenience init(maximumBytes: Int, logger: Logger,
                     compile: @escaping @Sendable (_ source: [UInt8], _ path: String) -> CompileOutcome<Script>) {
        self.init(maximumBytes: maximumBytes, logger: logger) { source, path, _ in compile(source, path) }
    }

    /// How many compilations the cache has done so far.
    var compilationCount: Int { compilations.load(ordering: .relaxed) }

    /// The script at `path` (blocking: stats and maybe reads the file).
    func script(at path: String) -> CachedScript<Script> {
        let current: FileVersion
        switch Self.version(ofPath: path) {
        case .failure(let code) where code.code == ENOENT || code.code == ENOTDIR:
            entries.withLock { _ = $0.removeValue(forKey: path) }
            return .missing
        case .failure(let code):
            return brokenWithoutCaching(path, "cannot read the script \(path): \(code)")
        case .success(let version):
            current = version
        }
        if let cached = entries.withLock({ $0[path] }), cached.version == current, cached.isCurrent {
            return cached.outcome
        }
        return load(path)
    }

    private func load(_ path: String) -> CachedScript<Script> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return .missing }
            return brokenWithoutCaching(path, "cannot open the script \(path): \(Errno(code))")
        }
        defer { close(fd) }
        let version: FileVersion
        switch FileVersion.of(descriptor: fd) {
        case .failure(let code):
            return brokenWithoutCaching(path, "cannot stat the script \(path): \(code)")
        case .success(let found):
            version = found
        }
        let outcome: CachedScript<Script>
        let loader = IncludedScriptLoader(personalDirectory: ScriptLocation.folder(of: path),
                                          globalDirectory: globalDirectory, maximumBytes: maximumBytes)
        if version.size > Int64(maximumBytes) {
            outcome = .broken(["\(path): the script is \(version.size) bytes long; at most \(maximumBytes) are allowed"])
        } else {
            switch FileVersion.readAll(fd, expected: Int(version.size)) {
            case .failure(let code):
                return brokenWithoutCaching(path, "cannot read the script \(path): \(code)")
            case .success(let source):
                compilations.add(1, ordering: .relaxed)
                switch compile(source, path, loader) {
                case .compiled(let script): outcome = .script(script)
                case .broken(let diagnostics): outcome = .broken(diagnostics)
                }
            }
        }
        let isFirst = entries.withLock { table -> Bool in
            if let existing = table[path], existing.version == version, existing.dependencies == loader.dependencies { return false }
            table[path] = Entry(version: version, outcome: outcome, dependencies: loader.dependencies)
            return true
        }
        if isFirst, case .broken(let diagnostics) = outcome {
            logger.error("Sieve script does not compile; its users' mail goes to INBOX until it is fixed",
                         metadata: ["script": "\(path)", "diagnostics": "\(diagnostics.joined(separator: " | "))"])
        }
        return outcome
    }

    /// A failure that is not tied to a file version (permissions, I/O): logged each time
    /// (it is rare and an operator must see it), never cached.
    private func brokenWithoutCaching(_ path: String, _ message: String) -> CachedScript<Script> {
        logger.error("Sieve script unusable; delivering to INBOX", metadata: ["script": "\(path)", "error": "\(message)"])
        return .broken([message])
    }

    static func version(ofPath path: String) -> Result<FileVersion, Errno> {
        FileVersion.of(path: path)
    }
}

/// A file's identity and version: device, inode, size and modification time
/// (nanoseconds).
struct FileVersion: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int64
    var modifiedNanoseconds: Int64

    static func of(path: String) -> Result<FileVersion, Errno> {
        var status = stat()
        guard stat(path, &status) == 0 else { return .failure(Errno(errno)) }
        return .success(FileVersion(status))
    }

    static func of(descriptor fd: Int32) -> Result<FileVersion, Errno> {
        var status = stat()
        guard fstat(fd, &status) == 0 else { return .failure(Errno(errno)) }
        return .success(FileVersion(status))
    }

    static func readAll(_ fd: Int32, expected: Int) -> Result<[UInt8], Errno> {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(expected)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }
}

extension FileVersion {
    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedSeconds = Int64(status.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(status.st_mtim.tv_nsec)
    }
}

/// An errno value as an `Error`, so it can travel in a `Result`.
struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    var code: Int32
    init(_ code: Int32) { self.code = code }
    /// `No such file or directory (errno 2)`.
    var description: String { "\(errorText(code)) (errno \(code))" }
}

func errorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "unknown error" }
    return String(cString: text)
}

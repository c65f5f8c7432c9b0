#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Sieve

/// What a script's compiled form depended on: one file an `include` looked for, and the
/// version it had (or that it was missing). A compiled script is current only while
/// every dependency still looks the same.
struct ScriptDependency: Hashable, Sendable {
    enum State: Hashable, Sendable {
        case missing
        case present(FileVersion)
        /// Could not be read (permissions, I/O): never current, so the script is
        /// compiled again on the next use.
        case unreadable
    }

    var path: String
    var state: State

    /// Whether the file still looks as it did when the script was compiled.
    var isCurrent: Bool {
        switch (state, FileVersion.of(path: path)) {
        case (.missing, .failure(let code)): return code.code == ENOENT || code.code == ENOTDIR
        case (.present(let then), .success(let now)): return then == now
        default: return false
        }
    }
}

/// Finds included scripts for the delivery agent (RFC 6609 §3.2): `:personal` ones next
/// to the including user's script (`DIR/NAME.sieve`), `:global` ones in the configured
/// global directory (`[scripts] global_dir`). Records every file it looked at, with its
/// version, so the script cache can tell when a compiled script is out of date.
///
/// Used by one compilation on one thread; not shared.
final class IncludedScriptLoader: SieveScriptLoader {
    let personalDirectory: String
    let globalDirectory: String?
    let maximumBytes: Int
    private(set) var dependencies: [ScriptDependency] = []

    init(personalDirectory: String, globalDirectory: String?, maximumBytes: Int) {
        self.personalDirectory = personalDirectory
        self.globalDirectory = globalDirectory
        self.maximumBytes = maximumBytes
    }

    func loadScript(named name: String, at location: ScriptLocation) throws(ScriptLoadError) -> IncludedSource? {
        let directory: String
        switch location {
        case .personal:
            directory = personalDirectory
        case .global:
            guard let globalDirectory else {
                throw ScriptLoadError("no global script directory is configured (set [scripts] global_dir)")
            }
            directory = globalDirectory
        }
        let path = ScriptLocation.path(ofScript: name, in: directory)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                dependencies.append(ScriptDependency(path: path, state: .missing))
                return nil
            }
            dependencies.append(ScriptDependency(path: path, state: .unreadable))
            throw ScriptLoadError("cannot open \(path): \(Errno(code))")
        }
        defer { close(fd) }
        guard case .success(let version) = FileVersion.of(descriptor: fd) else {
            dependencies.append(ScriptDependency(path: path, state: .unreadable))
            throw ScriptLoadError("cannot stat \(path): \(Errno(errno))")
        }
        if version.size > Int64(maximumBytes) {
            dependencies.append(ScriptDependency(path: path, state: .present(version)))
            throw ScriptLoadError("\(path) is \(version.size) bytes long; at most \(maximumBytes) are allowed")
        }
        switch FileVersion.readAll(fd, expected: Int(version.size)) {
        case .failure(let code):
            dependencies.append(ScriptDependency(path: path, state: .unreadable))
            throw ScriptLoadError("cannot read \(path): \(code)")
        case .success(let source):
            dependencies.append(ScriptDependency(path: path, state: .present(version)))
            return IncludedSource(source: source, displayName: path)
        }
    }
}

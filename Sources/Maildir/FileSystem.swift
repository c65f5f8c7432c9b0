import Glibc

/// A failed system call's errno.
struct SystemCallError: Error, Equatable {
    let errno: Int32
}

/// What the store needs to know from `stat`.
struct FileStatus: Equatable {
    var size: Int64
    var isDirectory: Bool
    var isRegularFile: Bool
    /// Modification time, nanoseconds since the epoch.
    var modified: Int64
    /// Access time, nanoseconds since the epoch.
    var accessed: Int64
}

/// The system calls the store makes, one method each, so tests can fail any step on purpose.
///
/// Methods return or throw exactly what the call does; retrying on EINTR and short writes is
/// the caller's job, so that those paths can be tested too.
protocol FileSystem: Sendable {
    func open(_ path: String, flags: Int32, mode: mode_t) throws(SystemCallError) -> Int32
    /// Writes some of `bytes`; returns how many were written (possibly fewer).
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) -> Int
    /// Reads up to `buffer.count` bytes; returns 0 at end of file.
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int
    /// Copies up to `count` bytes from `source` at `offset` (advanced by what was copied) to
    /// `destination`'s current position, inside the kernel (`sendfile(2)`); returns how many
    /// were copied (possibly fewer; 0 at the source's end).
    func copy(from source: Int32, offset: inout Int, count: Int, to destination: Int32) throws(SystemCallError) -> Int
    func fsync(_ fd: Int32) throws(SystemCallError)
    func close(_ fd: Int32) throws(SystemCallError)
    func link(_ source: String, _ destination: String) throws(SystemCallError)
    func rename(_ source: String, _ destination: String) throws(SystemCallError)
    func unlink(_ path: String) throws(SystemCallError)
    func mkdir(_ path: String, mode: mode_t) throws(SystemCallError)
    func chmod(_ path: String, mode: mode_t) throws(SystemCallError)
    func stat(_ path: String) throws(SystemCallError) -> FileStatus
    /// Names in a directory, without `.` and `..`.
    func contentsOfDirectory(_ path: String) throws(SystemCallError) -> [String]
    /// Opens a directory read-only, fsyncs it and closes it, making its entries durable.
    func fsyncDirectory(_ path: String) throws(SystemCallError)
}

private typealias StatBuffer = stat

/// `stat(2)`; a free function so the name does not clash with `SystemFileSystem.stat`.
private func systemStat(_ path: String, _ buffer: inout StatBuffer) -> Int32 {
    stat(path, &buffer)
}

/// The real file system, through Glibc.
struct SystemFileSystem: FileSystem {
    private func check(_ result: Int32) throws(SystemCallError) {
        if result < 0 { throw SystemCallError(errno: errno) }
    }

    func open(_ path: String, flags: Int32, mode: mode_t) throws(SystemCallError) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        try check(fd)
        return fd
    }

    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) -> Int {
        let written = Glibc.write(fd, bytes.baseAddress, bytes.count)
        if written < 0 { throw SystemCallError(errno: errno) }
        return written
    }

    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
        if count < 0 { throw SystemCallError(errno: errno) }
        return count
    }

    func copy(from source: Int32, offset: inout Int, count: Int, to destination: Int32) throws(SystemCallError) -> Int {
        var position = off_t(offset)
        let copied = Glibc.sendfile(destination, source, &position, count)
        if copied < 0 { throw SystemCallError(errno: errno) }
        offset = Int(position)
        return copied
    }

    func fsync(_ fd: Int32) throws(SystemCallError) { try check(Glibc.fsync(fd)) }
    func close(_ fd: Int32) throws(SystemCallError) { try check(Glibc.close(fd)) }
    func link(_ source: String, _ destination: String) throws(SystemCallError) { try check(Glibc.link(source, destination)) }
    func rename(_ source: String, _ destination: String) throws(SystemCallError) { try check(Glibc.rename(source, destination)) }
    func unlink(_ path: String) throws(SystemCallError) { try check(Glibc.unlink(path)) }
    func mkdir(_ path: String, mode: mode_t) throws(SystemCallError) { try check(Glibc.mkdir(path, mode)) }
    func chmod(_ path: String, mode: mode_t) throws(SystemCallError) { try check(Glibc.chmod(path, mode)) }

    func stat(_ path: String) throws(SystemCallError) -> FileStatus {
        var info = StatBuffer()
        try check(systemStat(path, &info))
        let type = info.st_mode & S_IFMT
        return FileStatus(
            size: Int64(info.st_size),
            isDirectory: type == S_IFDIR,
            isRegularFile: type == S_IFREG,
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            accessed: Int64(info.st_atim.tv_sec) * 1_000_000_000 + Int64(info.st_atim.tv_nsec)
        )
    }

    func contentsOfDirectory(_ path: String) throws(SystemCallError) -> [String] {
        guard let directory = opendir(path) else { throw SystemCallError(errno: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw SystemCallError(errno: errno) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    func fsyncDirectory(_ path: String) throws(SystemCallError) {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY, mode: 0)
        do {
            try fsync(fd)
        } catch {
            _ = Glibc.close(fd)
            throw error
        }
        try close(fd)
    }
}

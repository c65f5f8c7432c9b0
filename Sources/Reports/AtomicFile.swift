#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `bytes` to `path` so that readers see either the old file or the complete new one.
///
/// The bytes go to a temporary file beside `path` (same directory, so the same file system),
/// which is flushed with `fsync` and then renamed over `path`. On failure the temporary file
/// is removed and `path` is untouched.
func writeFileAtomically(_ bytes: [UInt8], toPath path: String) throws(ReportError) {
    let directory: String
    let name: String
    if let slash = path.lastIndex(of: "/") {
        directory = slash == path.startIndex ? "/" : String(path[..<slash])
        name = String(path[path.index(after: slash)...])
    } else {
        directory = "."
        name = path
    }
    var template = Array((directory + "/." + name + ".tmp-XXXXXX").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
        guard let base = buffer.baseAddress else { return -1 }
        return mkstemp(base)
    }
    guard descriptor >= 0 else { throw .io(operation: "mkstemp", path: path, errno: errno) }
    let temporaryPath = template.withUnsafeBufferPointer { buffer in
        String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    var closed = false
    do throws(ReportError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                write(descriptor, raw.baseAddress.map { $0 + written }, raw.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: temporaryPath, errno: errno)
            }
            written += result
        }
        // mkstemp creates the file 0600; a report is meant to be read by other tools and users.
        if fchmod(descriptor, 0o644) != 0 { throw .io(operation: "fchmod", path: temporaryPath, errno: errno) }
        if fsync(descriptor) != 0 { throw .io(operation: "fsync", path: temporaryPath, errno: errno) }
        closed = true
        if close(descriptor) != 0 { throw .io(operation: "close", path: temporaryPath, errno: errno) }
        if rename(temporaryPath, path) != 0 { throw .io(operation: "rename", path: path, errno: errno) }
    } catch {
        if !closed { close(descriptor) }
        unlink(temporaryPath)
        throw error
    }
}

/// The C library's text for an errno value.
func systemErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}

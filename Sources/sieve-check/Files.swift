import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Reads a whole file as bytes, or fails with a message naming the file and the reason.
func readFile(_ path: String) throws -> [UInt8] {
    guard let handle = fopen(path, "rb") else {
        let reason = String(cString: strerror(errno))
        throw ValidationError("cannot read \(path): \(reason)")
    }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = fread(&buffer, 1, buffer.count, handle)
        if count > 0 { bytes.append(contentsOf: buffer[0..<count]) }
        if count < buffer.count {
            if ferror(handle) != 0 {
                throw ValidationError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            break
        }
    }
    return bytes
}

/// Writes a line to standard error.
func printError(_ line: String) {
    writeStandardError(line + "\n")
}

/// Writes text to standard error as it is (no line end added), retrying short writes.
func writeStandardError(_ text: String) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(2, base + offset, buffer.count - offset)
            if written <= 0 { break }
            offset += written
        }
    }
}

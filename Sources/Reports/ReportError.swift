/// Why a report could not be produced or written.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A libxml2 call failed; `operation` names the call. In practice this means libxml2 could
    /// not allocate memory: the inputs are sanitised before they reach it.
    case libxml2(operation: String)
    /// Writing the report file failed; `operation` names the system call.
    case io(operation: String, path: String, errno: Int32)

    /// The operator-facing text.
    public var description: String {
        switch self {
        case .libxml2(let operation):
            return "libxml2 failed in \(operation) (out of memory?)"
        case .io(let operation, let path, let code):
            return "cannot write report \(path): \(operation) failed: \(systemErrorText(code)) (errno \(code))"
        }
    }
}

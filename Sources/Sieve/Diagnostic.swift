/// A message about a script, as an operator or user reads it:
/// `file:line:column: error: message`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// The script's name (usually its path) used as the prefix; nil prints `<script>`.
    public var file: String?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation, file: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.file = file
    }

    public var description: String {
        "\(file ?? "<script>"):\(location.line):\(location.column): \(severity.rawValue): \(message)"
    }
}

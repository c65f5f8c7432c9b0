import Glibc
public import MailCore

/// Site-wide settings of the Maildir store; every field has a documented default.
public struct MaildirConfiguration: Sendable {
    /// How line ends are written to disk (`.lf`: CRLF becomes LF; `.crlf`: bare LF becomes CRLF).
    public typealias LineEnding = MailCore.LineEnding

    /// The hierarchy separator of Sieve/IMAP mailbox names. Default `/`.
    ///
    /// `.` always separates levels as well, because it is the separator of the Maildir++ layout
    /// on disk and cannot appear inside a level: `Lists/swift` and `Lists.swift` are the same
    /// folder, `.Lists.swift`. When the separator is not `/`, a `/` in a name is refused.
    public var hierarchySeparator: Unicode.Scalar = "/"
    /// Mode of directories the store creates. Default `0700`.
    public var directoryMode: mode_t = 0o700
    /// Mode of files the store creates. Default `0600`.
    public var fileMode: mode_t = 0o600
    /// Line ends on disk. Default `.lf`, like Dovecot.
    public var lineEnding: LineEnding = .lf
    /// The host name in unique file names. Default: `gethostname()`.
    public var hostname: String = MaildirConfiguration.systemHostname()
    /// Longest hierarchy level of a mailbox name, in UTF-8 bytes. Default 255.
    public var maximumComponentBytes: Int = 255
    /// Longest folder directory name on disk (`.` + encoded levels), in bytes. Default 255 (NAME_MAX).
    public var maximumFolderNameBytes: Int = 255
    /// Files in `tmp/` not touched for this long are removed by `cleanupTemporaryFiles`. Default 36 hours.
    public var temporaryFileLifetime: Duration = .seconds(36 * 3600)

    /// The default configuration.
    public init() {}

    /// The machine's host name, or `localhost` when it cannot be read.
    public static func systemHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let name = String(decoding: bytes, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}

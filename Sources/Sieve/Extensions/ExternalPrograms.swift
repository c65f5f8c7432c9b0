/// The three external-program extensions: `pipe` (an action carried out after the run),
/// `filter` (the program's output replaces the message) and `execute` (the program's
/// output may go into a variable).
///
/// - SeeAlso: Pigeonhole's spec-bosch-sieve-extprograms §2 (program names, arguments), §3–§5
public enum ExternalProgramKind: String, Sendable, Hashable, CaseIterable {
    case pipe, filter, execute

    /// The capability a script requires to use the command.
    public var capability: SieveCapability {
        switch self {
        case .pipe: return .vndDovecotPipe
        case .filter: return .vndDovecotFilter
        case .execute: return .vndDovecotExecute
        }
    }
}

extension SieveCapability {
    /// The capabilities a site enables by configuring a program directory.
    public static let externalPrograms: Set<SieveCapability> = [.vndDovecotPipe, .vndDovecotFilter, .vndDovecotExecute]
}

/// How the message or `:input` text reaches a program: with CRLF line ends (the
/// default) or with bare LF.
public enum ProgramInputLineEnds: String, Sendable, Hashable {
    case crlf, lf
}

/// Where each extension finds its programs and the bounds on one program run.
///
/// A program is looked up by its bare name in the directory of its extension; nothing
/// else on the system can be run. A kind without a directory cannot run anything: the
/// run fails with an error saying the extension is not configured.
public struct ExternalProgramSettings: Sendable, Hashable {
    /// Program directories by extension (`[programs] pipe_dir`, `filter_dir`, `execute_dir`).
    public var directories: [ExternalProgramKind: String]
    /// Longest a program may run before it is killed (its process group: SIGTERM, then
    /// SIGKILL). Default 10 s; nil: no limit.
    public var timeout: Duration?
    /// Most octets of output kept from a program (`filter`'s new message, `execute
    /// :output`); a program that writes more fails. Default 64 MiB (a filter writes a whole
    /// message back).
    public var maxOutput: Int
    /// Line ends of what a program reads on standard input. Default CRLF.
    public var inputLineEnds: ProgramInputLineEnds

    public init(directories: [ExternalProgramKind: String] = [:], timeout: Duration? = .seconds(10),
                maxOutput: Int = 64 << 20, inputLineEnds: ProgramInputLineEnds = .crlf) {
        self.directories = directories
        self.timeout = timeout
        self.maxOutput = maxOutput
        self.inputLineEnds = inputLineEnds
    }

    /// Enables the capability of every kind that has a directory in `options`.
    public static func enable(in options: inout SieveOptions) {
        for kind in ExternalProgramKind.allCases where options.programs.directories[kind] != nil {
            options.enabledExtensions.insert(kind.capability.rawValue)
        }
    }

    /// The longest program name, in characters.
    static let maxNameLength = 128
    /// The longest argument, in octets.
    static let maxArgumentLength = 1024

    /// Why `name` cannot name a program, or nil when it can: not empty, at most 128
    /// characters, no `/` (so no path), no control characters (C0, DEL, C1), no U+00FF,
    /// no line or paragraph separator.
    static func problem(withName name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.unicodeScalars.count > maxNameLength { return "it is longer than \(maxNameLength) characters" }
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x2F: return "it contains '/': programs are named, not given by path"
            case 0x00...0x1F, 0x7F, 0x80...0x9F: return "it contains the control character U+\(hex(scalar.value))"
            case 0xFF, 0x2028, 0x2029: return "it contains U+\(hex(scalar.value))"
            default: continue
            }
        }
        return nil
    }

    /// Why `argument` cannot be passed to a program, or nil when it can: at most 1024
    /// octets, no CR or LF.
    static func problem(withArgument argument: String) -> String? {
        if argument.utf8.count > maxArgumentLength { return "it is longer than \(maxArgumentLength) octets" }
        if argument.utf8.contains(0x0D) || argument.utf8.contains(0x0A) { return "it contains a line break" }
        return nil
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// One program a script asks to run during evaluation (`filter`, `execute`) or that
/// delivery runs for a `pipe` action.
public struct ExternalProgramRequest: Sendable, Hashable {
    public var kind: ExternalProgramKind
    /// The program's name in its directory (validated: no `/`).
    public var name: String
    /// Its arguments, passed as they are (no shell).
    public var arguments: [String]
    /// What it reads on standard input (already in the configured line ends); empty for none.
    public var input: [UInt8]
    /// Whether its standard output is kept (up to `settings.maxOutput`).
    public var capturesOutput: Bool
    /// The directory, timeout and output bound in force.
    public var settings: ExternalProgramSettings
    /// Whether `input` is the message as it arrived (not a text, not a `filter`'s output): a
    /// delivery agent that gave the script only part of a long message puts the whole one
    /// on standard input instead.
    public var inputIsOriginalMessage = false
    /// The envelope of the run (the program's `SENDER`, `RECIPIENT`, `ORIG_RECIPIENT`).
    public var envelope: SieveEnvelope?

    public init(kind: ExternalProgramKind, name: String, arguments: [String], input: [UInt8], capturesOutput: Bool,
                settings: ExternalProgramSettings) {
        self.kind = kind
        self.name = name
        self.arguments = arguments
        self.input = input
        self.capturesOutput = capturesOutput
        self.settings = settings
    }

    /// The configured directory of this request's kind, nil when there is none.
    public var directory: String? { settings.directories[kind] }

    /// `bytes` with every line end (CRLF or bare LF) made `lineEnds`.
    public static func converting(_ bytes: [UInt8], to lineEnds: ProgramInputLineEnds) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                if lineEnds == .crlf { out.append(0x0D) }
                out.append(0x0A)
                index += 2
                continue
            }
            if byte == 0x0A, lineEnds == .crlf { out.append(0x0D) }
            out.append(byte)
            index += 1
        }
        return out
    }
}

/// How a program run ended, as the script sees it.
public enum ExternalProgramOutcome: Sendable, Hashable {
    /// The program exited with status 0; `output` is what it wrote (empty unless captured).
    case succeeded(output: [UInt8])
    /// The program ran and exited with another status: the command's test form is false,
    /// and it is no error.
    case declined(status: Int32)
    /// No program of that name in the directory.
    case notFound(reason: String)
    /// The program could not be run or did not finish properly (no directory configured,
    /// not executable, timed out, killed, too much output): an error.
    case failed(reason: String)
}

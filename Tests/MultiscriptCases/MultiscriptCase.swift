import Foundation

/// One case of `SieveScripts/multiscript/`: the site's before script, the user's script,
/// the site's after script (each optional), the shared message, and the expected outcome.
/// Every consumer (the Sieve unit test, the delivery agent, `sieve-check run`, LMTP end
/// to end) reads the same files through this type.
public struct MultiscriptCase: Sendable, CustomStringConvertible {
    /// The expected outcome, one fact a line in `expect.txt`.
    public struct Expectation: Sendable, Equatable {
        /// `ran NAME...`: the scripts that ran to their end, in order.
        public var ran: [String] = []
        /// `stored FOLDER [FLAG...]`, in file order.
        public var stored: [Copy] = []
        /// `rejected REASON`.
        public var rejection: String?
        /// `redirected ADDRESS`, in file order.
        public var redirects: [String] = []
        /// `vacation REASON`.
        public var vacation: String?
        /// `discarded`.
        public var discarded = false
        /// `failed`.
        public var failed = false

        public init() {}
    }

    /// A stored copy: its folder and flags (sorted).
    public struct Copy: Sendable, Equatable, Comparable, CustomStringConvertible {
        public var folder: String
        public var flags: [String]
        public init(folder: String, flags: [String]) {
            self.folder = folder
            self.flags = flags.sorted()
        }
        public static func < (a: Copy, b: Copy) -> Bool { (a.folder, a.flags.joined(separator: " ")) < (b.folder, b.flags.joined(separator: " ")) }
        public var description: String { ([folder] + flags).joined(separator: " ") }
    }

    /// The folder's name, e.g. `copy-then-reject`.
    public var name: String
    /// Absolute paths of the scripts present, keyed by role (`before`, `user`, `after`).
    public var before: String?
    public var user: String?
    public var after: String?
    public var expected: Expectation
    public var description: String { name }

    /// `SieveScripts/multiscript` of this checkout.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SieveScripts").appendingPathComponent("multiscript")

    /// The message every case runs against.
    public static var messagePath: String { root.appendingPathComponent("message.eml").path }
    public static func messageBytes() throws -> [UInt8] { try [UInt8](Data(contentsOf: URL(fileURLWithPath: messagePath))) }

    /// The envelope recipient of the cases.
    public static let recipient = "dana@example.org"
    /// The envelope sender of the cases.
    public static let sender = "carol@example.net"

    /// Every case, by folder name.
    public static func all() throws -> [MultiscriptCase] {
        let fm = FileManager.default
        var cases: [MultiscriptCase] = []
        for name in try fm.contentsOfDirectory(atPath: root.path).sorted() {
            let folder = root.appendingPathComponent(name)
            let expect = folder.appendingPathComponent("expect.txt")
            guard fm.fileExists(atPath: expect.path) else { continue }
            func script(_ role: String) -> String? {
                let path = folder.appendingPathComponent(role + ".sieve").path
                return fm.fileExists(atPath: path) ? path : nil
            }
            cases.append(MultiscriptCase(name: name, before: script("before"), user: script("user"), after: script("after"),
                                         expected: try parse(String(contentsOf: expect, encoding: .utf8))))
        }
        return cases
    }

    /// Parses `expect.txt`.
    public static func parse(_ text: String) throws -> Expectation {
        var expectation = Expectation()
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let word = line.prefix { $0 != " " }
            let rest = line.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
            switch word {
            case "ran": expectation.ran = rest.split(separator: " ").map(String.init)
            case "stored":
                let parts = rest.split(separator: " ").map(String.init)
                expectation.stored.append(Copy(folder: parts[0], flags: Array(parts.dropFirst())))
            case "rejected": expectation.rejection = rest
            case "redirected": expectation.redirects.append(rest)
            case "vacation": expectation.vacation = rest
            case "discarded": expectation.discarded = true
            case "failed": expectation.failed = true
            default: throw CaseError(line: line)
            }
        }
        return expectation
    }

    /// An `expect.txt` line that is not one of the facts above.
    public struct CaseError: Error, CustomStringConvertible {
        public var line: String
        public var description: String { "expect.txt: unknown fact \"\(line)\"; expected ran, stored, rejected, redirected, vacation, discarded or failed" }
    }

    /// The scripts present, in running order, with their role names.
    public var scripts: [(role: String, path: String)] {
        [("before", before), ("user", user), ("after", after)].compactMap { role, path in path.map { (role, $0) } }
    }
}

/// Where an included script lives (RFC 6609 §3.2): the user's own scripts, or the
/// site's shared ones.
///
/// - SeeAlso: RFC 6609 §3.2
public enum ScriptLocation: String, Sendable, Hashable, CaseIterable {
    /// `:personal` (the default): next to the user's own scripts.
    case personal
    /// `:global`: the site's shared script directory.
    case global

    /// `DIRECTORY/NAME.sieve`: where the script `NAME` lies in a folder of scripts.
    public static func path(ofScript name: String, in directory: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + name + ".sieve"
    }

    /// The folder a script's path names ("." for a bare file name): where its personal
    /// includes are looked for.
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// The text of a script an `include` names, as a loader found it.
///
/// - SeeAlso: RFC 6609 §3.2
public struct IncludedSource: Sendable, Hashable {
    /// The script (UTF-8).
    public var source: [UInt8]
    /// The name diagnostics and runtime errors use for it (usually its path).
    public var displayName: String

    public init(source: [UInt8], displayName: String) {
        self.source = source
        self.displayName = displayName
    }
}

/// Why a loader could not tell whether an included script exists (permissions, I/O).
/// The including script then does not compile, unless `locationUnknown`.
///
/// - SeeAlso: RFC 6609 §3.2
public struct ScriptLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// The loader does not know where scripts of this location live at all (a checker
    /// given no global directory): the compiler then warns that the include is not
    /// checked and compiles the rest, instead of failing.
    public var locationUnknown: Bool

    public init(_ message: String, locationUnknown: Bool = false) {
        self.message = message
        self.locationUnknown = locationUnknown
    }

    public var description: String { message }
}

/// Finds the scripts `include` names. The compiler asks it for each (location, name) it
/// meets; Sieve itself reads no files: a delivery agent answers from its script
/// directories, `sieve-check` from the folders it was given, tests from memory.
///
/// - SeeAlso: RFC 6609 §3.2
public protocol SieveScriptLoader {
    /// The script `name` at `location`; nil when there is no such script. `name` has
    /// already passed `IncludeRules.isValidScriptName` (no "/", no control characters).
    func loadScript(named name: String, at location: ScriptLocation) throws(ScriptLoadError) -> IncludedSource?
}

/// A script an `include` asked for while compiling, found or not: what a cache must
/// watch to know when the compiled script is out of date.
///
/// - SeeAlso: RFC 6609 §3.2
public struct IncludeDependency: Sendable, Hashable {
    public var location: ScriptLocation
    public var name: String
    /// Whether the loader found it (a missing `:optional` script appearing later
    /// changes the compiled script too).
    public var found: Bool

    public init(location: ScriptLocation, name: String, found: Bool) {
        self.location = location
        self.name = name
        self.found = found
    }
}

/// One included script's identity in a compiled script tree.
struct IncludeKey: Sendable, Hashable {
    let location: ScriptLocation
    /// The name as written (case matters: names are file names).
    let name: String
}

/// The rules of the `include` extension that are not about one command.
///
/// - SeeAlso: RFC 6609
public enum IncludeRules {
    /// Longest script name accepted, in characters (as Pigeonhole).
    public static let maxScriptNameLength = 256

    /// Whether `name` may name a script: not empty, at most 256 characters, and none of
    /// U+0000–U+001F, "/", U+007F, U+0080–U+009F, U+00FF, U+2028, U+2029. RFC 6609 §3.2
    /// asks for RFC 5198 Net-Unicode names; "/" is refused too, so a name never leaves the
    /// script directory. The same set Pigeonhole refuses.
    ///
    /// - SeeAlso: RFC 6609 §3.2, RFC 5198 §2
    public static func isValidScriptName(_ name: String) -> Bool {
        guard !name.isEmpty, name.unicodeScalars.count <= maxScriptNameLength else { return false }
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x2F, 0x7F, 0x80...0x9F, 0xFF, 0x2028, 0x2029: return false
            default: continue
            }
        }
        return true
    }
}

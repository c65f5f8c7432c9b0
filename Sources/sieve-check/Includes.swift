import ArgumentParser
import Sieve
import SluiceConfig
#if canImport(Glibc)
import Glibc
#endif

/// `--global-dir DIR`: where `include :global` finds scripts (RFC 6609); `--personal-dir
/// DIR`: where `include :personal` does (default: next to the script being checked).
struct IncludeDirectoriesOption: ParsableArguments {
    @Option(name: .customLong("global-dir"), help: ArgumentHelp(
        "Where include :global \"NAME\" finds NAME.sieve (default: [scripts] global_dir of --config; else none).",
        valueName: "dir"))
    var globalDirectory: String?

    @Option(name: .customLong("personal-dir"), help: ArgumentHelp(
        "Where include :personal \"NAME\" finds NAME.sieve (default: the folder of the script being checked).",
        valueName: "dir"))
    var personalDirectory: String?

    /// The loader for a script at `path`: personal includes next to it, global ones in
    /// `--global-dir`, else in the configuration's `global_dir`.
    func loader(for path: String, site: SiteConfigurationOption) throws -> ScriptDirectoryLoader {
        try loader(for: path, configured: site.configuredGlobalDirectory())
    }

    /// The loader of `compile`, `lint` and `run`: without a global directory, `include
    /// :global` is reported as not checked (a warning: the server resolves it where the
    /// script runs) and left out, rather than failing the script.
    func checkingLoader(for path: String, site: SiteConfigurationOption) throws -> ScriptDirectoryLoader {
        var loader = try loader(for: path, site: site)
        loader.globalLocationOptional = true
        return loader
    }

    /// The loader for a script at `path`, with `configured` as the global directory when
    /// `--global-dir` is not given.
    func loader(for path: String, configured: String?) -> ScriptDirectoryLoader {
        ScriptDirectoryLoader(personalDirectory: personalDirectory ?? ScriptLocation.folder(of: path),
                              globalDirectory: globalDirectory ?? configured)
    }
}

extension SiteConfigurationOption {
    /// `[scripts] global_dir` of the `--config` file, if any.
    func configuredGlobalDirectory() throws -> String? {
        guard let path else { return nil }
        do {
            return try ConfigurationFile.load(path: path).delivery.scripts.globalDirectory
        } catch {
            throw ValidationError(error.message)
        }
    }
}

/// Reads included scripts from two folders, as the delivery agent lays them out:
/// `PERSONAL/NAME.sieve` and `GLOBAL/NAME.sieve`.
struct ScriptDirectoryLoader: SieveScriptLoader {
    let personalDirectory: String
    let globalDirectory: String?
    /// Whether a missing global directory only leaves `include :global` unchecked.
    var globalLocationOptional = false

    func loadScript(named name: String, at location: ScriptLocation) throws(ScriptLoadError) -> IncludedSource? {
        let directory: String
        switch location {
        case .personal:
            directory = personalDirectory
        case .global:
            guard let globalDirectory else {
                throw ScriptLoadError("no global script directory given; use --global-dir DIR (or --config with [scripts] global_dir)",
                                      locationUnknown: globalLocationOptional)
            }
            directory = globalDirectory
        }
        let path = ScriptLocation.path(ofScript: name, in: directory)
        var status = stat()
        if stat(path, &status) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ScriptLoadError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        do {
            return IncludedSource(source: try readFile(path), displayName: path)
        } catch {
            throw ScriptLoadError("\(error)")
        }
    }
}

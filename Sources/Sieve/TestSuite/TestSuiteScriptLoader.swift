/// Where `sieve-check test` finds the scripts `include` names, laid out as Pigeonhole's
/// test suite has them: personal scripts in `included/` and global ones in
/// `included-global/`, both next to the test file, each `NAME.sieve`.
///
/// A file that cannot be read counts as missing (the reader's errors do not say which).
struct TestSuiteScriptLoader: SieveScriptLoader {
    /// The test file's folder ("" for the working directory).
    let directory: String
    let readFile: (String) throws -> [UInt8]

    func loadScript(named name: String, at location: ScriptLocation) throws(ScriptLoadError) -> IncludedSource? {
        let folder = location == .personal ? "included" : "included-global"
        let base = directory.isEmpty ? "" : directory.hasSuffix("/") ? directory : directory + "/"
        let path = base + folder + "/" + name + ".sieve"
        guard let source = try? readFile(path) else { return nil }
        return IncludedSource(source: source, displayName: path)
    }
}

extension TestSuiteState {
    /// The loader for scripts compiled in this test file.
    var scriptLoader: TestSuiteScriptLoader {
        TestSuiteScriptLoader(directory: directory, readFile: readFile)
    }
}

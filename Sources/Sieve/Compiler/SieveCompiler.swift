/// Turns Sieve source into a `CompiledScript`: parse, then validate.
///
/// - SeeAlso: RFC 5228 §2.10.5 (a script with errors must not run)
public enum SieveCompiler {
    /// Compiles a script given as bytes (UTF-8).
    ///
    /// - Parameters:
    ///   - source: the script.
    ///   - file: the name used in diagnostics and runtime errors (usually the path).
    ///   - options: site policy: enabled extensions, limits.
    ///   - loader: finds the scripts `include` names (RFC 6609); nil: none exists.
    /// - Returns: the compiled script (nil when there are errors) and every diagnostic.
    public static func compile(_ source: [UInt8], file: String? = nil, options: SieveOptions = SieveOptions(),
                               loader: (any SieveScriptLoader)? = nil) -> CompileResult {
        let parsed = SieveParser.parse(source, file: file, limits: options.parserLimits)
        if parsed.hasErrors {
            return CompileResult(script: nil, diagnostics: parsed.diagnostics)
        }
        var result = validate(parsed.script, file: file, options: options, loader: loader)
        result.diagnostics = parsed.diagnostics + result.diagnostics
        return result
    }

    /// Compiles a script given as a string.
    public static func compile(_ source: String, file: String? = nil, options: SieveOptions = SieveOptions(),
                               loader: (any SieveScriptLoader)? = nil) -> CompileResult {
        compile(Array(source.utf8), file: file, options: options, loader: loader)
    }

    /// Validates an already parsed script.
    public static func validate(_ script: ScriptNode, file: String? = nil, options: SieveOptions = SieveOptions(),
                                loader: (any SieveScriptLoader)? = nil) -> CompileResult {
        var validator = Validator(options: options, file: file)
        validator.include.loader = loader
        var compiled = validator.compile(script)
        var diagnostics = validator.diagnostics
        var includes = validator.include.dependencies
        if var main = compiled, !validator.include.pending.isEmpty {
            var tree = IncludeCompilation(options: options, loader: loader)
            let resolved = tree.resolve(validator.include.pending, of: file, depth: 0, chain: [])
            diagnostics += resolved.diagnostics
            includes += tree.dependencies
            main.includedScripts = tree.table
            main.readsMessageBody = main.readsMessageBody || tree.table.values.contains { $0.readsMessageBody }
            main.readsCurrentTime = main.readsCurrentTime || tree.table.values.contains { $0.readsCurrentTime }
            compiled = resolved.ok ? main : nil
        }
        var result = CompileResult(script: compiled, diagnostics: diagnostics)
        result.uncheckedCode = validator.uncheckedCode
        result.includes = includes
        return result
    }
}

/// The outcome of compiling: a runnable script, or the reasons there is none.
public struct CompileResult: Sendable {
    /// The compiled script; nil when any diagnostic is an error.
    public var script: CompiledScript?
    /// Errors (and warnings) in script order, each `file:line:column: error: message`.
    public var diagnostics: [Diagnostic]
    /// Blocks and tests that never run and so were not checked (`if false { ... }`).
    public var uncheckedCode: [UncheckedCode] = []
    /// Every script an `include` asked for (RFC 6609), found or not, in the order asked:
    /// a cache recompiles when one of them changes, appears or disappears.
    public var includes: [IncludeDependency] = []

    public init(script: CompiledScript?, diagnostics: [Diagnostic]) {
        self.script = script
        self.diagnostics = diagnostics
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

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
    /// - Returns: the compiled script (nil when there are errors) and every diagnostic.
    public static func compile(_ source: [UInt8], file: String? = nil, options: SieveOptions = SieveOptions()) -> CompileResult {
        let parsed = SieveParser.parse(source, file: file, limits: options.parserLimits)
        if parsed.hasErrors {
            return CompileResult(script: nil, diagnostics: parsed.diagnostics)
        }
        var result = validate(parsed.script, file: file, options: options)
        result.diagnostics = parsed.diagnostics + result.diagnostics
        return result
    }

    /// Compiles a script given as a string.
    public static func compile(_ source: String, file: String? = nil, options: SieveOptions = SieveOptions()) -> CompileResult {
        compile(Array(source.utf8), file: file, options: options)
    }

    /// Validates an already parsed script.
    public static func validate(_ script: ScriptNode, file: String? = nil, options: SieveOptions = SieveOptions()) -> CompileResult {
        var validator = Validator(options: options, file: file)
        let compiled = validator.compile(script)
        var result = CompileResult(script: compiled, diagnostics: validator.diagnostics)
        result.uncheckedCode = validator.uncheckedCode
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

    public init(script: CompiledScript?, diagnostics: [Diagnostic]) {
        self.script = script
        self.diagnostics = diagnostics
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Compiles the scripts a script includes, and theirs, into one table kept on the main
/// script (RFC 6609). Each (location, name) is compiled once however often it is
/// included.
///
/// Rules, with Pigeonhole's choices where the RFC leaves room:
/// - Included scripts are resolved only when the including script validated without
///   errors, in the order of its `include` commands; the first failure ends the
///   resolution (nothing more is included).
/// - A script that includes a script already on its own include chain is an error
///   ("circular include"), unless the `include` has `:once`: then it is compiled in and
///   skipped at run time.
/// - A script `maxIncludeDepth` levels down may include no more; the tree may hold at
///   most `maxIncludes` distinct scripts.
/// - A diagnostic inside an included script is named by the chain of includes that led
///   to it: `main.sieve:3:1 → lib.sieve:7:5: error: ...`; each including script gets one
///   more error at its `include` saying the included script failed.
///
/// - SeeAlso: RFC 6609 §3.2
struct IncludeCompilation {
    let options: SieveOptions
    let loader: (any SieveScriptLoader)?
    /// Compiled scripts of the tree, by location and name.
    var table: [IncludeKey: CompiledScript] = [:]
    /// Scripts being compiled (on the current chain, not yet in `table`).
    var inProgress: Set<IncludeKey> = []
    /// Every script any `include` in the tree asked for.
    var dependencies: [IncludeDependency] = []

    init(options: SieveOptions, loader: (any SieveScriptLoader)?) {
        self.options = options
        self.loader = loader
    }

    /// Compiles the scripts `pending` names, those of a script `file` at `depth` on the
    /// chain `chain`. Returns the diagnostics (named relative to `file`) and whether all
    /// compiled.
    mutating func resolve(_ pending: [Validator.PendingInclude], of file: String?, depth: Int,
                          chain: [IncludeKey]) -> (ok: Bool, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        func fail(_ message: String, at location: SourceLocation) -> (ok: Bool, diagnostics: [Diagnostic]) {
            diagnostics.append(Diagnostic(.error, message, at: location, file: file))
            return (false, diagnostics)
        }
        for include in pending {
            guard let source = include.source else { continue }
            let what = "\(include.key.location.rawValue) script \(quoted(include.key.name))"
            if depth >= options.limits.maxIncludeDepth {
                return fail("cannot include \(what): includes may not nest deeper than \(options.limits.maxIncludeDepth) levels",
                            at: include.location)
            }
            if !include.once && chain.contains(include.key) {
                return fail("circular include: \(what) is already being included on this chain "
                            + "(use include :once to include it only when it has not run yet)", at: include.location)
            }
            if table[include.key] != nil || inProgress.contains(include.key) { continue }
            if table.count + inProgress.count >= options.limits.maxIncludes {
                return fail("cannot include \(what): no more than \(options.limits.maxIncludes) scripts may be included",
                            at: include.location)
            }
            inProgress.insert(include.key)
            defer { inProgress.remove(include.key) }
            let prefix = "\(file ?? "<script>"):\(include.location.line):\(include.location.column) → "
            func chained(_ inner: [Diagnostic]) -> [Diagnostic] {
                inner.map { diagnostic in
                    var named = diagnostic
                    named.file = prefix + (diagnostic.file ?? "<script>")
                    return named
                }
            }
            let parsed = SieveParser.parse(source.source, file: source.displayName, limits: options.parserLimits)
            var inner = parsed.diagnostics
            var compiled: CompiledScript?
            if !parsed.hasErrors {
                var validator = Validator(options: options, file: source.displayName)
                validator.include.loader = loader
                compiled = validator.compile(parsed.script)
                inner += validator.diagnostics
                dependencies += validator.include.dependencies
                if compiled != nil {
                    let nested = resolve(validator.include.pending, of: source.displayName, depth: depth + 1,
                                         chain: chain + [include.key])
                    inner += nested.diagnostics
                    if !nested.ok { compiled = nil }
                }
            }
            diagnostics += chained(inner)
            guard let compiled else {
                return fail("included \(what) has errors (reported above)", at: include.location)
            }
            table[include.key] = compiled
        }
        return (true, diagnostics)
    }
}

/// What a run keeps for the include extension.
///
/// - SeeAlso: RFC 6609 §3.2–§3.4
struct IncludeRunState {
    /// The compiled include tree of the main script.
    let table: [IncludeKey: CompiledScript]
    /// Global variables by slot name (`global.NAME`): the value of every global the
    /// scripts that ran so far left behind.
    var globals: [String: String] = [:]
    /// Scripts included (and started) so far in this run; `:once` skips them.
    var started: Set<IncludeKey> = []
    /// The scripts running now, outermost first (the main script not among them).
    var active: [IncludeKey] = []

    init(table: [IncludeKey: CompiledScript]) {
        self.table = table
    }
}

extension Run {
    /// Runs an included script: its actions join the result, it has its own variables
    /// (globals shared), `return` ends only it, `stop` ends everything.
    ///
    /// - SeeAlso: RFC 6609 §3.2, §3.3, §3.4
    mutating func execute(_ include: IncludeCommand, at location: SourceLocation) throws(Failure) -> Flow {
        let key = include.key
        guard let included = includes.table[key] else {
            // A missing :optional script; or a :once include of the main script itself.
            if include.optional || include.once { return .proceed }
            throw Failure(message: "included \(key.location.rawValue) script \(quoted(key.name)) is not in the compiled script",
                          location: location)
        }
        if !includes.started.insert(key).inserted, include.once { return .proceed }
        if includes.active.contains(key) {
            if include.once { return .proceed }
            throw Failure(message: "circular include: \(key.location.rawValue) script \(quoted(key.name)) is already running",
                          location: location)
        }
        exportGlobals()
        let caller = (script: script, variables: variables, matchVariables: matchVariables, tracer: tracer)
        script = included
        // Trace events carry lines, not files: a trace shows the include, not what the
        // included script did inside.
        tracer = nil
        variables = Array(repeating: "", count: included.variableNames.count)
        matchVariables = []
        importGlobals()
        includes.active.append(key)
        func returnToCaller(_ run: inout Run) {
            run.exportGlobals()
            run.includes.active.removeLast()
            run.script = caller.script
            run.variables = caller.variables
            run.matchVariables = caller.matchVariables
            run.tracer = caller.tracer
            run.importGlobals()
        }
        let flow: Flow
        do {
            flow = try execute(included.commands)
        } catch {
            returnToCaller(&self)
            var failure = error
            failure.file = "\(script.file ?? "<script>"):\(location.line):\(location.column) → \(failure.file ?? included.file ?? "<script>")"
            throw failure
        }
        returnToCaller(&self)
        return flow == .stop ? .stop : .proceed
    }

    /// Copies the running script's global variables into the run's global store.
    private mutating func exportGlobals() {
        for slot in script.globalSlots { includes.globals[script.variableNames[slot]] = variables[slot] }
    }

    /// Loads the running script's global variables from the run's global store.
    private mutating func importGlobals() {
        for slot in script.globalSlots { variables[slot] = includes.globals[script.variableNames[slot]] ?? "" }
    }
}

/// The `ihave` extension: a test for whether capabilities are available, the branches it
/// guards, and the `error` command.
///
/// How this implementation reads the RFC:
/// - `ihave <capabilities: string-list>` is true when every name is a capability this server
///   supports and has enabled (the same names `require` accepts); an unknown or disabled name
///   makes it false, never an error. The names are taken literally, as in `require` (no
///   variable expansion), so the answer is fixed when the script is compiled.
/// - An `ihave` *guards* the block of the `if`/`elsif` whose test it is, directly or as a member
///   (at any depth) of an `allof(...)` that is that test: the block can only run when the
///   `ihave` is true. When every capability the guarding `ihave`s name is available, the branch's
///   test and block are compiled as if those capabilities had been required (inside that branch
///   only). When one is not, the branch is not compiled: its test and block were parsed (so the
///   script must still be well-formed Sieve) but nothing in them is checked, so commands, tests
///   and tags of the missing extension are not errors there; the branch never runs.
/// - An `ihave` under `not` or `anyof` guards nothing: it is only a test there.
/// - `error <message: string>` ends the run with a runtime error carrying the message; as for
///   any runtime error the actions collected so far are dropped and the implicit keep applies.
///
/// - SeeAlso: RFC 5463 §4 (ihave), §5 (error); RFC 5228 §2.10.6 (runtime errors)
extension Validator {
    /// The capabilities the `ihave` tests guarding a branch name, and whether all are available.
    struct IhaveGate {
        var capabilities: [SieveCapability]
        var available: Bool
    }

    /// The `ihave` guard of a branch whose test is `test`, nil when no `ihave` guards it (or
    /// `ihave` is not required: the test then reports that).
    ///
    /// - SeeAlso: RFC 5463 §4
    func ihaveGate(_ test: TestNode) -> IhaveGate? {
        guard capabilities.contains(.ihave) else { return nil }
        var names: [String] = []
        guard Self.collectIhaveNames(test, into: &names) else { return nil }
        let known = names.compactMap(enabledCapability)
        return IhaveGate(capabilities: known, available: known.count == names.count)
    }

    /// Adds the names of every well-formed `ihave` that guards through `test` (the test itself, or
    /// members of `allof`); whether there was one.
    private static func collectIhaveNames(_ test: TestNode, into names: inout [String]) -> Bool {
        switch test.name.lowercased() {
        case "ihave":
            guard let list = ihaveNames(test) else { return false }
            names += list
            return true
        case "allof" where test.hasTestList:
            var found = false
            for member in test.tests where collectIhaveNames(member, into: &names) { found = true }
            return found
        default:
            return false
        }
    }

    /// The capability names of an `ihave` with the right shape (one string or string list, no
    /// tags or nested tests); nil otherwise, so that compiling the test reports the problem.
    private static func ihaveNames(_ test: TestNode) -> [String]? {
        guard test.tests.isEmpty, !test.hasTestList, test.arguments.count == 1 else { return nil }
        switch test.arguments[0] {
        case .string(let literal): return [literal.value]
        case .stringList(let list, _): return list.map(\.value)
        case .number, .tag: return nil
        }
    }

    /// The capability `name` stands for, when this server supports and enables it.
    func enabledCapability(_ name: String) -> SieveCapability? {
        guard let capability = SieveCapability(rawValue: name.lowercased()),
              options.enabledExtensions.contains(capability.rawValue) else { return nil }
        return capability
    }

    /// A branch guarded by an `ihave` that is false on this server: parsed, not compiled, never
    /// run.
    ///
    /// - SeeAlso: RFC 5463 §4
    mutating func skippedBranch(_ node: CommandNode, test: TestNode) -> Command.Branch {
        let name = node.name.lowercased()
        if node.block == nil { error("'\(name)' needs a block { ... }", at: node.range.end) }
        return Command.Branch(test: Test(kind: .constant(false), name: test.name.lowercased(), location: test.nameRange.start),
                              block: [])
    }

    /// Compiles `ihave <capabilities: string-list>` into its (compile-time) answer.
    ///
    /// - SeeAlso: RFC 5463 §4
    mutating func compileIhave(_ node: TestNode, location: SourceLocation) -> Test? {
        guard let read = readArguments(node.arguments, of: "test", named: "ihave", at: location, tags: [],
                                       positionals: [PositionalSpec(role: "capability list", kind: .stringList)])
        else { return nil }
        let names: [String]
        switch read.positionals[0] {
        case .string(let literal): names = [literal.value]
        case .stringList(let list, _): names = list.map(\.value)
        case .number, .tag: return nil
        }
        let available = names.allSatisfy { enabledCapability($0) != nil }
        return Test(kind: .constant(available), name: "ihave", location: location)
    }
}

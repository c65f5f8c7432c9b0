import Testing
import Foundation
import MailCore
import Sieve
@testable import Delivery

/// A stand-in compiler: text starting with "error" is broken, anything else compiles to
/// its own text.
private func makeCache(_ log: LogRecorder, maximumBytes: Int = 1024) -> ScriptCache<String> {
    ScriptCache<String>(maximumBytes: maximumBytes, logger: log.logger) { source, path in
        let text = String(decoding: source, as: UTF8.self)
        if text.hasPrefix("error") { return .broken(["\(path):1:1: error: \(text)"]) }
        return .compiled(text)
    }
}

private func text(_ cached: CachedScript<String>) -> String? {
    if case .script(let text) = cached { return text }
    return nil
}

@Suite("Compiled-script cache")
struct ScriptCacheTests {
    @Test("a script is compiled once and reused while the file is unchanged")
    func reuse() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("a.sieve", "keep;")
        let log = LogRecorder()
        let cache = makeCache(log)
        for _ in 0..<5 { #expect(text(cache.script(at: path)) == "keep;") }
        #expect(cache.compilationCount == 1)
    }

    @Test("a modified file is recompiled (new mtime, same size)")
    func recompile() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("a.sieve", "keep;")
        try dir.touch("a.sieve", modified: 1_000_000)
        let log = LogRecorder()
        let cache = makeCache(log)
        #expect(text(cache.script(at: path)) == "keep;")
        try dir.write("a.sieve", "stop;")
        try dir.touch("a.sieve", modified: 2_000_000)
        #expect(text(cache.script(at: path)) == "stop;")
        #expect(text(cache.script(at: path)) == "stop;")
        #expect(cache.compilationCount == 2)
        // Only the mtime changes: still a new version.
        try dir.touch("a.sieve", modified: 3_000_000)
        _ = cache.script(at: path)
        #expect(cache.compilationCount == 3)
    }

    @Test("a missing file is no script; it may appear later")
    func missing() throws {
        let dir = try TemporaryDirectory()
        let log = LogRecorder()
        let cache = makeCache(log)
        guard case .missing = cache.script(at: dir.file("none.sieve")) else {
            Issue.record("expected .missing")
            return
        }
        guard case .missing = cache.script(at: dir.file("nodir/none.sieve")) else {
            Issue.record("expected .missing below a missing folder")
            return
        }
        let path = try dir.write("none.sieve", "discard;")
        #expect(text(cache.script(at: path)) == "discard;")
        #expect(log.records.isEmpty)
    }

    @Test("a broken script is logged once per file version")
    func brokenLoggedOnce() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("b.sieve", "error one")
        try dir.touch("b.sieve", modified: 1_000_000)
        let log = LogRecorder()
        let cache = makeCache(log)
        for _ in 0..<3 {
            guard case .broken(let diagnostics) = cache.script(at: path) else {
                Issue.record("expected .broken")
                return
            }
            #expect(diagnostics == ["\(path):1:1: error: error one"])
        }
        #expect(log.records.filter { $0.level == .error }.count == 1)
        #expect(log.records.first?.metadata["diagnostics"]?.contains("error one") == true)
        try dir.write("b.sieve", "error two")
        try dir.touch("b.sieve", modified: 2_000_000)
        _ = cache.script(at: path)
        _ = cache.script(at: path)
        #expect(log.records.filter { $0.level == .error }.count == 2)
    }

    @Test("a script over the size limit counts as broken")
    func tooLarge() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("big.sieve", String(repeating: "#", count: 100))
        let cache = makeCache(LogRecorder(), maximumBytes: 10)
        guard case .broken(let diagnostics) = cache.script(at: path) else {
            Issue.record("expected .broken")
            return
        }
        #expect(diagnostics.first?.contains("100 bytes long; at most 10") == true)
        #expect(cache.compilationCount == 0)
    }

    @Test("concurrent users of one cache all see the current script")
    func concurrent() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("c.sieve", "keep;")
        let cache = makeCache(LogRecorder())
        let results = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<32 { group.addTask { text(cache.script(at: path)) } }
            return await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 == "keep;" })
        #expect(cache.compilationCount <= 2)
    }
}

/// A cache compiling real Sieve, with includes (personal next to the script, global in
/// `global/`); a compiled script is shown as the folders its run files into.
private func makeIncludeCache(_ log: LogRecorder, _ dir: TemporaryDirectory) -> ScriptCache<CompiledScript> {
    ScriptCache<CompiledScript>(maximumBytes: 4096, globalDirectory: dir.file("global"), logger: log.logger) { source, path, loader in
        let compiled = SieveCompiler.compile(source, file: path, loader: loader)
        if let script = compiled.script { return .compiled(script) }
        return .broken(compiled.diagnostics.map(\.description))
    }
}

private func folders(_ cached: CachedScript<CompiledScript>) -> [String]? {
    guard case .script(let script) = cached else { return nil }
    let context = SieveMessageContext(message: Message("Subject: x\r\n\r\nHi.\r\n"),
                                      envelope: SieveEnvelope(from: "a@example.com", to: "b@example.org"))
    return SieveInterpreter.run(script, context: context).actions.map { action in
        if case .fileinto(let mailbox, _, _, _) = action { return mailbox }
        if case .keep = action { return "keep" }
        return "\(action)"
    }
}

@Suite("Compiled-script cache: included scripts (RFC 6609)")
struct ScriptCacheIncludeTests {
    @Test("a script whose included scripts are unchanged is compiled once")
    func unchangedIncludes() throws {
        let dir = try TemporaryDirectory()
        try dir.write("lib.sieve", "require \"fileinto\"; fileinto \"Lib\";")
        try dir.write("global/site.sieve", "require \"fileinto\"; fileinto \"Site\";")
        let path = try dir.write("main.sieve", "require \"include\"; include \"lib\"; include :global \"site\";")
        let cache = makeIncludeCache(LogRecorder(), dir)
        for _ in 0..<4 { #expect(folders(cache.script(at: path)) == ["Lib", "Site"]) }
        #expect(cache.compilationCount == 1)
    }

    @Test("a changed included script makes the including script compile again")
    func changedInclude() throws {
        let dir = try TemporaryDirectory()
        try dir.write("lib.sieve", "require \"fileinto\"; fileinto \"One\";")
        try dir.touch("lib.sieve", modified: 1_000_000)
        let path = try dir.write("main.sieve", "require \"include\"; include \"lib\";")
        let cache = makeIncludeCache(LogRecorder(), dir)
        #expect(folders(cache.script(at: path)) == ["One"])
        try dir.write("lib.sieve", "require \"fileinto\"; fileinto \"Two\";")
        try dir.touch("lib.sieve", modified: 2_000_000)
        #expect(folders(cache.script(at: path)) == ["Two"])
        #expect(folders(cache.script(at: path)) == ["Two"])
        #expect(cache.compilationCount == 2)
    }

    @Test("a changed script two includes down is noticed too")
    func changedNestedInclude() throws {
        let dir = try TemporaryDirectory()
        try dir.write("global/site.sieve", "require \"fileinto\"; fileinto \"Old\";")
        try dir.touch("global/site.sieve", modified: 1_000_000)
        try dir.write("lib.sieve", "require \"include\"; include :global \"site\";")
        let path = try dir.write("main.sieve", "require \"include\"; include \"lib\";")
        let cache = makeIncludeCache(LogRecorder(), dir)
        #expect(folders(cache.script(at: path)) == ["Old"])
        try dir.write("global/site.sieve", "require \"fileinto\"; fileinto \"New\";")
        try dir.touch("global/site.sieve", modified: 2_000_000)
        #expect(folders(cache.script(at: path)) == ["New"])
    }

    @Test("an optional included script that appears later is picked up")
    func appearingInclude() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("main.sieve", "require \"include\"; include :optional \"extra\";")
        let cache = makeIncludeCache(LogRecorder(), dir)
        #expect(folders(cache.script(at: path)) == ["keep"])
        try dir.write("extra.sieve", "require \"fileinto\"; fileinto \"Extra\";")
        #expect(folders(cache.script(at: path)) == ["Extra"])
        #expect(cache.compilationCount == 2)
    }

    @Test("an included script that disappears makes the including script broken")
    func disappearingInclude() throws {
        let dir = try TemporaryDirectory()
        let lib = try dir.write("lib.sieve", "keep;")
        let path = try dir.write("main.sieve", "require \"include\"; include \"lib\";")
        let log = LogRecorder()
        let cache = makeIncludeCache(log, dir)
        #expect(folders(cache.script(at: path)) != nil)
        try FileManager.default.removeItem(atPath: lib)
        guard case .broken(let diagnostics) = cache.script(at: path) else {
            Issue.record("expected .broken once lib.sieve is gone")
            return
        }
        #expect(diagnostics == ["\(path):1:28: error: included personal script \"lib\" does not exist"])
        #expect(log.records.count == 1)
    }
}

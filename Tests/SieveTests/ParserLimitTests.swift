import Testing
@testable import Sieve

@Suite("Parser limits")
struct ParserLimitTests {
    @Test func scriptSizeLimit() {
        let source = [UInt8](repeating: UInt8(ascii: " "), count: 2_000_000)
        let result = SieveParser.parse(source)
        #expect(result.diagnostics.map(\.message) == ["script is 2000000 bytes, limit is 1048576"])
        #expect(result.script.commands.isEmpty)
    }

    @Test func aScriptNearOneMebibyteParses() {
        let unit = "if header :contains [\"subject\", \"from\"] [\"offer\", \"win\"] { fileinto \"Junk\"; stop; }\n"
        let count = (1 << 20) / unit.utf8.count
        let result = SieveParser.parse(String(repeating: unit, count: count))
        #expect(result.diagnostics.isEmpty)
        #expect(result.script.commands.count == count)
    }

    @Test func scriptAtTheSizeLimitIsParsed() {
        let source = "keep;" + String(repeating: " ", count: 95)
        let result = SieveParser.parse(source, limits: ParserLimits(maxScriptSize: 100))
        #expect(result.diagnostics.isEmpty)
        #expect(SieveParser.parse(source + " ", limits: ParserLimits(maxScriptSize: 100)).hasErrors)
    }

    @Test(arguments: [1, 5, 32])
    func nestedBlocksUpToTheLimitParse(limit: Int) {
        let source = String(repeating: "if t {", count: limit) + "keep;" + String(repeating: "}", count: limit)
        // The innermost `if`'s test sits inside limit - 1 blocks, at level `limit`;
        // its block is level `limit` too.
        let atLimit = SieveParser.parse(source, limits: ParserLimits(maxNestingDepth: limit))
        #expect(atLimit.diagnostics.isEmpty)
        let deeper = "if t {" + source + "}"
        let over = SieveParser.parse(deeper, limits: ParserLimits(maxNestingDepth: limit))
        #expect(over.diagnostics.map(\.message) == ["nesting deeper than \(limit) levels"])
    }

    @Test func hostileNestingIsOneErrorAndNoCrash() {
        let depth = 20_000
        let blocks = String(repeating: "if t {", count: depth) + String(repeating: "}", count: depth)
        let result = SieveParser.parse(blocks)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message == "nesting deeper than 32 levels")
        let tests = "if " + String(repeating: "not ", count: depth) + "true { keep; } stop;"
        let notResult = SieveParser.parse(tests)
        #expect(notResult.diagnostics.map(\.message) == ["nesting deeper than 32 levels"])
        #expect(notResult.diagnostics.first?.location.column == 4 + 4 * 32)
        #expect(notResult.script.commands.map(\.name) == ["stop"])
        let lists = "if " + String(repeating: "anyof(", count: depth)
        #expect(SieveParser.parse(lists).hasErrors)
    }

    @Test func nestedTestsAndStringListsCount() {
        // anyof (1) → not (2) → header (3) → string list (4)
        let source = #"if anyof(not header :is "a" ["b"]) {}"#
        #expect(!SieveParser.parse(source, limits: ParserLimits(maxNestingDepth: 4)).hasErrors)
        #expect(SieveParser.parse(source, limits: ParserLimits(maxNestingDepth: 3)).diagnostics.map(\.message)
            == ["nesting deeper than 3 levels"])
    }

    @Test func stringListLength() {
        let list = "[" + Array(repeating: "\"a\"", count: 11).joined(separator: ",") + "]"
        let result = SieveParser.parse("x \(list);", limits: ParserLimits(maxStringListLength: 10))
        #expect(result.diagnostics.map(\.message) == ["string list opened at 1:3 has more than 10 strings"])
        #expect(result.diagnostics.first?.location.column == 3 + 1 + 4 * 10)
        let fits = SieveParser.parse("x \(list);", limits: ParserLimits(maxStringListLength: 11))
        #expect(fits.diagnostics.isEmpty)
    }

    @Test func diagnosticLimitStopsParsing() {
        let source = String(repeating: "x [];\n", count: 200)
        let result = SieveParser.parse(source, limits: ParserLimits(maxDiagnostics: 5))
        #expect(result.diagnostics.count == 5)
        #expect(result.diagnostics.prefix(4).allSatisfy { $0.message.hasPrefix("expected a string after '['") })
        #expect(result.diagnostics.last?.message == "too many errors (limit is 5); stopped parsing")
        #expect(SieveParser.parse(source).diagnostics.count == 50)
    }
}

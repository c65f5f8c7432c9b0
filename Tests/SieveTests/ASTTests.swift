import Testing
@testable import Sieve

@Suite("Diagnostics format")
struct DiagnosticFormatTests {
    @Test func prefixIsFileLineColumn() {
        let d = Diagnostic(.error, "expected ';' after command 'keep', found '}'",
                           at: SourceLocation(line: 3, column: 7, offset: 40), file: "a.sieve")
        #expect(d.description == "a.sieve:3:7: error: expected ';' after command 'keep', found '}'")
    }
}

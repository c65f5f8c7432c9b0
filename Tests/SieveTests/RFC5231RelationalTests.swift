import Testing
@testable import Sieve

@Suite("RFC 5231 relational")
struct RFC5231RelationalTests {
    @Test(arguments: [
        ("header :value \"gt\" :comparator \"i;ascii-numeric\" \"X-Spam-Score\" \"10\"", true),
        ("header :value \"lt\" :comparator \"i;ascii-numeric\" \"X-Spam-Score\" \"10\"", false),
        ("header :value \"ge\" :comparator \"i;ascii-numeric\" \"X-Spam-Score\" \"12\"", true),
        ("header :value \"gt\" \"Subject\" \"H\"", true),                         // casemap ordering
        ("header :count \"eq\" :comparator \"i;ascii-numeric\" \"X-Missing\" \"0\"", true),
        ("address :count \"eq\" :comparator \"i;ascii-numeric\" \"to\" \"3\"", true),   // group members count
        ("address :count \"ge\" :comparator \"i;ascii-numeric\" [\"to\", \"cc\"] \"4\"", true),
        ("header :value \"lt\" :comparator \"i;ascii-numeric\" \"X-Caffeine\" \"99\"", false), // non-digits: infinity
    ])
    func relational(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test, require: ["relational", "comparator-i;ascii-numeric"]) == expected)
    }

    @Test func unknownOperatorIsAnError() {
        let found = diagnostics("require \"relational\"; if header :value \"gg\" \"a\" \"b\" { keep; }")
        #expect(found == ["test.sieve:1:40: error: unknown relational operator \"gg\" for :value; expected one of \"gt\", \"ge\", \"lt\", \"le\", \"eq\", \"ne\""])
    }
}


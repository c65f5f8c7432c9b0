import Testing
@testable import Sieve

@Suite("RFC 5229 §4.1 set modifiers")
struct VariableModifierTests {
    @Test(arguments: [
        (VariableModifier.lower, 40), (.upper, 40), (.lowerfirst, 30), (.upperfirst, 30),
        (.quotewildcard, 20), (.length, 10),
    ])
    func precedence(modifier: VariableModifier, expected: Int) {
        #expect(modifier.precedence == expected)
    }

    // RFC 5229 §4.1's examples on "juMBlEd lETteRS" and "Rock*".
    @Test(arguments: [
        ([VariableModifier.length], "juMBlEd lETteRS", "15"),
        ([.lower], "juMBlEd lETteRS", "jumbled letters"),
        ([.upperfirst], "juMBlEd lETteRS", "JuMBlEd lETteRS"),
        ([.upperfirst, .lower], "juMBlEd lETteRS", "Jumbled letters"),
        ([.quotewildcard], "Rock*", "Rock\\*"),
    ])
    func rfcExamples(modifiers: [VariableModifier], input: String, expected: String) {
        #expect(VariableModifier.applyAll(modifiers, to: input) == expected)
    }

    @Test(arguments: [
        // Order in the script does not matter: highest precedence first.
        ([VariableModifier.lower, .upperfirst], "hELLO", "Hello"),
        ([.lowerfirst, .upper], "hello", "hELLO"),
        ([.length, .quotewildcard], "a*b?", "6"),       // quote first (a\*b\?), then count
        ([.quotewildcard, .length], "a*b?", "6"),
        ([.length, .upper], "straße", "7"),             // "STRASSE" after upper-casing
        ([.upper, .quotewildcard, .upperfirst, .length], "x", "1"),
        ([], "Same", "Same"),
    ])
    func applyAllOrdersByPrecedence(modifiers: [VariableModifier], input: String, expected: String) {
        #expect(VariableModifier.applyAll(modifiers, to: input) == expected)
    }

    @Test(arguments: [
        (VariableModifier.lower, "ÀB", "àb"), (.upper, "àb", "ÀB"), (.lowerfirst, "ÉCOLE", "éCOLE"),
        (.upperfirst, "", ""), (.lowerfirst, "", ""), (.quotewildcard, "\\*?x", "\\\\\\*\\?x"),
        (.length, "", "0"), (.length, "日本語", "3"), (.length, "😀", "1"),
        (.length, "e\u{301}", "2"),  // two Unicode scalars
    ])
    func single(modifier: VariableModifier, input: String, expected: String) {
        #expect(modifier.apply(input) == expected)
    }

    @Test func quotedValueMatchesOnlyLiterally() {
        let quoted = VariableModifier.quotewildcard.apply("a*?\\")
        #expect(Matcher.glob("a*?\\", pattern: quoted, comparator: .octet) != nil)
        #expect(Matcher.glob("abc\\", pattern: quoted, comparator: .octet) == nil)
    }
}

@Suite("RFC 5229 §3 variable names")
struct VariableNameTests {
    @Test(arguments: ["a", "_", "foo_bar", "Foo9", "0", "123", "env.foo", "a.b.c", "a.1", "_x.y_"])
    func valid(name: String) {
        #expect(VariableName.isValid(name))
    }

    @Test(arguments: ["", "9a", "a-b", "a.", ".a", "a..b", "1.a", "a b", "ä", "${a}", "a.b-c"])
    func invalid(name: String) {
        #expect(!VariableName.isValid(name))
    }

    @Test func matchVariables() {
        #expect(VariableName.isMatchVariable("0"))
        #expect(VariableName.isMatchVariable("12"))
        #expect(!VariableName.isMatchVariable("a1"))
        #expect(!VariableName.isMatchVariable(""))
    }
}

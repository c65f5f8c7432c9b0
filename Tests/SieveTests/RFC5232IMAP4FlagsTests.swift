import Testing
@testable import Sieve

@Suite("RFC 5232 imap4flags")
struct RFC5232FlagTests {
    @Test func internalFlagsApplyToImplicitKeep() throws {
        let list = try actions("""
        require "imap4flags";
        if size :under 500K { setflag "\\\\Deleted"; }
        """)
        #expect(list == [.keep(flags: ["\\Deleted"], implicit: true)])
    }

    @Test func addAndRemoveFlags() throws {
        let list = try actions("""
        require "imap4flags";
        setflag ["\\\\Seen", "$Label1"];
        addflag "\\\\flagged $Label2 $Label1";
        removeflag "\\\\SEEN";
        keep;
        """)
        #expect(list == [.keep(flags: ["$Label1", "$Label2", "\\Flagged"], implicit: false)])
    }

    @Test func fileintoWithoutFlagsUsesCurrentInternalValue() throws {
        let list = try actions("""
        require ["imap4flags", "fileinto"];
        if header :contains "from" "coyote" {
            setflag "\\\\Flagged";
            fileinto "INBOX.From Coyote";
        }
        addflag "\\\\Seen";
        """)
        // fileinto took the value at that point; the later addflag does not reach it.
        #expect(list == [fileinto("INBOX.From Coyote", flags: ["\\Flagged"])])
    }

    @Test func flagsTagOverridesInternalVariable() throws {
        let list = try actions("""
        require ["imap4flags", "fileinto"];
        setflag "\\\\Seen";
        fileinto :flags "\\\\Answered" "A";
        keep :flags ["x", "y"];
        """)
        #expect(list == [fileinto("A", flags: ["\\Answered"]), .keep(flags: ["x", "y"], implicit: false)])
    }

    @Test func flagVariablesNeedVariables() {
        let found = diagnostics("require \"imap4flags\"; setflag \"var\" \"\\\\Seen\";")
        #expect(found == ["test.sieve:1:23: error: a variable name in command 'setflag' requires the \"variables\" extension; add require \"variables\";"])
    }

    @Test func namedFlagVariableExample() throws {
        let list = try actions("""
        require ["imap4flags", "fileinto", "variables"];
        if header :contains "from" "coyote@desert.example.org" {
            setflag "flagvar" "\\\\Flagged";
            addflag "flagvar" "\\\\Answered";
            fileinto :flags "${flagvar}" "INBOX.From Boss";
        }
        """)
        #expect(list == [fileinto("INBOX.From Boss", flags: ["\\Answered", "\\Flagged"])])
    }

    @Test(arguments: [
        ("hasflag \"\\\\seen\"", true),                                // casemap comparator by default
        ("hasflag :is \"$Label\"", false),
        ("hasflag :contains \"lab\"", true),
        ("hasflag :count \"eq\" :comparator \"i;ascii-numeric\" \"2\"", true),
        ("hasflag :matches \"\\\\\\\\*\"", true),                         // pattern \\* : a backslash, then anything
        ("hasflag :matches \"\\\\*\"", false),                            // pattern \* : a literal star
    ])
    func hasflagOnInternalVariable(_ test: String, _ expected: Bool) throws {
        let list = try actions("""
        require ["imap4flags", "relational", "comparator-i;ascii-numeric", "fileinto"];
        setflag ["\\\\Seen", "MyLabel"];
        if \(test) { fileinto "yes"; }
        """)
        #expect(list.contains(fileinto("yes", flags: ["MyLabel", "\\Seen"])) == expected)
    }

    @Test func hasflagOnNamedVariables() throws {
        let list = try actions("""
        require ["imap4flags", "variables", "fileinto"];
        set "a" "x y";
        set "b" "z";
        if hasflag ["a", "b"] "z" { fileinto "yes"; }
        """)
        #expect(list == [fileinto("yes")])
    }

    @Test("RFC 5232 §4/§5: :is and :contains split the keys into flags too; :matches and :count do not", arguments: [
        ("hasflag :is \"mylabel \\\\seen\"", true),          // both flags present
        ("hasflag :is \"other \\\\seen\"", true),            // any key flag is enough
        ("hasflag :is \"other third\"", false),
        ("hasflag :contains \"lab zzz\"", true),
        ("hasflag :contains \"zzz yyy\"", false),
        ("hasflag :matches \"MyLabel \\\\Seen\"", false),      // a pattern is not split
        ("hasflag :contains \"${keys}\"", true),                    // keys from a variable are split as well
    ])
    func hasflagSplitsKeys(_ test: String, _ expected: Bool) throws {
        let list = try actions("""
        require ["imap4flags", "variables", "fileinto"];
        set "keys" "nothing label";
        setflag ["\\\\Seen", "MyLabel"];
        if \(test) { fileinto "yes"; }
        """)
        #expect(list.contains(fileinto("yes", flags: ["MyLabel", "\\Seen"])) == expected, "\(test)")
    }

    @Test func flagsTagRequiresImap4flags() {
        let found = diagnostics("keep :flags \"x\";")
        #expect(found == ["test.sieve:1:6: error: tag ':flags' requires the \"imap4flags\" extension; add require \"imap4flags\";"])
    }
}

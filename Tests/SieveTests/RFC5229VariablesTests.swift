import Testing
@testable import Sieve

/// Runs `prelude` then files into the mailbox `template`, returning the mailbox name.
private func expanded(_ template: String, after prelude: String = "") throws -> String? {
    let list = try actions("require [\"variables\", \"fileinto\"];\n\(prelude)\nfileinto \(quoted(template));")
    guard case .fileinto(let mailbox, _, _, _)? = list.first else { return nil }
    return mailbox
}

@Suite("RFC 5229 §3 variable references")
struct RFC5229ReferenceTests {
    @Test(arguments: [
        ("&%${}!", "&%${}!"),                                        // empty name: not a reference
        ("${doh!}", "${doh!}"),                                      // "!" is not an identifier character
        ("${full}", ""),                                             // unset: empty
        ("${company}", "ACME"),
        ("${BAD${Company}", "${BADACME"),
        ("${President, ${Company} Inc.}", "${President, ACME Inc.}"),
        ("x${COMPANY}y", "xACMEy"),                                  // names are case-insensitive
        ("${1a}", "${1a}"),                                          // not an identifier, not a number
    ])
    func rfcExamples(_ template: String, _ expected: String) throws {
        // "fileinto" refuses an empty name; prefix everything so the result is never empty.
        #expect(try expanded("M" + template, after: "set \"company\" \"ACME\";") == "M" + expected)
    }

    @Test func valuesAreNotExpandedTwice() throws {
        #expect(try expanded("${a}", after: "set \"a\" \"${b}\"; set \"b\" \"x\"; set \"c\" \"$\"; set \"a\" \"${c}{b}\";") == "${b}")
    }

    @Test func unknownNamespaceIsAnError() {
        #expect(diagnostics("require [\"variables\", \"fileinto\"]; fileinto \"${foo.bar}\";")
                == ["test.sieve:1:45: error: unknown variable namespace 'foo' in '${foo.bar}'"])
    }

    @Test func withoutRequireReferencesAreLiteral() throws {
        #expect(try actions("require \"fileinto\"; fileinto \"${x}\";") == [fileinto("${x}")])
    }

    @Test func comparatorNameIsNotExpanded() {
        let found = diagnostics("require \"variables\"; set \"c\" \"i;octet\"; if header :comparator \"${c}\" \"a\" \"b\" { keep; }")
        #expect(found.first?.contains("unknown comparator \"${c}\"") == true)
    }

    @Test func headerNamesExpand() throws {
        #expect(try holds("header :contains \"${h}\" \"present\"", require: ["variables"]) == false)
        let list = try actions("require [\"variables\", \"fileinto\"]; set \"h\" \"SUBJECT\"; if header :contains \"${h}\" \"present\" { fileinto \"yes\"; }")
        #expect(list == [fileinto("yes")])
    }
}

@Suite("RFC 5229 §3.2 match variables")
struct RFC5229MatchVariableTests {
    @Test func listIdExample() throws {
        let list = try actions("""
        require ["fileinto", "variables"];
        if header :matches "List-ID" "*<*@*" {
            fileinto "INBOX.lists.${2}"; stop;
        }
        """, message: makeMessage(["List-ID: Sieve mailing list <sieve@ietf.org>"]))
        #expect(list == [fileinto("INBOX.lists.sieve")])
    }

    @Test func subjectTagExample() throws {
        let list = try actions("""
        require ["fileinto", "variables"];
        if header :matches "Subject" "[*] *" {
            fileinto "INBOX.lists.${1}"; stop;
        }
        """, message: makeMessage(["Subject: [acme-users] [fwd] version 1.0 is out"]))
        #expect(list == [fileinto("INBOX.lists.acme-users")])
    }

    @Test func addressExampleWithAdjacentStars() throws {
        let list = try actions("""
        require ["fileinto", "variables"];
        if address :matches ["To", "Cc"] ["coyote@**.com", "wile@**.com"] {
            fileinto "INBOX.business.${2}|${1}|${0}"; stop;
        }
        """, message: makeMessage(["To: coyote@ACME.Example.COM"]))
        #expect(list == [fileinto("INBOX.business.ACME.Example||coyote@ACME.Example.COM")])
    }

    @Test func failedMatchLeavesVariablesUnchanged() throws {
        let list = try actions("""
        require ["fileinto", "variables"];
        if header :matches "Subject" "I have a *" { }
        if header :matches "Subject" "nothing like *" { }
        fileinto "m-${1}";
        """)
        #expect(list == [fileinto("m-present for you")])
    }

    @Test func shortCircuitedTestDoesNotSetVariables() throws {
        let list = try actions("""
        require ["fileinto", "variables"];
        if anyof (true, header :matches "Subject" "*") { fileinto "m-${0}-"; }
        """)
        #expect(list == [fileinto("m--")])
    }

    @Test func nonMatchesTestsDoNotSetVariables() throws {
        let list = try actions("""
        require ["fileinto", "variables"];
        if header :matches "X-Caffeine" "C*" { }
        if header :contains "Subject" "present" { fileinto "m-${1}"; }
        """)
        #expect(list == [fileinto("m-8H10N4O2")])
    }

    @Test func notOfSuccessfulMatchStillSetsVariables() throws {
        let list = try actions("""
        require ["fileinto", "variables"];
        if not header :matches "Subject" "I *" { } else { fileinto "m-${1}"; }
        """)
        #expect(list == [fileinto("m-have a present for you")])
    }

    @Test func matchVariablesInFileinto() throws {
        let list = try actions("""
        require ["fileinto", "variables"];
        if header :matches "List-Id" "<*.*>" { fileinto "INBOX.lists.${1}"; }
        """)
        #expect(list == [fileinto("INBOX.lists.sieve")])
    }

    @Test func outOfRangeMatchVariableIsEmpty() throws {
        #expect(try expanded("a${9}${00}b", after: "if header :matches \"Subject\" \"I*\" { }") == "aI have a present for youb")
    }
}

@Suite("RFC 5229 §4 set")
struct RFC5229SetTests {
    @Test(arguments: [
        ("", "juMBlEd lETteRS"),
        (":length", "15"),
        (":lower", "jumbled letters"),
        (":upper", "JUMBLED LETTERS"),
        (":upperfirst", "JuMBlEd lETteRS"),
        (":upperfirst :lower", "Jumbled letters"),
        (":lowerfirst", "juMBlEd lETteRS"),
    ])
    func modifiers(_ modifiers: String, _ expected: String) throws {
        #expect(try expanded("${b}", after: "set \"a\" \"juMBlEd lETteRS\"; set \(modifiers) \"b\" \"${a}\";") == expected)
    }

    @Test func quotewildcard() throws {
        #expect(try expanded("${b}", after: "set :quotewildcard \"b\" \"Rock*\";") == "Rock\\*")
    }

    @Test func samePrecedenceModifiersAreAnError() {
        let found = diagnostics("require \"variables\"; set :lower :upper \"b\" \"x\";")
        #expect(found.count == 1)
        #expect(found.first?.contains("have the same precedence") == true)
    }

    @Test(arguments: ["1", "a-b", "", "9x"])
    func invalidVariableNamesAreAnError(_ name: String) {
        let found = diagnostics("require \"variables\"; set \(quoted(name)) \"x\";")
        #expect(found.count == 1)
        #expect(found.first?.contains("is not a valid variable name") == true)
    }

    @Test func textBlockExample() throws {
        let list = try actions("""
        require ["variables", "fileinto"];
        set "honorific" "Mr";
        set "first_name" "Wile";
        set "last_name" "Coyote";
        set "vacation" text:
        Dear ${HONORIFIC} ${last_name},
        I'm out, please leave a message after the meep.
        .
        ;
        fileinto "${vacation}";
        """)
        #expect(list == [fileinto("Dear Mr Coyote,\r\nI'm out, please leave a message after the meep.\r\n")]
                || list == [fileinto("Dear Mr Coyote,\nI'm out, please leave a message after the meep.\n")])
    }
}

@Suite("RFC 5229 §5 string test")
struct RFC5229StringTests {
    @Test func stateExampleAlwaysSucceeds() throws {
        let list = try actions("""
        require ["variables", "fileinto"];
        set "state" "${state} pending";
        if string :matches " ${state} " "* pending *" { fileinto "yes"; }
        """)
        #expect(list == [fileinto("yes")])
    }

    @Test(arguments: [
        ("string :is \"${unset}\" \"\"", true),
        ("string :count \"eq\" :comparator \"i;ascii-numeric\" [\"${unset}\", \"a\", \"\"] \"1\"", true),
        ("string :count \"eq\" :comparator \"i;ascii-numeric\" \"\" \"0\"", true),
        ("string :contains [\"abc\", \"xyz\"] \"y\"", true),
    ])
    func string(_ test: String, _ expected: Bool) throws {
        #expect(try holds(test, require: ["variables", "relational", "comparator-i;ascii-numeric"]) == expected)
    }

    @Test func stringTestRequiresVariables() {
        #expect(diagnostics("if string \"a\" \"a\" { keep; }")
                == ["test.sieve:1:4: error: test 'string' requires the \"variables\" extension; add require \"variables\";"])
    }
}

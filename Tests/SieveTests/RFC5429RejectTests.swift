import Testing
@testable import Sieve

@Suite("RFC 5429 reject and ereject")
struct RFC5429RejectTests {
    @Test func erejectExample() throws {
        let list = try actions("""
        require ["ereject"];
        if address "from" "coyote@desert.example.org" {
            ereject "I no longer accept mail from this address";
        }
        """)
        #expect(list == [.ereject(reason: "I no longer accept mail from this address")])
    }

    @Test func rejectExampleWithMultilineReason() throws {
        let list = try actions("""
        require ["reject"];
        if header :contains "from" "coyote@desert.example.org" {
            reject text:
        I am not taking mail from you, and I don't
        want your birdseed, either!
        .
            ;
        }
        """)
        guard case .reject(let reason)? = list.first else {
            Issue.record("expected a reject, got \(list)")
            return
        }
        #expect(list.count == 1)
        #expect(reason.hasPrefix("I am not taking mail from you, and I don't"))
        #expect(reason.contains("want your birdseed, either!"))
    }

    @Test(arguments: [
        "keep;",
        "fileinto \"a\";",
        "fileinto :copy \"a\";",
        "redirect \"x@example.com\";",
        "redirect :copy \"x@example.com\";",
        "vacation \"away\";",
        "ereject \"again\";",
        "reject \"again\";",
    ])
    func rejectConflicts(_ other: String) throws {
        let requires = "require [\"reject\", \"ereject\", \"fileinto\", \"copy\", \"vacation\"];\n"
        for script in [requires + "reject \"no\";\n" + other, requires + other + "\nreject \"no\";"] {
            let result = try run(script)
            #expect(result.actions == [implicitKeep], "\(script)")
            #expect(result.errors.count == 1, "\(script)")
        }
    }

    @Test func rejectAfterFileintoNamesBothActions() throws {
        let result = try run("require [\"fileinto\", \"reject\"];\nfileinto \"a\";\nreject \"no\";")
        #expect(result.errors.map(\.description) == ["test.sieve:3:1: error: 'reject' cannot be combined with 'fileinto' in one run (RFC 5429)"])
    }

    @Test func discardWithRejectIsAllowed() throws {
        #expect(try actions("require \"reject\"; discard; reject \"no\";") == [.discard, .reject(reason: "no")])
    }

    @Test func rejectCancelsImplicitKeep() throws {
        #expect(try actions("require \"reject\"; reject \"no\";") == [.reject(reason: "no")])
    }
}

@Suite("RFC 3894 copy")
struct RFC3894CopyTests {
    @Test func fileintoCopyKeepsImplicitKeep() throws {
        #expect(try actions("require [\"fileinto\", \"copy\"]; fileinto :copy \"Archive\";")
                == [fileinto("Archive", copy: true), implicitKeep])
    }

    @Test func redirectCopyKeepsImplicitKeep() throws {
        #expect(try actions("require \"copy\"; redirect :copy \"a@example.com\";")
                == [.redirect(address: "a@example.com", copy: true), implicitKeep])
    }

    @Test func copyAndPlainFileintoMerge() throws {
        #expect(try actions("require [\"fileinto\", \"copy\"]; fileinto :copy \"A\"; fileinto \"A\";") == [fileinto("A")])
    }

    @Test func copyRequiresCapability() {
        #expect(diagnostics("require \"fileinto\"; fileinto :copy \"A\";")
                == ["test.sieve:1:30: error: tag ':copy' requires the \"copy\" extension; add require \"copy\";"])
    }
}

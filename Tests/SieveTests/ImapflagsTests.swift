import Testing
@testable import Sieve

/// The deprecated imapflags draft (draft-melnikov-sieve-imapflags-03), served by the
/// imap4flags implementation.
@Suite("imapflags draft")
struct ImapflagsTests {
    @Test func isSupported() {
        #expect(SieveOptions.supportedExtensions.contains("imapflags"))
    }

    @Test(arguments: [
        ("addflag \"$Junk\";", ["$Junk"]),
        ("setflag [\"\\\\Seen\", \"$A\"]; removeflag \"\\\\seen\";", ["$A"]),
        ("mark;", ["\\Flagged"]),
        ("addflag \"$A\"; mark; unmark;", ["$A"]),
        ("setflag \"\\\\Flagged \\\\Seen\"; unmark;", ["\\Seen"]),
    ])
    func flagCommandsSetTheImplicitKeepsFlags(_ commands: String, _ flags: [String]) throws {
        let list = try actions("require \"imapflags\";\n" + commands)
        #expect(list == [.keep(flags: flags.sorted(), implicit: true)])
    }

    @Test func keepAndFileintoCarryFlags() throws {
        let list = try actions("""
        require ["imapflags", "fileinto"];
        addflag "$Label1";
        fileinto "Lists";
        keep :flags ["\\\\Flagged", "\\\\Seen"];
        """)
        #expect(list == [fileinto("Lists", flags: ["$Label1"]), .keep(flags: ["\\Flagged", "\\Seen"], implicit: false)])
    }

    @Test func hasflagTestsTheInternalFlags() throws {
        let list = try actions("""
        require ["imapflags", "fileinto"];
        mark;
        if hasflag "\\\\flagged" { fileinto "Flagged"; }
        """)
        #expect(list == [fileinto("Flagged", flags: ["\\Flagged"])])
    }

    @Test(arguments: [
        ("require [\"imapflags\", \"variables\"];\nsetflag \"v\" \"\\\\Seen\";",
         #"test.sieve:2:9: error: the imapflags draft's 'setflag' takes only a flag list; a variable name needs require "imap4flags""#),
        ("require [\"imapflags\", \"variables\"];\nif hasflag \"v\" \"\\\\Seen\" { keep; }",
         #"test.sieve:2:12: error: the imapflags draft's 'hasflag' takes only a flag list; a variable list needs require "imap4flags""#),
        ("require [\"imap4flags\", \"imapflags\"];",
         #"test.sieve:1:24: error: the deprecated "imapflags" extension cannot be required together with "imap4flags"; keep only "imap4flags""#),
        ("require \"imap4flags\";\nmark;",
         #"test.sieve:2:1: error: command 'mark' requires the "imapflags" extension; add require "imapflags";"#),
        ("require \"imapflags\";\nmark \"x\";",
         "test.sieve:2:6: error: command 'mark' takes no positional arguments, found 1"),
    ])
    func reportsMistakes(_ source: String, _ expected: String) {
        #expect(diagnostics(source) == [expected])
    }
}

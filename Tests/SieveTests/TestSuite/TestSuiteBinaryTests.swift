import Testing
@testable import Sieve

/// `test_binary_save` / `test_binary_load`: Sluice has no on-disk compiled form, so a
/// "binary" is the compiled script kept in memory under a name for the rest of the file.
@Suite("vnd.dovecot.testsuite: test_binary_save, test_binary_load")
struct TestSuiteBinaryTests {
    static let files = [
        "a.sieve": "require \"fileinto\";\nfileinto \"A\";",
        "b.sieve": "require \"fileinto\";\nfileinto \"B\";",
    ]

    @Test("a saved script comes back as the script under test")
    func saveAndLoad() {
        let lines = suiteLines("""
            test "round trip" {
              if not test_script_compile "a.sieve" { test_fail "compile a"; }
              test_binary_save "first";
              if not test_script_compile "b.sieve" { test_fail "compile b"; }
              test_binary_load "first";
              if not test_script_run { test_fail "run"; }
              if not test_result_action :index 1 "fileinto" { test_fail "no fileinto"; }
              if not test_result_execute { test_fail "execute"; }
              if not test_message :folder "A" 0 { test_fail "the loaded script is not a.sieve"; }
            }
            """, files: Self.files)
        #expect(lines == ["PASS round trip"])
    }

    @Test("saved binaries outlive the test block that saved them")
    func acrossBlocks() {
        let lines = suiteLines("""
            test "save" {
              if not test_script_compile "b.sieve" { test_fail "compile"; }
              test_binary_save "kept";
            }
            test "load" {
              test_binary_load "kept";
              if not test_script_run { test_fail "run"; }
              if not test_result_execute { test_fail "execute"; }
              test_message :folder "B" 0;
            }
            """, files: Self.files)
        #expect(lines == ["PASS save", "PASS load"])
    }

    @Test("loading a name never saved, or saving with nothing compiled, fails the block")
    func failures() {
        let lines = suiteLines("""
            test "load" { test_binary_load "nothing"; }
            test "save" { test_binary_save "x"; }
            """)
        #expect(lines == [
            "FAIL load: suite/t.svtest:2: test_binary_load: no binary saved as \"nothing\" in this test file",
            "FAIL save: suite/t.svtest:3: test_binary_save: no compiled script to save (test_script_compile failed or was not called)",
        ])
    }
}

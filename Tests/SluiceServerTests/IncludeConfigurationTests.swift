import Testing
@testable import SluiceServer
import SluiceConfig

@Suite("Configuration file: [scripts] settings of include (RFC 6609)")
struct IncludeConfigurationTests {
    @Test("defaults: no global directory, Pigeonhole's limits")
    func defaults() throws {
        let scripts = try ConfigurationFile.parse("", file: "empty.toml").delivery.scripts
        #expect(scripts.globalDirectory == nil)
        #expect(scripts.sieveOptions.limits.maxIncludeDepth == 10)
        #expect(scripts.sieveOptions.limits.maxIncludes == 255)
    }

    @Test("global_dir, max_include_depth and max_includes reach the script settings")
    func settings() throws {
        let scripts = try ConfigurationFile.parse("""
            [scripts]
            global_dir = "/etc/sluice/sieve-global"
            max_include_depth = 3
            max_includes = 20
            """, file: "t.toml").delivery.scripts
        #expect(scripts.globalDirectory == "/etc/sluice/sieve-global")
        #expect(scripts.sieveOptions.limits.maxIncludeDepth == 3)
        #expect(scripts.sieveOptions.limits.maxIncludes == 20)
    }

    @Test("mistakes name the key", arguments: [
        ("[scripts]\nglobal_dir = \"sieve\"\n", "t.toml: [scripts] global_dir must be an absolute path, found \"sieve\""),
        ("[scripts]\nmax_include_depth = 0\n", "t.toml: 'scripts.max_include_depth' is 0, expected 1 to 1000"),
        ("[scripts]\nmax_includes = 0\n", "t.toml: 'scripts.max_includes' is 0, expected 1 to 100000"),
    ])
    func errors(text: String, expected: String) {
        do {
            _ = try ConfigurationFile.parse(text, file: "t.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.hasPrefix(expected), "\(error.message)")
        }
    }
}

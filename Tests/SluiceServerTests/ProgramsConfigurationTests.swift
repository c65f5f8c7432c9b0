import Foundation
import Sieve
import Testing
@testable import SluiceConfig

@Suite("sluice.toml [programs]: external programs for pipe, filter, execute")
struct ProgramsConfigurationTests {
    @Test("a directory enables its extension only; the bounds are read")
    func enablesConfiguredKinds() throws {
        let directory = NSTemporaryDirectory() + "sluice-programs-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = "[programs]\npipe_dir = \"\(directory)\"\ntimeout = 0\nmax_output = \"64K\"\ninput_line_ends = \"lf\"\n"
        let options = try ConfigurationFile.parse(text, file: "t.toml").delivery.scripts.sieveOptions
        #expect(options.programs.directories == [.pipe: directory])
        #expect(options.programs.timeout == nil)
        #expect(options.programs.maxOutput == 64 << 10)
        #expect(options.programs.inputLineEnds == .lf)
        #expect(options.enabledExtensions.contains("vnd.dovecot.pipe"))
        #expect(!options.enabledExtensions.contains("vnd.dovecot.filter"))
        #expect(!options.enabledExtensions.contains("vnd.dovecot.execute"))
    }

    @Test("without the table all three are off")
    func offByDefault() throws {
        let options = try ConfigurationFile.parse("", file: "t.toml").delivery.scripts.sieveOptions
        #expect(options.enabledExtensions.isDisjoint(with: ["vnd.dovecot.pipe", "vnd.dovecot.filter", "vnd.dovecot.execute"]))
        #expect(options.programs.directories.isEmpty)
    }

    @Test("a directory that is not an existing absolute path is refused", arguments: [
        ("[programs]\nfilter_dir = \"bin\"\n", "t.toml: 'programs.filter_dir' is \"bin\", expected the absolute path of an existing directory"),
        ("[programs]\nexecute_dir = \"/nonexistent/sluice\"\n", "t.toml: 'programs.execute_dir' is \"/nonexistent/sluice\""),
        ("[programs]\ntimeout = -1\n", "t.toml: 'programs.timeout' is -1"),
        ("[programs]\npipe_directory = \"/tmp\"\n", "t.toml: unknown key 'programs.pipe_directory'"),
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

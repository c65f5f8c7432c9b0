import Delivery
import Foundation
import Sieve

/// The `[programs]` table: the directories of the programs that Sieve's `pipe`,
/// `filter` and `execute` may run (Pigeonhole's `sieve_pipe_bin_dir`,
/// `sieve_filter_bin_dir`, `sieve_execute_bin_dir`), and the bounds on a run. Each
/// extension is enabled exactly when its directory is set.
///
/// ```toml
/// [programs]
/// pipe_dir = "/usr/local/lib/sluice/pipe"
/// filter_dir = "/usr/local/lib/sluice/filter"
/// execute_dir = "/usr/local/lib/sluice/execute"
/// timeout = 10           # seconds; 0: no limit
/// max_output = "64M"     # what filter and execute :output may read back
/// input_line_ends = "crlf"  # or "lf"
/// ```
extension ConfigurationFile {
    static func readPrograms(_ table: inout TOMLReader, into options: inout SieveOptions) throws(ConfigurationError) {
        for kind in ExternalProgramKind.allCases {
            let key = "\(kind.rawValue)_dir"
            guard let directory = try table.string(key) else { continue }
            var isDirectory: ObjCBool = false
            guard directory.hasPrefix("/"), FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
                  isDirectory.boolValue else {
                throw ConfigurationError("\(table.file): 'programs.\(key)' is \"\(directory)\", expected the absolute path of an existing directory")
            }
            options.programs.directories[kind] = directory
        }
        if let seconds = try table.int("timeout", in: 0...86_400) { options.programs.timeout = seconds == 0 ? nil : .seconds(seconds) }
        if let size = try table.size("max_output") { options.programs.maxOutput = size }
        if let ends = try table.choice("input_line_ends", ["crlf", "lf"]) {
            options.programs.inputLineEnds = ProgramInputLineEnds(rawValue: ends) ?? .crlf
        }
        ExternalProgramSettings.enable(in: &options)
    }
}

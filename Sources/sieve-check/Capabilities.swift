import ArgumentParser
import Foundation
import SieveCheckKit

extension SieveCheck {
    /// `sieve-check capabilities [--json]`: the extensions scripts may `require`.
    struct Capabilities: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the Sieve capabilities (extensions) scripts may require, one per line.",
            discussion: "With --config, only those the site enables. vnd.dovecot.testsuite is for 'sieve-check test' only and not listed."
        )

        @Flag(help: "Print one JSON document: {\"capabilities\":[...]}.")
        var json = false

        @OptionGroup var site: SiteConfigurationOption

        func run() throws {
            let names = CheckEnvironment.capabilities(options: try site.load().options)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(["capabilities": names])
                print(String(decoding: data, as: UTF8.self))
            } else {
                names.forEach { print($0) }
            }
        }
    }
}

import Foundation
import Sieve

/// `regex-bench`: the `:regex` engine's time per input size, to show that it grows
/// linearly with the input, also for the patterns that make backtracking engines take
/// exponential time (`(a|aa)*c`, `(a*)*b`).
///
/// For each pattern and input size (64 KiB to 1 MiB) it prints the median of several
/// rounds of one search, the time per MiB, and the ratio to the previous size (about 2
/// when the growth is linear). Usage: `regex-bench [--rounds N]`.
@main
struct RegexBench {
    struct Case: Sendable {
        var name: String
        var pattern: String
        /// The input of `size` bytes (UTF-8); none of them match, so the whole input is searched.
        var input: @Sendable (Int) -> String
    }

    static let cases: [Case] = [
        Case(name: "(a|aa)*c", pattern: "(a|aa)*c") { String(repeating: "a", count: $0) },
        Case(name: "(a*)*b", pattern: "(a*)*b") { String(repeating: "a", count: $0) },
        Case(name: "header", pattern: "(^|, )bob\\+([a-z]+)@lists\\.example\\.(org|com)(,|$)") { size in
            // A long To: list of addresses that are not Bob's.
            var text = ""
            var n = 0
            while text.utf8.count < size {
                text += (n == 0 ? "" : ", ") + "user\(n)+tag@lists.example.net"
                n += 1
            }
            return String(text.utf8.prefix(size))!
        },
    ]

    static let sizes = [64, 128, 256, 512, 1024].map { $0 << 10 }

    static func main() throws {
        var rounds = 5
        var arguments = CommandLine.arguments.dropFirst()
        while let flag = arguments.popFirst() {
            if flag == "--rounds", let n = arguments.popFirst().flatMap({ Int($0) }), n > 0 {
                rounds = n
            } else {
                print("usage: regex-bench [--rounds N]")
                return
            }
        }
        let clock = ContinuousClock()
        print("pattern            size      median      per MiB   ratio to previous size")
        for benchmark in cases {
            let regex = try RegexPattern(benchmark.pattern, folding: .ascii)
            var previous: Double?
            for size in sizes {
                let input = benchmark.input(size)
                var times: [Double] = []
                var matched = false
                for _ in 0..<rounds {
                    let elapsed = clock.measure { matched = regex.firstMatch(in: input) != nil }
                    let parts = elapsed.components
                    times.append(Double(parts.seconds) + Double(parts.attoseconds) * 1e-18)
                }
                precondition(!matched, "\(benchmark.name) should not match its input")
                let median = times.sorted()[times.count / 2]
                let ratio = previous.map { String(format: "%.2f", median / $0) } ?? "-"
                print(pad(benchmark.name, 16), pad("\(size >> 10) KiB", 9, right: true),
                      pad(milliseconds(median), 11, right: true),
                      pad(milliseconds(median * Double(1 << 20) / Double(size)), 11, right: true), "  ", ratio)
                previous = median
            }
        }
    }

    static func milliseconds(_ seconds: Double) -> String {
        String(format: "%.1f ms", seconds * 1000)
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}

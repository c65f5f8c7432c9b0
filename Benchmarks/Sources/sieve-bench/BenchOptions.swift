/// Command-line options of `sieve-bench`, parsed by hand (the benchmark has no dependencies
/// beyond the Sluice modules it measures).
struct BenchOptions {
    /// The Sieve script to evaluate.
    var scriptPath: String
    /// The message to evaluate it against.
    var messagePath: String
    /// Measured rounds per figure; the median round is reported.
    var rounds = 7
    /// Evaluations per round; nil = calibrate so that one round takes about `roundSeconds`.
    var evaluationsPerRound: Int?
    /// Target duration of one calibrated evaluation round.
    var roundSeconds = 0.25
    /// Message parses and script compiles per round of their timings; nil = calibrate to
    /// about 0.1 s. Fixed counts make instruction counts comparable between builds.
    var setupIterations: Int?
    /// Envelope sender and recipient of the evaluated message.
    var envelopeFrom = "eng-announce-bounces+jan.novak=example.net@lists.example.org"
    var envelopeTo = "jan.novak@example.net"

    static let usage = """
        usage: sieve-bench [--script PATH] [--message PATH] [--rounds N] [--evaluations N]
                           [--round-seconds S] [--setup-iterations N]
                           [--envelope-from ADDR] [--envelope-to ADDR]

        Measures how many times per second a compiled Sieve script is evaluated against a
        parsed message (both prepared once), plus the one-off message parse and script
        compile times. Defaults: Scripts/fifty-rules.sieve on Messages/typical-10k.eml,
        7 rounds, evaluations per round calibrated to about 0.25 s. Build in release mode:
          swift run -c release --package-path Benchmarks sieve-bench
        """

    /// Parses `arguments` (without the program name); `benchmarkRoot` is the folder that
    /// holds `Scripts/` and `Messages/`.
    init(arguments: [String], benchmarkRoot: String) throws(BenchError) {
        scriptPath = benchmarkRoot + "/Scripts/fifty-rules.sieve"
        messagePath = benchmarkRoot + "/Messages/typical-10k.eml"
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "--help" || flag == "-h" { throw .usage }
            guard let value = rest.popFirst() else {
                throw .badArgument("\(flag) needs a value")
            }
            switch flag {
            case "--script": scriptPath = value
            case "--message": messagePath = value
            case "--rounds": rounds = try Self.positiveInt(value, for: flag)
            case "--evaluations": evaluationsPerRound = try Self.positiveInt(value, for: flag)
            case "--setup-iterations": setupIterations = try Self.positiveInt(value, for: flag)
            case "--round-seconds":
                guard let seconds = Double(value), seconds > 0 else {
                    throw .badArgument("--round-seconds expects a positive number of seconds, found '\(value)'")
                }
                roundSeconds = seconds
            case "--envelope-from": envelopeFrom = value
            case "--envelope-to": envelopeTo = value
            default: throw .badArgument("unknown option '\(flag)'")
            }
        }
    }

    private static func positiveInt(_ text: String, for flag: String) throws(BenchError) -> Int {
        guard let number = Int(text), number > 0 else {
            throw .badArgument("\(flag) expects a positive whole number, found '\(text)'")
        }
        return number
    }
}

/// Why the benchmark could not run.
enum BenchError: Error, CustomStringConvertible {
    case usage
    case badArgument(String)
    case unreadable(path: String)
    case scriptDoesNotCompile(String)

    var description: String {
        switch self {
        case .usage: BenchOptions.usage
        case .badArgument(let text): "sieve-bench: \(text)\n\n\(BenchOptions.usage)"
        case .unreadable(let path): "sieve-bench: cannot read '\(path)'"
        case .scriptDoesNotCompile(let diagnostics): "sieve-bench: the script does not compile:\n\(diagnostics)"
        }
    }
}

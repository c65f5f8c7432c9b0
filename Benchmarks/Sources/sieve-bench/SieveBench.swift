import Foundation
import MailCore
import Sieve

/// `sieve-bench`: evaluations per second of a compiled Sieve script on a parsed message.
///
/// The message is parsed once and the script compiled once, as the delivery agent does per
/// transaction and per cached script; the figure that matters is the evaluation loop. The
/// one-off parse and compile times are measured separately, each as the median of several
/// rounds.
@main
struct SieveBench {
    static func main() {
        do {
            try run(arguments: Array(CommandLine.arguments.dropFirst()))
        } catch .usage {
            print(BenchOptions.usage)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            exit(1)
        }
    }

    /// The folder holding `Scripts/` and `Messages/`: this package's root, found from this
    /// source file's path (…/Benchmarks/Sources/sieve-bench/SieveBench.swift).
    static var benchmarkRoot: String {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/")
    }

    static func run(arguments: [String]) throws(BenchError) {
        let options = try BenchOptions(arguments: arguments, benchmarkRoot: benchmarkRoot)
        let scriptBytes = try read(options.scriptPath)
        let messageBytes = try read(options.messagePath)
        let sieveOptions = SieveOptions()
        let envelope = SieveEnvelope(from: options.envelopeFrom, to: options.envelopeTo)

        // Prepare once, as delivery does.
        let message = Message(bytes: messageBytes)
        let compiled = SieveCompiler.compile(scriptBytes, file: options.scriptPath, options: sieveOptions)
        guard let script = compiled.script else {
            throw .scriptDoesNotCompile(compiled.diagnostics.map(\.description).joined(separator: "\n"))
        }
        let context = BenchContext(message: message, envelope: envelope)
        let first = SieveInterpreter.run(script, context: context, options: sieveOptions)

        print("sieve-bench")
        print("  script   \(options.scriptPath) (\(Stopwatch.grouped(scriptBytes.count)) octets)")
        print("  message  \(options.messagePath) (\(Stopwatch.grouped(messageBytes.count)) octets, \(message.headerFields.count) header fields)")
        print("  result   \(first.actions.map { String(describing: $0) }.joined(separator: "; "))")
        for error in first.errors { print("  runtime error: \(error)") }

        // One-off costs: parsing the message, compiling the script.
        var checksum = 0
        let parseBody = { checksum &+= Message(bytes: messageBytes).headerFields.count }
        let parseIterations = options.setupIterations ?? Stopwatch.calibrate(target: 0.1, parseBody)
        let parseTimes = Stopwatch.rounds(options.rounds, iterations: parseIterations, parseBody)
        let compileBody = {
            checksum &+= SieveCompiler.compile(scriptBytes, file: options.scriptPath, options: sieveOptions).diagnostics.count
        }
        let compileIterations = options.setupIterations ?? Stopwatch.calibrate(target: 0.1, compileBody)
        let compileTimes = Stopwatch.rounds(options.rounds, iterations: compileIterations, compileBody)

        // The evaluation loop: warm up, then measured rounds.
        let evaluate = { checksum &+= SieveInterpreter.run(script, context: context, options: sieveOptions).actions.count }
        let perRound = options.evaluationsPerRound ?? Stopwatch.calibrate(target: options.roundSeconds, evaluate)
        _ = Stopwatch.rounds(1, iterations: perRound, evaluate)
        let evaluationTimes = Stopwatch.rounds(options.rounds, iterations: perRound, evaluate)

        let median = Stopwatch.median(evaluationTimes)
        print("")
        print("  message parse   median \(Stopwatch.format(Stopwatch.median(parseTimes))) per parse")
        print("  script compile  median \(Stopwatch.format(Stopwatch.median(compileTimes))) per compile")
        print("  evaluation      median \(Stopwatch.grouped(Int((1 / median).rounded()))) evaluations/s, \(Stopwatch.format(median)) per evaluation")
        print("                  \(options.rounds) rounds × \(Stopwatch.grouped(perRound)) evaluations after one warm-up round;"
            + " fastest \(Stopwatch.format(evaluationTimes[0])), slowest \(Stopwatch.format(evaluationTimes[evaluationTimes.count - 1]))")
        print("  (checksum \(checksum))")
    }

    static func read(_ path: String) throws(BenchError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        return [UInt8](data)
    }
}

/// The context of one benchmark run: the parsed message and its envelope; every mailbox
/// exists.
struct BenchContext: SieveContext {
    let message: Message
    let envelope: SieveEnvelope
}

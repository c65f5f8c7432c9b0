import Foundation

/// `lmtp-load`: drives a running LMTP server like Postfix does and reports throughput,
/// latency, the server's memory, and whether every reply and every delivered file was right.
@main
struct LMTPLoad {
    static func main() {
        do {
            let passed = try run(arguments: Array(CommandLine.arguments.dropFirst()))
            exit(passed ? 0 : 1)
        } catch .usage {
            print(LoadOptions.usage)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            exit(2)
        }
    }

    static func run(arguments: [String]) throws(LoadError) -> Bool {
        let options = try LoadOptions(arguments: arguments)
        let factory = MessageFactory(targetSize: options.messageSize, sender: options.sender, domain: options.domain)
        let filesBefore = options.maildirRoot.map(MaildirCounter.count(root:))
        let sampler = MemorySampler(pids: options.serverPIDs, interval: options.sampleInterval)
        sampler.start()

        let shared = SharedState()
        let start = Clock.now()
        let deadline = start + options.duration
        let group = DispatchGroup()
        for index in 0..<options.concurrency {
            let worker = Worker(index: index, options: options, factory: factory, shared: shared, deadline: deadline)
            group.enter()
            let thread = Thread {
                let result = worker.run()
                shared.results.withLock { $0.append(result) }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        if let every = options.progressInterval {
            // Progress lines: throughput and server memory over time ("flat under a long run").
            var last = (time: start, done: 0)
            while group.wait(timeout: .now() + every) == .timedOut {
                let now = Clock.now()
                let done = shared.completed.load(ordering: .relaxed)
                let rate = Double(done - last.done) / (now - last.time)
                print("  progress    t=\(fixed(now - start, 0)) s  \(done) transactions  \(fixed(rate, 1)) messages/s  server RSS \(sampler.currentKiB / 1024) MiB")
                fflush(nil)  // all streams: stdout is a pipe in the scripts
                last = (now, done)
            }
        } else {
            group.wait()
        }
        let elapsed = Clock.now() - start
        let memory = sampler.stop()
        let results = shared.results.withLock { $0 }

        let transactions = results.reduce(0) { $0 + $1.transactions }
        let accepted = results.reduce(0) { $0 + $1.acceptedRecipients }
        let failures = results.flatMap(\.failures)
        let latencies = results.flatMap(\.latencies).sorted()
        let filesAfter = options.maildirRoot.map(MaildirCounter.count(root:))
        let newFiles = filesBefore.flatMap { before in filesAfter.map { $0 - before } }
        let expectedRecipients = transactions * options.recipients

        var passed = failures.isEmpty && accepted == expectedRecipients && transactions > 0
        var fileVerdict = "not checked (no --maildir-root)"
        if let newFiles {
            if newFiles == accepted {
                fileVerdict = "ok: \(newFiles) new files = \(accepted) accepted recipients"
            } else {
                fileVerdict = "MISMATCH: \(newFiles) new files, \(accepted) accepted recipients"
                if options.verifyFiles { passed = false }
            }
        }

        let messagesPerSecond = Double(transactions) / elapsed
        let recipientsPerSecond = Double(accepted) / elapsed
        let p50 = percentile(latencies, 0.50) * 1000
        let p99 = percentile(latencies, 0.99) * 1000
        let sizeOnWire = factory.wireBody.count + 1100

        print("lmtp-load \(options.label.isEmpty ? "" : "[\(options.label)] ")-> \(options.endpoint)")
        print("  load        c=\(options.concurrency), ~\(sizeOnWire) octets/message, \(options.recipients) recipient(s)/transaction, \(results.reduce(0) { $0 + $1.connections }) connection(s)")
        print("  done        \(transactions) transactions, \(accepted)/\(expectedRecipients) recipients accepted in \(fixed(elapsed, 2)) s")
        print("  throughput  \(fixed(messagesPerSecond, 1)) messages/s, \(fixed(recipientsPerSecond, 1)) recipients/s")
        print("  latency     p50 \(fixed(p50, 2)) ms, p99 \(fixed(p99, 2)) ms, max \(fixed((latencies.last ?? 0) * 1000, 2)) ms (end of data to last reply)")
        if memory.samples > 0 {
            print("  server RSS  start \(memory.firstKiB / 1024) MiB, peak \(memory.peakKiB / 1024) MiB, end \(memory.lastKiB / 1024) MiB, VmHWM \(memory.highWaterKiB / 1024) MiB (\(memory.samples) samples, pids \(options.serverPIDs.map(String.init).joined(separator: ",")) and children)")
        }
        print("  files       \(fileVerdict)")
        for failure in failures.prefix(20) { print("  FAILURE     \(failure)") }
        if failures.count > 20 { print("  ...         \(failures.count - 20) more failures") }
        print("  verdict     \(passed ? "PASS" : "FAIL")")
        print("RESULT label=\(options.label.isEmpty ? "-" : options.label) concurrency=\(options.concurrency) size=\(options.messageSize) recipients=\(options.recipients) transactions=\(transactions) accepted=\(accepted) seconds=\(fixed(elapsed, 3)) msgs_per_s=\(fixed(messagesPerSecond, 1)) rcpts_per_s=\(fixed(recipientsPerSecond, 1)) p50_ms=\(fixed(p50, 2)) p99_ms=\(fixed(p99, 2)) rss_start_kib=\(memory.firstKiB) rss_peak_kib=\(memory.peakKiB) rss_end_kib=\(memory.lastKiB) hwm_kib=\(memory.highWaterKiB) files=\(newFiles.map { "\($0)" } ?? "-") failures=\(failures.count) verdict=\(passed ? "PASS" : "FAIL")")
        return passed
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}

/// Monotonic seconds.
enum Clock {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// Counts the files that a mail reader would see: every regular file in a `new/` or `cur/`
/// folder anywhere under a root (INBOX and Maildir++ folders alike; index files and `tmp/`
/// leftovers are not messages).
enum MaildirCounter {
    static func count(root: String) -> Int {
        var total = 0
        guard let walker = FileManager.default.enumerator(atPath: root) else { return 0 }
        while let relative = walker.nextObject() as? String {
            let parts = relative.split(separator: "/")
            guard parts.count >= 2 else { continue }
            let folder = parts[parts.count - 2]
            guard folder == "new" || folder == "cur" else { continue }
            if walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular { total += 1 }
        }
        return total
    }
}

/// Timing helpers on `ContinuousClock`: run a body a number of times per round, for several
/// rounds, and report the median round.
enum Stopwatch {
    static let clock = ContinuousClock()

    /// Seconds in `duration`, as a floating-point number.
    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    /// Runs `body` `iterations` times per round for `rounds` rounds and returns the time per
    /// iteration (seconds) of every round, sorted ascending.
    static func rounds(_ rounds: Int, iterations: Int, _ body: () -> Void) -> [Double] {
        var perIteration: [Double] = []
        perIteration.reserveCapacity(rounds)
        for _ in 0..<rounds {
            let elapsed = clock.measure {
                for _ in 0..<iterations { body() }
            }
            perIteration.append(seconds(elapsed) / Double(iterations))
        }
        return perIteration.sorted()
    }

    /// How many iterations of `body` fit in about `target` seconds (at least 1).
    static func calibrate(target: Double, _ body: () -> Void) -> Int {
        var iterations = 1
        while true {
            let elapsed = seconds(clock.measure {
                for _ in 0..<iterations { body() }
            })
            if elapsed >= target / 4 || iterations >= 1 << 30 {
                return max(1, Int(Double(iterations) * target / max(elapsed, 1e-9)))
            }
            iterations *= 4
        }
    }

    /// The median of a sorted, non-empty array (the lower middle for an even count).
    static func median(_ sorted: [Double]) -> Double {
        sorted[(sorted.count - 1) / 2]
    }

    /// A duration in seconds as text with a unit that suits it: "812 ns", "12.4 µs", "3.10 ms".
    static func format(_ seconds: Double) -> String {
        switch seconds {
        case ..<1e-6: return "\(fixed(seconds * 1e9, 0)) ns"
        case ..<1e-3: return "\(fixed(seconds * 1e6, seconds < 1e-5 ? 2 : 1)) µs"
        case ..<1: return "\(fixed(seconds * 1e3, 2)) ms"
        default: return "\(fixed(seconds, 2)) s"
        }
    }

    /// `value` with `digits` decimals, without Foundation's formatters.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value * scale).rounded()
        let whole = Int(scaled / scale)
        guard digits > 0 else { return String(whole) }
        let fraction = Int(abs(scaled) - abs(Double(whole)) * scale)
        let fractionText = String(fraction)
        return "\(whole).\(String(repeating: "0", count: digits - fractionText.count))\(fractionText)"
    }

    /// A whole number with thousands separators: 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }
}

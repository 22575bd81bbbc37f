/// Timing helpers for the engine benchmark, in a namespace so they cannot collide with other suites' helpers.
enum EngineBenchTiming {
    /// Where results go so the optimizer cannot prove them unused and delete the work.
    nonisolated(unsafe) static var sink = 0.0

    /// Consumes a value through an opaque call.
    @inline(never)
    static func consume(_ value: Double) { sink += value }

    /// The median over `rounds` rounds of the time per call of `body`, in microseconds. Each round runs `body`
    /// enough times to last about `roundSeconds` (calibrated once after a warm-up call), so that clock resolution
    /// and loop overhead vanish; the median discards rounds disturbed by other work on the machine.
    static func medianMicroseconds(
        rounds: Int = 15, roundSeconds: Double = 0.02, _ body: () -> Void
    ) -> Double {
        let clock = ContinuousClock()
        body()
        let once = clock.measure(body)
        let perCall = max(seconds(once), 1e-9)
        let repetitions = max(1, Int(roundSeconds / perCall))
        var samples: [Double] = []
        for _ in 0..<rounds {
            let elapsed = clock.measure {
                for _ in 0..<repetitions { body() }
            }
            samples.append(seconds(elapsed) / Double(repetitions) * 1e6)
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

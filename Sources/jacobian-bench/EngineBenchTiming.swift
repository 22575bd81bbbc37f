import Foundation

/// Timing helpers for the engine benchmark, in a namespace so they cannot collide with other suites' helpers.
enum EngineBenchTiming {
    /// Where results go so the optimizer cannot prove them unused and delete the work.
    nonisolated(unsafe) static var sink = 0.0

    /// Consumes a value through an opaque call.
    @inline(never)
    static func consume(_ value: Double) { sink += value }

    /// Median time per call of `body`, in microseconds: wall time, and CPU time of the whole process (all threads,
    /// so a parallel batch counts every core it used). On a machine shared with other jobs the wall time includes
    /// waiting for a core; the CPU time does not.
    struct Sample {
        var wall: Double
        var cpu: Double
    }

    /// The medians over `rounds` rounds of the time per call of `body`. Each round runs `body` enough times to last
    /// about `roundSeconds` (calibrated once after a warm-up call), so that clock resolution and loop overhead
    /// vanish; the median discards rounds disturbed by other work on the machine.
    static func median(rounds: Int = 15, roundSeconds: Double = 0.02, _ body: () -> Void) -> Sample {
        let clock = ContinuousClock()
        body()
        let perCall = max(seconds(clock.measure(body)), 1e-9)
        let repetitions = max(1, Int(roundSeconds / perCall))
        var walls: [Double] = []
        var cpus: [Double] = []
        for _ in 0..<rounds {
            let cpuStart = processCPUSeconds()
            let elapsed = clock.measure {
                for _ in 0..<repetitions { body() }
            }
            cpus.append((processCPUSeconds() - cpuStart) / Double(repetitions) * 1e6)
            walls.append(seconds(elapsed) / Double(repetitions) * 1e6)
        }
        return Sample(wall: walls.sorted()[rounds / 2], cpu: cpus.sorted()[rounds / 2])
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}

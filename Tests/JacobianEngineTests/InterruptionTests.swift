import Synchronization
import Testing
@testable import JacobianEngine

/// Issue #19: Jacobian batches had no time limit and ran on after their client had gone. A batch now checks its
/// `Interruption` every few points, sequential and parallel alike.
@Suite struct InterruptionTests {
    private func function() throws -> CompiledFunction {
        try compile([.vector(name: "x", size: 3)], ["sin(x[0]) * x[1]", "exp(x[2]) + x[0]^3"])
    }

    private func points(_ count: Int) -> [[Double]] {
        (0..<count).map { i in [Double(i) * 0.001, 0.5, -0.25] }
    }

    @Test(arguments: [100, 5000])
    func aPassedDeadlineStopsTheBatchWithTheLimitNamed(count: Int) throws {
        let f = try function()
        let error = engineError { try f.jacobians(at: points(count), interruption: Interruption(timeLimit: .zero)) }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.limit == "computeTimeLimit")
        #expect(error?.pointIndex == nil)
        #expect(error?.message.contains("computeTimeLimit") == true)
    }

    /// Expression batches run in blocks of up to 64 points, checked once per block, so the batch holds several.
    @Test(arguments: [1000, 5000])
    func aCancelledRequesterStopsTheBatch(count: Int) throws {
        let f = try function()
        let checks = Atomic<Int>(0)
        let error = engineError {
            try f.jacobians(at: points(count), interruption: Interruption(isCancelled: {
                checks.add(1, ordering: .relaxed).oldValue >= 2  // Cancelled from the third check on.
            }))
        }
        #expect(error?.kind == .cancelled)
        // Every chunk stops at its next check: far fewer checks than points / interval.
        #expect(checks.load(ordering: .relaxed) <= 2 + 64)
    }

    @Test func aLongBatchStopsSoonAfterItsDeadline() throws {
        // 10,000 points of a 200-output function: several seconds of work; stopped at 50 ms.
        let outputs = (0..<200).map { "sin(x[0] * \($0)) * cos(x[1] + \($0)) + exp(x[2] / \($0 + 1))" }
        let f = try compile([.vector(name: "x", size: 3)], outputs)
        let started = ContinuousClock.now
        let error = engineError {
            try f.jacobians(at: points(10_000), interruption: Interruption(timeLimit: .milliseconds(50)))
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.kind == .limitExceeded)
        #expect(elapsed < .seconds(1), "stopped after \(elapsed)")
    }

    @Test func noInterruptionComputesEverything() throws {
        let f = try function()
        let results = try f.jacobians(at: points(1000), interruption: Interruption(timeLimit: .seconds(60), isCancelled: { false }))
        #expect(results.count == 1000)
        let evaluations = try f.evaluations(at: points(10), interruption: .none)
        #expect(evaluations.count == 10)
    }
}

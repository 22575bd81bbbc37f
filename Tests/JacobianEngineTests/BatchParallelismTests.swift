import Dispatch
import Synchronization
import Testing
@testable import JacobianEngine

/// Batches split into chunks over the calling thread and the helpers `BatchParallelism.current` grants.
@Suite("Batch parallelism")
struct BatchParallelismTests {
    func function() throws -> CompiledFunction {
        try compile([.vector(name: "x", size: 3)], ["x[0]^2", "x[1]^3", "x[2]^4"])
    }

    var batch: [[Double]] { (0..<20_000).map { [Double($0) / 1e4, 1 - Double($0) / 1e4, 0.5] } }

    @Test func withoutHelpersTheCallerDoesEverything() throws {
        let f = try function()
        let expected = try f.jacobians(at: batch)
        let offered = Atomic<Int>(0)
        let never = BatchParallelism(helpers: 3, offer: { _ in offered.add(1, ordering: .relaxed); return false })
        let results = try BatchParallelism.$current.withValue(never) { try f.jacobians(at: batch) }
        #expect(results == expected)
        #expect(offered.load(ordering: .relaxed) == 1, "a refused offer is not repeated")
        let alone = try BatchParallelism.$current.withValue(.callingThread) { try f.jacobians(at: batch) }
        #expect(alone == expected)
    }

    /// A helper that only starts once the batch is done (a job still queued) finds nothing to do and must not
    /// touch the finished batch.
    @Test func lateHelpersDoNothing() throws {
        let f = try function()
        let expected = try f.jacobians(at: batch)
        let queued = Mutex<[@Sendable () -> Void]>([])
        let late = BatchParallelism(helpers: 2, offer: { job in queued.withLock { $0.append(job) }; return true })
        let results = try BatchParallelism.$current.withValue(late) { try f.jacobians(at: batch) }
        #expect(results == expected)
        // Taken out of the array: a job holds the batch's parallelism, whose `offer` holds the array, a cycle that
        // would leak (found by LeakSanitizer in `make sanitize`).
        for job in queued.withLock({ jobs in defer { jobs = [] }; return jobs }) { job() }
    }

    /// Helpers asked to yield stop taking chunks; the caller finishes their share.
    @Test func yieldingHelpersLeaveTheirShareToTheCaller() throws {
        let f = try function()
        let expected = try f.jacobians(at: batch)
        let ran = Atomic<Int>(0)
        let yielding = BatchParallelism(
            helpers: 2,
            offer: { job in
                DispatchQueue.global().async {
                    ran.add(1, ordering: .relaxed)
                    job()
                }
                return true
            },
            shouldYield: { true })
        let results = try BatchParallelism.$current.withValue(yielding) { try f.jacobians(at: batch) }
        #expect(results == expected)
    }

    @Test func errorsNameTheLowestFailingPointWithHelpers() throws {
        let f = try compile([.vector(name: "x", size: 2)], ["log(x[0]) * x[1]"])
        var points = (0..<20_000).map { [1.0 + Double($0), 2.0] }
        points[12_345][0] = 0
        points[17_000][0] = -1
        let pool = BatchParallelism(helpers: 1, offer: { job in DispatchQueue.global().async(execute: job); return true })
        let error = BatchParallelism.$current.withValue(pool) { engineError { try f.jacobians(at: points) } }
        #expect(error?.pointIndex == 12_345)
    }
}

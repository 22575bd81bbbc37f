import Dispatch
import Synchronization
import Testing

@testable import HTTPServer

/// Issue 12: a request's batch borrows idle workers only (`offerIdle`), sees when a request waits, and finds its
/// share bound on the worker thread.
@Suite struct WorkerPoolShareTests {
    @Test func helpersTakeIdleWorkersOnlyAndSeeWaitingRequests() {
        let pool = WorkerPool(workerCount: 2, queueDepth: 16, metrics: ServerMetrics(), spareWorkers: 0)
        defer { pool.stop() }
        let started = DispatchSemaphore(value: 0)
        let (gateA, gateB) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        #expect(pool.submit(client: "a") { started.signal(); gateA.wait() })
        started.wait()
        // One worker idle: a helper is granted, and runs.
        #expect(pool.offerIdle(client: "a") { started.signal(); gateB.wait() })
        started.wait()
        // Both busy: no helper, and the offer does not queue.
        #expect(!pool.offerIdle(client: "a") {})
        #expect(!pool.hasWaitingRequests)
        let ran = DispatchSemaphore(value: 0)
        #expect(pool.submit(client: "b") { ran.signal() })
        #expect(pool.hasWaitingRequests, "the helper should now give its worker back")
        gateB.signal()
        ran.wait()
        #expect(!pool.hasWaitingRequests)
        gateA.signal()
    }

    @Test func aJobSeesItsShareOfThePool() {
        let pool = WorkerPool(workerCount: 3, queueDepth: 16, metrics: ServerMetrics())
        defer { pool.stop() }
        let seen = Mutex<Int?>(nil)
        let done = DispatchSemaphore(value: 0)
        #expect(WorkerPoolShare.current == nil)
        #expect(pool.submit(client: "a") {
            seen.withLock { $0 = WorkerPoolShare.current?.helpers }
            done.signal()
        })
        done.wait()
        #expect(seen.withLock { $0 } == 2)
    }
}

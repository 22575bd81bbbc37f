#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

/// Issue #19: one client's queued heavy requests made everyone else's small ones wait behind them (six heavy
/// batches, a trivial request waited 51 s). A free worker now takes the job of the client with the fewest running.
@Suite struct FairSchedulingTests {
    @Test func aFreeWorkerTakesTheClientWithTheFewestJobsRunning() {
        let pool = WorkerPool(workerCount: 2, queueDepth: 16, metrics: ServerMetrics())
        defer { pool.stop() }
        let order = Mutex<[String]>([])
        let (gateA, gateC) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        let started = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        // Client a holds one worker, client c the other.
        #expect(pool.submit(client: "a") { started.signal(); gateA.wait() })
        #expect(pool.submit(client: "c") { started.signal(); gateC.wait() })
        started.wait()
        started.wait()
        for name in ["a1", "a2", "a3"] {
            #expect(pool.submit(client: "a") { order.withLock { $0.append(name) }; done.signal() })
        }
        #expect(pool.submit(client: "b") { order.withLock { $0.append("b1") }; done.signal() })
        gateC.signal()  // The freed worker takes b1, the newest job: a already has a worker, b has none.
        done.wait()
        #expect(order.withLock { $0 }.first == "b1")
        gateA.signal()
        for _ in 0..<3 { done.wait() }
        #expect(order.withLock { $0 }.filter { $0.hasPrefix("a") } == ["a1", "a2", "a3"])  // Each client in order.
    }

    @Test func aSpareThreadStartsAnotherClientsJobAtOnce() {
        let pool = WorkerPool(workerCount: 1, queueDepth: 16, metrics: ServerMetrics(), spareWorkers: 1)
        defer { pool.stop() }
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let ran = Mutex<[String]>([])
        #expect(pool.submit(client: "a") { started.signal(); gate.wait() })
        started.wait()
        #expect(pool.submit(client: "a") { ran.withLock { $0.append("a2") } })  // Waits: a holds the worker.
        let bDone = DispatchSemaphore(value: 0)
        #expect(pool.submit(client: "b") { ran.withLock { $0.append("b1") }; bDone.signal() })
        #expect(bDone.wait(timeout: .now() + 2) == .success)  // On the spare thread, while a still computes.
        #expect(ran.withLock { $0 } == ["b1"])
        gate.signal()
        #expect(waitUntil { ran.withLock { $0 } == ["b1", "a2"] })
    }

    @Test func aLoneClientStillGetsEveryWorker() {
        let pool = WorkerPool(workerCount: 3, queueDepth: 16, metrics: ServerMetrics())
        defer { pool.stop() }
        let concurrent = Atomic<Int>(0), peak = Atomic<Int>(0)
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<6 {
            _ = pool.submit(client: "a") {
                let now = concurrent.add(1, ordering: .relaxed).newValue
                peak.max(now, ordering: .relaxed)
                usleep(50_000)
                concurrent.subtract(1, ordering: .relaxed)
                done.signal()
            }
        }
        for _ in 0..<6 { done.wait() }
        #expect(peak.load(ordering: .relaxed) == 3)
    }

    @Test func anotherClientsRequestDoesNotWaitBehindOneClientsQueue() throws {
        try withServer({ $0.workerCount = 2 }) { _, port in
            // Client 127.0.0.1 queues eight 400 ms computations: 1.6 s of work on two workers.
            let heavy = try (0..<8).map { n in
                let client = try RawClient(port: port, timeout: 10)
                try client.send("GET /spin?ms=400&id=fair-\(n)-\(UInt64.random(in: 0...UInt64.max)) HTTP/1.1\r\nHost: h\r\n\r\n")
                return client
            }
            usleep(100_000)
            let started = ContinuousClock.now
            let other = try RawClient(port: port, timeout: 10, source: "127.0.0.2")
            #expect(try other.request("GET", "/hello").status == 200)
            let waited = ContinuousClock.now - started
            // FIFO it would wait for the whole queue (about 1.5 s); now it starts at once on the spare thread.
            #expect(waited < .milliseconds(500), "the other client waited \(waited)")
            for client in heavy { #expect(try client.readResponse().status == 200) }
        }
    }
}

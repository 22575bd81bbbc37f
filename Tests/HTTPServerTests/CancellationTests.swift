#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import TestSupport
import Testing

@testable import HTTPServer

/// Issue #19, attack 2 over HTTP/1.1: work went on after its client had closed. Now running work sees its token
/// cancelled, and queued work is dropped before it starts.
@Suite struct CancellationTests {
    private func spin(_ id: String, ms: Int) -> String {
        "GET /spin?ms=\(ms)&id=\(id) HTTP/1.1\r\nHost: h\r\n\r\n"
    }

    @Test func aClientThatClosesStopsItsRunningWork() throws {
        let id = "h1-running-\(UInt64.random(in: 0...UInt64.max))"
        try withServer { _, port in
            var client: RawClient? = try RawClient(port: port)
            try client!.send(spin(id, ms: 10_000))
            #expect(waitUntil { TestRoutes.Spins.outcome(id) == "started" })
            let closed = DispatchTime.now().uptimeNanoseconds
            client = nil
            #expect(waitUntil(seconds: 2) { TestRoutes.Spins.outcome(id) == "cancelled" })
            let stoppedAfter = Double(DispatchTime.now().uptimeNanoseconds - closed) / 1e9
            #expect(stoppedAfter < 1, "the work stopped \(stoppedAfter) s after its client left")
        }
    }

    @Test func queuedWorkOfAClientThatClosedIsDropped() throws {
        let (running, queued) = ("h1-first-\(UInt64.random(in: 0...UInt64.max))", "h1-queued-\(UInt64.random(in: 0...UInt64.max))")
        try withServer({ $0.workerCount = 1 }) { server, port in
            let first = try RawClient(port: port)
            try first.send(spin(running, ms: 300))
            #expect(waitUntil { TestRoutes.Spins.outcome(running) == "started" })
            var second: RawClient? = try RawClient(port: port)
            try second!.send(spin(queued, ms: 300))
            #expect(waitUntil { server.bodyBudget.reserved == 0 })
            usleep(50_000)  // The request is parsed and queued behind the first.
            second = nil
            #expect(try first.readResponse().status == 200)
            // The worker is free; the dropped job never ran.
            let probe = try RawClient(port: port)
            #expect(try probe.request("GET", "/hello").status == 200)
            #expect(TestRoutes.Spins.outcome(queued) == nil)
        }
    }
}

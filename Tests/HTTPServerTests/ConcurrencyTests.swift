#if canImport(Glibc)
import Glibc
#endif
import Dispatch
@testable import HTTPServer
import Synchronization
import TestSupport
import Testing

/// Many clients at once, the bounded worker pool and the connection limit.
@Suite struct ConcurrencyTests {
    @Test func hundredClientsTimesHundredRequestsAreAllAnsweredCorrectly() throws {
        // Room in the queue for every request in flight: this is about answers, not overload.
        try withServer({ $0.queueDepth = 128 }) { server, port in
            let failures = Mutex<[String]>([])
            let clients = try (0..<100).map { _ in try RawClient(port: port) }
            // Four client threads, each with 25 connections: every round sends one request on each of its
            // connections before reading any response, so up to 100 requests are in flight at once. Threads of
            // their own, all at once: `concurrentPerform` would run two at a time on two cores, and the other two
            // groups' connections, silent since accept, could outlast the head timeout on a slow (sanitized) run.
            let groups = DispatchGroup()
            for group in 0..<4 { onOwnThread(groups) {
                let mine = Array(clients.enumerated()).filter { $0.offset % 4 == group }
                do {
                    for round in 0..<100 {
                        for (index, client) in mine { try client.send(get("/path?c=\(index)&r=\(round)")) }
                        for (index, client) in mine {
                            let response = try client.readResponse()
                            let target = "/path?c=\(index)&r=\(round)"
                            if response.status != 200 || response.text != target {
                                failures.withLock { $0.append("\(target): \(response.status) \(response.text)") }
                            }
                        }
                    }
                } catch {
                    failures.withLock { $0.append("group \(group): \(error)") }
                }
            } }
            groups.wait()
            #expect(failures.withLock { $0 } == [])
            #expect(server.openConnectionCount == 100)
        }
    }

    /// A responder whose `/block` requests wait until the test releases them, so tests control exactly
    /// when workers are busy without timing anything.
    final class Gate: Sendable {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        /// ``TestRoutes`` and `GET /block`, which holds its worker until `release`.
        let router: Router
        init() {
            var router = TestRoutes.router()
            let started = started, release = release
            router.add("GET", "/block") { _ in
                started.signal()
                _ = release.wait(timeout: .now() + 5)  // Bounded, so a failing test cannot hang a worker.
                return HTTPResponse(status: .ok, contentType: "text/plain", body: "released")
            }
            self.router = router
        }
        /// The router as one responder, for servers built on a responder.
        var responder: HTTPResponder { router.responder(logger: TestRoutes.quietLogger) }
    }

    @Test func rfc9110_15_6_4_fullWorkerPoolAnswers503WithRetryAfter() throws {
        let gate = Gate()
        try withServer({ c in
            c.workerCount = 1
            c.queueDepth = 0
            c.retryAfterSeconds = 7
        }, router: gate.router) { _, port in
            let busy = try RawClient(port: port)
            try busy.send(get("/block"))
            gate.started.wait()  // The only worker is now busy and nothing may queue.
            let rejected = try RawClient(port: port)
            try rejected.send(get("/hello"))
            let response = try rejected.readResponse()
            #expect(response.status == 503)
            #expect(response.header("Retry-After") == "7")
            gate.release.signal()
            #expect(try busy.readResponse().text == "released")
            // Once the pool drains, the same connection is served. The worker frees itself just after the
            // response leaves, so allow a few 503s while it does.
            var status = 503
            for _ in 0..<100 where status == 503 {
                try rejected.send(get("/hello"))
                status = try rejected.readResponse().status
                if status == 503 { usleep(10_000) }
            }
            #expect(status == 200)
        }
    }

    @Test func inlinePathsAnswerWhileEveryWorkerIsBusy() throws {
        let gate = Gate()
        try withServer({ c in
            c.workerCount = 1
            c.queueDepth = 0
        }, router: gate.router) { _, port in
            let busy = try RawClient(port: port)
            try busy.send(get("/block"))
            gate.started.wait()  // The only worker is busy and nothing may queue.
            let probe = try RawClient(port: port)
            try probe.send(get("/probe"))
            #expect(try probe.readResponse().status == 200)
            try probe.send(get("/attempt?cheap"))
            #expect(try probe.readResponse().text == "inline", "an inline attempt that found the request cheap")
            try probe.send(get("/attempt"))
            #expect(try probe.readResponse().status == 503, "an inline attempt that declined goes to the full pool")
            try probe.send(get("/hello"))
            #expect(try probe.readResponse().status == 503, "only the inline paths skip the pool")
            gate.release.signal()
            #expect(try busy.readResponse().text == "released")
        }
    }

    @Test func slowHandlerDoesNotStallOtherConnections() throws {
        let gate = Gate()
        try withServer({ c in c.workerCount = 2 }, router: gate.router) { _, port in
            let slow = try RawClient(port: port)
            try slow.send(get("/block"))
            gate.started.wait()
            // The slow request holds a worker until the end; the fast client is served meanwhile.
            let fast = try RawClient(port: port)
            for _ in 0..<10 {
                try fast.send(get("/hello"))
                #expect(try fast.readResponse().status == 200)
            }
            gate.release.signal()
            #expect(try slow.readResponse().text == "released")
        }
    }

    @Test func connectionsPastTheLimitAreRefusedWith503WhenNoneIsIdle() throws {
        try withServer({ c in c.maxConnections = 3 }) { server, port in
            let open = try (0..<3).map { _ in try RawClient(port: port) }
            for client in open {
                try client.send(get("/hello"))
                #expect(try client.readResponse().status == 200)
            }
            // All idle first: a connection still finishing its response also counts as not idle, and could turn
            // idle (and evictable) after the check below, before it reads the partial head.
            #expect(waitUntil { server.idleConnectionCount == 3 })
            for client in open {
                try client.send("GET /hello HTTP/1.1\r\n")  // Busy reading a head: not evicted (ConnectionTableTests).
            }
            #expect(waitUntil { server.openConnectionCount == 3 && server.idleConnectionCount == 0 })
            let extra = try RawClient(port: port)
            let response = try extra.readResponse()
            #expect(response.status == 503)
            #expect(response.header("Connection") == "close")
            #expect(extra.isClosedByServer())
            #expect(server.openConnectionCount == 3)
        }
    }
}

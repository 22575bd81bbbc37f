#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

/// The process-wide budget of buffered request-body bytes (`HTTPLimits.maxBufferedBodyBytes`) over HTTP/1.1:
/// what one client reserves, another cannot, and every way a request ends gives back exactly what it took.
@Suite struct BodyBudgetTests {
    /// A 1 KiB budget for the whole server; each body may still be up to the default 1 MiB.
    private func smallBudget(_ c: inout HTTPServerConfiguration) {
        c.limits.maxBufferedBodyBytes = 1024
    }

    private func post(_ length: Int, extra: String = "") -> String {
        "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: \(length)\r\n\(extra)\r\n"
    }

    /// Sends the head and 700 bytes of an 800-byte body, and waits until the server has reserved what arrived.
    private func startSlowUpload(_ server: HTTPServer, _ port: Int) throws -> RawClient {
        let slow = try RawClient(port: port)
        try slow.send(post(800) + String(repeating: "a", count: 700))
        #expect(waitUntil { server.bodyBudget.reserved == 700 })
        return slow
    }

    /// A 503 with Retry-After naming the limit, then the close.
    private func expectRefused(_ client: RawClient) throws {
        let response = try client.readResponse()
        #expect(response.status == 503)
        #expect(response.header("Retry-After") == "1")
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(String(decoding: response.body, as: UTF8.self).contains("maxBufferedBodyBytes = 1024"))
        #expect(client.isClosedByServer())
    }

    /// A fresh request of 800 bytes is served, and leaves `others` reserved (what other clients hold).
    private func expectServed(_ server: HTTPServer, _ port: Int, others: Int = 0) throws {
        let client = try RawClient(port: port)
        let body = [UInt8](repeating: 0x62, count: 800)
        let response = try client.request("POST", "/echo", body: body)
        #expect(response.status == 200 && response.body == body)
        #expect(server.bodyBudget.reserved == others)
    }

    @Test func aBodyThatDoesNotFitBesideAnotherIsRefused503ThenServedOnceTheFirstFinishes() throws {
        try withServer(smallBudget) { server, port in
            let slow = try startSlowUpload(server, port)
            let second = try RawClient(port: port)
            try second.send(post(400) + String(repeating: "b", count: 400))
            try expectRefused(second)
            #expect(server.bodyBudget.reserved == 700)
            try slow.send(String(repeating: "a", count: 100))
            let response = try slow.readResponse()
            #expect(response.status == 200 && response.body.count == 800)
            // Released by the worker before the response is queued, so already back at 0 here.
            #expect(server.bodyBudget.reserved == 0)
            try expectServed(server, port)
        }
    }

    /// Issue #19, attack 1: clients declaring large bodies and sending one byte each held the whole budget
    /// (it was reserved from the declared length), so every other POST got 503. Only bytes received count now.
    @Test func declaredButUnsentBodiesDoNotFillTheBudget() throws {
        try withServer(smallBudget) { server, port in
            let declarers = try (0..<20).map { _ in
                let client = try RawClient(port: port)
                try client.send(post(1000) + "x")  // 20 × 1000 declared: 20 times the budget.
                return client
            }
            #expect(waitUntil { server.bodyBudget.reserved == 20 })
            try expectServed(server, port, others: 20)
            withExtendedLifetime(declarers) {}
        }
    }

    @Test func aClientThatDisconnectsMidBodyGivesItsReservationBack() throws {
        try withServer(smallBudget) { server, port in
            var slow: RawClient? = try startSlowUpload(server, port)
            _ = slow
            slow = nil  // Closes the socket mid-body.
            #expect(waitUntil { server.bodyBudget.reserved == 0 })
            try expectServed(server, port)
        }
    }

    @Test func aBodyThatTimesOutGivesItsReservationBack() throws {
        try withServer({ c in
            smallBudget(&c)
            c.timeouts.requestBody = .milliseconds(200)
        }) { server, port in
            let slow = try startSlowUpload(server, port)
            #expect(try slow.readResponse().status == 408)
            #expect(server.bodyBudget.reserved == 0)
            try expectServed(server, port)
        }
    }

    @Test func shutdownClosingAnUploadGivesItsReservationBack() throws {
        try withServer(smallBudget) { server, port in
            let slow = try startSlowUpload(server, port)
            server.shutdown(deadline: .milliseconds(100))
            server.waitUntilStopped()
            #expect(slow.isClosedByServer())
            #expect(server.bodyBudget.reserved == 0)
        }
    }

    @Test func chunkedBodiesReserveEachChunkAndAreRefusedPastTheBudget() throws {
        try withServer(smallBudget) { server, port in
            let client = try RawClient(port: port)
            // 0x300 = 768 bytes fit; a second 768-byte chunk would make 1536.
            let chunk = String(repeating: "c", count: 0x300)
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "300\r\n\(chunk)\r\n300\r\n\(chunk)\r\n0\r\n\r\n")
            try expectRefused(client)
            #expect(server.bodyBudget.reserved == 0)

            let fits = try RawClient(port: port)
            let (d, e) = (String(repeating: "d", count: 0x200), String(repeating: "e", count: 0x100))
            try fits.send("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "200\r\n\(d)\r\n100\r\n\(e)\r\n0\r\n\r\n")
            let response = try fits.readResponse()
            #expect(response.status == 200 && response.body.count == 0x300)
            #expect(server.bodyBudget.reserved == 0)
        }
    }

    @Test func reservationsFitUnderTheLimitAndAreGivenBack() {
        let budget = ByteBudget(limit: 1000)
        #expect(budget.reserve(600))
        #expect(!budget.reserve(401))
        #expect(budget.reserved == 600)
        #expect(budget.reserve(400))
        #expect(!budget.reserve(1))
        #expect(budget.reserve(0))
        budget.release(600)
        #expect(budget.reserve(500))
        budget.release(500)
        budget.release(400)
        #expect(budget.reserved == 0)
    }

    @Test func concurrentReservationsNeverPassTheLimitAndAllComeBack() {
        let budget = ByteBudget(limit: 1000)
        // 16 threads each take 100 bytes and hold them: exactly 10 fit, whatever the interleaving.
        let granted = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            if budget.reserve(100) { granted.add(1, ordering: .relaxed) }
        }
        let grantedCount = granted.load(ordering: .relaxed)
        #expect(grantedCount == 10)
        #expect(budget.reserved == 1000)
        for _ in 0..<10 { budget.release(100) }
        #expect(budget.reserved == 0)

        // Many threads reserving and releasing varied sizes: the counter never passes the limit, ends at 0.
        let overLimit = Atomic<Bool>(false)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for i in 0..<2000 {
                let bytes = 1 + (i * 37 + thread * 101) % 300
                guard budget.reserve(bytes) else { continue }
                if budget.reserved > budget.limit { overLimit.store(true, ordering: .relaxed) }
                budget.release(bytes)
            }
        }
        let passedLimit = overLimit.load(ordering: .relaxed)
        #expect(!passedLimit)
        #expect(budget.reserved == 0)
    }
}

import TestSupport
import Testing

@testable import HTTPServer

/// Issue #19, attack 3: responses were held whole until the write timeout for clients that did not read, with no
/// overall bound (40 such clients took RSS to 3.4 GB). A process-wide budget of unread response bytes now replaces
/// what does not fit by a short 503, and gives bytes back as clients read.
@Suite struct ResponseBudgetTests {
    /// Room for one 32 MiB `/big` answer, not two.
    private func budget(_ c: inout HTTPServerConfiguration) {
        c.limits.maxBufferedResponseBytes = 40 << 20
    }

    @Test func aResponseThatDoesNotFitBesideUnreadOnesIs503AndTheBudgetComesBack() throws {
        try withServer(budget) { server, port in
            let idle = try RawClient(port: port, timeout: 10)
            try idle.send(get("/big"))  // And reads nothing.
            #expect(waitUntil { server.responseBudget.reserved > 0 })
            let refused = try RawClient(port: port).request("GET", "/big")
            #expect(refused.status == 503)
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.text.contains("maxBufferedResponseBytes"))
            #expect(server.responseBudget.reserved <= 40 << 20)
            // Small answers (probes, errors) are not counted: they get out while the budget is full.
            #expect(try RawClient(port: port).request("GET", "/hello").status == 200)

            let response = try idle.readResponse()  // Reading gives the bytes back.
            #expect(response.status == 200 && response.body.count == 32 << 20)
            #expect(waitUntil { server.responseBudget.reserved == 0 })
            #expect(try RawClient(port: port, timeout: 10).request("GET", "/big").status == 200)
        }
    }

    @Test func manyNonReadingClientsHoldNoMoreThanTheBudget() throws {
        try withServer(budget) { server, port in
            let clients = try (0..<12).map { _ in
                let client = try RawClient(port: port, timeout: 10)
                try client.send(get("/big"))
                return client
            }
            var statuses: [Int] = []
            for client in clients {
                let head = try client.readResponse(head: true)
                statuses.append(head.status)
            }
            #expect(statuses.filter { $0 == 200 }.count == 1)
            #expect(statuses.filter { $0 == 503 }.count == 11)
            #expect(server.responseBudget.reserved <= 40 << 20)
            withExtendedLifetime(clients) {}
        }
    }

    @Test func aClosedConnectionGivesItsUnreadResponseBack() throws {
        try withServer(budget) { server, port in
            var idle: RawClient? = try RawClient(port: port, timeout: 10)
            try idle!.send(get("/big"))
            #expect(waitUntil { server.responseBudget.reserved > 0 })
            idle = nil
            #expect(waitUntil { server.responseBudget.reserved == 0 })
        }
    }
}

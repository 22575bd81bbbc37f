import Dispatch
import TestSupport
import Testing

@testable import HTTPServer

/// Issue #19, attack 5: one client opening sockets that send nothing filled the connection table, and every
/// new client (health probes included) got 503 for the 60 s idle timeout. Silent sockets now have the head
/// timeout from accept, and a full table closes the longest-idle connection to admit a new one.
@Suite struct ConnectionTableTests {
    @Test func silentSocketsBeyondTheTableDoNotLockNewClientsOut() throws {
        try withServer({ $0.maxConnections = 20 }) { server, port in
            // Twice the table's size, opened as fast as the client can: each one past 20 displaces the oldest.
            let silent = try (0..<40).map { _ in try RawClient(port: port, timeout: 2) }
            #expect(waitUntil { server.openConnectionCount <= 20 })
            let started = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<5 {
                let response = try RawClient(port: port).request("GET", "/hello")
                #expect(response.status == 200)
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            // Locked out, they would wait for the silent sockets' 10 s head timeout; 3 s leaves room for a
            // sanitizer's slowness (1.8 s once under ThreadSanitizer at load 5), which a 1 s bound did not.
            #expect(elapsed < 3)
            // The first sockets were the ones closed, the last ones are still open.
            #expect(silent[0].isClosedByServer())
            withExtendedLifetime(silent) {}
        }
    }

    @Test func aBusyConnectionIsNotEvictedButAnIdleKeepAliveOneIs() throws {
        try withServer({ $0.maxConnections = 2 }) { server, port in
            let keepAlive = try RawClient(port: port, timeout: 2)
            #expect(try keepAlive.request("GET", "/hello").status == 200)  // Now idle between requests.
            let busy = try RawClient(port: port, timeout: 2)
            try busy.send("GET /hello HTTP/1.1\r\n")  // Mid-head: holds a request.
            #expect(waitUntil { server.openConnectionCount == 2 && server.idleConnectionCount == 1 })
            let newcomer = try RawClient(port: port, timeout: 2)
            #expect(try newcomer.request("GET", "/hello").status == 200)
            #expect(keepAlive.isClosedByServer())
            try busy.send("Host: h\r\n\r\n")
            #expect(try busy.readResponse().status == 200)
        }
    }

    @Test func aFullTableOfBusyConnectionsStillRefusesWith503() throws {
        try withServer({ $0.maxConnections = 2 }) { server, port in
            let busy = try (0..<2).map { _ in
                let client = try RawClient(port: port, timeout: 2)
                try client.send("GET /hello HTTP/1.1\r\n")
                return client
            }
            #expect(waitUntil { server.openConnectionCount == 2 && server.idleConnectionCount == 0 })
            let refused = try RawClient(port: port, timeout: 2)
            #expect(try refused.readResponse().status == 503)
            withExtendedLifetime(busy) {}
        }
    }

    @Test func aSocketThatSendsNothingIsClosedAfterTheHeadTimeoutFromAccept() throws {
        try withServer({ c in
            c.timeouts.requestHead = .milliseconds(200)
            c.timeouts.idle = .seconds(60)
        }) { server, port in
            let silent = try RawClient(port: port, timeout: 3)
            let started = DispatchTime.now().uptimeNanoseconds
            #expect(silent.isClosedByServer())  // Silently: no 408 for a request never begun.
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            #expect(elapsed < 1.5)
            #expect(waitUntil { server.openConnectionCount == 0 })
        }
    }
}

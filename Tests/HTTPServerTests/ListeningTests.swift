import HTTPServer
import TestSupport
import Testing

/// The listening socket: free port, IPv6, dual-stack, SO_REUSEADDR.
@Suite struct ListeningTests {
    private func serveOnce(_ port: Int, ipv6: Bool = false) throws -> Int {
        let client = try RawClient(port: port, ipv6: ipv6)
        try client.send(get("/hello"))
        return try client.readResponse().status
    }

    @Test func portZeroPicksAFreePortAndReportsIt() throws {
        try withServer { _, port in
            let status = try serveOnce(port)
            #expect(port > 0)
            #expect(status == 200)
        }
    }

    @Test func ipv6LoopbackIsServed() throws {
        try withServer({ c in c.host = "::1" }) { _, port in
            let status = try serveOnce(port, ipv6: true)
            #expect(status == 200)
        }
    }

    @Test func unspecifiedIPv6AddressIsDualStack() throws {
        try withServer({ c in c.host = "::" }) { _, port in
            let overIPv6 = try serveOnce(port, ipv6: true)
            let overIPv4 = try serveOnce(port)  // Through the IPv4-mapped address.
            #expect(overIPv6 == 200)
            #expect(overIPv4 == 200)
        }
    }

    @Test func reuseAddressAllowsRebindingWhileOldConnectionsLinger() throws {
        // Connections the server closed first leave TIME_WAIT entries on its port; without SO_REUSEADDR
        // the next bind of that port would fail with EADDRINUSE.
        let port = try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/hello", "Connection: close\r\n"))
            #expect(try client.readResponse().status == 200)
            #expect(client.isClosedByServer())
            return port
        }
        try withServer({ c in c.port = port }) { _, samePort in
            let status = try serveOnce(port)
            #expect(samePort == port)
            #expect(status == 200)
        }
    }

    @Test func unbindableAddressThrows() {
        #expect(throws: SocketError.self) {
            try HTTPServer(configuration: HTTPServerConfiguration(host: "192.0.2.1", port: 0),
                           responder: { _ in HTTPResponse(status: .ok) }).start()
        }
    }
}

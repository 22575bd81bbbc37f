#if canImport(Glibc)
import Glibc
#endif
import HTTPServer
import TestSupport
import Testing

/// Size limits with their own status codes, and read timeouts (RFC 9110 §15.5.9, §15.5.14, §15.5.15; RFC 6585 §5).
@Suite struct LimitsTests {
    private func small(_ c: inout HTTPServerConfiguration) {
        c.limits = HTTPLimits(maxRequestTargetLength: 64, maxHeaderSectionBytes: 256, maxHeaderCount: 8, maxBodyBytes: 16)
    }

    private func expectStatusAndClose(_ port: Int, _ request: String, _ status: Int) throws {
        let client = try RawClient(port: port)
        try client.send(request)
        let response = try client.readResponse()
        #expect(response.status == status)
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByServer())
    }

    @Test func rfc9110_15_5_15_targetTooLongIs414() throws {
        try withServer(small) { _, port in
            try expectStatusAndClose(port, get("/" + String(repeating: "a", count: 80)), 414)
        }
    }

    @Test func rfc6585_5_headerSectionTooLargeIs431() throws {
        try withServer(small) { _, port in
            try expectStatusAndClose(port, get("/hello", "X-Big: " + String(repeating: "b", count: 300) + "\r\n"), 431)
        }
    }

    @Test func rfc6585_5_tooManyHeaderFieldsIs431() throws {
        try withServer(small) { _, port in
            try expectStatusAndClose(port, get("/hello", String(repeating: "X-A: b\r\n", count: 9)), 431)
        }
    }

    @Test func rfc9110_15_5_14_contentLengthTooLargeIs413BeforeTheBodyIsSent() throws {
        try withServer(small) { _, port in
            // No body is sent: the answer must come from the Content-Length alone.
            try expectStatusAndClose(port, "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n", 413)
        }
    }

    @Test func rfc9110_15_5_14_chunkedBodyTooLargeIs413WhileReading() throws {
        try withServer(small) { _, port in
            try expectStatusAndClose(port, "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "a\r\n0123456789\r\na\r\n0123456789\r\n", 413)
        }
    }

    @Test func bodyAtTheLimitIsAccepted() throws {
        try withServer(small) { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 16\r\n\r\n0123456789abcdef")
            #expect(try client.readResponse().status == 200)
        }
    }

    private func shortTimeouts(_ c: inout HTTPServerConfiguration) {
        c.timeouts.requestHead = .milliseconds(200)
        c.timeouts.requestBody = .milliseconds(200)
        c.timeouts.idle = .milliseconds(300)
    }

    @Test func rfc9110_15_5_9_slowHeadersGet408AndClose() throws {
        try withServer(shortTimeouts) { _, port in
            try expectStatusAndClose(port, "GET /hello HTTP/1.1\r\nHost: h\r\n", 408)
        }
    }

    @Test func rfc9110_15_5_9_slowBodyGets408AndClose() throws {
        try withServer(shortTimeouts) { _, port in
            try expectStatusAndClose(port, "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc", 408)
        }
    }

    @Test func rfc9112_9_5_idleKeepAliveConnectionIsClosedSilently() throws {
        try withServer(shortTimeouts) { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/hello"))
            #expect(try client.readResponse().status == 200)
            #expect(client.isClosedByServer())  // No 408 bytes: a clean close after the idle timeout.
        }
    }

    @Test func slowClientTimesOutWhileFastClientIsServed() throws {
        try withServer(shortTimeouts) { _, port in
            let slow = try RawClient(port: port)
            try slow.send("GET /hello HTTP/1.1\r\n")  // And nothing more.
            let fast = try RawClient(port: port)
            for _ in 0..<20 {
                try fast.send(get("/hello"))
                #expect(try fast.readResponse().status == 200)
            }
            #expect(try slow.readResponse().status == 408)
            #expect(slow.isClosedByServer())
        }
    }

    @Test func rfc9112_9_6_errorResponseIsReadableDespiteUnreadInput() throws {
        // The client keeps sending after a 413; lingering close must let it read the response, not a reset.
        try withServer(small) { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n")
            try? client.send([UInt8](repeating: 0x61, count: 100_000))
            #expect(try client.readResponse().status == 413)
        }
    }

    @Test func clientThatStopsReadingIsClosedAfterTheWriteTimeout() throws {
        try withServer({ c in c.timeouts.write = .milliseconds(200) }) { server, port in
            let client = try RawClient(port: port)
            try client.send(get("/big"))  // 32 MiB, far more than the socket buffers hold; never read.
            var open = server.openConnectionCount
            for _ in 0..<300 where open > 0 {
                usleep(10_000)
                open = server.openConnectionCount
            }
            #expect(open == 0)
        }
    }
}

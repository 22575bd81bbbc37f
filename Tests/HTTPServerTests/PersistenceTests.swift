import HTTPServer
import TestSupport
import Testing

/// Persistent connections, pipelining, bodies and response framing (RFC 9112 §6, §7, §9; RFC 9110 §9.3.2).
@Suite struct PersistenceTests {
    @Test func rfc9112_9_3_http11IsPersistentByDefault() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            for _ in 0..<5 {
                try client.send(get("/hello"))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("Connection") == nil)
            }
        }
    }

    @Test func rfc9112_9_6_clientConnectionCloseIsHonoured() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/hello", "Connection: close\r\n"))
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(client.isClosedByServer())
        }
    }

    @Test func rfc9112_9_6_handlerConnectionCloseIsHonoured() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/close"))
            let response = try client.readResponse()
            #expect(response.text == "bye")
            #expect(response.header("Connection") == "close")
            #expect(client.isClosedByServer())
        }
    }

    @Test func rfc9112_9_3_http10ClosesUnlessKeepAliveRequested() throws {
        try withServer { _, port in
            let plain = try RawClient(port: port)
            try plain.send("GET /hello HTTP/1.0\r\n\r\n")
            #expect(try plain.readResponse().header("Connection") == "close")
            #expect(plain.isClosedByServer())

            let keepAlive = try RawClient(port: port)
            for _ in 0..<3 {
                try keepAlive.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let response = try keepAlive.readResponse()
                #expect(response.status == 200)
                #expect(response.header("Connection") == "keep-alive")
            }
        }
    }

    @Test func rfc9112_9_3_2_pipelinedRequestsAreAnsweredInOrder() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            // The slow first request must not let the fast ones overtake it.
            let targets = ["/slow?ms=50", "/path?n=1", "/path?n=2", "/hello", "/path?n=3"]
            try client.send(targets.map { get($0) }.joined())
            let bodies = try targets.map { _ in try client.readResponse().text }
            #expect(bodies == ["slept 50", "/path?n=1", "/path?n=2", #"{"message":"hello"}"#, "/path?n=3"])
        }
    }

    @Test func rfc9112_6_2_contentLengthBodyIsRead() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world")
            #expect(try client.readResponse().text == "hello world")
        }
    }

    @Test func rfc9112_7_1_chunkedBodyIsDecodedAndTrailersDiscarded() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Checksum: 1\r\n\r\n")
            #expect(try client.readResponse().text == "hello 0123456789")
            try client.send(get("/hello"))  // Still framed correctly afterwards.
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func rfc9110_10_1_1_expectContinueIsAnswered() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            #expect(interim.status == 100)
            try client.send("data")
            #expect(try client.readResponse().text == "data")
        }
    }

    @Test func rfc9110_9_3_2_headHasContentLengthButNoBody() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("HEAD /hello HTTP/1.1\r\nHost: h\r\n\r\n" + get("/path"))
            let head = try client.readResponse(head: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "19")
            // The next response starts right after the head: no body bytes were sent.
            #expect(try client.readResponse().text == "/path")
        }
    }

    @Test func rfc9110_6_4_1_noContentHasNoContentLength() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/no-content"))
            let response = try client.readResponse()
            #expect(response.status == 204)
            #expect(response.header("Content-Length") == nil)
        }
    }

    @Test func rfc9110_6_6_1_responsesCarryDate() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/hello"))
            let date = try #require(try client.readResponse().header("Date"))
            #expect(date.hasSuffix(" GMT"))
            #expect(date.count == 29)  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
        }
    }

    /// End of stream from the client means it has gone (issue #19: work went on for clients that had left), as
    /// nginx takes it: work still queued is dropped and the connection closed; work already running finishes
    /// (or stops at its next check) and its answer is written. Either way the connection ends promptly.
    @Test func halfClosedClientIsTreatedAsGoneButNeverHangs() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/slow?ms=30"))
            client.shutdownWrite()
            let bytes = try client.readToEnd()
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(bytes.isEmpty || (text.hasPrefix("HTTP/1.1 200") && text.hasSuffix("slept 30")))
        }
    }
}

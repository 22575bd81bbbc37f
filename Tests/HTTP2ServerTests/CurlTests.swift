import TestSupport
import Testing
import HTTPServer

/// Requests from curl over both ways into HTTP/2, and over HTTP/1.1 on the same port.
@Suite struct CurlTests {
    @Test func priorKnowledgeGetIsServedOverHTTP2() throws {
        try withH2Server { _, port in
            let response = try curl(["--http2-prior-knowledge"], "http://127.0.0.1:\(port)/hello")
            #expect(response.httpVersion == "2")
            #expect(response.status == 200)
            #expect(response.body == #"{"message":"hello"}"#)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("content-length") == "19")
            #expect(response.header("date")?.hasSuffix(" GMT") == true)
        }
    }

    @Test func requestIsMappedForTheResponder() throws {
        try withH2Server { _, port in
            let response = try curl(["--http2-prior-knowledge"], "http://127.0.0.1:\(port)/request?x=1")
            #expect(response.body == "GET /request?x=1 HTTP/2.0 host=127.0.0.1:\(port)")
        }
    }

    @Test func postBodyReachesTheHandler() throws {
        try withH2Server { _, port in
            let body = String(repeating: "0123456789", count: 10_000)  // Larger than one window: flow control.
            let response = try curl(["--http2-prior-knowledge", "--data-binary", body],
                                    "http://127.0.0.1:\(port)/echo")
            #expect(response.status == 200)
            #expect(response.body == body)
        }
    }

    @Test func headKeepsContentLength() throws {
        try withH2Server { _, port in
            let result = try runProcess("/usr/bin/curl", ["-sS", "--max-time", "10", "--http2-prior-knowledge", "--head",
                                                          "http://127.0.0.1:\(port)/hello"])
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("HTTP/2 200"))
            #expect(result.stdout.contains("content-length: 19\r\n"))
        }
    }

    @Test func errorsAreProblemJSONAsOverHTTP1() throws {
        try withH2Server { _, port in
            let h2 = try curl(["--http2-prior-knowledge"], "http://127.0.0.1:\(port)/missing")
            let h1 = try curl(["--http1.1"], "http://127.0.0.1:\(port)/missing")
            #expect(h2.httpVersion == "2" && h1.httpVersion == "1.1")
            #expect(h2.status == 404)
            #expect(h2.header("content-type") == "application/problem+json")
            #expect(h2.body == h1.body)
        }
    }

    @Test func connectionSpecificHeadersAreDropped() throws {
        try withH2Server { _, port in
            let response = try curl(["--http2-prior-knowledge"], "http://127.0.0.1:\(port)/connection-header")
            #expect(response.status == 200)
            #expect(response.header("connection") == nil)
            #expect(response.header("keep-alive") == nil)
            #expect(response.header("x-custom") == "Kept")
        }
    }

    @Test func invalidHandlerHeaderBecomes500() throws {
        try withH2Server { _, port in
            let response = try curl(["--http2-prior-knowledge"], "http://127.0.0.1:\(port)/bad-header")
            #expect(response.status == 500)
            #expect(response.header("set-cookie") == nil)
        }
    }

    /// The same field rule as HTTP/1.1 (`HTTPFieldValidation`): a control character in a value is a 500 on both.
    @Test func controlCharacterInAHandlerHeaderBecomes500AsOverHTTP1() throws {
        try withH2Server { _, port in
            let response = try curl(["--http2-prior-knowledge"], "http://127.0.0.1:\(port)/control-header")
            #expect(response.status == 500)
            #expect(response.header("x-control") == nil)
        }
    }

    @Test func upgradeAnswers101AndContinuesOnStream1() throws {
        try withH2Server { _, port in
            let result = try runProcess("/usr/bin/curl", ["-sS", "-v", "--max-time", "10", "--http2",
                                                          "http://127.0.0.1:\(port)/request"])
            #expect(result.status == 0)
            #expect(result.stderr.contains("HTTP/1.1 101 Switching Protocols"))
            #expect(result.stderr.contains("< HTTP/2 200"))
            #expect(result.stdout == "GET /request HTTP/2.0 host=127.0.0.1:\(port)")
        }
    }

    @Test func upgradeWithBodyEchoesIt() throws {
        try withH2Server { _, port in
            let response = try curl(["--http2", "--data-binary", "payload"], "http://127.0.0.1:\(port)/echo")
            #expect(response.httpVersion == "2")
            #expect(response.body == "payload")
        }
    }

    @Test func upgradeWithoutSettingsStaysHTTP1() throws {
        try withH2Server { _, port in
            let client = try FrameClient(port: port)
            try client.send(Array(("GET /request HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\n"
                                   + "Upgrade: h2c\r\n\r\n").utf8))
            let text = String(decoding: try client.readToEnd(), as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK"))
            #expect(text.hasSuffix("GET /request HTTP/1.1 host=x"))
        }
    }

    @Test func upgradeWithInvalidSettingsStaysHTTP1() throws {
        try withH2Server { _, port in
            let client = try FrameClient(port: port)
            try client.send(Array(("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings, close\r\n"
                                   + "Upgrade: h2c\r\nHTTP2-Settings: not*base64\r\n\r\n").utf8))
            let text = String(decoding: try client.readToEnd(), as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func plainHTTP1StillWorksOnTheSamePort() throws {
        try withH2Server { _, port in
            let response = try curl(["--http1.1"], "http://127.0.0.1:\(port)/hello")
            #expect(response.httpVersion == "1.1")
            #expect(response.body == #"{"message":"hello"}"#)
        }
    }
}

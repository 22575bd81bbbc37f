import Testing
import HTTP2Server
import HTTPServer

/// Broken and hostile clients: each is dealt with on its own connection while others go on being served.
@Suite struct AbuseTests {
    /// A client served normally on its own connection while something else goes on.
    private func expectServed(_ port: Int) throws {
        let response = try curl(["--http2-prior-knowledge"], "http://127.0.0.1:\(port)/hello")
        #expect(response.status == 200 && response.httpVersion == "2")
    }

    /// HEADERS then RST_STREAM for `streams` streams: the rapid-reset pattern (CVE-2023-44487).
    private func openAndReset(streams: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for n in 0..<streams {
            let id = UInt32(2 * n + 1)
            bytes += Frame.headers(stream: id, requestFields("GET", "/slow?ms=10")).bytes
            bytes += Frame.rstStream(stream: id).bytes
        }
        return bytes
    }

    @Test func badPrefaceClosesTheConnection() throws {
        try withH2Server { _, port in
            let client = try FrameClient(port: port)
            try client.send(Array("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".utf8))
            try expectServed(port)
            let answer = String(decoding: try client.readToEnd(), as: UTF8.self)
            #expect(client.closed)
            #expect(!answer.contains("200 OK"))  // Not a request any version of HTTP serves.
        }
    }

    @Test func malformedFrameEndsOnlyItsConnection() throws {
        try withH2Server { _, port in
            let healthy = try FrameClient(port: port)
            try healthy.startHTTP2()
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            // PING must be on stream 0 with 8 bytes: this one is on stream 1 with 3.
            try client.send(Frame(type: Frame.Kind.ping.rawValue, flags: 0, stream: 1, payload: [1, 2, 3]))
            let frames = try client.frames()
            let goAway = try #require(frames.last { $0.kind == .goAway }?.goAway)
            #expect(goAway.error == 1 || goAway.error == 6)  // PROTOCOL_ERROR or FRAME_SIZE_ERROR
            #expect(client.closed)
            try healthy.send(Frame.headers(stream: 1, requestFields("GET", "/hello")))
            #expect(bodyText(try healthy.frames { ended([$0], stream: 1) }, stream: 1) == #"{"message":"hello"}"#)
            try expectServed(port)
        }
    }

    @Test func resetStreamLeavesTheConnectionWorking() throws {
        try withH2Server { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("POST", "/echo"), endStream: false),
                            Frame.data(stream: 1, Array("partial".utf8), endStream: false),
                            Frame.rstStream(stream: 1),
                            Frame.headers(stream: 3, requestFields("GET", "/slow?ms=50")),
                            Frame.rstStream(stream: 3),  // Reset while its handler runs.
                            Frame.headers(stream: 5, requestFields("GET", "/hello")))
            let frames = try client.frames { ended([$0], stream: 5) }
            #expect(bodyText(frames, stream: 5) == #"{"message":"hello"}"#)
            #expect(!frames.contains { $0.kind == .goAway })
            try client.send(Frame.headers(stream: 7, requestFields("GET", "/hello")))
            #expect(bodyText(try client.frames { ended([$0], stream: 7) }, stream: 7) == #"{"message":"hello"}"#)
            #expect(!frames.contains { $0.stream == 1 || $0.stream == 3 })
        }
    }

    @Test func rapidResetFloodIsCutOffWithGoAway() throws {
        let limited = HTTP2Configuration(streamResetRate: .init(burst: 10, perSecond: 1))
        try withH2Server(http2: limited) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(openAndReset(streams: 200))
            let frames = try client.frames()
            #expect(frames.contains { $0.kind == .goAway })
            #expect(client.closed)
            try expectServed(port)
        }
    }

    @Test func resetsWithinTheAllowanceAreServed() throws {
        // nghttp2's stream-reset allowance alone: these streams' work is abandoned too, which has its own, smaller
        // allowance (AbandonedWorkTests), raised here out of the way.
        let generous = HTTP2Configuration(abandonedWorkRate: .init(burst: 1000, perSecond: 33), maxQueuedWork: 1000)
        try withH2Server(http2: generous) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            var bytes = openAndReset(streams: 200)
            bytes += Frame.headers(stream: 401, requestFields("GET", "/hello")).bytes
            try client.send(bytes)
            let frames = try client.frames { ended([$0], stream: 401) }
            #expect(!frames.contains { $0.kind == .goAway })
            #expect(bodyText(frames, stream: 401) == #"{"message":"hello"}"#)
        }
    }

    @Test func declaredBodyTooLargeIs413BeforeTheBody() throws {
        try withH2Server({ $0.limits.maxBodyBytes = 1000 }) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("POST", "/echo", [("content-length", "5000")]),
                                          endStream: false))
            let frames = try client.frames { $0.kind == .rstStream && $0.stream == 1 }
            #expect(bodyText(frames, stream: 1).contains(#""status":413"#))
            let reset = try #require(frames.last)
            #expect(reset.kind == .rstStream && readBigEndian32(reset.payload, 0) == 0)  // NO_ERROR
        }
    }

    @Test func streamedBodyPastTheLimitIs413() throws {
        try withH2Server({ $0.limits.maxBodyBytes = 1000 }) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("POST", "/echo"), endStream: false),
                            Frame.data(stream: 1, [UInt8](repeating: 65, count: 600), endStream: false),
                            Frame.data(stream: 1, [UInt8](repeating: 66, count: 600), endStream: false))
            let frames = try client.frames { ended([$0], stream: 1) }
            #expect(bodyText(frames, stream: 1).contains(#""status":413"#))
            // The connection stays usable for the next request.
            try client.send(Frame.headers(stream: 3, requestFields("POST", "/echo"), endStream: false),
                            Frame.data(stream: 3, Array("small".utf8)))
            #expect(bodyText(try client.frames { ended([$0], stream: 3) }, stream: 3) == "small")
        }
    }

    @Test func headerListPastTheLimitIs431() throws {
        try withH2Server(http2: HTTP2Configuration(maxHeaderListSize: 4096)) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            let big = (0..<3).map { ("x-filler-\($0)", String(repeating: "v", count: 2000)) }
            try client.send(Frame.headers(stream: 1, requestFields("GET", "/hello", big)))
            let frames = try client.frames { ended([$0], stream: 1) }
            #expect(bodyText(frames, stream: 1).contains(#""status":431"#))
        }
    }

    @Test func longTargetIs414() throws {
        try withH2Server({ $0.limits.maxRequestTargetLength = 100 }) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("GET", "/hello?" + String(repeating: "q", count: 200))))
            let frames = try client.frames { ended([$0], stream: 1) }
            #expect(bodyText(frames, stream: 1).contains(#""status":414"#))
        }
    }

    @Test func unknownMethodIs405() throws {
        try withH2Server { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("BREW", "/hello")))
            let frames = try client.frames { ended([$0], stream: 1) }
            #expect(bodyText(frames, stream: 1).contains(#""status":405"#))
        }
    }

    /// A client that grants no flow-control credit (SETTINGS_INITIAL_WINDOW_SIZE 0) and never sends
    /// WINDOW_UPDATE stalls its response forever; the server resets such a stream after the write timeout
    /// (RFC 9113 §10.5: flow control can be abused to hold resources), as HTTP/1.1 closes a connection whose
    /// client does not read. It used to hold the stream, its response and the connection without end.
    @Test func rfc9113_10_5_responseStalledByFlowControlIsResetAfterTheWriteTimeout() throws {
        try withH2Server({ $0.timeouts.write = .milliseconds(200) }) { _, port in
            let client = try FrameClient(port: port, timeout: 3)
            try client.startHTTP2()
            let noCredit = Frame(type: Frame.Kind.settings.rawValue, flags: 0, stream: 0,
                                 payload: [0, 4] + bigEndian32(0))  // SETTINGS_INITIAL_WINDOW_SIZE = 0
            try client.send(noCredit, Frame.headers(stream: 1, requestFields("GET", "/hello")))
            let frames = try client.frames { $0.kind == .rstStream && $0.stream == 1 }
            #expect(frames.contains { $0.kind == .headers && $0.stream == 1 })  // Answered, never sent.
            #expect(!frames.contains { $0.kind == .data && $0.stream == 1 })
            #expect(frames.last?.kind == .rstStream)
            #expect(frames.last.map { readBigEndian32($0.payload, 0) } == 8)  // CANCEL
        }
    }

    /// Request bodies are limited per connection as well as per stream: 100 streams each just under
    /// `maxBodyBytes` used to be held at once (100 MiB on one connection, where HTTP/1.1 holds one body).
    /// The stream whose DATA passes the connection's budget is answered 503; the others go on.
    @Test func rfc9113_10_5_requestBodiesAreBoundedPerConnection() throws {
        try withH2Server(http2: HTTP2Configuration(maxBufferedRequestBytes: 64)) { _, port in
            let client = try FrameClient(port: port, timeout: 3)
            try client.startHTTP2()
            let forty = [UInt8](repeating: 0x61, count: 40)
            try client.send(Frame.headers(stream: 1, requestFields("POST", "/echo"), endStream: false),
                            Frame.data(stream: 1, forty, endStream: false),
                            Frame.headers(stream: 3, requestFields("POST", "/echo"), endStream: false),
                            Frame.data(stream: 3, forty, endStream: false))
            let refused = try client.frames { ended([$0], stream: 3) }
            #expect(bodyText(refused, stream: 3).contains(#""status":503"#))
            try client.send(Frame.data(stream: 1, [], endStream: true))
            let served = try client.frames { ended([$0], stream: 1) }
            #expect(bodyText(served, stream: 1) == String(repeating: "a", count: 40))
        }
    }
}

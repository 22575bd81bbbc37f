import TestSupport
import Testing
import HTTP2Server
import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// The body of `stream` in `frames`, as text.
func bodyText(_ frames: [Frame], stream: UInt32) -> String {
    String(decoding: frames.filter { $0.kind == .data && $0.stream == stream }.flatMap(\.payload), as: UTF8.self)
}

/// Whether `frames` hold the end of `stream` (END_STREAM on HEADERS or DATA).
func ended(_ frames: [Frame], stream: UInt32) -> Bool {
    frames.contains { $0.stream == stream && ($0.kind == .data || $0.kind == .headers) && $0.endsStream }
}

/// Streams on one connection: limits advertised, concurrency, order of responses, HEAD.
@Suite struct StreamTests {
    @Test func settingsAdvertiseTheLimits() throws {
        try withH2Server(http2: HTTP2Configuration(maxConcurrentStreams: 7, maxHeaderListSize: 8192)) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            let settings = try #require(try client.nextFrame())
            #expect(settings.kind == .settings)
            #expect(settings.settings[0x3] == 7)  // MAX_CONCURRENT_STREAMS
            #expect(settings.settings[0x6] == 8192)  // MAX_HEADER_LIST_SIZE
            #expect(settings.settings[0x4] == 65535)  // INITIAL_WINDOW_SIZE
        }
    }

    @Test func hundredConcurrentStreamsOnOneConnection() throws {
        try withH2Server { _, port in
            let result = try runProcess("/usr/bin/h2load", ["-n", "100", "-c", "1", "-m", "100",
                                                            "http://127.0.0.1:\(port)/slow?ms=20"], timeout: 30)
            #expect(result.status == 0)
            #expect(result.stdout.contains("100 total, 100 started, 100 done, 100 succeeded"), "\(result.stdout)")
            #expect(result.stdout.contains("status codes: 100 2xx"), "\(result.stdout)")
        }
    }

    @Test func hundredStreamsSentAtOnceAllAnswered() throws {
        try withH2Server { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            let ids = (0..<100).map { UInt32(2 * $0 + 1) }
            try client.send(ids.flatMap { Frame.headers(stream: $0, requestFields("GET", "/request?n=\($0)")).bytes })
            var open = Set(ids)
            var frames: [Frame] = []
            while !open.isEmpty, let frame = try client.nextFrame() {
                frames.append(frame)
                if frame.endsStream && (frame.kind == .data || frame.kind == .headers) { open.remove(frame.stream) }
            }
            #expect(open.isEmpty)
            for id in ids { #expect(bodyText(frames, stream: id) == "GET /request?n=\(id) HTTP/2.0 host=localhost") }
        }
    }

    @Test func fastResponseOvertakesSlowOne() throws {
        try withH2Server { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("GET", "/slow?ms=600")),
                            Frame.headers(stream: 3, requestFields("GET", "/hello")))
            let frames = try client.frames { ended([$0], stream: 1) }
            let order = frames.filter { $0.kind == .headers }.map(\.stream)
            #expect(order == [3, 1])
            #expect(bodyText(frames, stream: 3) == #"{"message":"hello"}"#)
            #expect(bodyText(frames, stream: 1) == "slept 600")
        }
    }

    @Test func headSendsHeadersOnly() throws {
        try withH2Server { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("HEAD", "/hello")))
            let frames = try client.frames { ended([$0], stream: 1) }
            let headers = try #require(frames.first { $0.kind == .headers && $0.stream == 1 })
            #expect(headers.endsStream)
            #expect(!frames.contains { $0.kind == .data && $0.stream == 1 })
        }
    }

    /// Past an acknowledged MAX_CONCURRENT_STREAMS nghttp2 treats the client as broken (RFC 9113 §5.1.2
    /// allows a connection error): GOAWAY with PROTOCOL_ERROR naming the last stream it took.
    @Test func exceedingTheAcknowledgedStreamLimitEndsTheConnection() throws {
        try withH2Server(http2: HTTP2Configuration(maxConcurrentStreams: 2)) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            _ = try client.nextFrame()  // The server's SETTINGS, acknowledged by the client.
            try client.send((0..<3).flatMap {
                Frame.headers(stream: UInt32(2 * $0 + 1), requestFields("GET", "/slow?ms=300")).bytes
            })
            let goAway = try client.frames { $0.kind == .goAway }.last?.goAway
            #expect(goAway?.lastStream == 3)
            #expect(goAway?.error == 1)  // PROTOCOL_ERROR
        }
    }

    @Test func serverOverloadIs503WithRetryAfter() throws {
        try withH2Server({ $0.workerCount = 1; $0.queueDepth = 0 }) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("GET", "/slow?ms=400")),
                            Frame.headers(stream: 3, requestFields("GET", "/hello")))
            let frames = try client.frames { ended([$0], stream: 3) }
            #expect(bodyText(frames, stream: 3).contains(#""status":503"#))
        }
    }
}

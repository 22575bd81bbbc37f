import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import Testing
import HTTPServer
@testable import HTTP2Server

/// How HTTP/2 connections end: graceful shutdown, idle timeout, the client going away.
@Suite struct LifetimeTests {
    @Test func gracefulShutdownCompletesTheStreamInFlightThenSendsGoAway() throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, workerCount: 2)
        configuration.protocols = [HTTP2Protocol(logger: TestRoutes.quietLogger)]
        let server = HTTPServer(configuration: configuration,
                                responder: TestRoutes.router().responder(logger: TestRoutes.quietLogger),
                                logger: TestRoutes.quietLogger)
        let port = try server.start()
        let client = try FrameClient(port: port)
        try client.startHTTP2()
        try client.send(Frame.headers(stream: 1, requestFields("GET", "/slow?ms=400")))
        _ = try client.nextFrame()  // SETTINGS: the connection is HTTP/2 before the shutdown begins.
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) {
            server.shutdown(deadline: .seconds(5))
        }
        let frames = try client.frames()
        server.waitUntilStopped()

        let goAways = frames.compactMap(\.goAway)
        #expect(goAways.first?.lastStream == 0x7FFF_FFFF)  // The notice: stop opening streams.
        #expect(goAways.last?.lastStream == 1)  // The final GOAWAY, after the stream finished.
        #expect(goAways.last?.error == 0)
        #expect(bodyText(frames, stream: 1) == "slept 400")
        let responseIndex = try #require(frames.firstIndex { $0.kind == .headers && $0.stream == 1 })
        let finalIndex = try #require(frames.lastIndex { $0.kind == .goAway })
        #expect(responseIndex < finalIndex)
        #expect(client.closed)
    }

    @Test func idleConnectionIsClosedWithGoAway() throws {
        try withH2Server(http2: HTTP2Configuration(idleTimeout: .milliseconds(300))) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("GET", "/hello")))
            let frames = try client.frames()  // Until the server closes.
            #expect(bodyText(frames, stream: 1) == #"{"message":"hello"}"#)
            #expect(frames.last?.goAway?.error == 0)
            #expect(frames.last?.goAway?.lastStream == 1)
            #expect(client.closed)
        }
    }

    @Test func openStreamKeepsTheConnectionPastTheIdleTimeout() throws {
        try withH2Server(http2: HTTP2Configuration(idleTimeout: .milliseconds(100))) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("GET", "/slow?ms=400")))
            let frames = try client.frames { ended([$0], stream: 1) }
            #expect(bodyText(frames, stream: 1) == "slept 400")
            #expect(!frames.contains { $0.kind == .goAway })
        }
    }

    @Test func requestThatNeverFinishesArrivingIs408() throws {
        let quick: (inout HTTPServerConfiguration) -> Void = {
            $0.timeouts.requestHead = .milliseconds(100)
            $0.timeouts.requestBody = .milliseconds(100)
        }
        try withH2Server(quick) { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("POST", "/echo"), endStream: false),
                            Frame.data(stream: 1, Array("never finished".utf8), endStream: false))
            let frames = try client.frames { $0.kind == .rstStream && $0.stream == 1 }
            #expect(bodyText(frames, stream: 1).contains(#""status":408"#))
            #expect(frames.last.map { readBigEndian32($0.payload, 0) } == 0)  // RST_STREAM NO_ERROR
            // The connection goes on.
            try client.send(Frame.headers(stream: 3, requestFields("GET", "/hello")))
            #expect(bodyText(try client.frames { ended([$0], stream: 3) }, stream: 3) == #"{"message":"hello"}"#)
        }
    }

    @Test func sessionsAreFreedWhenTheirConnectionsClose() throws {
        let h2 = HTTP2Protocol(logger: TestRoutes.quietLogger)
        try withH2Server({ $0.protocols = [h2] }) { _, port in
            do {
                let open = try FrameClient(port: port)
                try open.startHTTP2()
                try open.send(Frame.headers(stream: 1, requestFields("GET", "/hello")))
                _ = try open.frames { ended([$0], stream: 1) }
                #expect(h2.liveSessionCount == 1)
                let abandoned = try FrameClient(port: port)  // Gone while its handler runs.
                try abandoned.startHTTP2()
                try abandoned.send(Frame.headers(stream: 1, requestFields("GET", "/slow?ms=200")))
                let broken = try FrameClient(port: port)  // Closed by the server.
                try broken.startHTTP2()
                try broken.send(Frame(type: Frame.Kind.ping.rawValue, flags: 0, stream: 1, payload: [1]))
                _ = try broken.frames()
            }
            _ = try curl(["--http2"], "http://127.0.0.1:\(port)/hello")
            _ = try curl(["--http2-prior-knowledge"], "http://127.0.0.1:\(port)/hello")
            var waited = 0
            // Up to 20 s for the slow handler and lingering: a leaked session never goes, and a loaded machine
            // (the full suite beside parallel builds) once took more than 5 s.
            while h2.liveSessionCount > 0 && waited < 2_000 {
                usleep(10_000)
                waited += 1
            }
            #expect(h2.liveSessionCount == 0)
        }
    }

    @Test func clientGoAwayClosesOnceItsStreamsAreDone() throws {
        try withH2Server { _, port in
            let client = try FrameClient(port: port)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, requestFields("GET", "/slow?ms=200")),
                            Frame(type: Frame.Kind.goAway.rawValue, flags: 0, stream: 0,
                                  payload: bigEndian32(0) + bigEndian32(0)))
            let frames = try client.frames()  // Until the server closes.
            #expect(bodyText(frames, stream: 1) == "slept 200")
            #expect(client.closed)
        }
    }

    @Test func clientClosingMidRequestLeavesTheServerServing() throws {
        try withH2Server { _, port in
            do {
                let client = try FrameClient(port: port)
                try client.startHTTP2()
                try client.send(Frame.headers(stream: 1, requestFields("GET", "/slow?ms=100")))
            }  // Closed here, with its request still running.
            let response = try curl(["--http2-prior-knowledge"], "http://127.0.0.1:\(port)/hello")
            #expect(response.status == 200)
        }
    }
}

/// `HTTP2-Settings` decoding (RFC 7540 §3.2.1: base64url, no padding).
@Suite struct Base64URLTests {
    @Test func decodesTheAlphabetWithAndWithoutPadding() {
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.decode("AAMAAABkAAQAoAAAAAIAAAAA") == [0, 3, 0, 0, 0, 100, 0, 4, 0, 160, 0, 0, 0, 2, 0, 0, 0, 0])
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64URL.decode("-_8=") == [0xFB, 0xFF])
        #expect(Base64URL.decode("Zg") == Array("f".utf8))
    }

    @Test func rejectsWhatIsNotBase64URL() {
        #expect(Base64URL.decode("ab+c") == nil)  // '+' is base64, not base64url.
        #expect(Base64URL.decode("ab/c") == nil)
        #expect(Base64URL.decode("A") == nil)  // One sextet cannot end a byte.
        #expect(Base64URL.decode("Zg=g") == nil)  // Data after padding.
        #expect(Base64URL.decode("a b") == nil)
    }
}

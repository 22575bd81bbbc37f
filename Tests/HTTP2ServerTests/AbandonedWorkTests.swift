import Dispatch
import HTTP2Server
import HTTPServer
import TestSupport
import Testing

/// Issue #19, attack 2 over HTTP/2: 500 × (HEADERS, DATA, RST_STREAM) cost 108 CPU-seconds, and resetting streams
/// got around the concurrent-stream limit. A reset stream's work is now cancelled (dropped if queued), a
/// connection's queued work is bounded, and a connection that keeps abandoning work gets GOAWAY.
@Suite struct AbandonedWorkTests {
    private func spin(_ id: String, ms: Int) -> [(String, String)] {
        requestFields("GET", "/spin?ms=\(ms)&id=\(id)")
    }

    @Test func aResetStreamStopsItsRunningWork() throws {
        let id = "h2-reset-\(UInt64.random(in: 0...UInt64.max))"
        try withH2Server { _, port in
            let client = try FrameClient(port: port, timeout: 3)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, spin(id, ms: 10_000)))
            #expect(waitUntil { TestRoutes.Spins.outcome(id) == "started" })
            try client.send(Frame.rstStream(stream: 1))
            #expect(waitUntil(seconds: 2) { TestRoutes.Spins.outcome(id) == "cancelled" })
            // The connection goes on.
            try client.send(Frame.headers(stream: 3, requestFields("GET", "/hello")))
            #expect(bodyText(try client.frames { ended([$0], stream: 3) }, stream: 3) == #"{"message":"hello"}"#)
        }
    }

    @Test func aConnectionThatKeepsAbandoningWorkGetsGoAway() throws {
        let limited = HTTP2Configuration(abandonedWorkRate: .init(burst: 5, perSecond: 1))
        try withH2Server(http2: limited) { _, port in
            let client = try FrameClient(port: port, timeout: 3)
            try client.startHTTP2()
            var bytes: [UInt8] = []
            for n in 0..<20 {
                let id = UInt32(2 * n + 1)
                bytes += Frame.headers(stream: id, requestFields("GET", "/slow?ms=20")).bytes
                bytes += Frame.rstStream(stream: id).bytes
            }
            try client.send(bytes)
            let frames = try client.frames()
            let goAway = try #require(frames.last { $0.kind == .goAway }?.goAway)
            #expect(goAway.error == 11)  // ENHANCE_YOUR_CALM
            #expect(client.closed)
            let other = try RawClient(port: port)
            #expect(try other.request("GET", "/hello").status == 200)
        }
    }

    @Test func queuedWorkPerConnectionIsBounded() throws {
        let ids = (0..<3).map { "h2-bound-\($0)-\(UInt64.random(in: 0...UInt64.max))" }
        try withH2Server(http2: HTTP2Configuration(maxQueuedWork: 2)) { _, port in
            let client = try FrameClient(port: port, timeout: 3)
            try client.startHTTP2()
            try client.send(Frame.headers(stream: 1, spin(ids[0], ms: 10_000)),
                            Frame.headers(stream: 3, spin(ids[1], ms: 10_000)))
            #expect(waitUntil { TestRoutes.Spins.outcome(ids[1]) == "started" })
            try client.send(Frame.headers(stream: 5, spin(ids[2], ms: 10)))
            let refused = try client.frames { ended([$0], stream: 5) }
            #expect(bodyText(refused, stream: 5).contains("maxQueuedWork = 2"))
            #expect(TestRoutes.Spins.outcome(ids[2]) == nil)
            try client.send(Frame.rstStream(stream: 1), Frame.rstStream(stream: 3))
            #expect(waitUntil(seconds: 2) {
                TestRoutes.Spins.outcome(ids[0]) == "cancelled" && TestRoutes.Spins.outcome(ids[1]) == "cancelled"
            })
        }
    }
}

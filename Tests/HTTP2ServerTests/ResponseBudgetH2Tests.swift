import HTTP2Server
@testable import HTTPServer
import TestSupport
import Testing

/// Issue #19, attack 3 over HTTP/2: with flow control holding responses (a client that grants no window),
/// two connections of 50 streams reached 6.9 GB. Responses now draw on the same process-wide budget as HTTP/1.1.
@Suite struct ResponseBudgetH2Tests {
    @Test func unreadStreamsHoldNoMoreThanTheBudgetAndAResetGivesItBack() throws {
        try withH2Server({ $0.limits.maxBufferedResponseBytes = 40 << 20 }) { server, port in
            let client = try FrameClient(port: port, timeout: 10)
            try client.startHTTP2()
            // The default 64 KiB window: the first answer is held almost whole, waiting for WINDOW_UPDATE.
            try client.send(Frame.headers(stream: 1, requestFields("GET", "/big")))
            #expect(waitUntil { server.responseBudget.reserved > 30 << 20 })
            // Connection-level credit for the refusal; stream 1 has used its own 64 KiB window and stays held.
            let credit = Frame(type: Frame.Kind.windowUpdate.rawValue, flags: 0, stream: 0, payload: bigEndian32(1 << 20))
            try client.send(credit, Frame.headers(stream: 3, requestFields("GET", "/big")))
            let refused = try client.frames { ended([$0], stream: 3) }
            #expect(bodyText(refused, stream: 3).contains("maxBufferedResponseBytes"))
            #expect(server.responseBudget.reserved <= 40 << 20)
            try client.send(Frame.rstStream(stream: 1))
            #expect(waitUntil { server.responseBudget.reserved == 0 })
        }
    }
}

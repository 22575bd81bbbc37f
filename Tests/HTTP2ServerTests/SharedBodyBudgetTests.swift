import TestSupport
import Testing
import HTTP2Server

@testable import HTTPServer

/// HTTP/2 streams draw on the same process-wide body budget as HTTP/1.1 connections
/// (`HTTPLimits.maxBufferedBodyBytes`), and give their bytes back when they close or are reset.
@Suite struct SharedBodyBudgetTests {
    private func smallBudget(_ c: inout HTTPServerConfiguration) {
        c.limits.maxBufferedBodyBytes = 1024
    }

    /// Opens a POST /echo stream and sends `count` body bytes without ending it.
    private func openUpload(_ client: FrameClient, stream: UInt32, count: Int) throws {
        try client.send(Frame.headers(stream: stream, requestFields("POST", "/echo"), endStream: false),
                        Frame.data(stream: stream, [UInt8](repeating: 0x61, count: count), endStream: false))
    }

    @Test func twoStreamsPastTheBudgetTheSecondIs503AndAResetGivesTheFirstBack() throws {
        try withH2Server(smallBudget) { server, port in
            let client = try FrameClient(port: port, timeout: 3)
            try client.startHTTP2()
            try openUpload(client, stream: 1, count: 600)
            try openUpload(client, stream: 3, count: 600)
            let refused = try client.frames { ended([$0], stream: 3) }
            let detail = bodyText(refused, stream: 3)
            #expect(detail.contains(#""status":503"#))
            #expect(detail.contains("maxBufferedBodyBytes = 1024"))
            // Stream 3's bytes were never kept; stream 1 still holds its 600.
            #expect(waitUntil { server.bodyBudget.reserved == 600 })

            try client.send(Frame.rstStream(stream: 1))
            #expect(waitUntil { server.bodyBudget.reserved == 0 })

            try client.send(Frame.headers(stream: 5, requestFields("POST", "/echo"), endStream: false),
                            Frame.data(stream: 5, [UInt8](repeating: 0x62, count: 800), endStream: true))
            let served = try client.frames { ended([$0], stream: 5) }
            #expect(bodyText(served, stream: 5) == String(repeating: "b", count: 800))
            #expect(waitUntil { server.bodyBudget.reserved == 0 })
        }
    }

    @Test func anHTTP2UploadLeavesNoRoomForAnHTTP11BodyUntilItsConnectionCloses() throws {
        try withH2Server(smallBudget) { server, port in
            var h2: FrameClient? = try FrameClient(port: port, timeout: 3)
            try h2!.startHTTP2()
            try openUpload(h2!, stream: 1, count: 800)
            #expect(waitUntil { server.bodyBudget.reserved == 800 })

            let http1 = try RawClient(port: port)
            try http1.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 300\r\n\r\n"
                + String(repeating: "c", count: 300))
            let response = try http1.readResponse()
            #expect(response.status == 503)
            #expect(response.header("Retry-After") == "1")
            #expect(String(decoding: response.body, as: UTF8.self).contains("maxBufferedBodyBytes"))

            h2 = nil  // The connection goes with its stream still open: the session gives the bytes back.
            #expect(waitUntil { server.bodyBudget.reserved == 0 })
            let retry = try RawClient(port: port)
            #expect(try retry.request("POST", "/echo", body: [UInt8](repeating: 0x63, count: 300)).status == 200)
        }
    }
}

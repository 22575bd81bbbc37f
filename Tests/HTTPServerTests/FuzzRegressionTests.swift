import Foundation
import HTTPServer
import Synchronization
import TestSupport
import Testing

/// What the fuzz targets (Fuzz/, docs/RELIABILITY.md) found in the HTTP/1.1 server, kept as tests: every input
/// that once failed, replayed through the same entry point, and the leak the HTTP/2 target found.
@Suite struct FuzzRegressionTests {
    /// The files of `Fuzz/<kind>/<target>/`: the inputs that once failed (Regressions) or the seeds (Corpus).
    static func inputs(_ kind: String, _ target: String) -> [[UInt8]] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/\(kind)/\(target)")
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.sorted { $0.path < $1.path }.compactMap { try? Array(Data(contentsOf: $0)) }
    }

    /// The request parser's events with an error's status left out (FuzzHTTP1's property: with two faults, a
    /// slow client may meet the other one first).
    private func events(_ pieces: [ArraySlice<UInt8>], _ limits: HTTPLimits) -> [String] {
        HTTPParsingProbe.requestEvents(pieces, limits: limits).map { $0.hasPrefix("error") ? "error" : $0 }
    }

    /// However a request arrives (cut at any one point, or byte by byte), it is parsed the same; under the default
    /// limits and FuzzHTTP1's small ones. The found inputs had methods over 64 bytes, refused only when split.
    @Test(arguments: ["Regressions", "Corpus"])
    func requestParsingDoesNotDependOnHowBytesArrive(kind: String) {
        let inputs = Self.inputs(kind, "FuzzHTTP1")
        if kind == "Regressions" { #expect(inputs.count >= 2) }
        let small = HTTPLimits(maxRequestTargetLength: 64, maxHeaderSectionBytes: 256, maxHeaderCount: 6, maxBodyBytes: 512)
        for input in inputs {
            for limits in [HTTPLimits(), small] {
                let whole = events([input[...]], limits)
                let bytewise = events(input.indices.map { input[$0...$0] }, limits)
                #expect(bytewise == whole, "\(String(decoding: input, as: UTF8.self).debugDescription)")
                for cut in stride(from: 0, through: input.count, by: max(1, input.count / 40)) {
                    #expect(events([input[..<cut], input[cut...]], limits) == whole)
                }
            }
        }
    }

    @Test func aMethodOver64BytesIsRefusedWholeOrSplit() {
        let request = Array(("G" + String(repeating: "c", count: 64) + " / HTTP/1.1\r\nHost: h\r\n\r\n").utf8)
        #expect(HTTPParsingProbe.requestEvents([request]) == ["error 400"])
        #expect(HTTPParsingProbe.requestEvents([request[..<70], request[70...]]) == ["error 400"])
        let longest = Array((String(repeating: "M", count: 64) + " / HTTP/1.1\r\nHost: h\r\n\r\n").utf8)
        #expect(HTTPParsingProbe.requestEvents([longest]).last?.hasPrefix("request") == true)
    }

    /// The chunked decoder's seeds and found inputs, cut at every point, decode as they do whole, under the
    /// default limits and FuzzChunked's small ones.
    @Test func chunkedDecodingDoesNotDependOnHowBytesArrive() {
        let small = HTTPLimits(maxHeaderSectionBytes: 128, maxBodyBytes: 300)
        for input in Self.inputs("Corpus", "FuzzChunked") + Self.inputs("Regressions", "FuzzChunked") {
            for limits in [HTTPLimits(), small] {
                let whole = HTTPParsingProbe.chunkedEvents([input[...]], limits: limits)
                for cut in 0...input.count {
                    #expect(HTTPParsingProbe.chunkedEvents([input[..<cut], input[cut...]], limits: limits) == whole)
                }
            }
        }
    }

    /// FuzzChunked: a trailer section one byte over the limit passed when its final CRLF came with it, and was
    /// refused when the CRLF came in a later read.
    @Test func trailersOverTheLimitAreRefusedWholeOrSplit() {
        let limits = HTTPLimits(maxHeaderSectionBytes: 128)
        let body = Array(("0\r\nX:" + String(repeating: "a", count: 125) + "\r\n\r\n").utf8)  // 129 trailer bytes
        #expect(HTTPParsingProbe.chunkedEvents([body], limits: limits) == ["error 431"])
        #expect(HTTPParsingProbe.chunkedEvents([body.dropLast(2), body.suffix(2)], limits: limits) == ["error 431"])
        let fits = Array(("0\r\nX:" + String(repeating: "a", count: 124) + "\r\n\r\n").utf8)  // 128
        #expect(HTTPParsingProbe.chunkedEvents([fits], limits: limits).first?.hasPrefix("complete") == true)
    }

    // MARK: The connection behind a takeover is freed

    /// Keeps a weak reference to the last `ConnectionIO` it handed a handler.
    final class Witness: Sendable {
        private let io = Mutex<WeakIO>(WeakIO())
        struct WeakIO: @unchecked Sendable { weak var value: ConnectionIO? }
        func record(_ value: ConnectionIO) { io.withLock { $0.value = value } }
        var isAlive: Bool { io.withLock { $0.value != nil } }
        let wasRecorded = Atomic<Bool>(false)
    }

    final class SilentHandler: ConnectionProtocolHandler {
        let io: ConnectionIO
        init(io: ConnectionIO) { self.io = io }
        func receive(_ bytes: UnsafeRawBufferPointer) {}
        func peerClosed() {}
        func beginGracefulShutdown() { io.close() }
    }

    struct WitnessedProtocol: ConnectionProtocolFactory {
        let witness: Witness
        var preface: [UInt8]? { Array("SILENT\r\n".utf8) }
        var upgradeToken: String? { nil }
        func makeHandler(connection: ConnectionIO, upgradeRequest: HTTPRequest?) -> (any ConnectionProtocolHandler)? {
            witness.record(connection)
            witness.wasRecorded.store(true, ordering: .relaxed)
            return SilentHandler(io: connection)
        }
    }

    /// FuzzHTTP2 under LeakSanitizer: the connection kept its `ConnectionIO`, which keeps the connection, so no
    /// connection taken over (every HTTP/2 one) was ever freed. Once the client goes, nothing may hold either.
    @Test func aConnectionTakenOverIsFreedAfterItCloses() throws {
        let witness = Witness()
        try withServer({ $0.protocols = [WitnessedProtocol(witness: witness)] }) { server, port in
            let client = try RawClient(port: port)
            try client.send("SILENT\r\nhello")
            #expect(waitUntil { witness.wasRecorded.load(ordering: .relaxed) })
            client.shutdownWrite()
            _ = try? client.readToEnd()
            #expect(waitUntil { server.openConnectionCount == 0 })
            #expect(waitUntil { !witness.isAlive }, "the ConnectionIO (and its connection) outlived the connection")
        }
    }
}

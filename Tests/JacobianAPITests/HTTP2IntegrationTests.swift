import Foundation
import HTTP2Server
import HTTPServer
import TestSupport
import Testing

/// The real API over HTTP/2 on the same port as HTTP/1.1: every answer must be the same, byte for byte,
/// whichever way the client got to HTTP/2 (prior knowledge or `Upgrade: h2c`).
@Suite struct HTTP2IntegrationTests {
    static let server = try! LiveServer(protocols: [HTTP2Protocol()])

    /// The tutorial's first example: f(x) = (x0², x1³, x2⁴) at its point, a 3×3 Jacobian.
    static let tutorialBody = """
        {"function": {"type": "expression", "inputs": [{"name": "x", "size": 3}],
                      "outputs": ["x[0]^2", "x[1]^3", "x[2]^4"]},
         "point": [-0.5366, 0.9893, -0.287]}
        """

    @Test(arguments: ["--http2-prior-knowledge", "--http2"])
    func jacobianAnswerIsTheSameAsOverHTTP1(way: String) throws {
        let h1 = try Self.server.post("/v1/jacobian", Self.tutorialBody)
        let h2 = try Curl.post(port: Self.server.port, "/v1/jacobian", Self.tutorialBody, options: [way])
        #expect(h1.status == 200)
        #expect(h2.httpVersion == "2")
        #expect(h2.status == h1.status)
        #expect(h2.contentType == h1.header("Content-Type"))
        #expect(h2.body == h1.body)
        #expect(try h1.json["jacobian"]?.matrix == [[-1.0732, 0, 0], [0, 2.9361434699999998, 0], [0, 0, -0.09455961199999997]])
    }

    @Test func problemAnswerIsTheSameAsOverHTTP1() throws {
        let bad = #"{"function": {"type": "expression", "inputs": [{"name": "x", "size": 2}], "outputs": ["x[0] +"]}, "point": [1, 2]}"#
        let h1 = try Self.server.post("/v1/jacobian", bad)
        let h2 = try Curl.post(port: Self.server.port, "/v1/jacobian", bad, options: ["--http2-prior-knowledge"])
        #expect(h1.status >= 400)
        #expect(h2.status == h1.status)
        #expect(h2.contentType == "application/problem+json")
        #expect(h2.body == h1.body)
    }

    @Test func manyConcurrentStreamsOnOneConnectionAllSucceed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("h2-body-\(UUID().uuidString).json")
        try Data(Self.tutorialBody.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runProcess("/usr/bin/h2load", ["-n", "200", "-c", "1", "-m", "100", "-d", file.path,
                                                        "-H", "content-type: application/json",
                                                        "http://127.0.0.1:\(Self.server.port)/v1/jacobian"], timeout: 30).stdout
        #expect(result.contains("200 succeeded"), "\(result)")
        #expect(result.contains("status codes: 200 2xx"), "\(result)")
    }
}

/// curl as a child process with a deadline (``runProcess``), so no test can hang on it.
enum Curl {
    struct Response {
        var httpVersion: String
        var status: Int
        var contentType: String
        var body: [UInt8]
    }

    static func post(port: Int, _ path: String, _ body: String, options: [String]) throws -> Response {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("h2-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let info = try runProcess("/usr/bin/curl", ["-sS", "--max-time", "10", "-o", output.path,
                                                    "-w", "%{http_version} %{http_code} %{content_type}",
                                                    "-H", "Content-Type: application/json", "--data-binary", body]
                                                   + options + ["http://127.0.0.1:\(port)\(path)"], timeout: 30).stdout
        let parts = info.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count == 3 else { throw TestFailure("unexpected curl output: \(info)") }
        return Response(httpVersion: parts[0], status: Int(parts[1]) ?? 0, contentType: parts[2],
                        body: Array(try Data(contentsOf: output)))
    }
}

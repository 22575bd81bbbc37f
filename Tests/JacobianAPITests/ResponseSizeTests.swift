import Testing
@testable import JacobianAPI

/// Issue #19, attack 3: small requests made huge answers (an 80 KB network request → 80 MB, a 6.7 KB Newton
/// request → 115 MB). Where the size is predictable it is checked before any work.
@Suite struct ResponseSizeTests {
    @Test func aNewtonTrajectoryPastTheLimitIsRefusedBeforeTheWork() throws {
        let outputs = (0..<300).map { "\"x[\($0)]^2 + 1\"" }.joined(separator: ",")
        let point = Array(repeating: "1", count: 300).joined(separator: ",")
        let started = ContinuousClock.now
        let response = try LiveServer.shared.post("/v1/newton", #"{"function": {"type": "expression", "#
            + #""inputs": [{"name": "x", "size": 300}], "outputs": [\#(outputs)]}, "point": [\#(point)], "#
            + #""max_iterations": 10000, "method": "gradient_descent"}"#)
        #expect(response.status == 422, "\(response.text)")
        #expect(try response.json["limit"]?.string == "maxResponseBytes")
        #expect(response.text.contains("/max_iterations"))
        #expect(ContinuousClock.now - started < .seconds(2))  // Refused, not computed.
    }

    @Test func aBatchWhoseJacobiansPassTheLimitIsRefusedNamingPoints() throws {
        let server = try LiveServer(configuration: APIConfiguration(maxResponseBytes: 100_000))
        defer { server.server.shutdown(deadline: .seconds(1)) }
        let points = (0..<2000).map { "[\($0)]" }.joined(separator: ",")
        let response = try server.post("/v1/jacobian", #"{"function": {"type": "expression", "inputs": ["x"], "#
            + #""outputs": ["x", "2*x", "3*x"]}, "points": [\#(points)]}"#)
        #expect(response.status == 422, "\(response.text)")
        #expect(try response.json["limit"]?.string == "maxResponseBytes")
        #expect(response.text.contains("\"/points\""))
        // The same request with fewer points fits.
        let small = try server.post("/v1/jacobian", #"{"function": {"type": "expression", "inputs": ["x"], "#
            + #""outputs": ["x", "2*x", "3*x"]}, "points": [[1], [2]]}"#)
        #expect(small.status == 200)
    }

    @Test func theEstimateNeverOverflows() {
        #expect(throws: Problem.self) {
            try ResponseSize.check([Int.max, Int.max], of: "x", at: "/points", limit: 1 << 20)
        }
        #expect(throws: Never.self) { try ResponseSize.check([10, 10], of: "x", at: "/points", limit: 1 << 20) }
    }
}

import HTTPServer
import JacobianEngine
import TestSupport
import Testing
@testable import JacobianAPI

/// The default limits fit together: the largest batch the engine accepts, of the tutorial's function, with every
/// coordinate written in full, is not refused by the body limit.
@Suite struct DefaultLimitsTests {
    @Test func largestBatchOfTheTutorialFunctionIsAccepted() throws {
        let count = EngineLimits().maxBatchSize
        var generator = SeededGenerator(seed: 11)
        var body = #"{"function": {"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]^2", "x[1]^3", "x[2]^4"]}, "points": ["#
        body.reserveCapacity(count * 70)
        for index in 0..<count {
            if index > 0 { body += ", " }
            // Negative numbers with 17 significant digits: the longest a double needs.
            let point = (0..<3).map { _ in -Double.random(in: 0.1..<1, using: &generator) }
            body += "[" + point.map(\.description).joined(separator: ", ") + "]"
        }
        body += "]}"
        #expect(body.utf8.count <= HTTPLimits().maxBodyBytes)
        // A debug build parses, computes and writes 100,000 points in seconds; the generous timeout is for CI.
        let response = try RawClient(port: LiveServer.shared.port, timeout: 120).request(
            "POST", "/v1/jacobian", headers: [("Connection", "close"), ("Content-Type", "application/json")],
            body: Array(body.utf8))
        #expect(response.status == 200, "\(response.text.prefix(300))")
        let results = try response.json["results"]
        guard case .array(let items)? = results else { Issue.record("no results"); return }
        #expect(items.count == count)
    }
}

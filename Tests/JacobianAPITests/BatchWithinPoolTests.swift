import Dispatch
import Foundation
import Synchronization
import Testing
@testable import JacobianAPI
import JacobianEngine
import ServerApp
import TestSupport

/// A batch runs on the server's worker pool, not on every core (issue 12): while a batch of the maximum size
/// runs, health probes and a small request still answer promptly.
@Suite(.serialized) struct BatchWithinPoolTests {
    /// Three outputs of 24 terms each: the batch must outlast the probes, and a cheap function's batch of the
    /// maximum size no longer does (answers are written without zero-filling since, and a debug build's batch of
    /// the tutorial function ends within the test's first 0.3 s).
    static let function: String = {
        let outputs = ["sin(x[0] / K) * exp(x[1] / K) + x[2]^3 / K", "cos(x[0] * x[1] / K) - sqrt(x[2]^2 + K)",
                       "atan(x[0] + x[2] / K)"]
            .map { term in (1...24).map { term.replacingOccurrences(of: "K", with: "\($0)") }.joined(separator: " + ") }
        let list = outputs.map { "\"\($0)\"" }.joined(separator: ", ")
        return #"{"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["# + list + "]}"
    }()

    /// maxBatchSize points as base64, answered in base64 (so the batch's time is the engine's).
    static func largestBatch(_ count: Int) -> String {
        var numbers: [Double] = []
        numbers.reserveCapacity(3 * count)
        for index in 0..<count { numbers += [Double(index % 97) / 50, Double(index % 89) / 60, Double(index % 83) / 40] }
        let text = numbers.withUnsafeBytes { Data($0).base64EncodedString() }
        return #"{"function": \#(function), "points_base64": "\#(text)", "points_shape": [\#(count), 3], "#
            + #""encoding": "base64"}"#
    }

    @Test func probesAndASmallRequestAnswerWhileTheLargestBatchRuns() throws {
        // The service's own probes (inline routes), as jacobian-server registers them.
        // No compute limit in the way: a debug build under a sanitizer, beside other builds, took more than the
        // default 10 s for this batch (a 422), and this test is about the probes, not the limit.
        let server = try LiveServer(configuration: APIConfiguration(computeTimeLimit: .seconds(600))) { router in
            OperationalRoutes.add(to: &router, readiness: Readiness(), metrics: ServiceMetrics())
        }
        let count = server.engine.limits.maxBatchSize
        let body = Self.largestBatch(count)
        let small = #"{"function": \#(Self.function), "points": [[0.1, 0.2, 0.3]]}"#
        #expect(try server.post("/v1/jacobian", small).status == 200)  // Compiled once, before timing.

        let batchDone = Atomic<Bool>(false)
        let batchStatus = Mutex<Int?>(nil)
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            // A long timeout: in a debug build under a loaded test run the batch takes many seconds.
            let response = try? RawClient(port: server.port, timeout: 300).request(
                "POST", "/v1/jacobian", headers: [("Connection", "close"), ("Content-Type", "application/json")],
                body: Array(body.utf8))
            batchDone.store(true, ordering: .sequentiallyConsistent)
            batchStatus.withLock { $0 = response?.status }
            finished.signal()
        }
        // Let the batch reach the engine (its body is several megabytes).
        Thread.sleep(forTimeInterval: 0.3)

        /// Milliseconds per answer, kept only when the batch was still running at the answer.
        func timed(_ send: () throws -> Int) rethrows -> Double? {
            let start = ContinuousClock.now
            let status = try send()
            let elapsed = ContinuousClock.now - start
            #expect(status == 200)
            guard !batchDone.load(ordering: .sequentiallyConsistent) else { return nil }
            return Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
        }
        var health: [Double] = [], requests: [Double] = []
        for _ in 0..<5 {
            if let ms = try timed({ try server.request("GET", "/healthz").status }) { health.append(ms) }
            if let ms = try timed({ try server.post("/v1/jacobian", small).status }) { requests.append(ms) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        finished.wait()
        #expect(batchStatus.withLock { $0 } == 200)
        // The batch must have outlasted the probes for them to show anything.
        #expect(!health.isEmpty && !requests.isEmpty, "the batch finished too soon: \(health) \(requests)")
        // Medians: on a machine loaded by other work a single answer can be late for reasons of its own.
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        if !health.isEmpty { #expect(median(health) < 100, "GET /healthz took \(health) ms") }
        if !requests.isEmpty { #expect(median(requests) < 100, "a small POST /v1/jacobian took \(requests) ms") }
    }
}

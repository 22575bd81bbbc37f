import Dispatch
import HTTPServer
import Synchronization
import TestSupport
import Testing
@testable import JacobianAPI

/// Issue #19, attacks 2 and 4 through the API: every computation has a time limit named in its error, and work
/// whose client has gone stops at its next check.
@Suite(.serialized) struct ComputeLimitTests {
    /// A chain of `length` definitions, each depending on the last, at `count` points: seconds of work per request.
    /// The chain is short enough to compile quickly in a debug build (compiling is not interrupted; evaluating is).
    static func heavyBatch(length: Int = 500, count: Int = 80_000) -> String {
        let definitions = ["d0 = sin(x)"] + (1..<length).map { "d\($0) = sin(d\($0 - 1)) + x" }
        let quoted = definitions.map { "\"\($0)\"" }.joined(separator: ",")
        let points = (0..<count).map { "[\(Double($0 % 100) / 100)]" }.joined(separator: ",")
        return #"{"function": {"type": "expression", "inputs": ["x"], "definitions": [\#(quoted)], "#
            + #""outputs": ["d\#(length - 1)"]}, "points": [\#(points)]}"#
    }

    /// 300 unknowns with no root: Newton runs every iteration, an SVD of 300 × 300 each.
    static let heavyNewton: String = {
        let outputs = (0..<300).map { "\"x[\($0)]^2 + 1\"" }.joined(separator: ",")
        let point = Array(repeating: "1", count: 300).joined(separator: ",")
        return #"{"function": {"type": "expression", "inputs": [{"name": "x", "size": 300}], "outputs": [\#(outputs)]}, "#
            + #""point": [\#(point)], "max_iterations": 1000}"#
    }()

    static let small = #"{"function": {"type": "expression", "inputs": ["x"], "outputs": ["x^2"]}, "point": [3]}"#

    @Test func aLongBatchStopsAtTheTimeLimitWhileASmallRequestIsServed() throws {
        let server = try LiveServer(configuration: APIConfiguration(computeTimeLimit: .milliseconds(500)))
        defer { server.server.shutdown(deadline: .seconds(1)) }
        let heavy = Self.heavyBatch()
        let outcome = Mutex<(status: Int, limit: String?, seconds: Double)?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let started = ContinuousClock.now
            let response = try? server.post("/v1/jacobian", heavy)
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            outcome.withLock { $0 = (response?.status ?? 0, try? response?.json["limit"]?.string, seconds) }
            done.signal()
        }
        usleep(100_000)  // The batch is computing.
        let started = ContinuousClock.now
        let small = try server.post("/v1/jacobian", Self.small)
        let latency = (ContinuousClock.now - started) / .seconds(1)
        #expect(small.status == 200)
        #expect(latency < 1, "a small request waited \(latency) s beside the batch")
        #expect(done.wait(timeout: .now() + 10) == .success)
        let heavyOutcome = try #require(outcome.withLock { $0 })
        #expect(heavyOutcome.status == 422)
        #expect(heavyOutcome.limit == "computeTimeLimit")
        #expect(heavyOutcome.seconds < 3, "the batch ran \(heavyOutcome.seconds) s against a 0.5 s limit")
    }

    /// The responder, called as a worker calls it, with the request's token cancelled after `delay`.
    private func runCancelled(_ path: String, _ body: String, after delay: Double) -> (HTTPResponse, Double) {
        var router = Router()
        JacobianAPI(engine: JacobianEngineFactory.make()).register(in: &router)
        let responder = router.responder()
        let request = HTTPRequest(method: "POST", target: path, headers: ["Content-Type": "application/json"],
                                  body: Array(body.utf8))
        let token = request.cancellation
        _ = token.start()
        // On a queue of its own (overcommit, as the server's connection queues): the global queue's threads may
        // all be computing the batch's chunks.
        DispatchQueue(label: "canceller").asyncAfter(deadline: .now() + delay) { token.cancel() }
        let started = ContinuousClock.now
        let response = responder(request)
        return (response, (ContinuousClock.now - started) / .seconds(1))
    }

    @Test func aNewtonSolveStopsSoonAfterItsClientLeaves() {
        let (_, seconds) = runCancelled("/v1/newton", Self.heavyNewton, after: 0.2)
        // Uncancelled it would run to the 10 s time limit; the bound leaves room for a loaded machine.
        #expect(seconds < 3, "the solve ran \(seconds) s, cancelled at 0.2 s")
    }

    @Test func aBatchStopsSoonAfterItsClientLeaves() {
        let (_, seconds) = runCancelled("/v1/jacobian", Self.heavyBatch(), after: 0.2)
        #expect(seconds < 3, "the batch ran \(seconds) s, cancelled at 0.2 s")
    }
}

import JacobianEngine
#if canImport(Glibc)
import Glibc
#endif

/// A fresh engine with the default limits.
enum JacobianEngineFactory {
    static func make() -> JacobianEngine { JacobianEngine() }
}

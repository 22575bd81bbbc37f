import Dispatch
import Foundation
import Testing
@testable import JacobianAPI

/// Many clients at once, each with its own points and its own function, every answer checked against the
/// analytic Jacobian: a shared compiled function and cache must not mix up anybody's numbers.
@Suite struct ConcurrentClientsTests {
    let server = LiveServer.shared

    @Test func sixteenClientsTwentyRequestsEach() throws {
        let clients = 16
        let requests = 20
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: clients) { client in
            // Half the clients share one function (cache hits under contention), half use their own scale factor.
            let scale = client % 2 == 0 ? 1.0 : Double(client)
            for index in 0..<requests {
                let x = Double(client) / 10 + Double(index) / 100
                let y = 1 + Double(index) / 7
                let body = """
                    {"function": {"type": "expression", "inputs": ["x", "y"], "constants": {"c": \(scale)},
                                  "outputs": ["c * x^2 * y", "sin(x) + c * y"]},
                     "point": [\(x), \(y)]}
                    """
                do {
                    let response = try server.post("/v1/jacobian", body)
                    let json = try response.json
                    let expected = [[2 * scale * x * y, scale * x * x], [cos(x), scale]]
                    guard response.status == 200, close(json["jacobian"]?.matrix, expected) else {
                        failures.record("client \(client) request \(index): \(response.status) \(response.text)")
                        continue
                    }
                } catch {
                    failures.record("client \(client) request \(index): \(error)")
                }
            }
        }
        #expect(failures.messages.isEmpty, "\(failures.messages.prefix(5))")
    }
}

/// Failures collected from many threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    func record(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        collected.append(message)
    }

    var messages: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}

import Foundation
import Synchronization
import Testing
@testable import JacobianEngine

/// The public surface of `CompiledFunction`: shapes, names, mode selection, point checks and thread safety.
@Suite("Compiled function")
struct CompiledFunctionTests {
    @Test func resolvedModePicksByShape() throws {
        let tall = try compile([.scalar("x")], ["x", "2*x"])
        #expect(tall.resolvedMode(.auto) == .forward)
        let square = try compile([.scalar("x"), .scalar("y")], ["x", "y"])
        #expect(square.resolvedMode(.auto) == .forward)
        let wide = try compile([.vector(name: "x", size: 3)], ["x[0] + x[1] + x[2]"])
        #expect(wide.resolvedMode(.auto) == .reverse)
        #expect(wide.resolvedMode(.forward) == .forward && tall.resolvedMode(.reverse) == .reverse)
    }

    @Test func pointOfTheWrongLength() throws {
        let function = try compile([.vector(name: "x", size: 3)], ["x[0]"])
        let error = engineError { try function.jacobian(at: [1, 2]) }
        #expect(error?.kind == .dimensionMismatch)
        #expect(error?.message == "point has 2 entries but the function has 3 inputs (x[0], x[1], x[2])")
        #expect(engineError { try function.evaluate(at: [1, 2, 3, 4]) }?.kind == .dimensionMismatch)
        let single = try compile([.scalar("t")], ["t"])
        #expect(engineError { try single.evaluate(at: []) }?.message
            == "point has 0 entries but the function has 1 input (t)")
        let wide = try compile([.vector(name: "q", size: 20)], ["q[0]"])
        #expect(engineError { try wide.evaluate(at: [1]) }?.message
            == "point has 1 entry but the function has 20 inputs (q[0], q[1], q[2], ..., q[19])")
    }

    @Test func gradientOfAWideScalarFunction() throws {
        let n = 1_000
        let sum = (0..<n).map { "x[\($0)]^2" }.joined(separator: " + ")
        let function = try compile([.vector(name: "x", size: n)], [sum], limits: EngineLimits(maxExpressionLength: 20_000))
        let point = (0..<n).map { Double($0) / 100 }
        let result = try function.jacobian(at: point)
        #expect(function.resolvedMode(.auto) == .reverse)
        #expect(result.jacobian.storage == point.map { 2 * $0 })
    }

    @Test func sharedAcrossThreadsGivesIdenticalResults() throws {
        let function = try compile(
            [.vector(name: "x", size: 3), .scalar("t")],
            ["sin(x[0]) * t + x[1]^3", "hypot(x[2], t) - log1p(x[0]^2)", "max(x[0], x[1]) * exp(-t)"],
            definitions: ["unused = x[0]"])
        let points: [[Double]] = (0..<64).map { (i: Int) -> [Double] in
            let s = Double(i)
            return [s / 10, 1 - s / 50, 0.5, Double(i % 5) + 0.1]
        }
        let expected = try points.map { try function.jacobian(at: $0) }
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for round in 0..<200 {
                let index = (worker * 31 + round) % points.count
                let mode: DifferentiationMode = round % 2 == 0 ? .forward : .reverse
                let result = try? function.jacobian(at: points[index], mode: mode)
                let value = try? function.evaluate(at: points[index])
                guard let result, value == expected[index].value, result.value == expected[index].value,
                      close(result.jacobian.storage, expected[index].jacobian.storage, 1e-15) else {
                    mismatches.withLock { $0 += 1 }
                    continue
                }
            }
        }
        #expect(mismatches.withLock { $0 } == 0)
    }
}

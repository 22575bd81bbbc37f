import Foundation
import TestSupport
import Testing
@testable import JacobianEngine

/// Randomly generated expressions (seeded, so every run is the same): exact AD against central finite differences,
/// and forward, reverse and auto modes against each other to 1e-12.
@Suite("Random expressions")
struct RandomExpressionTests {
    /// Builds expressions over x[0..<inputs] from operations that stay smooth and finite on the sampled domain:
    /// logs and roots only of positive arguments, divisions only by quantities bounded away from zero.
    struct ExpressionGenerator {
        var random: SeededGenerator
        let inputs: Int

        mutating func expression(depth: Int) -> String {
            if depth == 0 || Int.random(in: 0..<5, using: &random) == 0 { return leaf() }
            let a = expression(depth: depth - 1)
            switch Int.random(in: 0..<17, using: &random) {
            case 0: return "(\(a) + \(expression(depth: depth - 1)))"
            case 1: return "(\(a) - \(expression(depth: depth - 1)))"
            case 2: return "(\(a) * \(expression(depth: depth - 1)))"
            case 3: return "(\(a) / (2 + sin(\(expression(depth: depth - 1)))))"
            case 4: return "sin(\(a))"
            case 5: return "cos(\(a))"
            case 6: return "tanh(\(a))"
            case 7: return "exp(tanh(\(a)))"
            case 8: return "log(1 + (\(a))^2)"
            case 9: return "sqrt(2 + cos(\(a)))"
            case 10: return "atan(\(a))"
            case 11: return "sigmoid(\(a))"
            case 12: return "softplus(tanh(\(a)))"
            case 13: return "(-\(a))^3"
            case 14: return "hypot(\(a), 1)"
            case 15: return "atan2(\(a), 1.5 + cos(\(expression(depth: depth - 1))))"
            default: return "(2 + sin(\(a)))^(\(leaf()))"
            }
        }

        mutating func leaf() -> String {
            if Int.random(in: 0..<4, using: &random) == 0 {
                return String(format: "%.3f", Double.random(in: -2...2, using: &random))
            }
            return "x[\(Int.random(in: 0..<inputs, using: &random))]"
        }
    }

    /// Central differences with step h = 1e-6 relative to the point's scale (error about h² · f''' plus rounding).
    private func finiteDifferences(_ function: CompiledFunction, at point: [Double]) throws -> [Double] {
        var jacobian = [Double](repeating: 0, count: function.outputCount * function.columnCount)
        for column in 0..<function.columnCount {
            let h = 1e-6 * max(1, abs(point[column]))
            var plus = point, minus = point
            plus[column] += h
            minus[column] -= h
            let (up, down) = (try function.evaluate(at: plus), try function.evaluate(at: minus))
            for row in 0..<function.outputCount {
                jacobian[row * function.columnCount + column] = (up[row] - down[row]) / (2 * h)
            }
        }
        return jacobian
    }

    @Test func adMatchesFiniteDifferencesAndModesAgree() throws {
        var cases = 0
        for seed in 0..<300 {
            var generator = ExpressionGenerator(random: SeededGenerator(seed: UInt64(seed)), inputs: 3)
            let outputCount = Int.random(in: 1...4, using: &generator.random)
            let outputs = (0..<outputCount).map { _ in generator.expression(depth: 4) }
            let function = try compile([.vector(name: "x", size: 3)], outputs)
            let point = (0..<3).map { _ in Double.random(in: -1.5...1.5, using: &generator.random) }
            let forward = try function.jacobian(at: point, mode: .forward)
            let reverse = try function.jacobian(at: point, mode: .reverse)
            let auto = try function.jacobian(at: point)
            #expect(forward.value == reverse.value && forward.value == auto.value)
            #expect(close(forward.jacobian.storage, reverse.jacobian.storage, 1e-12), "seed \(seed): \(outputs)")
            #expect(auto.jacobian == (function.resolvedMode(.auto) == .forward ? forward : reverse).jacobian)
            let numeric = try finiteDifferences(function, at: point)
            #expect(close(forward.jacobian.storage, numeric, 1e-5), "seed \(seed): \(outputs) at \(point)")
            cases += 1
        }
        #expect(cases == 300)
    }

    /// Definitions shared by several outputs exercise hash-consing and adjoint accumulation across rows.
    @Test func sharedDefinitionsAcrossOutputs() throws {
        var generator = ExpressionGenerator(random: SeededGenerator(seed: 42), inputs: 5)
        for _ in 0..<50 {
            let definitions = ["a = \(generator.expression(depth: 3))", "b = a * \(generator.expression(depth: 2))"]
            let outputs = ["a + b", "b * x[4]", "sin(a) - \(generator.expression(depth: 2))"]
            let function = try compile([.vector(name: "x", size: 5)], outputs, definitions: definitions)
            let point = (0..<5).map { _ in Double.random(in: -1...1, using: &generator.random) }
            let forward = try function.jacobian(at: point, mode: .forward)
            let reverse = try function.jacobian(at: point, mode: .reverse)
            #expect(close(forward.jacobian.storage, reverse.jacobian.storage, 1e-12))
            #expect(close(forward.jacobian.storage, try finiteDifferences(function, at: point), 1e-5))
        }
    }
}

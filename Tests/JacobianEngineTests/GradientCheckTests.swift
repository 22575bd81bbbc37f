import Foundation
import Testing
@testable import JacobianEngine

/// The gradient check: exact derivatives pass, a deliberately wrong derivative is flagged where it is.
@Suite("Gradient check")
struct GradientCheckTests {
    /// f(x, y) = (x·y, sin x) whose "derivative" of sin is wrong (it returns sin instead of cos): a test-only
    /// program, the kind of mistake a user writing their own derivative makes.
    struct WrongDerivative: DifferentiableProgram {
        var inputCount: Int { 2 }
        var outputCount: Int { 2 }
        var columnCount: Int { 2 }
        var columnNames: [String] { ["x", "y"] }
        var rowNames: [String] { ["f[0]", "f[1]"] }

        func evaluate(at point: UnsafeBufferPointer<Double>, value: UnsafeMutableBufferPointer<Double>) {
            value[0] = point[0] * point[1]
            value[1] = sin(point[0])
        }

        func jacobian(
            at point: UnsafeBufferPointer<Double>, mode: DifferentiationMode, value: UnsafeMutableBufferPointer<Double>,
            jacobian: UnsafeMutableBufferPointer<Double>
        ) {
            evaluate(at: point, value: value)
            jacobian[0] = point[1]
            jacobian[1] = point[0]
            jacobian[2] = sin(point[0])  // wrong: should be cos
            jacobian[3] = 0
        }
    }

    @Test func exactDerivativesPass() throws {
        let function = try compile([.vector(name: "x", size: 3)], ["x[0] * exp(x[1])", "atan2(x[2], x[0]) + 1e3 * x[1]^2"])
        let check = try function.gradientCheck(at: [0.7, -0.3, 250.0])
        #expect(check.passed)
        #expect(check.maxAbsolute!.error < 1e-6)
        #expect(check.steps[2] > check.steps[0] * 100, "steps follow each column's scale")
        #expect(check.uncheckedColumns.isEmpty)
    }

    @Test func wrongDerivativeIsFlaggedWhereItIs() throws {
        let function = CompiledFunction(program: WrongDerivative(), inputNames: ["x", "y"])
        let check = try function.gradientCheck(at: [0.4, 2.0])
        #expect(!check.passed)
        #expect(check.maxAbsolute?.row == 1 && check.maxAbsolute?.column == 0)
        #expect(close(check.maxAbsolute!.exact, sin(0.4)) && close(check.maxAbsolute!.estimate, cos(0.4), 1e-8))
        #expect(check.maxRelative?.row == 1 && check.maxRelative?.column == 0)
    }

    @Test func columnsLeavingTheDomainAreReported() throws {
        let function = try compile([.vector(name: "x", size: 2)], ["sqrt(x[0]) + x[1]"])
        let check = try function.gradientCheck(at: [1e-9, 1])  // x − h < 0: sqrt is NaN there
        #expect(check.uncheckedColumns == [0])
    }
}

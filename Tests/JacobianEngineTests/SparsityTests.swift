import Testing
@testable import JacobianEngine

/// Sparse Jacobians: forward mode touches only the columns each register depends on, reverse mode only the
/// instructions each row depends on, and both still produce the full dense result.
@Suite("Sparsity")
struct SparsityTests {
    /// The tridiagonal system x[i-1] - 2 x[i] + x[i+1] + x[i]^3, and its Jacobian by hand.
    private func banded(_ n: Int) throws -> (CompiledFunction, [Double], [Double]) {
        let outputs = (0..<n).map { i in
            (i > 0 ? "x[\(i - 1)] " : "") + "- 2*x[\(i)]" + (i + 1 < n ? " + x[\(i + 1)]" : "") + " + x[\(i)]^3"
        }
        let function = try compile([.vector(name: "x", size: n)], outputs)
        let point = (0..<n).map { Double($0 % 7) / 7 - 0.4 }
        var expected = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            if i > 0 { expected[i * n + i - 1] = 1 }
            if i + 1 < n { expected[i * n + i + 1] = 1 }
            expected[i * n + i] = -2 + 3 * point[i] * point[i]
        }
        return (function, point, expected)
    }

    @Test func bandedSystemInBothModes() throws {
        let (function, point, expected) = try banded(40)
        for mode in [DifferentiationMode.forward, .reverse, .auto] {
            #expect(close(try function.jacobian(at: point, mode: mode).jacobian.storage, expected, 1e-14))
        }
        let sparsity = program(of: function).sparsity
        // Every row's cone is its own few instructions, not everything before it.
        #expect(sparsity.coneRowCount == 40)
        #expect((0..<40).allSatisfy { sparsity.coneStarts[$0 + 1] - sparsity.coneStarts[$0] <= 6 })
        #expect(sparsity.columnRanges.allSatisfy { $0.width <= 3 })
    }

    @Test func bandedSystemAcrossForwardChunks() throws {
        // 1000 columns × ~6000 registers exceeds the tangent budget: columns go in chunks whose edges cut bands.
        let (function, point, expected) = try banded(1_000)
        #expect(program(of: function).registerCount * 1_000 > ExpressionProgram.forwardTangentBudget)
        #expect(close(try function.jacobian(at: point, mode: .forward).jacobian.storage, expected, 1e-14))
        #expect(close(try function.jacobian(at: point, mode: .reverse).jacobian.storage, expected, 1e-14))
    }

    @Test func rowsWithoutRecordedConesSweepEverything() throws {
        let function = try compile(
            [.vector(name: "x", size: 3)], ["x[0] * x[1]", "sin(x[2]) + x[0]", "x[1]", "exp(x[0] * x[1]) - x[2]"])
        let compiled = program(of: function)
        let tight = Sparsity(
            instructions: compiled.instructions, inputCount: 3, constantCount: compiled.constants.count,
            outputRegisters: compiled.outputRegisters, maxConeEntries: 2)
        #expect(tight.coneRowCount < 4)
        let fallback = ExpressionProgram(
            inputCount: 3, outputCount: 4, columnNames: compiled.columnNames, rowNames: compiled.rowNames,
            constants: compiled.constants, instructions: compiled.instructions, locations: compiled.locations,
            outputRegisters: compiled.outputRegisters, sparsity: tight)
        let point = [0.3, -1.2, 2.0]
        let reference = try function.jacobian(at: point, mode: .forward)
        let viaFallback = try CompiledFunction(program: fallback, inputNames: compiled.columnNames)
            .jacobian(at: point, mode: .reverse)
        #expect(close(viaFallback.jacobian.storage, reference.jacobian.storage))
    }

    @Test func autoPrefersTheModeWithLessWork() throws {
        // 30 outputs, each a sum over all 30 inputs of local terms: square by shape (forward), but each row's cone
        // is small compared with carrying 30 tangents through every instruction.
        let n = 30
        let outputs = (0..<n).map { i in (0..<n).map { j in "\(i + j + 1) * sin(x[\(j)] + \(i))" }.joined(separator: " + ") }
        let function = try compile([.vector(name: "x", size: n)], outputs)
        #expect(function.resolvedMode(.auto) == .reverse)
        // A dense square function stays with the shape rule.
        let dense = try compile([.vector(name: "x", size: 2)], ["x[0] * x[1]", "x[0] + x[1]"])
        #expect(dense.resolvedMode(.auto) == .forward)
    }

    @Test func forwardModeNoLongerMixesUnrelatedColumnsIntoNaN() throws {
        // sqrt'(0) is infinite; the column of y does not depend on it, so it stays exactly 1 in both modes.
        let function = try compile([.scalar("x"), .scalar("y")], ["sqrt(x) + y"])
        for mode in [DifferentiationMode.forward, .reverse] {
            let error = engineError { try function.jacobian(at: [0, 2], mode: mode) }
            #expect(error?.columnIndex == 0)
        }
    }
}

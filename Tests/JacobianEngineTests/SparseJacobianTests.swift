import Testing
import TestSupport
@testable import JacobianEngine

/// Structural patterns, colourings and compressed sweeps: the sparse answer equals the dense one entry for entry,
/// and a banded Jacobian takes as many sweeps as its bandwidth whatever its size.
@Suite("Sparse Jacobians")
struct SparseJacobianTests {
    private func banded(_ n: Int) throws -> CompiledFunction {
        let outputs = (0..<n).map { i in
            (i > 0 ? "x[\(i - 1)] " : "") + "- 2*x[\(i)]" + (i + 1 < n ? " + x[\(i + 1)]" : "") + " + x[\(i)]^3"
        }
        return try compile([.vector(name: "x", size: n)], outputs)
    }

    private func expectSparseEqualsDense(_ function: CompiledFunction, at point: [Double]) throws {
        let dense = try function.jacobian(at: point, mode: .forward).jacobian
        for mode in [DifferentiationMode.forward, .reverse, .auto] {
            let sparse = try function.sparseJacobian(at: point, mode: mode)
            // Entry for entry, including the structural zeros outside the pattern.
            #expect(close(sparse.jacobian.dense.storage, dense.storage, 1e-14))
        }
    }

    @Test func bandedJacobianTakesThreeSweepsWhateverItsSize() throws {
        for n in [5, 40, 1_000] {
            let function = try banded(n)
            #expect(function.sparseSweepCount(.forward) == 3)
            #expect(function.sparseSweepCount(.reverse) == 3)
            #expect(function.jacobianSparsity.nnz == 3 * n - 2)
            #expect(function.jacobianSparsity.isExact)
            try expectSparseEqualsDense(function, at: (0..<n).map { Double($0 % 7) / 7 - 0.4 })
        }
    }

    @Test func patternListsTheInputsEachOutputReads() throws {
        let function = try compile(
            [.vector(name: "x", size: 4)], ["x[3] * x[0]", "7", "x[2]", "sin(x[1]) + x[1]", "x[0] - x[0] + x[2]"])
        let pattern = function.jacobianSparsity
        #expect(pattern.rowStarts == [0, 2, 2, 3, 4, 6])
        #expect(pattern.columnIndices == [0, 3, 2, 1, 0, 2])
        #expect(pattern.rowIndices == [0, 0, 2, 3, 4, 4])
        #expect(close(pattern.density, 6.0 / 20.0))
        try expectSparseEqualsDense(function, at: [0.3, -1.2, 2.0, 0.5])
    }

    @Test func arrowheadUsesReverseModeForFewerSweeps() throws {
        // Output 0 reads every input (a dense row), the rest one input each: columns need n colours, rows 2.
        let n = 30
        let outputs = ["(" + (0..<n).map { "x[\($0)]" }.joined(separator: " + ") + ")^2"]
            + (1..<n).map { "exp(x[\($0)])" }
        let function = try compile([.vector(name: "x", size: n)], outputs)
        #expect(function.sparseSweepCount(.forward) == n)
        #expect(function.sparseSweepCount(.reverse) == 2)
        #expect(function.resolvedSparseMode(.auto) == .reverse)
        try expectSparseEqualsDense(function, at: (0..<n).map { Double($0) / 20 - 0.7 })
    }

    @Test func randomPatternsAgreeWithDense() throws {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<20 {
            let n = Int.random(in: 2...12, using: &rng)
            let outputs = (0..<Int.random(in: 1...10, using: &rng)).map { _ in
                let a = Int.random(in: 0..<n, using: &rng), b = Int.random(in: 0..<n, using: &rng)
                return ["sin(x[\(a)]) * x[\(b)]", "x[\(a)] / (2 + cos(x[\(b)]))", "exp(x[\(a)])", "x[\(b)]^2 + 1"]
                    .randomElement(using: &rng)!
            }
            let function = try compile([.vector(name: "x", size: n)], outputs)
            try expectSparseEqualsDense(function, at: (0..<n).map { _ in Double.random(in: -1..<1, using: &rng) })
        }
    }

    @Test func rowsWithoutConesGetASupersetThatStillRecoversExactly() throws {
        let function = try compile(
            [.vector(name: "x", size: 3)], ["x[0] * x[1]", "sin(x[2]) + x[0]", "x[1]", "exp(x[0] * x[1]) - x[2]"])
        let compiled = program(of: function)
        let tight = Sparsity(
            instructions: compiled.instructions, inputCount: 3, constantCount: compiled.constants.count,
            outputRegisters: compiled.outputRegisters, maxConeEntries: 2)
        #expect(!tight.jacobianPattern.isExact)
        #expect(tight.storedPattern == nil, "more entries than the bound: not kept, treated as dense")
        let fallback = ExpressionProgram(
            inputCount: 3, outputCount: 4, columnNames: compiled.columnNames, rowNames: compiled.rowNames,
            constants: compiled.constants, instructions: compiled.instructions, locations: compiled.locations,
            outputRegisters: compiled.outputRegisters, sparsity: tight)
        try expectSparseEqualsDense(CompiledFunction(program: fallback, inputNames: compiled.columnNames), at: [0.3, -1.2, 2.0])
    }

    @Test func networksAnswerDensePatterns() throws {
        var rng = SeededGenerator(seed: 5)
        let function = try CompiledFunction(NetworkSamples.network(around: .tanh, using: &rng))
        #expect(function.jacobianSparsity.nnz == 2 * 3)
        try expectSparseEqualsDense(function, at: [0.1, -0.4, 0.9])
    }
}

import Foundation
import TestSupport
import Testing
@testable import JacobianEngine

/// Forward-mode batches run over blocks of points (`ExpressionProgram.forwardBlock`): the same numbers as point by
/// point at every block boundary, and errors that name the right point.
@Suite("Block batches")
struct BlockBatchTests {
    typealias Generator = RandomExpressionTests.ExpressionGenerator

    func points(_ count: Int, _ random: inout SeededGenerator) -> [[Double]] {
        (0..<count).map { _ in (0..<3).map { _ in Double.random(in: -1.5...1.5, using: &random) } }
    }

    @Test func blocksEqualPointByPointForRandomExpressions() throws {
        for seed in 0..<60 {
            var generator = Generator(random: SeededGenerator(seed: UInt64(1000 + seed)), inputs: 3)
            let outputCount = Int.random(in: 1...4, using: &generator.random)
            let outputs = (0..<outputCount).map { _ in generator.expression(depth: 4) }
            let function = try compile([.vector(name: "x", size: 3)], outputs)
            let lanes = try #require(program(of: function).forwardBlockLanes)
            // 1, block − 1, block, block + 1, and enough for the parallel path (several blocks per chunk).
            for count in [1, lanes - 1, lanes, lanes + 1, 5 * lanes + 3] {
                let batch = points(count, &generator.random)
                let results = try function.jacobians(at: batch, mode: .forward)
                #expect(results.count == count)
                for (index, point) in batch.enumerated() {
                    let single = try function.jacobian(at: point, mode: .forward)
                    #expect(close(results[index].value, single.value, 1e-14), "seed \(seed) point \(index): \(outputs)")
                    #expect(close(results[index].jacobian.storage, single.jacobian.storage, 1e-14),
                            "seed \(seed) point \(index): \(outputs)")
                }
            }
        }
    }

    /// Reverse-mode blocks (`auto` picks reverse when there are fewer outputs than inputs) at every boundary.
    @Test func reverseBlocksEqualPointByPointForRandomExpressions() throws {
        for seed in 0..<60 {
            var generator = Generator(random: SeededGenerator(seed: UInt64(2000 + seed)), inputs: 3)
            let outputCount = Int.random(in: 1...2, using: &generator.random)
            let outputs = (0..<outputCount).map { _ in generator.expression(depth: 4) }
            let function = try compile([.vector(name: "x", size: 3)], outputs)
            #expect(function.resolvedMode(.auto) == .reverse)
            let lanes = try #require(program(of: function).blockLanes(.reverse))
            for count in [1, lanes - 1, lanes, lanes + 1, 5 * lanes + 3] {
                let batch = points(count, &generator.random)
                let results = try function.jacobians(at: batch)
                for (index, point) in batch.enumerated() {
                    let single = try function.jacobian(at: point, mode: .reverse)
                    #expect(close(results[index].value, single.value, 1e-14), "seed \(seed) point \(index): \(outputs)")
                    #expect(close(results[index].jacobian.storage, single.jacobian.storage, 1e-14),
                            "seed \(seed) point \(index): \(outputs)")
                }
            }
        }
    }

    /// The flat form holds the same numbers as the per-point one, in row-major buffers, in both modes.
    @Test(arguments: [DifferentiationMode.forward, .reverse])
    func flatBatchesHoldThePerPointResults(mode: DifferentiationMode) throws {
        let function = try compile([.vector(name: "x", size: 3)], ["x[0]^2 * sin(x[1])", "x[1]^3 + exp(x[2])"])
        var random = SeededGenerator(seed: 7)
        let batch = points(1_000, &random)
        let flat = try function.jacobians(flat: batch.flatMap { $0 }, count: batch.count, mode: mode)
        #expect(flat.values.count == 1_000 * 2 && flat.jacobians.count == 1_000 * 2 * 3)
        for index in [0, 1, 127, 128, 129, 999] {
            let single = try function.jacobian(at: batch[index], mode: mode)
            #expect(close(Array(flat.value(at: index)), single.value, 1e-14))
            #expect(close(flat.result(at: index).jacobian.storage, single.jacobian.storage, 1e-14))
            #expect(close(Array(flat.jacobianRow(1, at: index)), Array(single.jacobian.row(1)), 1e-14))
        }
        #expect(engineError { try function.jacobians(flat: [1, 2], count: 1) }?.kind == .dimensionMismatch)
    }

    @Test func reverseBlockErrorsNameTheirPointRowAndColumn() throws {
        let function = try compile([.vector(name: "x", size: 3)], ["sqrt(x[0]) + x[1] * x[2]"])
        var batch = (0..<700).map { [1.0 + Double($0), 2.0, 3.0] }
        batch[333][0] = 0
        batch[600][0] = 0
        let expected = try #require(engineError { try function.jacobian(at: batch[333], mode: .reverse) })
        let error = try #require(engineError { try function.jacobians(at: batch) })
        #expect(error.pointIndex == 333)
        #expect(error.row == 0 && error.columnIndex == 0 && error.message == expected.message)
    }

    /// Entries outside the structural pattern are +0 as point by point, not the −0 of dx·0 with dx < 0.
    @Test func structuralZerosArePositive() throws {
        let function = try compile([.vector(name: "x", size: 3)], ["x[0]^2", "x[1]^3", "x[2]^4"])
        let results = try function.jacobians(at: [[-0.5, 1, -0.3], [-2, -1, -1]], mode: .forward)
        for result in results {
            for row in 0..<3 {
                for column in 0..<3 where row != column {
                    #expect(result.jacobian[row, column].sign == .plus)
                }
            }
        }
    }

    @Test(arguments: [0, 7, 63, 64, 65, 130, 300, 599])
    func aNonFiniteResultNamesItsPoint(badIndex: Int) throws {
        let function = try compile([.vector(name: "x", size: 2)], ["x[1] * 2", "log(x[0]) + x[1]"])
        var batch = (0..<600).map { [1.0 + Double($0) / 100, Double($0)] }
        batch[badIndex][0] = 0
        if badIndex + 3 < batch.count { batch[badIndex + 3][0] = -1 }  // A later failure must not win.
        let expected = try #require(engineError { try function.jacobian(at: batch[badIndex], mode: .forward) })
        let error = try #require(engineError { try function.jacobians(at: batch, mode: .forward) })
        #expect(error.pointIndex == badIndex)
        #expect(error.kind == expected.kind && error.message == expected.message)
        #expect(error.row == 1 && error.row == expected.row)
        #expect(error.columnIndex == expected.columnIndex && error.operation == expected.operation)
    }

    @Test func aDerivativeThatIsNotFiniteNamesItsPointAndColumn() throws {
        // sqrt(x[0]) is finite at 0 but its derivative is not.
        let function = try compile([.vector(name: "x", size: 2)], ["sqrt(x[0]) + x[1]"])
        var batch = (0..<100).map { [1.0 + Double($0), 2.0] }
        batch[70][0] = 0
        let error = try #require(engineError { try function.jacobians(at: batch, mode: .forward) })
        #expect(error.pointIndex == 70)
        #expect(error.row == 0 && error.columnIndex == 0)
    }

    @Test func aPointOfTheWrongLengthNamesItsIndex() throws {
        let function = try compile([.vector(name: "x", size: 2)], ["x[0] * x[1]"])
        var batch = (0..<100).map { [Double($0), 1.0] }
        batch[66] = [1, 2, 3]
        let error = try #require(engineError { try function.jacobians(at: batch, mode: .forward) })
        #expect(error.kind == .dimensionMismatch && error.pointIndex == 66)
    }

    @Test func programsTooLargeForBlocksRunPointByPoint() throws {
        let outputs = (0..<200).map { "sin(x[\($0)]) * x[\(($0 + 1) % 200)]" }
        let function = try compile([.vector(name: "x", size: 200)], outputs)
        #expect(program(of: function).forwardBlockLanes == nil)
        let batch = (0..<3).map { p in (0..<200).map { Double($0 + p) / 100 } }
        let results = try function.jacobians(at: batch, mode: .forward)
        #expect(close(results[2].jacobian.storage, try function.jacobian(at: batch[2], mode: .forward).jacobian.storage))
    }
}

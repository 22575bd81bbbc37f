import Synchronization
import TestSupport
import Testing
@testable import JacobianEngine

/// Batch evaluation: order, the parallel path, the first failing point, and the batch limit.
@Suite("Batch Jacobians")
struct BatchTests {
    /// A 3 → 5 → 2 tanh network: small enough that thousands of points stay fast in debug builds.
    private func function(_ variable: DifferentiationVariable = .input) throws -> CompiledFunction {
        var rng = SeededGenerator(seed: 5)
        return try CompiledFunction(
            NetworkFunction(layers: [
                NetworkSamples.linear(5, 3, using: &rng), .tanh, NetworkSamples.linear(2, 5, using: &rng), .softplus(beta: 1, threshold: 20),
            ]),
            withRespectTo: variable)
    }

    private func points(_ count: Int) -> [[Double]] {
        var rng = SeededGenerator(seed: 17)
        return (0..<count).map { _ in NetworkSamples.point(3, using: &rng) }
    }

    @Test func smallBatchKeepsOrderAndEqualsPointByPoint() throws {
        let function = try function()
        let points = points(10)
        let batch = try function.jacobians(at: points, mode: .reverse)
        #expect(batch == (try points.map { try function.jacobian(at: $0, mode: .reverse) }))
        #expect(try function.evaluations(at: points) == points.map { try function.evaluate(at: $0) })
    }

    @Test(arguments: [DifferentiationVariable.input, .parameters])
    func largeBatchUsesTheParallelPathAndEqualsTheSerialResults(variable: DifferentiationVariable) throws {
        let function = try function(variable)
        let points = points(5_000)
        #expect(points.count > CompiledFunction.parallelBatchThreshold)
        let batch = try function.jacobians(at: points)
        #expect(batch.count == points.count)
        #expect(batch == (try points.map { try function.jacobian(at: $0) }))
    }

    @Test func emptyBatch() throws {
        #expect(try function().jacobians(at: []).isEmpty)
    }

    @Test(arguments: [20, 5_000])
    func firstFailingPointIsReported(count: Int) throws {
        let function = try function()
        var points = points(count)
        points[count - 3] = [1, 2]                          // wrong length
        points[count / 2 + 1] = [1, 2, 3, 4]                // wrong length, lower index
        points[count / 2] = [.nan, 0, 0]                   // non-finite value, lowest index
        do {
            _ = try function.jacobians(at: points)
            Issue.record("expected an error")
        } catch {
            #expect(error.pointIndex == count / 2)
            #expect(error.kind == .nonFinite)
        }
        points[count / 2] = [0, 0, 0]
        do {
            _ = try function.evaluations(at: points)
            Issue.record("expected an error")
        } catch {
            #expect(error.pointIndex == count / 2 + 1)
            #expect(error.kind == .dimensionMismatch)
        }
    }

    @Test func batchLimitIsCheckedFirstAndNamed() throws {
        let function = try function()
        let points = [[Double]](repeating: [1], count: 11)  // every point is also malformed
        do {
            _ = try function.jacobians(at: points, limits: EngineLimits(maxBatchSize: 10))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .limitExceeded)
            #expect(error.limit == "maxBatchSize")
            #expect(error.pointIndex == nil)
            #expect(error.message == "the batch has 11 points, more than maxBatchSize (10)")
        }
    }

    @Test func batchEntriesLimitBoundsTheWholeBatch() throws {
        let function = try CompiledFunction(ExpressionFunction(
            inputs: [.vector(name: "x", size: 3)], outputs: ["x[0]", "x[1]", "x[2]", "x[0] * x[1]"]))
        let points = [[Double]](repeating: [1, 2, 3], count: 11)
        let limits = EngineLimits(maxBatchEntries: 4 * 3 * 10)
        do {
            _ = try function.jacobians(at: points, limits: limits)
            Issue.record("a batch of 11 × 4 × 3 entries passed a limit of 120")
        } catch {
            #expect(error.kind == .limitExceeded)
            #expect(error.limit == "maxBatchEntries")
        }
        #expect(try function.jacobians(at: Array(points.prefix(10)), limits: limits).count == 10)
        #expect(try function.evaluations(at: points, limits: limits).count == 11, "values alone are not Jacobians")
    }

    /// Values are bounded too: without it, maxBatchSize points of a function with maxOutputs outputs would allocate
    /// 10⁹ doubles (8 GB) for `evaluations` while the same batch's Jacobians are refused.
    @Test func batchEntriesLimitBoundsTheValuesOfABatch() throws {
        let function = try CompiledFunction(ExpressionFunction(inputs: [.scalar("t")], outputs: Array(repeating: "t", count: 10)))
        let limits = EngineLimits(maxBatchEntries: 100)
        let points = [[Double]](repeating: [1], count: 11)
        #expect(engineError { try function.evaluations(at: points, limits: limits) }?.limit == "maxBatchEntries")
        #expect(try function.evaluations(at: Array(points.prefix(10)), limits: limits).count == 10)
    }

    @Test func parallelLoopReportsTheLowestFailingIndexWhateverTheSchedule() {
        for failing in [0, 300, 999] {
            #expect {
                try CompiledFunction.forEachPoint(count: 1_000) { (index) throws(EngineError) in
                    if index >= failing { throw EngineError(kind: .nonFinite, message: "index \(index)") }
                }
            } throws: { error in
                (error as? EngineError)?.pointIndex == failing && (error as? EngineError)?.message == "index \(failing)"
            }
        }
    }

    @Test func parallelLoopVisitsEveryIndexOnce() throws {
        let visits = Mutex([Int](repeating: 0, count: 1_000))
        try CompiledFunction.forEachPoint(count: 1_000) { (index) throws(EngineError) in
            visits.withLock { $0[index] += 1 }
        }
        #expect(visits.withLock { $0 } == [Int](repeating: 1, count: 1_000))
    }
}

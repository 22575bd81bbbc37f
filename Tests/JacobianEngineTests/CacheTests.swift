import Dispatch
import Foundation
import Synchronization
import Testing
@testable import JacobianEngine

/// The compile cache: hits and misses, least-recently-used eviction, both bounds, and concurrent use.
@Suite("Compile cache")
struct CacheTests {
    /// A distinct one-layer network per `seed`.
    private func spec(_ seed: Double) -> FunctionSpec {
        .network(NetworkFunction(layers: [.linear(weight: [[seed, 1]], bias: [0]), .tanh]))
    }

    @Test func secondCompileIsAHitAndSharesTheInstance() throws {
        let engine = JacobianEngine(cacheCapacity: 4)
        let first = try engine.compile(spec(1))
        let second = try engine.compile(spec(1))
        #expect(first === second)
        #expect(engine.cacheStatistics == CacheStatistics(hits: 1, misses: 1, entries: 1, capacity: 4))
    }

    @Test func differentiationVariableIsPartOfTheKey() throws {
        let engine = JacobianEngine()
        let input = try engine.compile(spec(1))
        let parameters = try engine.compile(spec(1), withRespectTo: .parameters)
        #expect(input !== parameters)
        #expect(parameters.columnCount == 3)
        #expect(engine.cacheStatistics.entries == 2)
    }

    /// `FunctionSpec` equality follows `Double`'s, where 0 == -0, but the two constants give different functions
    /// (atan2(-0, -1) = -π, atan2(0, -1) = π), so they must not share a compiled function.
    @Test func constantsDifferingOnlyInTheSignOfZeroAreDistinctEntries() throws {
        let engine = JacobianEngine()
        func spec(_ zero: Double) -> FunctionSpec {
            .expression(ExpressionFunction(inputs: [.scalar("x")], outputs: ["atan2(c, x)"], constants: ["c": zero]))
        }
        #expect(try engine.compile(spec(0.0)).evaluate(at: [-1]) == [Double.pi])
        #expect(try engine.compile(spec(-0.0)).evaluate(at: [-1]) == [-Double.pi])
        // For networks the cached function must answer bit for bit as a fresh compile of the same layers does.
        for zero in [0.0, -0.0] {
            let layers: [Layer] = [.linear(weight: [[zero, 1]], bias: [zero]), .leakyReLU(negativeSlope: zero)]
            let fresh = try CompiledFunction(NetworkFunction(layers: layers)).jacobian(at: [1, -1], mode: .forward)
            let cached = try engine.compile(.network(NetworkFunction(layers: layers))).jacobian(at: [1, -1], mode: .forward)
            #expect(cached.jacobian.storage.map(\.bitPattern) == fresh.jacobian.storage.map(\.bitPattern))
            #expect(cached.value.map(\.bitPattern) == fresh.value.map(\.bitPattern))
        }
        #expect(engine.cacheStatistics.entries == 4)
    }

    @Test func leastRecentlyUsedIsEvictedFirst() throws {
        let engine = JacobianEngine(cacheCapacity: 3)
        for seed in [1.0, 2, 3] { _ = try engine.compile(spec(seed)) }
        _ = try engine.compile(spec(1))       // 1 becomes the most recent; 2 is now the oldest
        _ = try engine.compile(spec(4))       // evicts 2
        #expect(engine.cachedSpecificationsByRecency == [spec(4), spec(1), spec(3)])
        _ = try engine.compile(spec(2))       // a miss again, evicting 3
        #expect(engine.cachedSpecificationsByRecency == [spec(2), spec(4), spec(1)])
        #expect(engine.cacheStatistics == CacheStatistics(hits: 1, misses: 5, entries: 3, capacity: 3))
    }

    @Test func capacityBoundHoldsUnderManyInsertions() throws {
        let engine = JacobianEngine(cacheCapacity: 5)
        for seed in 0..<100 { _ = try engine.compile(spec(Double(seed))) }
        #expect(engine.cacheStatistics.entries == 5)
        #expect(engine.cachedSpecificationsByRecency == (95..<100).reversed().map { spec(Double($0)) })
    }

    @Test func specificationsEqualUpToJSONKeyOrderShareAnEntry() throws {
        let engine = JacobianEngine()
        let first = #"{"type": "expression", "inputs": ["t"], "outputs": ["a*t + b"], "constants": {"a": 2, "b": 3}}"#
        let second = #"{"constants": {"b": 3, "a": 2}, "outputs": ["a*t + b"], "inputs": ["t"], "type": "expression"}"#
        let one = try engine.compile(JSONDecoder().decode(FunctionSpec.self, from: Data(first.utf8)))
        let two = try engine.compile(JSONDecoder().decode(FunctionSpec.self, from: Data(second.utf8)))
        #expect(one === two)
        #expect(try two.evaluate(at: [1]) == [5])
        #expect(engine.cacheStatistics == CacheStatistics(hits: 1, misses: 1, entries: 1, capacity: 256))
    }

    @Test func zeroCapacityDisablesCaching() throws {
        let engine = JacobianEngine(cacheCapacity: 0)
        let first = try engine.compile(spec(1))
        let second = try engine.compile(spec(1))
        #expect(first !== second)
        #expect(engine.cacheStatistics == CacheStatistics(hits: 0, misses: 2, entries: 0, capacity: 0))
    }

    @Test func failuresAreNotCached() {
        let engine = JacobianEngine()
        let bad = FunctionSpec.network(NetworkFunction(layers: []))
        for _ in 0..<2 { #expect(throws: EngineError.self) { try engine.compile(bad) } }
        #expect(engine.cacheStatistics == CacheStatistics(hits: 0, misses: 2, entries: 0, capacity: 256))
    }

    @Test func expressionWithRespectToParametersIsInvalid() {
        let engine = JacobianEngine()
        let expression = FunctionSpec.expression(ExpressionFunction(inputs: [.scalar("t")], outputs: ["t"]))
        #expect {
            try engine.compile(expression, withRespectTo: .parameters)
        } throws: { error in
            (error as? EngineError)?.kind == .invalidSpecification
                && (error as? EngineError)?.message.contains("needs a network function") == true
        }
    }

    @Test func costBoundEvictsToMakeRoomAndSkipsOversizedValues() {
        var cache = LRUCache<String, Int>(capacity: 10, costCapacity: 100)
        cache.insert(1, for: "a", cost: 40)
        cache.insert(2, for: "b", cost: 40)
        cache.insert(3, for: "c", cost: 40)    // 120 > 100: "a" goes
        #expect(cache.keysByRecency == ["c", "b"])
        #expect(cache.totalCost == 80)
        cache.insert(4, for: "huge", cost: 101)
        #expect(cache.keysByRecency == ["c", "b"])
        #expect(cache.value(for: "b") == 2)
        #expect(cache.keysByRecency == ["b", "c"])
    }

    @Test func costCountsWeightsAndExpressionSize() {
        let network = FunctionSpec.network(NetworkFunction(layers: [
            .linear(weight: [[1, 2], [3, 4], [5, 6]], bias: [0, 0, 0]), .relu, .linear(weight: [[1, 1, 1]], bias: nil),
        ]))
        #expect(JacobianEngine.cacheCost(of: network) == (1 + 6 + 3) + 1 + (1 + 3))
        let expression = FunctionSpec.expression(ExpressionFunction(
            inputs: [.scalar("t"), .vector(name: "x", size: 40)], outputs: ["t*x[0]"], constants: ["a": 1],
            definitions: ["b = a"]))
        #expect(JacobianEngine.cacheCost(of: expression) == 6 + 5 + 1 + 41)
    }

    @Test func insertingAnExistingKeyKeepsTheFirstValue() {
        var cache = LRUCache<String, Int>(capacity: 2)
        #expect(cache.insert(1, for: "a", cost: 1) == 1)
        #expect(cache.insert(2, for: "a", cost: 1) == 1)
        #expect(cache.count == 1)
    }

    @Test func concurrentCompilesOfTheSameSpecificationShareOneInstance() throws {
        let engine = JacobianEngine(cacheCapacity: 8)
        let results = Mutex<[ObjectIdentifier: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: 64) { iteration in
            // Eight specifications, each compiled from eight threads at once.
            let compiled = try! engine.compile(spec(Double(iteration % 8)))
            results.withLock { $0[ObjectIdentifier(compiled), default: 0] += 1 }
        }
        let counts = results.withLock { $0 }
        #expect(counts.count == 8)
        #expect(counts.values.allSatisfy { $0 == 8 })
        let statistics = engine.cacheStatistics
        #expect(statistics.hits + statistics.misses == 64)
        #expect(statistics.entries == 8)
    }
}

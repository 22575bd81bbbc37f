import JacobianEngine
import Testing
@testable import JacobianAPI

/// The compile cache is keyed by the canonical form of `/function`: insensitive to member order, whitespace and
/// number spelling, sensitive to every value, the sign of zero included.
@Suite struct FunctionCacheKeyTests {
    func key(_ text: String) throws -> FunctionKey {
        CanonicalJSON.key(try JSONParser().parse(Array(text.utf8)))
    }

    @Test func memberOrderAndWhitespaceDoNotMatter() throws {
        let a = try key(#"{"type": "expression", "inputs": ["t"], "outputs": ["t^2"], "constants": {"a": 1, "b": 2}}"#)
        let b = try key("{\"constants\":{\"b\":2.0,\"a\":1e0},\n  \"outputs\":[\"t^2\"],\"inputs\":[\"t\"],\"type\":\"expression\"}")
        #expect(a == b)
    }

    /// Small objects are ordered in place and large ones by a sort: both orders must give one key, at every size.
    @Test(arguments: [0, 1, 2, 3, 15, 16, 17, 40])
    func objectsOfEverySizeAreKeyedByTheirMembersNotTheirOrder(size: Int) throws {
        var generator = SplitMix64(seed: UInt64(size))
        let names = (0..<size).map { "k\($0 * 7 % 11)-\($0)" }
        let shuffled = names.shuffled(using: &generator)
        func object(_ order: [String]) -> String {
            "{" + order.map { "\"\($0)\": \"v\($0)\"" }.joined(separator: ", ") + "}"
        }
        #expect(try key(object(names)) == key(object(shuffled)))
        #expect(try key(object(names.reversed())) == key(object(names)))
        if size > 0 {
            #expect(try key(object(names)) != key(object(Array(names.dropLast()))))
        }
    }

    @Test func valuesAndSignedZerosMatter() throws {
        let base = try key(#"{"constants": {"c": 0.0}}"#)
        #expect(base != (try key(#"{"constants": {"c": -0.0}}"#)))
        #expect(base != (try key(#"{"constants": {"d": 0.0}}"#)))
        #expect(try key(#"["ab", "c"]"#) != key(#"["a", "bc"]"#))
        #expect(try key(#"[[1], 2]"#) != key(#"[1, [2]]"#))
    }

    /// Over the API: the second request, reordered and re-spaced, is a cache hit; -0.0 in place of 0.0 is a miss
    /// and gives the other branch of atan2.
    @Test func reorderedFunctionHitsTheSameEntry() throws {
        let engine = JacobianEngine()
        let endpoint = JacobianEndpoint(engine: engine)
        func run(_ text: String) throws -> [[Double]]? {
            let outcome = try endpoint.run(try JSONParser().parse(Array(text.utf8)))
            return outcome.points.first?.jacobian?.rowArrays
        }
        _ = try run(#"{"function": {"type": "expression", "inputs": ["x"], "outputs": ["atan2(c, x)"], "constants": {"c": 0.0}}, "point": [-1]}"#)
        #expect(engine.cacheStatistics.misses == 1)
        _ = try run(#"{"point": [-1], "function": {"constants": {"c": 0}, "outputs": ["atan2(c, x)"],   "inputs": ["x"], "type": "expression"}}"#)
        #expect(engine.cacheStatistics.hits == 1)
        #expect(engine.cacheStatistics.entries == 1)
        let positive = try endpoint.run(try JSONParser().parse(Array(#"{"function": {"type": "expression", "inputs": ["x"], "outputs": ["atan2(c, x)"], "constants": {"c": 0.0}}, "point": [-1]}"#.utf8)))
        let negative = try endpoint.run(try JSONParser().parse(Array(#"{"function": {"type": "expression", "inputs": ["x"], "outputs": ["atan2(c, x)"], "constants": {"c": -0.0}}, "point": [-1]}"#.utf8)))
        #expect(engine.cacheStatistics.entries == 2)
        #expect(positive.points[0].value[0] > 3.14 && negative.points[0].value[0] < -3.14)
    }
}

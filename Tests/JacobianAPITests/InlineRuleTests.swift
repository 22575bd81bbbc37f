import HTTPServer
import JacobianEngine
import Testing
@testable import JacobianAPI

/// Which /v1/jacobian requests are answered on the connection's queue: small, one point, cached, small Jacobian.
@Suite struct InlineRuleTests {
    let engine = JacobianEngine()
    var endpoint: JacobianEndpoint { JacobianEndpoint(engine: engine) }
    static let cube = #"{"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]^2", "x[1]^3", "x[2]^4"]}"#

    func request(_ body: String) -> HTTPRequest {
        HTTPRequest(method: "POST", target: "/v1/jacobian", body: Array(body.utf8))
    }

    func warm(_ body: String) throws {
        _ = try endpoint.run(try JSONParser().parse(Array(body.utf8)))
    }

    @Test func onlySmallCachedSinglePointsRunInline() throws {
        let single = #"{"function": \#(Self.cube), "point": [1, 2, 3]}"#
        #expect(endpoint.cheapBody(request(single), parser: JSONParser()) == nil, "not cached yet")
        try warm(single)
        let statistics = engine.cacheStatistics
        #expect(endpoint.cheapBody(request(single), parser: JSONParser()) != nil)
        #expect(engine.cacheStatistics == statistics, "deciding does not count as a cache use")
        // The same function, reordered: still the cached entry.
        #expect(endpoint.cheapBody(request(#"{"point": [3, 2, 1], "function": {"outputs": ["x[0]^2", "x[1]^3", "x[2]^4"], "inputs": [{"size": 3, "name": "x"}], "type": "expression"}}"#), parser: JSONParser()) != nil)
        #expect(endpoint.cheapBody(request(#"{"function": \#(Self.cube), "points": [[1, 2, 3]]}"#), parser: JSONParser()) == nil)
        #expect(endpoint.cheapBody(request(#"{"function": \#(Self.cube), "point": [1, 2, 3], "include": ["sensitivity"]}"#), parser: JSONParser()) == nil)
        let padded = #"{"function": \#(Self.cube), "point": [1, 2, 3]"# + String(repeating: " ", count: JacobianEndpoint.inlineBodyLimit) + "}"
        #expect(endpoint.cheapBody(request(padded), parser: JSONParser()) == nil)
    }

    /// The inline answer is the pool's answer, byte for byte: the attempt only saves the second parse and the hop.
    @Test func theInlineAnswerIsThePoolsAnswer() throws {
        let single = #"{"function": \#(Self.cube), "point": [1, 2, 3]}"#
        try warm(single)
        var router = Router()
        JacobianAPI(engine: engine).register(in: &router)
        let pooled = router.responder()(request(single))
        let parser = JSONParser()
        let body = try #require(endpoint.cheapBody(request(single), parser: parser))
        let inline = JacobianAPI.answer(request(single), .seconds(10), { body, stop throws(Problem) in
            try endpoint.respond(body, interruption: stop)
        }) { body }
        #expect(pooled.status == .ok)
        #expect(inline.status == pooled.status)
        #expect(inline.body == pooled.body)
        #expect(inline.headers["Content-Type"] == pooled.headers["Content-Type"])
    }

    @Test func largeJacobiansGoToThePool() throws {
        let wide = #"{"function": {"type": "expression", "inputs": [{"name": "x", "size": 2000}], "outputs": ["x[0]"]}, "point": ["#
            + Array(repeating: "0", count: 2000).joined(separator: ",") + "]}"
        try warm(wide)
        #expect(engine.cacheStatistics.entries == 1)
        #expect(endpoint.cheapBody(request(wide), parser: JSONParser()) == nil)
    }
}

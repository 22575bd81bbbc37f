import Foundation
import JacobianEngine
import TestSupport
import Testing
@testable import JacobianAPI

/// `{"type": "model"}` wherever else a function is accepted: tangents, cotangents and the gradient check in
/// /v1/jacobian (against the PyTorch Jacobian of the digits fixture), a clear 422 from /v1/hessian and /v1/newton,
/// and each model limit named in its 422.
@Suite struct ModelProductsAPITests {
    typealias Server = ModelAPITests.Server
    static let example = ModelAPITests.cases[0]
    static let model = #"{"type": "model", "name": "digits"}"#

    @Test func cotangentsAndTangentsAreProductsWithThePyTorchJacobian() throws {
        let server = try Server()
        _ = try server.put("digits", ModelAPITests.digits)
        let jacobian = Self.example.jacobian
        // One-hot cotangent: class 3's gradient; a mixed one: a combination of rows.
        let mixed = (0..<10).map { Double($0) / 10 - 0.3 }
        let tangent = (0..<64).map { sin(Double($0)) }
        let response = try server.jacobian("""
            {"function": \(Self.model), "point": \(ModelAPITests.pointJSON(Self.example.input)),
             "cotangents": [[0,0,0,1,0,0,0,0,0,0], \(ModelAPITests.pointJSON(mixed))],
             "tangents": [\(ModelAPITests.pointJSON(tangent))]}
            """)
        #expect(response.status == 200, "\(response.text)")
        let body = try response.json
        #expect(body["jacobian"] == nil, "products replace the Jacobian unless it is included")
        #expect(ModelAPITests.relativeError(ModelAPITests.numbers(body["vjp"]?[0]), jacobian[3]) < 1e-10)
        let combined = (0..<64).map { column in (0..<10).reduce(0.0) { $0 + mixed[$1] * jacobian[$1][column] } }
        #expect(ModelAPITests.relativeError(ModelAPITests.numbers(body["vjp"]?[1]), combined) < 1e-10)
        let jv = jacobian.map { row in zip(row, tangent).reduce(0.0) { $0 + $1.0 * $1.1 } }
        #expect(ModelAPITests.relativeError(ModelAPITests.numbers(body["jvp"]?[0]), jv) < 1e-10)
        #expect(ModelAPITests.relativeError(ModelAPITests.numbers(body["value"]), Self.example.value) < 1e-10)

        let wrong = try server.jacobian("""
            {"function": \(Self.model), "point": \(ModelAPITests.pointJSON(Self.example.input)), "cotangents": [[1, 2]]}
            """)
        #expect(wrong.status == 422)
        #expect(try wrong.json["errors"]?[0]?["pointer"]?.string == "/cotangents/0", "\(wrong.text)")
    }

    @Test func gradientCheckAndJacobianTogether() throws {
        let server = try Server()
        _ = try server.put("digits", ModelAPITests.digits)
        let response = try server.jacobian("""
            {"function": \(Self.model), "point": \(ModelAPITests.pointJSON(Self.example.input)),
             "include": ["check", "jacobian"], "cotangents": [[1,0,0,0,0,0,0,0,0,0]]}
            """)
        #expect(response.status == 200, "\(response.text)")
        let body = try response.json
        #expect(body["check"]?["passed"] == .bool(true), "\(response.text.prefix(600))")
        #expect(ModelAPITests.relativeError(ModelAPITests.numbers(body["jacobian"]?[0]), Self.example.jacobian[0]) < 1e-10)
        let unknown = try server.jacobian("""
            {"function": \(Self.model), "point": \(ModelAPITests.pointJSON(Self.example.input)), "include": ["sensitivity"]}
            """)
        #expect(unknown.status == 422)
        #expect(unknown.text.contains("saliency") && unknown.text.contains("check"))
    }

    /// The Hessian and Newton endpoints take specifications only, and say why a model is not one of them.
    @Test(arguments: ["/v1/hessian", "/v1/newton"])
    func otherEndpointsExplainWhyNotAModel(_ path: String) throws {
        let server = try Server()
        _ = try server.put("digits", ModelAPITests.digits)
        let body = #"{"function": \#(Self.model), "point": [0]}"#
        let response = try server.request("POST", path, body: Array(body.utf8), type: "application/json")
        #expect(response.status == 422, "\(response.text)")
        #expect(try response.json["errors"]?[0]?["pointer"]?.string == "/function/type", "\(response.text)")
        #expect(response.text.contains("POST /v1/jacobian only"))
    }

    @Test func requestLimitsAreNamed() throws {
        let point = ModelAPITests.pointJSON(Self.example.input)
        let small = try Server(limits: ModelLimits(maxJacobianEntries: 100, maxRequestOperations: 2_000_000))
        _ = try small.put("digits", ModelAPITests.digits)
        let jacobian = try small.jacobian(#"{"function": \#(Self.model), "point": \#(point)}"#)
        #expect(jacobian.status == 422)
        #expect(try jacobian.json["limit"]?.string == "maxJacobianEntries")
        let check = try small.jacobian(#"{"function": \#(Self.model), "point": \#(point), "jacobian": false, "include": ["check"]}"#)
        #expect(try check.json["limit"]?.string == "maxJacobianEntries", "the check compares a whole Jacobian")
        // 64 tangents of the digits model (about 45,000 multiply-adds a sweep) exceed 2,000,000 multiply-adds.
        let tangents = "[" + (0..<64).map { column in
            ModelAPITests.pointJSON((0..<64).map { $0 == column ? 1 : 0 })
        }.joined(separator: ",") + "]"
        let work = try small.jacobian(#"{"function": \#(Self.model), "point": \#(point), "tangents": \#(tangents)}"#)
        #expect(work.status == 422, "\(work.text)")
        #expect(try work.json["limit"]?.string == "maxRequestOperations")
        #expect(work.text.contains("maxRequestOperations = 2000000"))
        let one = try small.jacobian(#"{"function": \#(Self.model), "point": \#(point), "cotangents": [[1,0,0,0,0,0,0,0,0,0]]}"#)
        #expect(one.status == 200, "\(one.text)")
    }

    /// The import limits reach PUT's 422 with their names.
    @Test func importLimitsAreNamedOverHTTP() throws {
        for (limits, name) in [
            (ModelLimits(maxNodes: 3), "maxNodes"), (ModelLimits(maxTensorElements: 500), "maxTensorElements"),
            (ModelLimits(maxTotalElements: 3000), "maxTotalElements"), (ModelLimits(maxOperations: 10_000), "maxOperations"),
        ] {
            let server = try Server(limits: limits)
            let response = try server.put("digits", ModelAPITests.digits)
            #expect(response.status == 422)
            #expect(try response.json["limit"]?.string == name)
            #expect(response.text.contains(name))
        }
    }
}

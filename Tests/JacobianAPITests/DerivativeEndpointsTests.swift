import Foundation
import JacobianEngine
import TestSupport
import Testing
@testable import JacobianAPI

/// /v1/jacobian's products, sparse format, sparsity and gradient check, and /v1/hessian, over a live server.
@Suite struct DerivativeEndpointsTests {
    let server = LiveServer.shared

    static let mixed = #"{"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]*x[1]", "sin(x[2])", "x[1]^2 + x[0]"]}"#
    static let quadratic = #"{"type": "expression", "inputs": ["x", "y"], "outputs": ["x^2*y + sin(y)", "x*y"]}"#

    func ok(_ path: String, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let response = try server.post(path, body)
        #expect(response.status == 200, "\(response.text)", sourceLocation: sourceLocation)
        return try response.json
    }

    func problem(_ path: String, _ body: String, pointer: String, limit: String? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let response = try server.post(path, body)
        #expect(response.status == 422, "\(response.text)", sourceLocation: sourceLocation)
        let json = try response.json
        #expect(json["errors"]?[0]?["pointer"]?.string == pointer, "\(response.text)", sourceLocation: sourceLocation)
        if let limit { #expect(json["limit"]?.string == limit, sourceLocation: sourceLocation) }
        return json
    }

    @Test func productsReplaceTheJacobian() throws {
        let point = [1.0, 2.0, 0.5]
        let json = try ok("/v1/jacobian", #"{"function": \#(Self.mixed), "point": [1, 2, 0.5], "tangents": [[1, 0, 0], [0, 1, 1]], "cotangents": [[1, 1, 1]]}"#)
        #expect(json["jacobian"] == nil && json["mode"] == nil)
        let c = Foundation.cos(point[2])
        #expect(close(json["jvp"]?.matrix, [[2, 0, 1], [1, c, 4]]))
        #expect(close(json["vjp"]?.matrix, [[3, 5, c]]))
        let with = try ok("/v1/jacobian", #"{"function": \#(Self.mixed), "point": [1, 2, 0.5], "tangents": [[1, 0, 0]], "include": ["jacobian"]}"#)
        #expect(close(with["jacobian"]?.matrix, [[2, 1, 0], [0, 0, c], [1, 4, 0]]))
    }

    @Test func productsPerPointOfABatch() throws {
        let json = try ok("/v1/jacobian", #"{"function": \#(Self.mixed), "points": [[1, 2, 0.5], [0, -1, 0]], "cotangents": [[0, 0, 1]]}"#)
        #expect(close(json["results"]?[0]?["vjp"]?.matrix, [[1, 4, 0]]))
        #expect(close(json["results"]?[1]?["vjp"]?.matrix, [[1, -2, 0]]))
    }

    @Test func sparseFormatEqualsDenseEntryForEntry() throws {
        let n = 30
        let outputs = (0..<n).map { i in
            "\"" + (i > 0 ? "x[\(i - 1)] " : "") + "- 2*x[\(i)]" + (i + 1 < n ? " + x[\(i + 1)]" : "") + " + x[\(i)]^3\""
        }.joined(separator: ", ")
        let function = #"{"type": "expression", "inputs": [{"name": "x", "size": \#(n)}], "outputs": [\#(outputs)]}"#
        let point = (0..<n).map { String(Double($0) / 10 - 1) }.joined(separator: ", ")
        let dense = try ok("/v1/jacobian", #"{"function": \#(function), "point": [\#(point)]}"#)["jacobian"]?.matrix ?? []
        let json = try ok("/v1/jacobian", #"{"function": \#(function), "point": [\#(point)], "format": "sparse", "include": ["sparsity"]}"#)
        #expect(json["jacobian"] == nil)
        #expect(json["sweeps"]?.double == 3)
        let sparse = json["sparse_jacobian"]
        #expect(sparse?["nnz"]?.double == Double(3 * n - 2))
        let rows = sparse?["row_indices"]?.doubles ?? [], columns = sparse?["column_indices"]?.doubles ?? []
        let values = sparse?["values"]?.doubles ?? []
        var rebuilt = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for k in values.indices { rebuilt[Int(rows[k])][Int(columns[k])] = values[k] }
        #expect(rebuilt == dense)
        #expect(json["sparsity"]?["row_indices"]?.doubles == rows)
        #expect(close(json["sparsity"]?["density"]?.double ?? 0, Double(3 * n - 2) / Double(n * n)))
    }

    @Test func gradientCheckSaysItUsesFiniteDifferences() throws {
        let json = try ok("/v1/jacobian", #"{"function": \#(Self.mixed), "point": [1, 2, 0.5], "include": ["check"]}"#)
        let check = json["check"]
        #expect(check?["method"]?.string == "central differences")
        #expect(check?["note"]?.string?.contains("finite differences") == true)
        #expect(check?["passed"] == .bool(true))
        #expect((check?["max_absolute_error"]?["error"]?.double ?? 1) < 1e-6)
        _ = try problem("/v1/jacobian", #"{"function": {"type": "network", "layers": [{"type": "linear", "weight": [[1]]}]}, "point": [1], "wrt": "parameters", "include": ["check"]}"#, pointer: "/include")
    }

    @Test func hessiansOfEveryOutputOrOne() throws {
        let json = try ok("/v1/hessian", #"{"function": \#(Self.quadratic), "point": [1, 2], "include": ["eigenvalues"]}"#)
        let s = Foundation.sin(2.0)
        #expect(close(json["hessians"]?[0]?.matrix, [[4, 2], [2, -s]]))
        #expect(close(json["hessians"]?[1]?.matrix, [[0, 1], [1, 0]]))
        #expect(close(json["gradient"]?.matrix, [[4, 1 + Foundation.cos(2.0)], [2, 1]]))
        #expect(close(json["eigenvalues"]?[1]?.doubles, [-1, 1]))
        #expect(json["shape"]?.doubles == [2, 2, 2])
        let one = try ok("/v1/hessian", #"{"function": \#(Self.quadratic), "point": [1, 2], "output": "outputs[1]"}"#)
        #expect(one["output"]?.double == 1 && one["value"]?.double == 2)
        #expect(close(one["hessian"]?.matrix, [[0, 1], [1, 0]]))
        let products = try ok("/v1/hessian", #"{"function": \#(Self.quadratic), "point": [1, 2], "output": 0, "vectors": [[1, 1]]}"#)
        #expect(close(products["hessian_vector_products"]?.matrix, [[6, 2 - s]]))
        #expect(products["hessian"] == nil)
    }

    @Test func badVectorsAndLimitsAre422WithPointers() throws {
        _ = try problem("/v1/jacobian", #"{"function": \#(Self.mixed), "point": [1, 2, 0.5], "tangents": [[1, 0, 0], [1]]}"#, pointer: "/tangents/1")
        _ = try problem("/v1/jacobian", #"{"function": \#(Self.mixed), "point": [1, 2, 0.5], "cotangents": [[1, 0]]}"#, pointer: "/cotangents/0")
        _ = try problem("/v1/jacobian", #"{"function": \#(Self.mixed), "point": [1, 2, 0.5], "tangents": []}"#, pointer: "/tangents")
        _ = try problem("/v1/jacobian", #"{"function": \#(Self.mixed), "point": [1, 2, 0.5], "format": "sprase"}"#, pointer: "/format")
        let many = (0...server.engine.limits.maxVectors).map { _ in "[1, 0, 0]" }.joined(separator: ",")
        _ = try problem("/v1/jacobian", #"{"function": \#(Self.mixed), "point": [1, 2, 0.5], "tangents": [\#(many)]}"#,
                        pointer: "/tangents", limit: "maxVectors")
        _ = try problem("/v1/hessian", #"{"function": \#(Self.quadratic), "point": [1, 2], "vectors": [[1]]}"#, pointer: "/vectors/0")
        _ = try problem("/v1/hessian", #"{"function": \#(Self.quadratic), "point": [1, 2], "output": 2}"#, pointer: "/output")
        _ = try problem("/v1/hessian", #"{"function": \#(Self.quadratic), "point": [1]}"#, pointer: "/point")
        _ = try problem("/v1/hessian", #"{"function": \#(Self.quadratic), "point": [1, 2], "vectors": [[1, 0]], "include": ["eigenvalues"]}"#, pointer: "/include")
        _ = try problem("/v1/hessian", #"{"function": \#(Self.quadratic), "point": [1, 2], "outputs": 1}"#, pointer: "/outputs")
    }

    @Test func aHessianTooLargeNamesTheLimit() throws {
        let small = try LiveServer(limits: EngineLimits(maxJacobianEntries: 100))
        let inputs = (0..<8).map { "\"x\($0)\"" }.joined(separator: ", ")
        let function = #"{"type": "expression", "inputs": [\#(inputs)], "outputs": ["x0*x1", "x2^2"]}"#
        let point = Array(repeating: "1", count: 8).joined(separator: ", ")
        let response = try small.post("/v1/hessian", #"{"function": \#(function), "point": [\#(point)]}"#)
        #expect(response.status == 422, "\(response.text)")
        #expect(try response.json["limit"]?.string == "maxJacobianEntries")
        #expect(try response.json["errors"]?[0]?["pointer"]?.string == "/output")
        #expect(try small.post("/v1/hessian", #"{"function": \#(function), "point": [\#(point)], "output": 0}"#).status == 200)
        small.server.shutdown(deadline: .seconds(1))
    }

    @Test func networkHessianWithRespectToTheInput() throws {
        // y = tanh(2x + y) · 3: ∂²/∂x² = 3 · 4 · tanh''(u), tanh'' = −2 t (1 − t²).
        let network = #"{"type": "network", "layers": [{"type": "linear", "weight": [[2, 1]]}, {"type": "tanh"}, {"type": "linear", "weight": [[3]]}]}"#
        let json = try ok("/v1/hessian", #"{"function": \#(network), "point": [0.1, 0.2]}"#)
        let t = Foundation.tanh(0.4), second = -2 * t * (1 - t * t)
        #expect(close(json["hessians"]?[0]?.matrix, [[12 * second, 6 * second], [6 * second, 3 * second]]))
        #expect(json["sweeps"]?.double == 2)
    }

    @Test func sparseHessianFormat() throws {
        let function = #"{"type": "expression", "inputs": [{"name": "x", "size": 4}], "definitions": ["s = sin(x[0])*x[1] + sin(x[1])*x[2] + sin(x[2])*x[3]"], "outputs": ["s", "x[0] + x[3]"]}"#
        let json = try ok("/v1/hessian", #"{"function": \#(function), "point": [0.1, 0.2, 0.3, 0.4], "output": "outputs[0]", "format": "sparse", "include": ["eigenvalues"]}"#)
        let sparse = json["sparse_hessian"]
        #expect(json["hessian"] == nil)
        #expect(sparse?["nnz"]?.double == 9)
        #expect(sparse?["row_indices"]?.doubles == [0, 0, 1, 1, 1, 2, 2, 2, 3])
        #expect(close(sparse?["values"]?[1]?.double ?? 0, Foundation.cos(0.1)))
        #expect(json["eigenvalues"]?.doubles?.count == 4)
        let all = try ok("/v1/hessian", #"{"function": \#(function), "point": [0.1, 0.2, 0.3, 0.4], "format": "sparse"}"#)
        #expect(all["sparse_hessians"]?[1]?["values"]?.doubles == Array(repeating: 0, count: 9))
        _ = try problem("/v1/hessian", #"{"function": \#(function), "point": [0.1, 0.2, 0.3, 0.4], "format": "sparse", "vectors": [[1, 0, 0, 0]]}"#, pointer: "/format")
    }

    @Test func hessianPictureIsSVG() throws {
        let response = try server.request("POST", "/v1/hessian?format=svg",
                                          body: #"{"function": \#(Self.quadratic), "point": [1, 2]}"#,
                                          headers: [("Content-Type", "application/json")])
        #expect(response.status == 200)
        #expect(response.text.contains("<svg") && response.text.contains("Hessian of outputs[0]"))
    }
}

/// Less common combinations: reverse-mode sparse answers, the Hessian's pattern, checks per point of a batch.
@Suite struct DerivativeCombinationsTests {
    let server = LiveServer.shared

    @Test func sparseReverseModeAndBatchChecks() throws {
        let function = #"{"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]*x[1]", "exp(x[2])"]}"#
        let response = try server.post("/v1/jacobian", #"{"function": \#(function), "points": [[1, 2, 0], [3, -1, 1]], "format": "sparse", "mode": "reverse", "include": ["check", "sensitivity"]}"#)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json
        #expect(json["mode"]?.string == "reverse")
        #expect(json["sweeps"]?.double == 1, "the two rows share no column: one reverse sweep")
        let second = json["results"]?[1]
        #expect(close(second?["sparse_jacobian"]?["values"]?.doubles, [-1, 3, Foundation.exp(1.0)]))
        #expect(second?["check"]?["passed"] == .bool(true))
        #expect(second?["sensitivity"]?["max_abs_at"]?.doubles == [0, 1])
    }

    @Test func hessianSparsityIsTheUnionOfTheOutputs() throws {
        let function = #"{"type": "expression", "inputs": [{"name": "x", "size": 4}], "outputs": ["x[0]*x[1]", "sin(x[3])", "x[2] + x[0]"]}"#
        let response = try server.post("/v1/hessian", #"{"function": \#(function), "point": [1, 2, 3, 4], "include": ["sparsity"]}"#)
        #expect(response.status == 200, "\(response.text)")
        let sparsity = try response.json["sparsity"]
        #expect(sparsity?["row_indices"]?.doubles == [0, 1, 3])
        #expect(sparsity?["column_indices"]?.doubles == [1, 0, 3])
        // No row holds two columns, so one Hessian–vector product with all ones recovers every entry.
        #expect(try response.json["sweeps"]?.double == 1)
        #expect(close(try response.json["hessians"]?[1]?[3]?.doubles, [0, 0, 0, -Foundation.sin(4.0)]))
    }
}

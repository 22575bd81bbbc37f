import Foundation
import Testing
@testable import JacobianEngine

@Suite("FunctionSpec JSON")
struct FunctionSpecCodingTests {
    private func decode(_ json: String) throws -> FunctionSpec {
        try JSONDecoder().decode(FunctionSpec.self, from: Data(json.utf8))
    }

    @Test func decodesExpressionWithOptionalFieldsMissing() throws {
        let spec = try decode(#"{"type": "expression", "inputs": ["t", {"name": "x", "size": 3}], "outputs": ["x[0]*t"]}"#)
        #expect(spec == .expression(ExpressionFunction(
            inputs: [.scalar("t"), .vector(name: "x", size: 3)], outputs: ["x[0]*t"])))
    }

    @Test func roundTripsExpression() throws {
        let spec = FunctionSpec.expression(ExpressionFunction(
            inputs: [.scalar("t"), .vector(name: "x", size: 2)], outputs: ["a*x[0]", "b"],
            constants: ["a": 2.5], definitions: ["b = t^2"]))
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(FunctionSpec.self, from: data) == spec)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["type"] as? String == "expression")
    }

    @Test func roundTripsNetworkWithDefaults() throws {
        let spec = try decode("""
            {"type": "network", "layers": [
              {"type": "linear", "weight": [[1, 2], [3, 4], [5, 6]], "bias": [0, 1, 2]},
              {"type": "leaky_relu"}, {"type": "elu"}, {"type": "softplus"}, {"type": "gelu"},
              {"type": "linear", "weight": [[1, 1, 1]]}, {"type": "sigmoid"}, {"type": "tanh"},
              {"type": "relu"}, {"type": "softmax"}]}
            """)
        guard case .network(let network) = spec else { Issue.record("not a network"); return }
        #expect(network.layers[1] == .leakyReLU(negativeSlope: 0.01))
        #expect(network.layers[2] == .elu(alpha: 1))
        #expect(network.layers[3] == .softplus(beta: 1, threshold: 20))
        #expect(network.layers[5] == .linear(weight: [[1, 1, 1]], bias: nil))
        let again = try JSONDecoder().decode(FunctionSpec.self, from: JSONEncoder().encode(spec))
        #expect(again == spec)
    }

    private func decodingPath(_ json: String) -> (path: String, message: String)? {
        do {
            _ = try decode(json)
            return nil
        } catch DecodingError.dataCorrupted(let context) {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return (path.joined(separator: "/"), context.debugDescription)
        } catch {
            return ("unexpected \(error)", "")
        }
    }

    /// Shapes are the compiler's to check (NetworkValidationTests); decoding keeps a ragged weight as given.
    @Test func decodingLeavesShapesToTheCompiler() throws {
        let spec = try decode(#"{"type": "network", "layers": [{"type": "linear", "weight": [[1, 2], [3]]}]}"#)
        #expect(spec == .network(NetworkFunction(layers: [.linear(weight: [[1, 2], [3]], bias: nil)])))
    }

    @Test func rejectsUnknownMembersAtEveryDepth() {
        let slope = decodingPath(#"{"type": "network", "layers": [{"type": "leaky_relu", "negative_slop": 0.5}]}"#)
        #expect(slope?.path == "layers/0/negative_slop")
        #expect(slope?.message == "unknown field 'negative_slop'; did you mean 'negative_slope'?")
        #expect(decodingPath(#"{"type": "network", "layers": [{"type": "relu", "alpha": 1}]}"#)?.path == "layers/0/alpha")
        #expect(decodingPath(#"{"type": "network", "layers": [], "extra": 1}"#)?.path == "extra")
        #expect(decodingPath(#"{"type": "expression", "inputs": ["t"], "outputs": ["t"], "extra": 1}"#)?.path == "extra")
        #expect(decodingPath(#"{"type": "expression", "inputs": [{"name": "x", "size": 2, "sise": 2}], "outputs": []}"#)?.path
            == "inputs/0/sise")
    }

    @Test func rejectsMalformedInputDeclaration() {
        let failure = decodingPath(#"{"type": "expression", "inputs": ["t", 3], "outputs": ["t"]}"#)
        #expect(failure?.path == "inputs/1")
        #expect(failure?.message == #"an input is a name like "t" or an object like {"name": "x", "size": 3}"#)
    }

    @Test func rejectsUnknownTypes() {
        #expect(decodingPath(#"{"type": "polynomial"}"#)?.path == "type")
        #expect(decodingPath(#"{"type": "network", "layers": [{"type": "swish"}]}"#)?.path == "layers/0/type")
    }
}

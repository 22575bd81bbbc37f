import TestSupport
import Testing
@testable import JacobianAPI

/// A misspelt or unknown member anywhere in a request is a 422 with its exact pointer (and a suggestion when a
/// known member is close), never silently ignored.
@Suite struct UnknownFieldTests {
    let server = LiveServer.shared

    struct Case: CustomTestStringConvertible, Sendable {
        var path: String
        var body: String
        var pointer: String
        var suggestion: String?
        var testDescription: String { pointer }
    }

    static let vector = #"[{"name": "x", "size": 2}]"#
    static let layer = #"{"type": "linear", "weight": [[1, 2]]}"#
    static func network(_ layer: String) -> String {
        #"{"function": {"type": "network", "layers": [\#(Self.layer), \#(layer)]}, "point": [1, 2]}"#
    }
    static let planar = #""arm": {"type": "planar", "link_lengths": [1, 1]}, "joint_angles": [0.1, 0.2]"#
    static let dh = #""arm": {"type": "dh", "joints": [{"a": 0, "alpha": 0, "d": 1}]}, "joint_angles": [0.1]"#

    static let cases: [Case] = [
        Case(path: "/v1/jacobian",
             body: #"{"function": {"type": "expression", "inputs": ["t"], "outputs": ["t"], "extra": 1}, "point": [1]}"#,
             pointer: "/function/extra"),
        Case(path: "/v1/jacobian",
             body: #"{"function": {"type": "expression", "inputs": ["t"], "output": ["t"]}, "point": [1]}"#,
             pointer: "/function/output", suggestion: "outputs"),
        Case(path: "/v1/jacobian",
             body: #"{"function": {"type": "expression", "inputs": [{"name": "x", "size": 2, "sise": 2}], "outputs": ["x[0]"]}, "point": [1, 2]}"#,
             pointer: "/function/inputs/0/sise", suggestion: "size"),
        Case(path: "/v1/jacobian", body: network(#"{"type": "leaky_relu", "negative_slop": 0.5}"#),
             pointer: "/function/layers/1/negative_slop", suggestion: "negative_slope"),
        Case(path: "/v1/jacobian", body: network(#"{"type": "elu", "alpah": 2}"#),
             pointer: "/function/layers/1/alpah", suggestion: "alpha"),
        Case(path: "/v1/jacobian", body: network(#"{"type": "softplus", "beta": 2, "treshold": 5}"#),
             pointer: "/function/layers/1/treshold", suggestion: "threshold"),
        Case(path: "/v1/jacobian", body: network(#"{"type": "linear", "weight": [[1]], "biass": [0]}"#),
             pointer: "/function/layers/1/biass", suggestion: "bias"),
        Case(path: "/v1/jacobian", body: #"{"function": {"type": "network", "layer": []}, "point": [1]}"#,
             pointer: "/function/layer", suggestion: "layers"),
        Case(path: "/v1/newton",
             body: #"{"function": {"type": "expression", "inputs": ["t"], "outputs": ["t"]}, "point": [1], "max_iteration": 5}"#,
             pointer: "/max_iteration", suggestion: "max_iterations"),
        Case(path: "/v1/newton",
             body: #"{"function": {"type": "expression", "inputs": ["t"], "outputs": ["t"], "constant": {}}, "point": [1]}"#,
             pointer: "/function/constant", suggestion: "constants"),
        Case(path: "/v1/ik", body: #"{\#(planar), "target": [1, 1], "tolerence": 1e-9}"#,
             pointer: "/tolerence", suggestion: "tolerance"),
        Case(path: "/v1/ik", body: #"{"arm": {"type": "planar", "link_lengths": [1, 1], "links": 2}, "joint_angles": [0, 0], "target": [1, 1]}"#,
             pointer: "/arm/links"),
        Case(path: "/v1/ik", body: #"{"arm": {"type": "dh", "joints": [{"a": 0, "alpha": 0, "d": 1, "ofset": 0}]}, "joint_angles": [0.1], "target": [0, 0, 1]}"#,
             pointer: "/arm/joints/0/ofset", suggestion: "offset"),
        Case(path: "/v1/ik", body: #"{\#(dh), "target": {"position": [0, 0, 1], "orientaton": {}}}"#,
             pointer: "/target/orientaton", suggestion: "orientation"),
        Case(path: "/v1/ik", body: #"{\#(dh), "target": {"position": [0, 0, 1], "orientation": {"quaternions": [1, 0, 0, 0]}}}"#,
             pointer: "/target/orientation/quaternions", suggestion: "quaternion"),
    ]

    @Test(arguments: cases)
    func unknownMemberIsRefusedAtItsPointer(_ testCase: Case) throws {
        let response = try server.post(testCase.path, testCase.body)
        #expect(response.status == 422, "\(response.text)")
        let json = try response.json
        #expect(json["errors"]?[0]?["pointer"]?.string == testCase.pointer, "\(response.text)")
        let detail = json["detail"]?.string ?? ""
        #expect(detail.contains("unknown field"), "\(detail)")
        if let suggestion = testCase.suggestion {
            #expect(detail.contains("did you mean '\(suggestion)'?"), "\(detail)")
        }
    }

    @Test func unknownLayerTypeSuggestsTheClosest() throws {
        let response = try server.post("/v1/jacobian", Self.network(#"{"type": "tanhh"}"#))
        #expect(response.status == 422)
        let json = try response.json
        #expect(json["errors"]?[0]?["pointer"]?.string == "/function/layers/1/type")
        #expect(json["detail"]?.string?.contains("did you mean 'tanh'?") == true)
    }

    @Test func knownOptionalMembersStillWork() throws {
        let response = try server.post("/v1/jacobian", Self.network(#"{"type": "leaky_relu", "negative_slope": 0.5}"#))
        #expect(response.status == 200, "\(response.text)")
        // Input 1·1 + 2·2 = 5 > 0, so the slope does not apply; at the negative side it does.
        let negative = try server.post("/v1/jacobian",
            #"{"function": {"type": "network", "layers": [\#(Self.layer), {"type": "leaky_relu", "negative_slope": 0.5}]}, "point": [-1, -2]}"#)
        #expect(try negative.json["jacobian"]?.matrix == [[0.5, 1]])
    }
}

import HTTPServer
import JacobianEngine
import TestSupport
import Testing
@testable import JacobianAPI

/// Every class of bad input gets its status, an RFC 9457 body, and a pointer to the field.
@Suite struct ErrorResponseTests {
    let server = LiveServer.shared

    static let cube = #"{"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]^2", "x[1]^3", "x[2]^4"]}"#

    func problem(_ response: RawResponse, status: Int, pointer: String? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        let json = try response.json
        #expect(json["status"]?.double == Double(status), sourceLocation: sourceLocation)
        #expect(json["type"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(json["title"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(json["detail"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
        if let pointer {
            #expect(json["errors"]?[0]?["pointer"]?.string == pointer, "\(response.text)", sourceLocation: sourceLocation)
        }
        return json
    }

    @Test func malformedJSONGives400WithLineAndColumn() throws {
        let json = try problem(try server.post("/v1/jacobian", "{\"function\": {\n  \"type\": expression}}"), status: 400)
        #expect(json["line"]?.double == 2)
        #expect(json["column"]?.double == 11)
    }

    @Test func formEncodedJSONIsAcceptedAndFormEncodedGarbageIs400() throws {
        let body = #"{"function": \#(Self.cube), "point": [1, 2, 3]}"#
        let ok = try server.request("POST", "/v1/jacobian", body: body,
                                    headers: [("Content-Type", "application/x-www-form-urlencoded")])
        #expect(ok.status == 200)
        let bad = try server.request("POST", "/v1/jacobian", body: "a=1&b=2",
                                     headers: [("Content-Type", "application/x-www-form-urlencoded")])
        _ = try problem(bad, status: 400)
    }

    @Test func otherContentTypesGive415() throws {
        let response = try server.request("POST", "/v1/jacobian", body: "{}", headers: [("Content-Type", "text/csv")])
        _ = try problem(response, status: 415)
    }

    @Test func plusJSONAndMissingContentTypeAreAccepted() throws {
        let body = #"{"function": \#(Self.cube), "point": [1, 2, 3]}"#
        #expect(try server.request("POST", "/v1/jacobian", body: body,
                                   headers: [("Content-Type", "application/vnd.example+json; charset=utf-8")]).status == 200)
        #expect(try server.request("POST", "/v1/jacobian", body: body, headers: []).status == 200)
    }

    @Test func pointOfTheWrongLengthIs422AtPoint() throws {
        let json = try problem(try server.post("/v1/jacobian", #"{"function": \#(Self.cube), "point": [1, 2]}"#),
                               status: 422, pointer: "/point")
        #expect(json["detail"]?.string?.contains("3 inputs") == true)
    }

    @Test func wrongTypesAndUnknownValuesNameTheField() throws {
        _ = try problem(try server.post("/v1/jacobian", #"{"function": \#(Self.cube), "point": [1, "a", 3]}"#),
                        status: 422, pointer: "/point/1")
        _ = try problem(try server.post("/v1/jacobian", #"{"function": \#(Self.cube), "point": [1, 2, 3], "mode": "sideways"}"#),
                        status: 422, pointer: "/mode")
        _ = try problem(try server.post("/v1/jacobian", #"{"function": \#(Self.cube), "point": [1, 2, 3], "wrt": "everything"}"#),
                        status: 422, pointer: "/wrt")
        _ = try problem(try server.post("/v1/jacobian", #"{"function": \#(Self.cube)}"#), status: 422, pointer: "/point")
        _ = try problem(try server.post("/v1/jacobian", #"{"point": [1]}"#), status: 422, pointer: "/function")
        _ = try problem(try server.post("/v1/jacobian", #"{"function": \#(Self.cube), "point": [1, 2, 3], "colour": 1}"#),
                        status: 422, pointer: "/colour")
    }

    @Test func fractionalSizesAndParametersOfExpressionsNameTheirField() throws {
        let fractional = #"{"function": {"type": "expression", "inputs": [{"name": "x", "size": 2.5}], "outputs": ["x[0]"]}, "point": [1]}"#
        let json = try problem(try server.post("/v1/jacobian", fractional), status: 422, pointer: "/function/inputs/0/size")
        #expect(json["detail"]?.string?.contains("must be an integer") == true)
        let parameters = #"{"function": \#(Self.cube), "point": [1, 2, 3], "wrt": "parameters"}"#
        _ = try problem(try server.post("/v1/jacobian", parameters), status: 422, pointer: "/wrt")
    }

    @Test func raggedWeightsAndUnknownLayersPointIntoTheNetwork() throws {
        let ragged = #"{"function": {"type": "network", "layers": [{"type": "linear", "weight": [[1, 2], [3]], "bias": [0, 0]}]}, "point": [1, 2]}"#
        let json = try problem(try server.post("/v1/jacobian", ragged), status: 422)
        #expect(json["errors"]?[0]?["pointer"]?.string?.hasPrefix("/function/layers/0/weight") == true, "\(json)")
        let unknown = #"{"function": {"type": "network", "layers": [{"type": "linear", "weight": [[1]]}, {"type": "swish"}]}, "point": [1]}"#
        let second = try problem(try server.post("/v1/jacobian", unknown), status: 422)
        #expect(second["errors"]?[0]?["pointer"]?.string?.hasPrefix("/function/layers/1") == true, "\(second)")
    }

    @Test func expressionErrorsCarryTheEngineMessageAndColumn() throws {
        let body = #"{"function": {"type": "expression", "inputs": ["x"], "outputs": ["x", "sinn(x)"]}, "point": [1]}"#
        let json = try problem(try server.post("/v1/jacobian", body), status: 422, pointer: "/function/outputs/1")
        #expect(json["errors"]?[0]?["column"]?.double == 1)
        #expect(json["detail"]?.string?.contains("did you mean 'sin'") == true)
    }

    @Test func nonFiniteResultsSayWhichEntryAndOperation() throws {
        let body = #"{"function": {"type": "expression", "inputs": ["x"], "outputs": ["log(x)"]}, "points": [[1], [0]]}"#
        let json = try problem(try server.post("/v1/jacobian", body), status: 422, pointer: "/points/1")
        #expect(json["detail"]?.string?.contains("log") == true, "\(json)")
        #expect(json["point_index"]?.double == 1)
    }

    @Test func batchLimitIsNamed() throws {
        let limited = try LiveServer(limits: {
            var limits = EngineLimits()
            limits.maxBatchSize = 2
            return limits
        }())
        let body = #"{"function": \#(Self.cube), "points": [[1, 2, 3], [1, 2, 3], [1, 2, 3]]}"#
        let json = try problem(try limited.post("/v1/jacobian", body), status: 422, pointer: "/points")
        #expect(json["limit"]?.string == "maxBatchSize")
        limited.server.shutdown(deadline: .seconds(1))
    }

    @Test func bodyLimitIs413AndNamed() throws {
        let padding = String(repeating: " ", count: HTTPLimits().maxBodyBytes)
        let body = #"{"function": \#(Self.cube), "point": [1, 2, 3], "pad": ""# + padding + "}"
        let json = try problem(try server.post("/v1/jacobian", body), status: 413)
        #expect(json["detail"]?.string?.contains("maxBodyBytes") == true, "\(json)")
    }

    @Test func expressionLimitIsNamed() throws {
        let long = String(repeating: "x+", count: 20_000) + "x"
        let body = #"{"function": {"type": "expression", "inputs": ["x"], "outputs": ["\#(long)"]}, "point": [1]}"#
        let json = try problem(try server.post("/v1/jacobian", body), status: 422, pointer: "/function/outputs/0")
        #expect(json["limit"]?.string == "maxExpressionLength")
    }

    @Test func unacceptableAcceptIs406ButErrorsStayProblemJSON() throws {
        _ = try problem(try server.post("/v1/jacobian", #"{"function": \#(Self.cube), "point": [1, 2, 3]}"#, accept: "text/html"),
                        status: 406)
        _ = try problem(try server.post("/v1/jacobian", #"{"function": \#(Self.cube), "point": [1]}"#, accept: "image/svg+xml"),
                        status: 422, pointer: "/point")
    }

    @Test func newtonAndIKShareTheInputRules() throws {
        _ = try problem(try server.post("/v1/newton", #"{"function": \#(Self.cube), "point": [1, 2]}"#),
                        status: 422, pointer: "/point")
        _ = try problem(try server.post("/v1/newton", #"{"function": \#(Self.cube), "point": [1, 2, 3], "method": "bisection"}"#),
                        status: 422, pointer: "/method")
        _ = try problem(try server.post("/v1/ik", #"{"arm": {"type": "planar", "link_lengths": [1, 1]}, "joint_angles": [0, 0], "target": [1, 2, 3, 4]}"#),
                        status: 422, pointer: "/target")
        _ = try problem(try server.post("/v1/ik", #"{"arm": {"type": "planar", "link_lengths": []}, "joint_angles": [], "target": [1, 1]}"#),
                        status: 422, pointer: "/arm/link_lengths")
        _ = try problem(try server.post("/v1/ik", #"{"arm": {"type": "planar", "link_lengths": [1, -1]}, "joint_angles": [0, 0], "target": [1, 1]}"#),
                        status: 422, pointer: "/arm/link_lengths/1")
        _ = try problem(try server.post("/v1/ik", #"{"arm": {"type": "planar", "link_lengths": [1, 1]}, "joint_angles": [0, 0], "target": [1, 1], "joint_limits": [[1, -1], [0, 1]]}"#),
                        status: 422, pointer: "/joint_limits/0")
    }
}


/// The API's problems and the server's are one type (`Problem` in HTTPServer): the API's keep their `type` URNs,
/// field errors and extension members on the wire; the server's are `about:blank` with no API kind.
@Suite struct OneProblemTypeTests {
    @Test func anAPIProblemKeepsItsURNErrorsAndMembers() {
        let problem = Problem(.limitExceeded, detail: "too many", errors: [.init(pointer: "/points", detail: "fewer")],
                              extensions: [("limit", .string("maxBatchSize")), ("iterate", .numbers([1.5, -2]))])
        #expect(problem.kind == .limitExceeded)
        #expect(problem.status == .unprocessableContent)
        #expect(problem.json == #"{"type":"urn:jacobian-service:problem:limit-exceeded","title":"Limit exceeded","#
            + #""status":422,"detail":"too many","errors":[{"pointer":"/points","detail":"fewer"}],"#
            + #""limit":"maxBatchSize","iterate":[1.5,-2]}"#)
        #expect(problem.response.headers["Content-Type"] == "application/problem+json")
        #expect(problem.response.failureDetail == "too many")
    }

    @Test func theServersOwnProblemsAreAboutBlank() {
        let problem = Problem(status: .notFound, detail: "No resource at /x.")
        #expect(problem.kind == nil)
        #expect(problem.type == "about:blank" && problem.title == "Not Found")
        #expect(Problem.Kind.allCases.allSatisfy { Problem($0, detail: "d").kind == $0 })
    }
}

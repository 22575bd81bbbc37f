import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTPServer
import JacobianEngine
import TestSupport
import Testing
@testable import JacobianAPI

/// The model repository over HTTP and `{"type": "model"}` functions in /v1/jacobian, on a live server with its
/// own repository (each test its own server, so registrations do not leak between tests).
@Suite struct ModelAPITests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let digits = Array(try! Data(contentsOf: fixtures.appendingPathComponent("digits.onnx")))

    struct DigitsCase: Decodable { var label: Int; var input: [Double]; var value: [Double]; var jacobian: [[Double]] }
    struct Malformed: Decodable { var name: String; var onnx: String; var expect: String }
    struct Extra: Decodable { var alternate_digits: String; var malformed: [Malformed] }
    private struct Cases: Decodable { var cases: [DigitsCase] }

    static let cases = try! JSONDecoder().decode(Cases.self, from: Data(contentsOf: fixtures.appendingPathComponent("digits-expected.json"))).cases
    static let extra = try! JSONDecoder().decode(Extra.self, from: Data(contentsOf: fixtures.appendingPathComponent("onnx-extra.json")))

    /// A server and its API's repository.
    final class Server: Sendable {
        let api: JacobianAPI
        let server: HTTPServer
        let port: Int

        init(limits: ModelLimits = ModelLimits()) throws {
            var configuration = APIConfiguration()
            configuration.modelLimits = limits
            api = JacobianAPI(engine: JacobianEngine(), configuration: configuration)
            var router = Router()
            api.register(in: &router)
            var serverConfiguration = HTTPServerConfiguration()
            serverConfiguration.host = "127.0.0.1"
            serverConfiguration.port = 0
            server = HTTPServer(configuration: serverConfiguration, responder: router.responder())
            port = try server.start()
        }

        func request(_ method: String, _ target: String, body: [UInt8]? = nil, type: String? = nil,
                     accept: String? = nil) throws -> RawResponse {
            var headers = [("Connection", "close")]
            if let type { headers.append(("Content-Type", type)) }
            if let accept { headers.append(("Accept", accept)) }
            return try RawClient(port: port, timeout: 30).request(method, target, headers: headers, body: body)
        }

        func put(_ name: String, _ bytes: [UInt8], type: String = "application/onnx") throws -> RawResponse {
            try request("PUT", "/v1/models/\(name)", body: bytes, type: type)
        }

        func jacobian(_ body: String, accept: String? = nil) throws -> RawResponse {
            try request("POST", "/v1/jacobian", body: Array(body.utf8), type: "application/json", accept: accept)
        }

        deinit { server.shutdown(deadline: .seconds(1)) }
    }

    static func pointJSON(_ values: [Double]) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }

    static func numbers(_ value: JSONValue?) -> [Double] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { if case .number(let n) = $0 { n } else { nil } }
    }

    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count else { return .infinity }
        let scale = max(1e-300, b.map(abs).max() ?? 0)
        return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    @Test func registersListsDescribesReplacesAndDeletes() throws {
        let server = try Server()
        let created = try server.put("digits", Self.digits)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.header("Location") == "/v1/models/digits")
        let description = try created.json
        #expect(description["sha256"]?.string == ModelRepository.sha256(Self.digits))
        #expect(Self.numbers(description["inputs"]?[0]?["shape"]) == [1, 1, 8, 8])
        #expect(description["operators"]?["Conv"] == .number(3))
        let list = try server.request("GET", "/v1/models").json
        #expect(list["models"]?[0]?["name"]?.string == "digits")
        #expect(try server.request("GET", "/v1/models/digits").status == 200)
        let alternate = Array(Data(base64Encoded: Self.extra.alternate_digits)!)
        let replaced = try server.put("digits", alternate, type: "application/octet-stream")
        #expect(replaced.status == 200)
        #expect(try replaced.json["sha256"]?.string == ModelRepository.sha256(alternate))
        #expect(try server.request("DELETE", "/v1/models/digits").status == 204)
        #expect(try server.request("GET", "/v1/models/digits").status == 404)
        #expect(try server.request("DELETE", "/v1/models/digits").status == 404)
        #expect(try server.request("GET", "/v1/models").json["models"] == .array([]))
    }

    @Test func sha256MatchesTheStandardVector() {
        #expect(ModelRepository.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func refusesBadUploads() throws {
        let server = try Server(limits: ModelLimits(maxModelBytes: 20_000, maxModels: 1))
        #expect(try server.put("digits", Self.digits, type: "application/json").status == 415)
        #expect(try server.put(".hidden", Self.digits).status == 422)
        #expect(try server.put("digits", Self.digits).status == 201)
        let full = try server.put("other", Self.digits)
        #expect(full.status == 422)
        #expect(try full.json["limit"]?.string == "maxModels")
        let large = try server.put("digits", [UInt8](repeating: 0, count: 20_001))
        #expect(try large.json["limit"]?.string == "maxModelBytes")
    }

    @Test(arguments: extra.malformed.map(\.name))
    func malformedModelsGet422NamingTheProblem(_ name: String) throws {
        let server = try Server()
        let malformed = Self.extra.malformed.first { $0.name == name }!
        let response = try server.put("bad", Array(Data(base64Encoded: malformed.onnx)!))
        #expect(response.status == 422, "\(response.text)")
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.text.contains(malformed.expect), "\(name): \(response.text)")
        #expect(try server.request("GET", "/v1/models/bad").status == 404)
    }

    @Test func jacobianOfTheDigitsModelMatchesPyTorch() throws {
        let server = try Server()
        _ = try server.put("digits", Self.digits)
        for example in Self.cases {
            let response = try server.jacobian("""
                {"function": {"type": "model", "name": "digits"}, "point": \(Self.pointJSON(example.input)), "include": ["saliency"]}
                """)
            #expect(response.status == 200, "\(response.text)")
            let body = try response.json
            #expect(Self.relativeError(Self.numbers(body["value"]), example.value) < 1e-10)
            for row in 0..<10 {
                #expect(Self.relativeError(Self.numbers(body["jacobian"]?[row]), example.jacobian[row]) < 1e-10)
            }
            #expect(body["columns"]?[3 * 8 + 5]?.string == "x[0][3][5]")
            #expect(body["rows"]?[9]?.string == "y[9]")
            #expect(body["saliency"]?["predicted_class"] == .number(Double(example.label)))
            guard case .array(let map)? = body["saliency"]?["map"] else { Issue.record("no map"); continue }
            #expect(map.count == 8)
            // One channel: the map is |∂score/∂pixel| of the predicted class.
            let gradient = example.jacobian[example.label].map(abs)
            #expect(Self.relativeError(map.flatMap { Self.numbers($0) }, gradient) < 1e-10)
        }
    }

    @Test func pointMayBeNestedWithOrWithoutTheBatchDimension() throws {
        let server = try Server()
        _ = try server.put("digits", Self.digits)
        let x = Self.cases[0].input
        let rows = (0..<8).map { Self.pointJSON(Array(x[($0 * 8)..<($0 * 8 + 8)])) }.joined(separator: ",")
        let flat = try server.jacobian(#"{"function": {"type": "model", "name": "digits"}, "point": \#(Self.pointJSON(x))}"#).json
        for point in ["[[\(rows)]]", "[[[\(rows)]]]"] {
            let nested = try server.jacobian(#"{"function": {"type": "model", "name": "digits"}, "point": \#(point)}"#)
            #expect(nested.status == 200, "\(nested.text)")
            #expect(try nested.json["value"] == flat["value"])
        }
        let wrong = try server.jacobian(#"{"function": {"type": "model", "name": "digits"}, "point": [[1, 2], [3, 4]]}"#)
        #expect(wrong.status == 422)
        #expect(try wrong.json["errors"]?[0]?["pointer"]?.string == "/point")
        let unknown = try server.jacobian(#"{"function": {"type": "model", "name": "nope"}, "point": [1]}"#)
        #expect(try unknown.json["errors"]?[0]?["pointer"]?.string == "/function/name")
        let extraField = try server.jacobian(#"{"function": {"type": "model", "name": "digits", "x": 1}, "point": [1]}"#)
        #expect(extraField.status == 422)
    }

    @Test func perturbationsCompareFirstOrderAndActualChanges() throws {
        let server = try Server()
        _ = try server.put("digits", Self.digits)
        let x = Self.cases[0].input
        let zero = Self.pointJSON([Double](repeating: 0, count: 64))
        let response = try server.jacobian("""
            {"function": {"type": "model", "name": "digits"}, "point": \(Self.pointJSON(x)),
             "perturbations": [\(zero), {"kind": "gaussian", "scale": 1e-6, "count": 3, "seed": 7},
                               {"kind": "uniform", "scale": 5, "count": 2, "seed": 1}]}
            """)
        #expect(response.status == 200, "\(response.text)")
        guard case .array(let effects)? = try response.json["perturbations"] else { Issue.record("none"); return }
        #expect(effects.count == 6)
        #expect(Self.numbers(effects[0]["actual_change"]).allSatisfy { $0 == 0 })
        #expect(effects[0]["class_changed"] == .bool(false))
        for effect in effects[1...3] {
            // Tiny steps: the first-order prediction is the actual change up to O(|δ|²) (ReLU kinks aside).
            let predicted = Self.numbers(effect["predicted_change"]), actual = Self.numbers(effect["actual_change"])
            #expect(Self.relativeError(predicted, actual) < 1e-3, "\(predicted) vs \(actual)")
        }
        // The same seed gives the same perturbations.
        let again = try server.jacobian("""
            {"function": {"type": "model", "name": "digits"}, "point": \(Self.pointJSON(x)),
             "perturbations": [{"kind": "gaussian", "scale": 1e-6, "count": 3, "seed": 7}]}
            """)
        #expect(try again.json["perturbations"]?[0] == effects[1].withSource("/perturbations/0 #0"))
    }

    @Test func svgShowsTheImageBesideItsSaliency() throws {
        let server = try Server()
        _ = try server.put("digits", Self.digits)
        let response = try server.jacobian(
            #"{"function": {"type": "model", "name": "digits"}, "point": \#(Self.pointJSON(Self.cases[0].input))}"#,
            accept: "image/svg+xml")
        #expect(response.header("Content-Type") == "image/svg+xml")
        let document = try XMLDocument(data: Data(response.body))
        let cells = try document.nodes(forXPath: "//*[local-name()='rect']/@data-value")
        #expect(cells.count >= 128, "an 8×8 image and an 8×8 map")
    }

    /// Requests racing a replacement see the old model or the new one, whole: their value is one of the two
    /// models' values and their reported digest is that model's.
    @Test func concurrentRequestsDuringReplacementNeverMix() async throws {
        let server = try Server()
        let alternate = Array(Data(base64Encoded: Self.extra.alternate_digits)!)
        _ = try server.put("digits", Self.digits)
        let body = #"{"function": {"type": "model", "name": "digits"}, "point": \#(Self.pointJSON(Self.cases[0].input))}"#
        let before = try server.jacobian(body).json["value"]
        _ = try server.put("digits", alternate)
        let after = try server.jacobian(body).json["value"]
        #expect(before != after)
        let expected = [ModelRepository.sha256(Self.digits): before, ModelRepository.sha256(alternate): after]
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for round in 0..<20 { _ = try server.put("digits", round % 2 == 0 ? Self.digits : alternate) }
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<10 {
                        let response = try server.jacobian(body).json
                        let digest = response["model"]?["sha256"]?.string ?? ""
                        #expect(expected[digest] != nil && response["value"] == expected[digest]!, "a mixed answer")
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

private extension JSONValue {
    /// This object with its `source` member replaced (perturbation answers compared across requests).
    func withSource(_ source: String) -> JSONValue {
        guard case .object(let object) = self else { return self }
        return .object(JSONObject(object.members.map { $0.key == "source" ? (key: "source", value: .string(source)) : $0 }))
    }
}

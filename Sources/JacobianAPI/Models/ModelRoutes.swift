import Foundation
import HTTPServer
import JacobianEngine

/// GET /v1/models, and GET, PUT, DELETE /v1/models/{name}: the model repository over HTTP.
///
/// `{name}` is routed with the router's one-segment routes (`Router.add(_:segmentAfter:label:_:)`): names are
/// registered at run time, while the router is built once at start and shared immutable by every connection.
enum ModelRoutes {
    static let prefix = "/v1/models/"
    /// Media types a PUT body may have.
    static let mediaTypes = ["application/onnx", "application/octet-stream"]

    static func register(in router: inout Router, models: ModelRepository) {
        router.add("GET", "/v1/models") { _ in
            json(.object(["models": .array(models.all().map(summary))]))
        }
        router.add("GET", segmentAfter: prefix, label: prefix + "{name}") { request in
            guard let model = models.model(named: name(request)) else { return notFound(name(request)) }
            return json(description(model))
        }
        router.add("PUT", segmentAfter: prefix, label: prefix + "{name}") { request in
            do throws(Problem) {
                let type = request.headers["Content-Type"]?.split(separator: ";").first
                    .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let type, mediaTypes.contains(type) else {
                    throw Problem(.unsupportedMediaType,
                        detail: "a model is uploaded as application/onnx (or application/octet-stream), the bytes of an .onnx file; found \(type ?? "no Content-Type")")
                }
                guard request.body.count <= models.limits.maxModelBytes else {
                    throw ModelRepository.problem(ModelError(
                        "the model has \(request.body.count) bytes, more than the limit maxModelBytes = \(models.limits.maxModelBytes)",
                        limit: "maxModelBytes"))
                }
                let (model, replaced) = try models.register(name: name(request), bytes: request.body, source: "upload")
                var response = json(description(model))
                if !replaced { response.status = .created }
                response.headers.replaceOrAdd("Location", prefix + model.name)
                return response
            } catch {
                return Responses.problem(error)
            }
        }
        router.add("DELETE", segmentAfter: prefix, label: prefix + "{name}") { request in
            models.remove(name: name(request)) ? HTTPResponse(status: .noContent) : notFound(name(request))
        }
    }

    private static func name(_ request: HTTPRequest) -> String { String(request.path.dropFirst(prefix.count)) }

    private static func json(_ value: JSONValue) -> HTTPResponse { Responses.json(JSONWriter.bytes(value)) }

    private static func notFound(_ name: String) -> HTTPResponse {
        Problem(status: .notFound, detail: "No model named '\(name)'; GET /v1/models lists them.").response
    }

    /// What GET /v1/models lists for each model.
    static func summary(_ model: RegisteredModel) -> JSONValue {
        .object([
            "name": .string(model.name),
            "sha256": .string(model.sha256),
            "input_shape": .numbers(model.model.inputShape.map(Double.init)),
            "output_shape": .numbers(model.model.outputShape.map(Double.init)),
            "source": .string(model.source),
        ])
    }

    /// GET /v1/models/{name}: inputs and outputs, operators, parameters, digest.
    static func description(_ model: RegisteredModel) -> JSONValue {
        let onnx = model.model
        let operators = onnx.operatorCounts.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.number(Double($0.value))) }
        return .object([
            "name": .string(model.name),
            "sha256": .string(model.sha256),
            "bytes": .number(Double(model.byteCount)),
            "source": .string(model.source),
            "opset": .number(Double(onnx.opset)),
            "producer": .string(onnx.producer),
            "inputs": .array([.object(["name": .string(onnx.inputName), "shape": .numbers(onnx.inputShape.map(Double.init))])]),
            "outputs": .array([.object(["name": .string(onnx.outputName), "shape": .numbers(onnx.outputShape.map(Double.init))])]),
            "operators": .object(JSONObject(operators)),
            "nodes": .number(Double(onnx.operatorCounts.values.reduce(0, +))),
            "parameters": .number(Double(onnx.parameterCount)),
        ])
    }
}

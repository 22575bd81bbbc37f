import JacobianEngine

/// Reads a request's `function` member straight from the parsed JSON into the engine's `FunctionSpec`.
///
/// Only the structure is checked here: which members exist, their JSON types, unknown members refused at every
/// depth with their pointer and a suggestion. What the values mean (names, grammar, shapes, limits) is the engine's
/// to judge when it compiles, so each rule lives in one place; its errors come back with pointers relative to the
/// specification, which `EngineProblems` prefixes with this member's pointer.
enum FunctionReader {
    /// The function types a request may name.
    static let types = ["expression", "network"]

    /// The `FunctionSpec` at `pointer` (usually `/function`).
    static func read(_ value: JSONValue, at pointer: String) throws(Problem) -> FunctionSpec {
        guard case .object(let object) = value else {
            throw Problem.invalid(pointer,
                "\(pointer) must be an object with a 'type' of 'expression' or 'network', found \(value.typeName)")
        }
        guard let tag = object["type"] else {
            throw Problem.invalid(JSONPointer.appending(pointer, "type"),
                "missing required field 'type' in \(pointer); expected \"expression\" or \"network\"")
        }
        switch tag {
        case .string("expression"): return .expression(try expression(value, at: pointer))
        case .string("network"): return .network(try network(value, at: pointer))
        case .string("model"): throw modelNotAccepted(at: JSONPointer.appending(pointer, "type"))
        default: throw unknownTag(tag, at: JSONPointer.appending(pointer, "type"), among: types, what: "function type")
        }
    }

    // MARK: Expressions

    static func expression(_ value: JSONValue, at pointer: String) throws(Problem) -> ExpressionFunction {
        let reader = try FieldReader(value, at: pointer, allowed: ExpressionFunction.jsonFields)
        let inputs = try reader.array("inputs").enumerated().map { (index, item) throws(Problem) in
            try input(item, at: JSONPointer.appending(reader.path("inputs"), index))
        }
        let outputs = try reader.strings("outputs")
        let definitions = reader.has("definitions") ? try reader.strings("definitions") : []
        var constants: [String: Double] = [:]
        if reader.has("constants") {
            let path = reader.path("constants")
            guard case .object(let members) = try reader.value("constants") else {
                throw Problem.invalid(path, "\(path) must be an object of named numbers such as {\"g\": 9.81}")
            }
            for (name, number) in members.members {
                constants[name] = try FieldReader.number(number, at: JSONPointer.appending(path, name))
            }
        }
        return ExpressionFunction(inputs: inputs, outputs: outputs, constants: constants, definitions: definitions)
    }

    /// `"t"` (a scalar) or `{"name": "x", "size": 3}` (a vector).
    private static func input(_ value: JSONValue, at pointer: String) throws(Problem) -> InputDeclaration {
        switch value {
        case .string(let name):
            return .scalar(name)
        case .object:
            let reader = try FieldReader(value, at: pointer, allowed: ["name", "size"])
            // The range is the engine's to check (with its limit names); here only "a whole number".
            return .vector(name: try reader.string("name"), size: try reader.integer("size"))
        default:
            throw Problem.invalid(pointer,
                "an input is a name like \"t\" or an object like {\"name\": \"x\", \"size\": 3}, found \(value.typeName)")
        }
    }

    // MARK: Networks

    static func network(_ value: JSONValue, at pointer: String) throws(Problem) -> NetworkFunction {
        let reader = try FieldReader(value, at: pointer, allowed: NetworkFunction.jsonFields)
        let layers = try reader.array("layers").enumerated().map { (index, item) throws(Problem) in
            try layer(item, at: JSONPointer.appending(reader.path("layers"), index))
        }
        return NetworkFunction(layers: layers)
    }

    private static func layer(_ value: JSONValue, at pointer: String) throws(Problem) -> Layer {
        guard case .object(let object) = value else {
            throw Problem.invalid(pointer, "\(pointer) must be a layer object such as {\"type\": \"relu\"}, found \(value.typeName)")
        }
        let typePointer = JSONPointer.appending(pointer, "type")
        guard let tag = object["type"] else {
            throw Problem.invalid(typePointer, "missing required field 'type' in \(pointer)")
        }
        guard case .string(let type) = tag, let fields = Layer.fieldsByType.first(where: { $0.key == type })?.value else {
            throw unknownTag(tag, at: typePointer, among: Layer.fieldsByType.map(\.key), what: "layer type")
        }
        let reader = try FieldReader(value, at: pointer, allowed: ["type"] + fields)
        switch type {
        case "linear":
            let weight = try FieldReader.rows(try reader.value("weight"), at: reader.path("weight"))
            let bias = reader.has("bias") ? try reader.numbers("bias") : nil
            return .linear(weight: weight, bias: bias)
        case "relu": return .relu
        case "tanh": return .tanh
        case "sigmoid": return .sigmoid
        case "gelu": return .gelu
        case "softmax": return .softmax
        case "leaky_relu": return .leakyReLU(negativeSlope: try reader.number("negative_slope", default: 0.01))
        case "elu": return .elu(alpha: try reader.number("alpha", default: 1))
        default: // "softplus"
            return .softplus(beta: try reader.number("beta", default: 1),
                             threshold: try reader.number("threshold", default: 20))
        }
    }

    // MARK: Shared

    /// An unknown `type` tag: the accepted ones, and the closest when it looks like a typo.
    /// A registered model where only specifications are accepted (/v1/hessian, /v1/newton, or /v1/jacobian on a
    /// server without a model repository): says where models are accepted and why not here.
    static func modelNotAccepted(at pointer: String) -> Problem {
        Problem.invalid(pointer,
            "a model ({\"type\": \"model\"}) is accepted by POST /v1/jacobian only (values, Jacobians, tangents and "
            + "cotangents, the gradient check, saliency, perturbations): a model is differentiated once, in forward "
            + "and reverse mode, so it has no second derivatives for /v1/hessian (a ReLU or max-pool classifier's are "
            + "zero almost everywhere anyway), and Newton's method needs as many outputs as inputs where a "
            + "classifier maps many pixels to a few scores")
    }

    private static func unknownTag(_ tag: JSONValue, at pointer: String, among names: [String], what: String) -> Problem {
        let expected = names.map { "'\($0)'" }.joined(separator: ", ")
        guard case .string(let given) = tag else {
            return Problem.invalid(pointer, "\(what) must be a string, one of \(expected); found \(tag.typeName)")
        }
        var message = "unknown \(what) '\(given)'; expected one of \(expected)"
        if let suggestion = Suggestion.closest(to: given, among: names) { message += " (did you mean '\(suggestion)'?)" }
        return Problem.invalid(pointer, message)
    }
}

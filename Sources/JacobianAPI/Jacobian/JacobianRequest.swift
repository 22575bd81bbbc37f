import JacobianEngine

/// A decoded POST /v1/jacobian request.
struct JacobianRequest {
    /// Extras a client may ask for with `include`.
    enum Extra: String, CaseIterable {
        case sensitivity
        case singularValues = "singular_values"
        /// The Jacobian itself, when `tangents` or `cotangents` would otherwise leave it out.
        case jacobian
        /// The structural sparsity pattern.
        case sparsity
        /// A gradient check against central finite differences.
        case check
    }

    /// How the Jacobian is written: nested rows, or coordinate lists over its structural pattern.
    enum Format: String {
        case dense
        case sparse
    }

    /// The `function` member as sent; `RequestFunction` compiles it (from the cache when seen before).
    var function: JSONValue
    /// The points to evaluate at; one entry when the request gave `point`.
    var points: [[Double]]
    /// True when the request gave `points` (a batch), false for `point`.
    var isBatch: Bool
    var variable: DifferentiationVariable
    var mode: DifferentiationMode
    var extras: Set<Extra>
    var format: Format
    /// Directions for Jacobian–vector products (`jvp`), lengths checked once the function is compiled.
    var tangents: VectorList?
    /// Weights for vector–Jacobian products (`vjp`).
    var cotangents: VectorList?

    static let fields = ["function", "point", "points", "wrt", "mode", "include", "format", "tangents", "cotangents"]

    /// Decodes and validates the request's shape; the engine validates the function itself.
    init(_ body: JSONValue, maxBatchSize: Int, maxVectors: Int) throws(Problem) {
        let reader = try FieldReader(body, at: "", allowed: Self.fields)
        function = try reader.value("function")
        variable = try reader.choice("wrt", default: .input, among: [.input, .parameters])
        if variable == .parameters, case .object(let object) = function, object["type"] == .string("expression") {
            throw Problem.invalid("/wrt", "wrt 'parameters' needs a network function; an expression function has only inputs")
        }
        mode = try reader.choice("mode", default: .auto, among: [.auto, .forward, .reverse])
        format = try reader.choice("format", default: .dense, among: [.dense, .sparse])
        tangents = try VectorList.read("tangents", in: reader, limit: maxVectors)
        cotangents = try VectorList.read("cotangents", in: reader, limit: maxVectors)
        extras = []
        if reader.has("include") {
            guard case .array(let items) = try reader.value("include") else {
                throw Problem.invalid("/include", "include must be an array of strings such as [\"sensitivity\"]")
            }
            for (index, item) in items.enumerated() {
                let pointer = JSONPointer.appending("/include", index)
                guard case .string(let name) = item, let extra = Extra(rawValue: name) else {
                    let names = Extra.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                    throw Problem.invalid(pointer, "unknown include \(item == .null ? "null" : JSONWriter.format(item)); expected one of \(names)")
                }
                extras.insert(extra)
            }
        }
        switch (reader.has("point"), reader.has("points")) {
        case (true, true):
            throw Problem.invalid("/points", "give either 'point' or 'points', not both")
        case (false, false):
            throw Problem.invalid("/point", "missing required field 'point' (one input vector) or 'points' (a batch)")
        case (true, false):
            points = [try reader.numbers("point")]
            isBatch = false
        case (false, true):
            guard case .array(let items) = try reader.value("points") else {
                throw Problem.invalid("/points", "points must be an array of input vectors")
            }
            guard !items.isEmpty else { throw Problem.invalid("/points", "points must hold at least one point") }
            guard items.count <= maxBatchSize else {
                throw Problem(.limitExceeded,
                    detail: "the batch has \(items.count) points, more than the limit maxBatchSize = \(maxBatchSize)",
                    errors: [.init(pointer: "/points", detail: "at most \(maxBatchSize) points per request")],
                    extensions: [("limit", .string("maxBatchSize"))])
            }
            var points: [[Double]] = []
            points.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                points.append(try FieldReader.numbers(item, at: JSONPointer.appending("/points", index)))
            }
            self.points = points
            isBatch = true
        }
    }

    /// Where the point with this batch index sits in the request.
    func pointPointer(_ index: Int?) -> String {
        isBatch ? JSONPointer.appending("/points", index ?? 0) : "/point"
    }
}

private extension JSONWriter {
    static func format(_ value: JSONValue) -> String { String(decoding: bytes(value), as: UTF8.self) }
}

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

    /// How the answer carries its numbers: JSON numbers, or base64 arrays of little-endian doubles.
    enum Encoding: String {
        case json
        case base64
    }

    /// The `function` member as sent; `RequestFunction` compiles it (from the cache when seen before).
    var function: JSONValue
    /// The points to evaluate at, one array each; one entry when the request gave `point`. Built from
    /// `flatPoints` on use when there are any (only answers that need a point at a time use it).
    var points: [[Double]] {
        guard let flatPoints else { return listedPoints }
        let width = flatPoints.count / max(pointCount, 1)
        return (0..<pointCount).map { Array(flatPoints[($0 * width)..<(($0 + 1) * width)]) }
    }
    /// The points of `point` or `points`.
    private var listedPoints: [[Double]] = []
    /// The points of `points_base64`, row-major (count × n), as decoded; or those of `points` when every point
    /// has the same length.
    var flatPoints: [Double]?
    /// Number of points.
    var pointCount: Int
    /// True when the request gave `points` or `points_base64` (a batch), false for `point`.
    var isBatch: Bool
    /// True when the points came as `points_base64`.
    var pointsAreBase64 = false
    var encoding: Encoding
    var variable: DifferentiationVariable
    var mode: DifferentiationMode
    var extras: Set<Extra>
    var format: Format
    /// Directions for Jacobian–vector products (`jvp`), lengths checked once the function is compiled.
    var tangents: VectorList?
    /// Weights for vector–Jacobian products (`vjp`).
    var cotangents: VectorList?

    static let fields = ["function", "point", "points", "wrt", "mode", "include", "format", "tangents", "cotangents",
                         "points_base64", "points_shape", "encoding"]

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
        encoding = try reader.choice("encoding", default: .json, among: [.json, .base64])
        let given = ["point", "points", "points_base64"].filter { reader.has($0) }
        if reader.has("points_shape") && !reader.has("points_base64") {
            throw Problem.invalid("/points_shape", "points_shape goes with points_base64")
        }
        guard given.count <= 1 else {
            throw Problem.invalid("/" + given[1], "give one of 'point', 'points' or 'points_base64', not several")
        }
        switch given.first {
        case nil:
            throw Problem.invalid("/point", "missing required field 'point' (one input vector) or 'points' (a batch)")
        case "point":
            listedPoints = [try reader.numbers("point")]
            pointCount = 1
            isBatch = false
        case "points_base64":
            let shape = try reader.array("points_shape")
            guard shape.count == 2 else {
                throw Problem.invalid("/points_shape", "points_shape must be [count, n]: the number of points and their length")
            }
            let count = try Self.shapeEntry(shape[0], at: "/points_shape/0", minimum: 1)
            let width = try Self.shapeEntry(shape[1], at: "/points_shape/1", minimum: 0)
            try Self.checkBatchSize(count, at: "/points_shape/0", limit: maxBatchSize)
            let text = try reader.string("points_base64")
            flatPoints = try Base64Doubles.flat(text, count: count, width: width, at: "/points_base64")
            pointCount = count
            isBatch = true
            pointsAreBase64 = true
        default:
            guard case .array(let items) = try reader.value("points") else {
                throw Problem.invalid("/points", "points must be an array of input vectors")
            }
            guard !items.isEmpty else { throw Problem.invalid("/points", "points must hold at least one point") }
            try Self.checkBatchSize(items.count, at: "/points", limit: maxBatchSize)
            pointCount = items.count
            isBatch = true
            if let flat = Self.flatRows(items) {
                flatPoints = flat
            } else {
                var points: [[Double]] = []
                points.reserveCapacity(items.count)
                for (index, item) in items.enumerated() {
                    points.append(try FieldReader.numbers(item, at: JSONPointer.appending("/points", index)))
                }
                listedPoints = points
            }
        }
        if encoding == .base64 { try checkBase64Answer() }
    }

    /// Where the point with this batch index sits in the request (the base64 string as a whole, which a pointer
    /// cannot index into; problems carry `point_index` as well).
    func pointPointer(_ index: Int?) -> String {
        if pointsAreBase64 { return "/points_base64" }
        return isBatch ? JSONPointer.appending("/points", index ?? 0) : "/point"
    }

    /// The points as one row-major array when every point is an array of numbers as long as the first (as a
    /// batch from a numerical client is): no array per point, which a batch of 100,000 would allocate and free.
    /// Nil for anything else, which the point-by-point reading then words as an error or reads as it is.
    private static func flatRows(_ items: [JSONValue]) -> [Double]? {
        guard case .array(let first) = items[0] else { return nil }
        let width = first.count
        var flat: [Double] = []
        flat.reserveCapacity(items.count * width)
        for item in items {
            guard case .array(let entries) = item, entries.count == width else { return nil }
            for entry in entries {
                guard case .number(let number) = entry else { return nil }
                flat.append(number)
            }
        }
        return flat
    }

    /// One entry of `points_shape`: a whole number ≥ `minimum` (the byte length bounds it from above).
    private static func shapeEntry(_ value: JSONValue, at pointer: String, minimum: Int) throws(Problem) -> Int {
        let number = try FieldReader.number(value, at: pointer)
        guard number.rounded() == number, number >= Double(minimum), number < 1e15 else {
            throw Problem.invalid(pointer, "points_shape entries must be whole numbers of at least \(minimum), "
                + "got \(JSONWriter.format(number))")
        }
        return Int(number)
    }

    private static func checkBatchSize(_ count: Int, at pointer: String, limit maxBatchSize: Int) throws(Problem) {
        guard count <= maxBatchSize else {
            throw Problem(.limitExceeded,
                detail: "the batch has \(count) points, more than the limit maxBatchSize = \(maxBatchSize)",
                errors: [.init(pointer: pointer, detail: "at most \(maxBatchSize) points per request")],
                extensions: [("limit", .string("maxBatchSize"))])
        }
    }

    /// The base64 answer carries values and dense Jacobians only; the rest is refused rather than silently
    /// dropped (a client asking for both would otherwise not see what it lost).
    private func checkBase64Answer() throws(Problem) {
        let unsupported: [(field: String, present: Bool)] = [
            ("format", format != .dense), ("tangents", tangents != nil),
            ("cotangents", cotangents != nil), ("include", !extras.isEmpty),
        ]
        if let field = unsupported.first(where: \.present)?.field {
            throw Problem.invalid("/" + field, "encoding 'base64' answers values and dense Jacobians only; "
                + "'\(field)' needs encoding 'json'")
        }
    }
}

private extension JSONWriter {
    static func format(_ value: JSONValue) -> String { String(decoding: bytes(value), as: UTF8.self) }
}

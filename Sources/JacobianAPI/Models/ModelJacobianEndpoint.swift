import JacobianEngine
import Pictures

/// POST /v1/jacobian with `{"function": {"type": "model", "name": ...}}`: the Jacobian of a registered model at
/// one input tensor, with a classifier's saliency map and the effect of perturbations on request.
///
/// A model reference bypasses the compiled-function cache: the repository holds the compiled model, and a request
/// keeps the `RegisteredModel` it looked up to the end, so a concurrent replacement never mixes two models.
struct ModelJacobianEndpoint {
    let models: ModelRepository

    static let fields = ["function", "point", "include", "class", "perturbations"]

    /// Whether a /v1/jacobian body refers to a model (and so belongs here rather than to the expression engine).
    static func refersToModel(_ body: JSONValue) -> Bool {
        guard case .object(let object) = body, case .object(let function)? = object["function"] else { return false }
        return function["type"] == .string("model")
    }

    struct Outcome {
        var model: RegisteredModel
        var value: [Double]
        var jacobian: Matrix
        var saliency: Saliency
        var includeSaliency: Bool
        var perturbations: [PerturbationEffect]?
        var imageShape: (rows: Int, columns: Int)
        var point: [Double]
    }

    func run(_ body: JSONValue) throws(Problem) -> Outcome {
        let reader = try FieldReader(body, at: "", allowed: Self.fields)
        let functionReader = try FieldReader(try reader.value("function"), at: "/function", allowed: ["type", "name"])
        let name = try functionReader.string("name")
        guard let registered = models.model(named: name) else {
            let known = models.all().map { "'\($0.name)'" }.joined(separator: ", ")
            throw Problem.invalid("/function/name",
                "no model named '\(name)'; \(known.isEmpty ? "none are registered (PUT /v1/models/{name})" : "registered: \(known)")")
        }
        let function = registered.model.function
        let shape = registered.model.inputShape
        let entries = function.outputCount.multipliedReportingOverflow(by: function.inputCount)
        guard !entries.overflow, entries.partialValue <= models.limits.maxJacobianEntries else {
            throw Problem(.limitExceeded,
                detail: "the Jacobian would have \(function.outputCount) × \(function.inputCount) entries, more than the limit maxJacobianEntries = \(models.limits.maxJacobianEntries)",
                errors: [.init(pointer: "/function", detail: "too large a Jacobian")],
                extensions: [("limit", .string("maxJacobianEntries"))])
        }
        let point = try TensorJSON.read(try reader.value("point"), at: "/point", shape: shape)
        var includeSaliency = false
        if reader.has("include") {
            for (index, item) in try reader.array("include").enumerated() {
                guard item == .string("saliency") else {
                    throw Problem.invalid(JSONPointer.appending("/include", index), "a model request may include \"saliency\" only")
                }
                includeSaliency = true
            }
        }
        let requestedClass = reader.has("class")
            ? try reader.integer("class", default: 0, in: 0...(function.outputCount - 1)) : nil
        let perturbations = reader.has("perturbations")
            ? try Perturbations(try reader.value("perturbations"), shape: shape, maxElements: models.limits.maxJacobianEntries)
            : nil
        do {
            let result = try function.compiled.jacobian(at: point, mode: .reverse)
            let saliency = Saliency(result: result, inputShape: shape, requestedClass: requestedClass)
            var effects: [PerturbationEffect]?
            if let perturbations {
                effects = []
                for (delta, source) in perturbations.deltas {
                    let moved = try function.evaluate(at: zip(point, delta).map(+))
                    effects!.append(PerturbationEffect(delta: delta, source: source, base: result, moved: moved))
                }
            }
            let dims = shape.count >= 2 ? (shape[shape.count - 2], shape[shape.count - 1]) : (1, function.inputCount)
            return Outcome(model: registered, value: result.value, jacobian: result.jacobian, saliency: saliency,
                           includeSaliency: includeSaliency, perturbations: effects, imageShape: dims, point: point)
        } catch {
            throw EngineProblems.problem(from: error, functionPointer: "/function", pointPointer: { _ in "/point" })
        }
    }
}

/// A classifier's sensitivity at one input: |∂score/∂pixel| of one class, the largest over channels.
struct Saliency {
    var predictedClass: Int
    var scoredClass: Int
    var score: Double
    /// H×W (the input's last two axes; the axes before them are channels, reduced by max).
    var map: [[Double]]

    init(result: JacobianResult, inputShape: [Int], requestedClass: Int?) {
        predictedClass = result.value.indices.max { result.value[$0] < result.value[$1] } ?? 0
        scoredClass = requestedClass ?? predictedClass
        score = result.value[scoredClass]
        let gradient = result.jacobian.row(scoredClass)
        let (height, width) = inputShape.count >= 2
            ? (inputShape[inputShape.count - 2], inputShape[inputShape.count - 1]) : (1, gradient.count)
        let plane = height * width
        map = (0..<height).map { i in
            (0..<width).map { j in
                stride(from: i * width + j, to: gradient.count, by: plane)
                    .map { abs(gradient[gradient.startIndex + $0]) }.max() ?? 0
            }
        }
    }
}

/// One perturbation δ: the first-order prediction J·δ, the actual change f(x + δ) − f(x), and the class.
struct PerturbationEffect {
    var source: String
    var norm: Double
    var predicted: [Double]
    var actual: [Double]
    var classBefore: Int
    var classAfter: Int
    var firstOrderClass: Int

    init(delta: [Double], source: String, base: JacobianResult, moved: [Double]) {
        self.source = source
        norm = delta.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let jacobian = base.jacobian
        predicted = (0..<jacobian.rows).map { row in zip(jacobian.row(row), delta).reduce(0) { $0 + $1.0 * $1.1 } }
        actual = zip(moved, base.value).map(-)
        func argmax(_ values: [Double]) -> Int { values.indices.max { values[$0] < values[$1] } ?? 0 }
        classBefore = argmax(base.value)
        classAfter = argmax(moved)
        firstOrderClass = argmax(zip(base.value, predicted).map(+))
    }

    var json: JSONValue {
        .object([
            "source": .string(source),
            "norm": .number(norm),
            "predicted_change": .numbers(predicted),
            "actual_change": .numbers(actual),
            "predicted_class": .number(Double(classAfter)),
            "first_order_class": .number(Double(firstOrderClass)),
            "class_changed": .bool(classAfter != classBefore),
        ])
    }
}

extension ModelJacobianEndpoint.Outcome: EndpointOutcome {
    func writeJSON(into writer: inout JSONWriter) throws(Problem) {
        let function = model.model.function.compiled
        writer.reserveCapacity(256 + jacobian.storage.count * 22 + function.columnCount * 12)
        writer.beginObject()
        writer.key("value")
        writer.numbers(value)
        writer.key("jacobian")
        writer.beginArray()
        for row in 0..<jacobian.rows { writer.numbers(jacobian.row(row)) }
        writer.endArray()
        writer.key("shape")
        writer.numbers([Double(jacobian.rows), Double(jacobian.columns)])
        writer.key("mode")
        writer.string("reverse")
        writer.key("columns")
        writer.beginArray()
        for name in function.columnNames { writer.string(name) }
        writer.endArray()
        writer.key("rows")
        writer.beginArray()
        for name in function.rowNames { writer.string(name) }
        writer.endArray()
        writer.key("model")
        writer.value(.object(["name": .string(model.name), "sha256": .string(model.sha256)]))
        if includeSaliency {
            writer.key("saliency")
            writer.value(.object([
                "class": .number(Double(saliency.scoredClass)),
                "score": .number(saliency.score),
                "predicted_class": .number(Double(saliency.predictedClass)),
                "map": .rows(saliency.map),
            ]))
        }
        if let perturbations {
            writer.key("perturbations")
            writer.beginArray()
            for effect in perturbations { writer.value(effect.json) }
            writer.endArray()
        }
        writer.endObject()
    }

    /// The input image (mean over channels) beside the saliency map of the scored class.
    func svg() -> String {
        let (rows, columns) = imageShape
        let plane = rows * columns
        let image = (0..<rows).map { i in
            (0..<columns).map { j in
                let channel = stride(from: i * columns + j, to: point.count, by: plane).map { point[$0] }
                return channel.reduce(0, +) / Double(max(channel.count, 1))
            }
        }
        return SVGPlot.saliency(
            image: image, saliency: saliency.map, title: "Saliency of class \(saliency.scoredClass), model \(model.name)",
            caption: "predicted class \(saliency.predictedClass), score of class \(saliency.scoredClass) = \(JSONWriter.format(saliency.score))")
    }
}

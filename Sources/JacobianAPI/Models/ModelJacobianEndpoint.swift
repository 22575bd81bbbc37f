import JacobianEngine
import Pictures

/// POST /v1/jacobian with `{"function": {"type": "model", "name": ...}}`: the Jacobian of a registered model at
/// one input tensor, with a classifier's saliency map and the effect of perturbations on request.
///
/// A model reference bypasses the compiled-function cache: the repository holds the compiled model, and a request
/// keeps the `RegisteredModel` it looked up to the end, so a concurrent replacement never mixes two models.
struct ModelJacobianEndpoint {
    let models: ModelRepository
    /// The engine's limits, for what model requests share with function requests (`maxVectors`, the gradient
    /// check's `maxBatchSize`).
    var engineLimits = EngineLimits()

    static let fields = ["function", "point", "mode", "jacobian", "include", "class", "perturbations", "tangents",
                         "cotangents"]
    /// What `include` may name for a model.
    static let extras = ["saliency", "check", "jacobian"]

    /// Whether a /v1/jacobian body refers to a model (and so belongs here rather than to the expression engine).
    static func refersToModel(_ body: JSONValue) -> Bool {
        guard case .object(let object) = body, case .object(let function)? = object["function"] else { return false }
        return function["type"] == .string("model")
    }

    struct Outcome {
        var model: RegisteredModel
        var value: [Double]
        /// Nil when the request said `"jacobian": false` (saliency and perturbations only).
        var jacobian: Matrix?
        var mode: DifferentiationMode
        /// Nil when neither asked for nor free (a request for products only).
        var saliency: Saliency?
        var includeSaliency: Bool
        var perturbations: [PerturbationEffect]?
        var imageShape: (rows: Int, columns: Int)
        var point: [Double]
        /// J·v per tangent, uᵀJ per cotangent, the gradient check: as for functions.
        var jvp: [[Double]]?
        var vjp: [[Double]]?
        var check: GradientCheck?
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
        var includeSaliency = false, includeCheck = false, includeJacobian = false
        if reader.has("include") {
            for (index, item) in try reader.array("include").enumerated() {
                switch item {
                case .string("saliency"): includeSaliency = true
                case .string("check"): includeCheck = true
                case .string("jacobian"): includeJacobian = true
                default:
                    throw Problem.invalid(JSONPointer.appending("/include", index),
                        "a model request may include " + Self.extras.map { "\"\($0)\"" }.joined(separator: ", "))
                }
            }
        }
        let tangents = try VectorList.read("tangents", in: reader, limit: engineLimits.maxVectors)
        let cotangents = try VectorList.read("cotangents", in: reader, limit: engineLimits.maxVectors)
        try tangents?.check(length: function.inputCount, what: "input elements")
        try cotangents?.check(length: function.outputCount, what: "outputs")
        // As for functions, products replace the Jacobian unless it is asked for too.
        let defaultJacobian = (tangents == nil && cotangents == nil) || includeJacobian
        guard case .bool(let wantsJacobian) = reader.has("jacobian") ? try reader.value("jacobian") : .bool(defaultJacobian) else {
            throw Problem.invalid("/jacobian", "jacobian must be true or false")
        }
        let mode = try reader.choice("mode", default: DifferentiationMode.auto, among: [.auto, .forward, .reverse])
        let entries = function.outputCount.multipliedReportingOverflow(by: function.inputCount)
        // The gradient check compares a whole Jacobian too.
        guard !(wantsJacobian || includeCheck)
            || (!entries.overflow && entries.partialValue <= models.limits.maxJacobianEntries)
        else {
            throw Problem(.limitExceeded,
                detail: "the Jacobian would have \(function.outputCount) × \(function.inputCount) entries, more than the limit maxJacobianEntries = \(models.limits.maxJacobianEntries)",
                errors: [.init(pointer: "/function", detail: "too large a Jacobian; \"jacobian\": false (without \"check\") asks for products, saliency and perturbations only")],
                extensions: [("limit", .string("maxJacobianEntries"))])
        }
        let point = try TensorJSON.read(try reader.value("point"), at: "/point", shape: shape)
        let requestedClass = reader.has("class")
            ? try reader.integer("class", default: 0, in: 0...(function.outputCount - 1)) : nil
        let perturbations = reader.has("perturbations")
            ? try Perturbations(try reader.value("perturbations"), shape: shape, maxElements: models.limits.maxJacobianEntries)
            : nil
        // Every sweep the request takes, each about one evaluation's work, bounded before any runs.
        let resolved = function.compiled.resolvedMode(mode)
        let jacobianSweeps = resolved == .forward ? function.inputCount : function.outputCount
        try checkWork(sweeps: [
            1, wantsJacobian ? jacobianSweeps : 1, tangents?.vectors.count ?? 0, cotangents?.vectors.count ?? 0,
            includeCheck ? 2 * function.inputCount + jacobianSweeps : 0, 2 * (perturbations?.deltas.count ?? 0),
        ], of: function)
        do throws(EngineError) {
            let result = wantsJacobian ? try function.compiled.jacobian(at: point, mode: resolved) : nil
            let jvp = try tangents.map { (list) throws(EngineError) in
                try function.compiled.jacobianVectorProducts(at: point, tangents: list.vectors, limits: engineLimits)
            }
            let vjp = try cotangents.map { (list) throws(EngineError) in
                try function.compiled.vectorJacobianProducts(at: point, cotangents: list.vectors, limits: engineLimits)
            }
            // The value comes with whatever was computed; only saliency or perturbations alone evaluate for it.
            let computed = result?.value ?? vjp?.value ?? jvp?.value
            let value = if let computed { computed } else { try function.evaluate(at: point) }
            let predicted = value.indices.max { value[$0] < value[$1] } ?? 0
            let scored = requestedClass ?? predicted
            // The scored class's gradient is a row of the Jacobian when there is one, otherwise one reverse sweep,
            // taken when the saliency is asked for (or the request is for saliency and perturbations alone); a
            // request for products only does not pay for it (its picture computes it if asked for).
            let wantsSaliency = includeSaliency || (tangents == nil && cotangents == nil && !includeCheck)
            let gradient: [Double]? = if let result {
                Array(result.jacobian.row(scored))
            } else if wantsSaliency {
                try function.gradient(at: point, row: scored).gradient
            } else {
                nil
            }
            let saliency = gradient.map {
                Saliency(gradient: $0, inputShape: shape, predictedClass: predicted, scoredClass: scored,
                         score: value[scored])
            }
            var effects: [PerturbationEffect]?
            if let perturbations {
                effects = []
                for (delta, source) in perturbations.deltas {
                    let moved = try function.evaluate(at: zip(point, delta).map(+))
                    let product = try function.jacobianVectorProduct(at: point, direction: delta).product
                    effects!.append(PerturbationEffect(delta: delta, source: source, value: value, product: product,
                                                       moved: moved))
                }
            }
            let check = includeCheck ? try function.compiled.gradientCheck(at: point, limits: engineLimits) : nil
            let dims = shape.count >= 2 ? (shape[shape.count - 2], shape[shape.count - 1]) : (1, function.inputCount)
            return Outcome(model: registered, value: value, jacobian: result?.jacobian, mode: resolved,
                           saliency: saliency, includeSaliency: includeSaliency, perturbations: effects,
                           imageShape: dims, point: point, jvp: jvp?.products, vjp: vjp?.products, check: check)
        } catch {
            throw VectorList.problem(from: error, functionPointer: "/function", pointPointer: { _ in "/point" })
        }
    }

    /// Refuses a request whose sweeps together would take more than `maxRequestOperations` multiply-adds.
    private func checkWork(sweeps: [Int], of function: ModelFunction) throws(Problem) {
        var total = 0
        for count in sweeps {
            let (work, overflow) = count.multipliedReportingOverflow(by: function.operationsPerSweep)
            let (sum, overflowSum) = total.addingReportingOverflow(work)
            total = overflow || overflowSum ? Int.max : sum
        }
        let limit = models.limits.maxRequestOperations
        guard total <= limit else {
            throw Problem(.limitExceeded,
                detail: "the request would take about \(total) multiply-adds (\(sweeps.reduce(0, +)) sweeps of the model, \(function.operationsPerSweep) each), more than the limit maxRequestOperations = \(limit)",
                errors: [.init(pointer: "", detail: "ask for fewer products, perturbations or checks, or \"jacobian\": false")],
                extensions: [("limit", .string("maxRequestOperations"))])
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

    init(gradient: [Double], inputShape: [Int], predictedClass: Int, scoredClass: Int, score: Double) {
        self.predictedClass = predictedClass
        self.scoredClass = scoredClass
        self.score = score
        let (height, width) = inputShape.count >= 2
            ? (inputShape[inputShape.count - 2], inputShape[inputShape.count - 1]) : (1, gradient.count)
        let plane = height * width
        map = (0..<height).map { i in
            (0..<width).map { j in
                stride(from: i * width + j, to: gradient.count, by: plane)
                    .map { abs(gradient[$0]) }.max() ?? 0
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

    /// `product` is J·δ (a forward-mode sweep), `value` f(x) and `moved` f(x + δ).
    init(delta: [Double], source: String, value: [Double], product: [Double], moved: [Double]) {
        self.source = source
        norm = delta.reduce(0) { $0 + $1 * $1 }.squareRoot()
        predicted = product
        actual = zip(moved, value).map(-)
        func argmax(_ values: [Double]) -> Int { values.indices.max { values[$0] < values[$1] } ?? 0 }
        classBefore = argmax(value)
        classAfter = argmax(moved)
        firstOrderClass = argmax(zip(value, predicted).map(+))
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
        writer.reserveCapacity(256 + (jacobian?.storage.count ?? 0) * 22 + function.columnCount * 12)
        writer.beginObject()
        writer.key("value")
        writer.numbers(value)
        // The Jacobian and what names and describes it, unless the request said "jacobian": false.
        if let jacobian {
            writer.key("jacobian")
            writer.beginArray()
            for row in 0..<jacobian.rows { writer.numbers(jacobian.row(row)) }
            writer.endArray()
            writer.key("shape")
            writer.numbers([Double(jacobian.rows), Double(jacobian.columns)])
            writer.key("mode")
            writer.string(mode.rawValue)
            writer.key("columns")
            writer.strings(function.columnNames)
            writer.key("rows")
            writer.strings(function.rowNames)
        }
        writer.key("model")
        writer.value(.object(["name": .string(model.name), "sha256": .string(model.sha256)]))
        if includeSaliency, let saliency {
            writer.key("saliency")
            writer.value(.object([
                "class": .number(Double(saliency.scoredClass)),
                "score": .number(saliency.score),
                "predicted_class": .number(Double(saliency.predictedClass)),
                "map": .rows(saliency.map),
            ]))
        }
        if let jvp {
            writer.key("jvp")
            writer.value(.rows(jvp))
        }
        if let vjp {
            writer.key("vjp")
            writer.value(.rows(vjp))
        }
        if let check {
            writer.key("check")
            writer.value(SparseJSON.check(check))
        }
        if let perturbations {
            writer.key("perturbations")
            writer.beginArray()
            for effect in perturbations { writer.value(effect.json) }
            writer.endArray()
        }
        writer.endObject()
    }

    /// The predicted class's saliency, for the picture of a request that did not compute it (products only).
    private func predictedClassSaliency() -> Saliency {
        let predicted = value.indices.max { value[$0] < value[$1] } ?? 0
        let gradient = (try? model.model.function.gradient(at: point, row: predicted).gradient)
            ?? [Double](repeating: 0, count: point.count)
        return Saliency(gradient: gradient, inputShape: model.model.inputShape, predictedClass: predicted,
                        scoredClass: predicted, score: value[predicted])
    }

    /// The input image (mean over channels) beside the saliency map of the scored class.
    func svg() -> String {
        let (rows, columns) = imageShape
        let saliency = self.saliency ?? predictedClassSaliency()
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

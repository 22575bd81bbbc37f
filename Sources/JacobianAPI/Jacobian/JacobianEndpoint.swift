import JacobianEngine
import Pictures
import Solvers

/// POST /v1/jacobian: the Jacobian of a function at a point or a batch of points (dense or over its sparsity
/// pattern), Jacobian–vector and vector–Jacobian products, and optional extras.
struct JacobianEndpoint {
    let engine: JacobianEngine
    /// `APIConfiguration.maxResponseBytes`, checked before the work.
    var maxResponseBytes = Int.max
    /// Where `{"type": "model"}` functions are found (`ModelJacobianEndpoint` answers those requests).
    var models: ModelRepository? = nil

    /// What the endpoint computed at one point.
    struct PointOutcome: Sendable {
        var value: [Double] = []
        /// The dense Jacobian, when one was computed (asked for, or needed by an extra).
        var jacobian: Matrix?
        /// The Jacobian over its pattern, for `format: "sparse"`.
        var sparse: SparseMatrix?
        /// J·v per tangent.
        var jvp: [[Double]]?
        /// uᵀJ per cotangent.
        var vjp: [[Double]]?
        var check: GradientCheck?
    }

    /// What the endpoint computed, before it is rendered as JSON or SVG.
    struct Outcome {
        var function: CompiledFunction
        /// The mode the Jacobian was computed in, nil when only products were.
        var mode: DifferentiationMode?
        var points: [PointOutcome]
        var isBatch: Bool
        var extras: Set<JacobianRequest.Extra>
        var format: JacobianRequest.Format
        /// Whether the answer carries the Jacobian (it does unless products replaced it).
        var showsJacobian: Bool
        /// JSON numbers, or base64 arrays (values and dense Jacobians only, checked by the request).
        var encoding: JacobianRequest.Encoding = .json
        /// A batch of values and dense Jacobians alone, in flat buffers; `points` is then empty.
        var batch: JacobianBatch? = nil
    }

    /// A request for a model (`ModelJacobianEndpoint`) or for a function given in the body (`run`).
    func respond(_ body: JSONValue, interruption: Interruption = .none) throws(Problem) -> any EndpointOutcome {
        if let models, ModelJacobianEndpoint.refersToModel(body) {
            return try ModelJacobianEndpoint(models: models, engineLimits: engine.limits).run(body)
        }
        return try run(body, interruption: interruption)
    }

    func run(_ body: JSONValue, interruption: Interruption = .none) throws(Problem) -> Outcome {
        let request = try JacobianRequest(
            body, maxBatchSize: engine.limits.maxBatchSize, maxVectors: engine.limits.maxVectors)
        let function = try RequestFunction.compile(request.function, at: "/function", withRespectTo: request.variable,
                                                   engine: engine)
        // Each point's value and Jacobian: outputs × (columns + 1) numbers.
        try ResponseSize.check([request.pointCount, function.outputCount, function.columnCount + 1],
                               of: "the answer", at: request.isBatch ? "/points" : "/function", limit: maxResponseBytes)
        try request.tangents?.check(length: function.columnCount, what: "columns")
        try request.cotangents?.check(length: function.outputCount, what: "outputs")
        if request.extras.contains(.check) {
            guard request.variable == .input else {
                throw Problem.invalid("/include", "the gradient check perturbs the point, so it needs wrt 'input'")
            }
            let evaluations = request.pointCount * 2 * function.inputCount
            guard evaluations <= engine.limits.maxBatchSize else {
                throw Problem(.limitExceeded,
                    detail: "the gradient check needs \(evaluations) evaluations (2 per column per point), more than "
                        + "the limit maxBatchSize = \(engine.limits.maxBatchSize)",
                    errors: [.init(pointer: "/include", detail: "send fewer points with 'check'")],
                    extensions: [("limit", .string("maxBatchSize"))])
            }
        }
        do {
            return try compute(request, function, interruption: interruption)
        } catch {
            throw VectorList.problem(from: error, functionPointer: "/function", pointPointer: request.pointPointer)
        }
    }

    /// Computes what the request asks for: the Jacobian unless products replace it (then only with
    /// `include: ["jacobian"]`), the products, and a dense Jacobian for extras that need one.
    private func compute(
        _ request: JacobianRequest, _ function: CompiledFunction, interruption: Interruption
    ) throws(EngineError) -> Outcome {
        let limits = engine.limits
        if let batch = try flatBatch(request, function, interruption: interruption) {
            return Outcome(function: function, mode: function.resolvedMode(request.mode), points: [], isBatch: true,
                           extras: [], format: .dense, showsJacobian: true, encoding: request.encoding, batch: batch)
        }
        let points = request.points
        var outcomes = [PointOutcome](repeating: PointOutcome(), count: points.count)
        let hasProducts = request.tangents != nil || request.cotangents != nil
        let showsJacobian = !hasProducts || request.extras.contains(.jacobian)
        let needsDense = (showsJacobian && request.format == .dense)
            || request.extras.contains(.sensitivity) || request.extras.contains(.singularValues)
        var mode: DifferentiationMode?
        if needsDense {
            let results = request.isBatch
                ? try function.jacobians(at: points, mode: request.mode, limits: limits, interruption: interruption)
                : [try function.jacobian(at: points[0], mode: request.mode)]
            for (index, result) in results.enumerated() {
                outcomes[index].value = result.value
                outcomes[index].jacobian = result.jacobian
            }
            mode = function.resolvedMode(request.mode)
        }
        if showsJacobian && request.format == .sparse {
            let results = request.isBatch
                ? try function.sparseJacobians(at: points, mode: request.mode, limits: limits)
                : [try function.sparseJacobian(at: points[0], mode: request.mode)]
            for (index, result) in results.enumerated() {
                outcomes[index].value = result.value
                outcomes[index].sparse = result.jacobian
            }
            mode = function.resolvedSparseMode(request.mode)
        }
        if let tangents = request.tangents {
            let results = try function.products(.tangents, at: points, vectors: tangents.vectors, limits: limits)
            for (index, result) in results.enumerated() {
                outcomes[index].value = result.value
                outcomes[index].jvp = result.products
            }
        }
        if let cotangents = request.cotangents {
            let results = try function.products(.cotangents, at: points, vectors: cotangents.vectors, limits: limits)
            for (index, result) in results.enumerated() {
                outcomes[index].value = result.value
                outcomes[index].vjp = result.products
            }
        }
        if request.extras.contains(.check) {
            for index in points.indices {
                do throws(EngineError) {
                    outcomes[index].check = try function.gradientCheck(at: points[index], limits: limits)
                } catch {
                    var located = error
                    located.pointIndex = index
                    throw located
                }
            }
        }
        return Outcome(function: function, mode: mode, points: outcomes, isBatch: request.isBatch,
                       extras: request.extras, format: request.format, showsJacobian: showsJacobian,
                       encoding: request.encoding)
    }
}

extension JacobianEndpoint {
    /// A batch asking for values and dense Jacobians alone, computed into flat buffers (`JacobianBatch`) with no
    /// array per point; nil for anything else, and for JSON points of the wrong length, whose error the
    /// point-by-point path words.
    private func flatBatch(
        _ request: JacobianRequest, _ function: CompiledFunction, interruption: Interruption
    ) throws(EngineError) -> JacobianBatch? {
        guard request.isBatch, request.tangents == nil, request.cotangents == nil, request.extras.isEmpty,
              request.format == .dense else { return nil }
        let count = request.pointCount
        let flat: [Double]
        if let given = request.flatPoints {
            guard given.count == count * function.inputCount else {
                // JSON points of the wrong length: worded point by point, pointer and all.
                guard request.pointsAreBase64 else { return nil }
                // Every row has the wrong length, so the first point is the first to fail.
                var error = EngineError(kind: .dimensionMismatch, message: "points_shape gives points of "
                    + "\(given.count / max(count, 1)) entries but the function has \(function.inputCount) inputs")
                error.pointIndex = 0
                throw error
            }
            flat = given
        } else {
            let points = request.points
            guard points.allSatisfy({ $0.count == function.inputCount }) else { return nil }
            var joined: [Double] = []
            joined.reserveCapacity(count * function.inputCount)
            for point in points { joined.append(contentsOf: point) }
            flat = joined
        }
        return try function.jacobians(flat: flat, count: count, mode: request.mode, limits: engine.limits,
                                      interruption: interruption)
    }
}

extension JacobianEndpoint.Outcome: EndpointOutcome {
    /// The JSON response: `value`, `jacobian` / `sparse_jacobian`, `jvp`, `vjp` (or `results` for a batch),
    /// `shape`, `mode`, `columns`, extras; written number by number into the output, which for a large batch is
    /// most of the response's cost.
    func writeJSON(into writer: inout JSONWriter) throws(Problem) {
        if encoding == .base64 { return writeBase64(into: &writer) }
        let entries = function.outputCount * (function.columnCount + 1)
        writer.reserveCapacity(128 + (batch?.count ?? points.count) * entries * 20 + function.columnCount * 8)
        writer.beginObject()
        if let batch {
            writer.key("results")
            writer.beginArray()
            BatchResultsJSON.write(batch, into: &writer)
            writer.endArray()
        } else if isBatch {
            writer.key("results")
            writer.beginArray()
            try writeInParallel(points, into: &writer, bytesPerItem: entries * 20) { point, writer throws(Problem) in
                writer.beginObject()
                try writeMembers(of: point, into: &writer)
                writer.endObject()
            }
            writer.endArray()
        } else {
            try writeMembers(of: points[0], into: &writer)
        }
        writer.key("shape")
        writer.numbers([Double(function.outputCount), Double(function.columnCount)])
        if let mode {
            writer.key("mode")
            writer.string(mode.rawValue)
            if showsJacobian && format == .sparse {
                writer.key("sweeps")
                writer.number(Double(function.sparseSweepCount(mode)))
            }
        }
        writer.key("columns")
        writer.strings(function.columnNames)
        if extras.contains(.sparsity) {
            writer.key("sparsity")
            writer.value(SparseJSON.pattern(function.jacobianSparsity))
        }
        writer.endObject()
    }

    /// `values_base64` (count × m) and `jacobians_base64` (count × m × n), little-endian doubles, row-major.
    private func writeBase64(into writer: inout JSONWriter) {
        let rows = function.outputCount, columns = function.columnCount
        var values: [Double] = [], jacobians: [Double] = []
        if let batch {
            (values, jacobians) = (batch.values, batch.jacobians)
        } else {
            values.reserveCapacity(points.count * rows)
            jacobians.reserveCapacity(points.count * rows * columns)
            for point in points {
                values.append(contentsOf: point.value)
                jacobians.append(contentsOf: point.jacobian?.storage ?? [])
            }
        }
        let count = batch?.count ?? points.count
        writer.reserveCapacity(256 + Base64.encodedCount((values.count + jacobians.count) * 8) + columns * 8)
        writer.beginObject()
        writer.key("values_base64")
        writer.base64Doubles(values)
        writer.key("jacobians_base64")
        writer.base64Doubles(jacobians)
        writer.key("count")
        writer.number(Double(count))
        writer.key("shape")
        writer.numbers([Double(rows), Double(columns)])
        if let mode {
            writer.key("mode")
            writer.string(mode.rawValue)
        }
        writer.key("columns")
        writer.strings(function.columnNames)
        writer.endObject()
    }

    private func writeMembers(of point: JacobianEndpoint.PointOutcome, into writer: inout JSONWriter) throws(Problem) {
        writer.key("value")
        writer.numbers(point.value)
        if showsJacobian {
            if let sparse = point.sparse {
                writer.key("sparse_jacobian")
                writer.value(SparseJSON.matrix(sparse))
            } else if let jacobian = point.jacobian {
                writer.key("jacobian")
                writer.beginArray()
                for row in 0..<jacobian.rows { writer.numbers(jacobian.row(row)) }
                writer.endArray()
            }
        }
        if let jvp = point.jvp {
            writer.key("jvp")
            writer.value(.rows(jvp))
        }
        if let vjp = point.vjp {
            writer.key("vjp")
            writer.value(.rows(vjp))
        }
        if let jacobian = point.jacobian ?? point.sparse?.dense {
            if extras.contains(.sensitivity) {
                writer.key("sensitivity")
                writer.value(Sensitivity(jacobian).json)
            }
            if extras.contains(.singularValues) { try writeSpectrum(of: jacobian, into: &writer) }
        }
        if let check = point.check {
            writer.key("check")
            writer.value(SparseJSON.check(check))
        }
    }

    private func writeSpectrum(of jacobian: Matrix, into writer: inout JSONWriter) throws(Problem) {
        let values: [Double]
        do {
            values = try LinearAlgebra.singularValues(jacobian)
        } catch {
            throw Problem(.internalError, detail: "the singular value decomposition failed: \(error)")
        }
        let spectrum = SingularSpectrum(singularValues: values, rows: jacobian.rows, columns: jacobian.columns)
        writer.key("singular_values")
        writer.numbers(values)
        // Rank-deficient: σ_max/σ_min is infinite, which JSON cannot say.
        let condition = spectrum.conditionNumber.flatMap { $0.isFinite ? $0 : nil }
        writer.key("condition_number")
        writer.value(condition.map(JSONValue.number) ?? .null)
        writer.key("rank")
        writer.number(Double(spectrum.rank))
        writer.key("rank_tolerance")
        writer.number(spectrum.tolerance)
    }
}

/// The tutorial's sensitivity analysis: the largest |∂Fᵢ/∂xⱼ|, where it is, and each input's column norm.
struct Sensitivity {
    var maxAbs = 0.0
    var maxAbsAt = (row: 0, column: 0)
    var columnNorms: [Double]

    init(_ jacobian: Matrix) {
        columnNorms = [Double](repeating: 0, count: jacobian.columns)
        for row in 0..<jacobian.rows {
            for column in 0..<jacobian.columns {
                let entry = jacobian[row, column]
                if abs(entry) > maxAbs {
                    maxAbs = abs(entry)
                    maxAbsAt = (row, column)
                }
                columnNorms[column] += entry * entry
            }
        }
        columnNorms = columnNorms.map { $0.squareRoot() }
    }

    var json: JSONValue {
        .object([
            "max_abs": .number(maxAbs),
            "max_abs_at": .numbers([Double(maxAbsAt.row), Double(maxAbsAt.column)]),
            "column_norms": .numbers(columnNorms),
        ])
    }
}

extension JacobianEndpoint.Outcome {
    /// A heatmap of the Jacobian; for a batch, of the batch mean of |J| (one picture summarises the batch). When
    /// only products were computed, a heatmap of them (one row per vector).
    func svg() -> String {
        if let batch {
            var flat = self
            flat.points = batch.results.map { JacobianEndpoint.PointOutcome(value: $0.value, jacobian: $0.jacobian) }
            flat.batch = nil
            return flat.svg()
        }
        let matrices = points.map { $0.jacobian?.rowArrays ?? $0.sparse?.dense.rowArrays }
        guard let first = matrices.first, let firstMatrix = first else {
            let products = points[0].jvp ?? points[0].vjp ?? []
            let isJVP = points[0].jvp != nil
            return SVGPlot.heatmap(
                matrix: products, rowLabels: products.indices.map { isJVP ? "tangents[\($0)]" : "cotangents[\($0)]" },
                columnLabels: isJVP ? function.rowNames : function.columnNames,
                title: isJVP ? "Jacobian–vector products" : "Vector–Jacobian products")
        }
        let modeName = mode?.rawValue ?? "forward"
        if isBatch {
            return SVGPlot.heatmap(meanAbsoluteOf: matrices.compactMap { $0 }, rowLabels: function.rowNames,
                                   columnLabels: function.columnNames,
                                   title: "Mean |Jacobian| over \(points.count) points")
        }
        return SVGPlot.heatmap(matrix: firstMatrix, rowLabels: function.rowNames,
                               columnLabels: function.columnNames, title: "Jacobian (\(modeName) mode)")
    }
}

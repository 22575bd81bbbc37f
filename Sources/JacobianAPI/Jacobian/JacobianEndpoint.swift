import JacobianEngine
import Pictures
import Solvers

/// POST /v1/jacobian: the Jacobian of a function at a point or a batch of points (dense or over its sparsity
/// pattern), Jacobian–vector and vector–Jacobian products, and optional extras.
struct JacobianEndpoint {
    let engine: JacobianEngine

    /// What the endpoint computed at one point.
    struct PointOutcome {
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
    }

    func run(_ body: JSONValue) throws(Problem) -> Outcome {
        let request = try JacobianRequest(
            body, maxBatchSize: engine.limits.maxBatchSize, maxVectors: engine.limits.maxVectors)
        let function: CompiledFunction
        do {
            function = try engine.compile(request.function, withRespectTo: request.variable)
        } catch {
            throw EngineProblems.problem(from: error, functionPointer: "/function", pointPointer: request.pointPointer)
        }
        try request.tangents?.check(length: function.columnCount, what: "columns")
        try request.cotangents?.check(length: function.outputCount, what: "outputs")
        if request.extras.contains(.check) {
            guard request.variable == .input else {
                throw Problem.invalid("/include", "the gradient check perturbs the point, so it needs wrt 'input'")
            }
            let evaluations = request.points.count * 2 * function.inputCount
            guard evaluations <= engine.limits.maxBatchSize else {
                throw Problem(.limitExceeded,
                    detail: "the gradient check needs \(evaluations) evaluations (2 per column per point), more than "
                        + "the limit maxBatchSize = \(engine.limits.maxBatchSize)",
                    errors: [.init(pointer: "/include", detail: "send fewer points with 'check'")],
                    extensions: [("limit", .string("maxBatchSize"))])
            }
        }
        do {
            return try compute(request, function)
        } catch {
            throw VectorList.problem(from: error, functionPointer: "/function", pointPointer: request.pointPointer)
        }
    }

    /// Computes what the request asks for: the Jacobian unless products replace it (then only with
    /// `include: ["jacobian"]`), the products, and a dense Jacobian for extras that need one.
    private func compute(_ request: JacobianRequest, _ function: CompiledFunction) throws(EngineError) -> Outcome {
        let limits = engine.limits
        let points = request.points
        var outcomes = [PointOutcome](repeating: PointOutcome(), count: points.count)
        let hasProducts = request.tangents != nil || request.cotangents != nil
        let showsJacobian = !hasProducts || request.extras.contains(.jacobian)
        let needsDense = (showsJacobian && request.format == .dense)
            || request.extras.contains(.sensitivity) || request.extras.contains(.singularValues)
        var mode: DifferentiationMode?
        if needsDense {
            let results = request.isBatch
                ? try function.jacobians(at: points, mode: request.mode, limits: limits)
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
                       extras: request.extras, format: request.format, showsJacobian: showsJacobian)
    }
}

extension JacobianEndpoint.Outcome: EndpointOutcome {
    /// The JSON response: `value`, `jacobian` / `sparse_jacobian`, `jvp`, `vjp` (or `results` for a batch),
    /// `shape`, `mode`, `columns`, extras.
    func json() throws(Problem) -> JSONValue {
        var object = JSONObject()
        if isBatch {
            var items: [JSONValue] = []
            items.reserveCapacity(points.count)
            for point in points { items.append(.object(try members(of: point))) }
            object.append("results", .array(items))
        } else {
            object = try members(of: points[0])
        }
        object.append("shape", .numbers([Double(function.outputCount), Double(function.columnCount)]))
        if let mode { object.append("mode", .string(mode.rawValue)) }
        if showsJacobian && format == .sparse, let mode {
            object.append("sweeps", .number(Double(function.sparseSweepCount(mode))))
        }
        object.append("columns", .strings(function.columnNames))
        if extras.contains(.sparsity) { object.append("sparsity", SparseJSON.pattern(function.jacobianSparsity)) }
        return .object(object)
    }

    private func members(of point: JacobianEndpoint.PointOutcome) throws(Problem) -> JSONObject {
        var object = JSONObject([("value", .numbers(point.value))])
        if showsJacobian {
            if let sparse = point.sparse {
                object.append("sparse_jacobian", SparseJSON.matrix(sparse))
            } else if let jacobian = point.jacobian {
                object.append("jacobian", .rows(jacobian.rowArrays))
            }
        }
        if let jvp = point.jvp { object.append("jvp", .rows(jvp)) }
        if let vjp = point.vjp { object.append("vjp", .rows(vjp)) }
        if let jacobian = point.jacobian ?? point.sparse?.dense {
            if extras.contains(.sensitivity) {
                object.append("sensitivity", Sensitivity(jacobian).json)
            }
            if extras.contains(.singularValues) {
                let values: [Double]
                do {
                    values = try LinearAlgebra.singularValues(jacobian)
                } catch {
                    throw Problem(.internalError, detail: "the singular value decomposition failed: \(error)")
                }
                let spectrum = Spectrum(singularValues: values, shape: (jacobian.rows, jacobian.columns))
                object.append("singular_values", .numbers(values))
                object.append("condition_number", spectrum.conditionNumber.map(JSONValue.number) ?? .null)
                object.append("rank", .number(Double(spectrum.rank)))
            }
        }
        if let check = point.check { object.append("check", SparseJSON.check(check)) }
        return object
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

/// Rank and condition number from one set of singular values (descending), with the same cutoff as
/// `LinearAlgebra.rank` (numpy's `matrix_rank` rule).
struct Spectrum {
    var rank: Int
    /// σ_max / σ_min, or nil when σ_min is exactly zero (the ratio is infinite; JSON has no infinity).
    var conditionNumber: Double?

    init(singularValues: [Double], shape: (rows: Int, columns: Int)) {
        let largest = singularValues.first ?? 0
        let cutoff = LinearAlgebra.defaultRelativeCutoff(rows: shape.rows, columns: shape.columns) * largest
        rank = singularValues.filter { $0 > cutoff }.count
        if let smallest = singularValues.last, smallest > 0 {
            conditionNumber = largest / smallest
        } else {
            conditionNumber = nil
        }
    }
}

extension JacobianEndpoint.Outcome {
    /// A heatmap of the Jacobian; for a batch, of the batch mean of |J| (one picture summarises the batch). When
    /// only products were computed, a heatmap of them (one row per vector).
    func svg() -> String {
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

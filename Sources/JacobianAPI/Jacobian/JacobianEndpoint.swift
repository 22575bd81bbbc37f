import JacobianEngine
import Pictures
import Solvers

/// POST /v1/jacobian: the Jacobian of a function at a point or a batch of points, with optional extras.
struct JacobianEndpoint {
    let engine: JacobianEngine
    /// `APIConfiguration.maxResponseBytes`, checked before the work.
    var maxResponseBytes = Int.max

    /// What the endpoint computed, before it is rendered as JSON or SVG.
    struct Outcome {
        var function: CompiledFunction
        var mode: DifferentiationMode
        var results: [JacobianResult]
        var isBatch: Bool
        var extras: Set<JacobianRequest.Extra>
    }

    func run(_ body: JSONValue, interruption: Interruption = .none) throws(Problem) -> Outcome {
        let request = try JacobianRequest(body, maxBatchSize: engine.limits.maxBatchSize)
        let function: CompiledFunction
        do {
            function = try engine.compile(request.function, withRespectTo: request.variable)
        } catch {
            throw EngineProblems.problem(from: error, functionPointer: "/function", pointPointer: request.pointPointer)
        }
        // Each point's value and Jacobian: outputs × (columns + 1) numbers.
        try ResponseSize.check([request.points.count, function.outputCount, function.columnCount + 1],
                               of: "the answer", at: request.isBatch ? "/points" : "/function", limit: maxResponseBytes)
        do {
            let results = request.isBatch
                ? try function.jacobians(at: request.points, mode: request.mode, limits: engine.limits,
                                         interruption: interruption)
                : [try function.jacobian(at: request.points[0], mode: request.mode)]
            return Outcome(function: function, mode: function.resolvedMode(request.mode), results: results,
                           isBatch: request.isBatch, extras: request.extras)
        } catch {
            throw EngineProblems.problem(from: error, functionPointer: "/function", pointPointer: request.pointPointer)
        }
    }
}

extension JacobianEndpoint.Outcome: EndpointOutcome {
    /// The JSON response: `value`, `jacobian` (or `results` for a batch), `shape`, `mode`, `columns`, extras.
    func json() throws(Problem) -> JSONValue {
        var object = JSONObject()
        if isBatch {
            var items: [JSONValue] = []
            items.reserveCapacity(results.count)
            for result in results { items.append(.object(try members(of: result))) }
            object.append("results", .array(items))
        } else {
            object = try members(of: results[0])
        }
        object.append("shape", .numbers([Double(function.outputCount), Double(function.columnCount)]))
        object.append("mode", .string(mode.rawValue))
        object.append("columns", .strings(function.columnNames))
        return .object(object)
    }

    private func members(of result: JacobianResult) throws(Problem) -> JSONObject {
        var object = JSONObject([("value", .numbers(result.value)), ("jacobian", .rows(result.jacobian.rowArrays))])
        if extras.contains(.sensitivity) {
            object.append("sensitivity", Sensitivity(result.jacobian).json)
        }
        if extras.contains(.singularValues) {
            let values: [Double]
            do {
                values = try LinearAlgebra.singularValues(result.jacobian)
            } catch {
                throw Problem(.internalError, detail: "the singular value decomposition failed: \(error)")
            }
            let spectrum = Spectrum(singularValues: values, shape: (result.jacobian.rows, result.jacobian.columns))
            object.append("singular_values", .numbers(values))
            object.append("condition_number", spectrum.conditionNumber.map(JSONValue.number) ?? .null)
            object.append("rank", .number(Double(spectrum.rank)))
        }
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
    /// A heatmap of the Jacobian; for a batch, of the batch mean of |J| (one picture summarises the batch).
    func svg() -> String {
        if isBatch {
            return SVGPlot.heatmap(meanAbsoluteOf: results.map { $0.jacobian.rowArrays }, rowLabels: function.rowNames,
                                   columnLabels: function.columnNames,
                                   title: "Mean |Jacobian| over \(results.count) points")
        }
        return SVGPlot.heatmap(matrix: results[0].jacobian.rowArrays, rowLabels: function.rowNames,
                               columnLabels: function.columnNames, title: "Jacobian (\(mode.rawValue) mode)")
    }
}

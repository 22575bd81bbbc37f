import JacobianEngine
import Pictures
import Solvers

/// POST /v1/jacobian: the Jacobian of a function at a point or a batch of points, with optional extras.
struct JacobianEndpoint {
    let engine: JacobianEngine
    /// Where `{"type": "model"}` functions are found (`ModelJacobianEndpoint` answers those requests).
    var models: ModelRepository? = nil

    /// What the endpoint computed, before it is rendered as JSON or SVG.
    struct Outcome {
        var function: CompiledFunction
        var mode: DifferentiationMode
        var results: [JacobianResult]
        var isBatch: Bool
        var extras: Set<JacobianRequest.Extra>
    }

    /// A request for a model (`ModelJacobianEndpoint`) or for a function given in the body (`run`).
    func respond(_ body: JSONValue) throws(Problem) -> any EndpointOutcome {
        if let models, ModelJacobianEndpoint.refersToModel(body) { return try ModelJacobianEndpoint(models: models).run(body) }
        return try run(body)
    }

    func run(_ body: JSONValue) throws(Problem) -> Outcome {
        let request = try JacobianRequest(body, maxBatchSize: engine.limits.maxBatchSize)
        let function = try RequestFunction.compile(request.function, at: "/function", withRespectTo: request.variable,
                                                   engine: engine)
        do {
            let results = request.isBatch
                ? try function.jacobians(at: request.points, mode: request.mode, limits: engine.limits)
                : [try function.jacobian(at: request.points[0], mode: request.mode)]
            return Outcome(function: function, mode: function.resolvedMode(request.mode), results: results,
                           isBatch: request.isBatch, extras: request.extras)
        } catch {
            throw EngineProblems.problem(from: error, functionPointer: "/function", pointPointer: request.pointPointer)
        }
    }
}

extension JacobianEndpoint.Outcome: EndpointOutcome {
    /// The JSON response: `value`, `jacobian` (or `results` for a batch), `shape`, `mode`, `columns`, extras;
    /// written number by number into the output, which for a large batch is most of the response's cost.
    func writeJSON(into writer: inout JSONWriter) throws(Problem) {
        let entries = function.outputCount * (function.columnCount + 1)
        writer.reserveCapacity(128 + results.count * entries * 20 + function.columnCount * 8)
        writer.beginObject()
        if isBatch {
            writer.key("results")
            writer.beginArray()
            for result in results {
                writer.beginObject()
                try writeMembers(of: result, into: &writer)
                writer.endObject()
            }
            writer.endArray()
        } else {
            try writeMembers(of: results[0], into: &writer)
        }
        writer.key("shape")
        writer.numbers([Double(function.outputCount), Double(function.columnCount)])
        writer.key("mode")
        writer.string(mode.rawValue)
        writer.key("columns")
        writer.beginArray()
        for name in function.columnNames { writer.string(name) }
        writer.endArray()
        writer.endObject()
    }

    private func writeMembers(of result: JacobianResult, into writer: inout JSONWriter) throws(Problem) {
        writer.key("value")
        writer.numbers(result.value)
        writer.key("jacobian")
        writer.beginArray()
        for row in 0..<result.jacobian.rows {
            writer.numbers(result.jacobian.row(row))
        }
        writer.endArray()
        if extras.contains(.sensitivity) {
            writer.key("sensitivity")
            writer.value(Sensitivity(result.jacobian).json)
        }
        if extras.contains(.singularValues) {
            let values: [Double]
            do {
                values = try LinearAlgebra.singularValues(result.jacobian)
            } catch {
                throw Problem(.internalError, detail: "the singular value decomposition failed: \(error)")
            }
            let spectrum = SingularSpectrum(
                singularValues: values, rows: result.jacobian.rows, columns: result.jacobian.columns)
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

import JacobianEngine
import Pictures
import Solvers

/// POST /v1/hessian: exact second derivatives of a function (an expression, or a network with respect to its
/// input) at a point (forward-over-reverse): every
/// output's Hessian, or one output's, or Hessian–vector products without forming the Hessian.
struct HessianEndpoint {
    let engine: JacobianEngine

    struct Outcome {
        var function: CompiledFunction
        var result: HessianResult
        /// The output asked for with `output`; nil when every output is answered.
        var output: Int?
        var extras: Set<HessianRequest.Extra>
        /// Hessian–vector products computed: one per colour of the Hessian's pattern, or one per vector.
        var sweeps: Int
    }

    func run(_ body: JSONValue) throws(Problem) -> Outcome {
        let request = try HessianRequest(body, maxVectors: engine.limits.maxVectors)
        let pointPointer: (Int?) -> String = { _ in "/point" }
        let function = try RequestFunction.compile(request.function, at: "/function", engine: engine)
        let output = try request.outputRow(in: function)
        try request.vectors?.check(length: function.columnCount, what: "inputs")
        do {
            let result = if let vectors = request.vectors {
                try function.hessianVectorProducts(
                    at: request.point, vectors: vectors.vectors, output: output, limits: engine.limits)
            } else if request.format == .sparse {
                try function.sparseHessian(at: request.point, output: output, limits: engine.limits)
            } else {
                try function.hessian(at: request.point, output: output, limits: engine.limits)
            }
            return Outcome(function: function, result: result, output: output, extras: request.extras,
                           sweeps: request.vectors?.vectors.count ?? function.hessianSweepCount)
        } catch {
            var problem = VectorList.problem(from: error, functionPointer: "/function", pointPointer: pointPointer)
            if error.kind == .limitExceeded, error.pointer.isEmpty {
                // The size comes from the function's inputs and the outputs asked for: point at the choice.
                problem.errors = [.init(pointer: request.output == nil ? "/output" : "/function", detail: error.message)]
            }
            throw problem
        }
    }
}

extension HessianEndpoint.Outcome: JSONValueOutcome {
    /// With `output`: `value`, `gradient`, `hessian` (or `hessian_vector_products`), `eigenvalues` for that output;
    /// without: the same per output in lists (`hessians`). Then `shape`, `columns`, `sweeps`.
    func json() throws(Problem) -> JSONValue {
        let n = function.columnCount
        var object = JSONObject()
        var eigenvalues: [[Double]] = []
        if extras.contains(.eigenvalues) {
            for hessian in result.hessians + result.sparseHessians.map(\.dense) {
                do {
                    eigenvalues.append(try LinearAlgebra.symmetricEigenvalues(hessian))
                } catch {
                    throw Problem(.internalError, detail: "the symmetric eigenvalue solver failed: \(error)")
                }
            }
        }
        if let output {
            object.append("output", .number(Double(output)))
            object.append("value", .number(result.value[output]))
            object.append("gradient", .numbers(result.gradients[0]))
            if let hessian = result.hessians.first { object.append("hessian", .rows(hessian.rowArrays)) }
            if let sparse = result.sparseHessians.first { object.append("sparse_hessian", SparseJSON.matrix(sparse)) }
            if let products = result.products.first { object.append("hessian_vector_products", .rows(products)) }
            if let values = eigenvalues.first { object.append("eigenvalues", .numbers(values)) }
            object.append("shape", .numbers([Double(n), Double(n)]))
        } else {
            object.append("value", .numbers(result.value))
            object.append("gradient", .rows(result.gradients))
            if !result.sparseHessians.isEmpty {
                object.append("sparse_hessians", .array(result.sparseHessians.map(SparseJSON.matrix)))
            } else if result.products.isEmpty {
                object.append("hessians", .array(result.hessians.map { .rows($0.rowArrays) }))
            } else {
                object.append("hessian_vector_products", .array(result.products.map { .rows($0) }))
            }
            if extras.contains(.eigenvalues) { object.append("eigenvalues", .rows(eigenvalues)) }
            object.append("shape", .numbers([Double(function.outputCount), Double(n), Double(n)]))
        }
        object.append("columns", .strings(function.columnNames))
        object.append("sweeps", .number(Double(sweeps)))
        if extras.contains(.sparsity) {
            let pattern = function.hessianSparsity ?? .dense(rows: n, columns: n)
            object.append("sparsity", SparseJSON.pattern(pattern))
        }
        return .object(object)
    }

    /// A heatmap of the (first answered) Hessian, or of the Hessian–vector products.
    func svg() -> String {
        let row = result.rows[0]
        let name = function.rowNames[row]
        if let hessian = result.hessians.first ?? result.sparseHessians.first?.dense {
            return SVGPlot.heatmap(matrix: hessian.rowArrays, rowLabels: function.columnNames,
                                   columnLabels: function.columnNames, title: "Hessian of \(name)")
        }
        let products = result.products[0]
        return SVGPlot.heatmap(matrix: products, rowLabels: products.indices.map { "vectors[\($0)]" },
                               columnLabels: function.columnNames, title: "Hessian–vector products of \(name)")
    }
}

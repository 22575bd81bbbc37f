/// Second derivatives of a function at one point: for each output asked for, its value, gradient
/// and Hessian (or Hessian–vector products).
public struct HessianResult: Sendable, Hashable {
    /// The function's value, one entry per output (all outputs).
    public var value: [Double]
    /// The outputs these second derivatives are of, as row indices.
    public var rows: [Int]
    /// One gradient per output in `rows` (its Jacobian row), `columnCount` entries each.
    public var gradients: [[Double]]
    /// One symmetric `columnCount × columnCount` Hessian per output in `rows`; empty for Hessian–vector products.
    public var hessians: [Matrix]
    /// For Hessian–vector products: per output in `rows`, one H·v per vector; empty for full Hessians.
    public var products: [[[Double]]]
    /// From `sparseHessian(at:output:limits:)`: one Hessian per output in `rows` over the Hessians' structural
    /// pattern (`hessians` is then empty).
    public var sparseHessians: [SparseMatrix]

    /// A result from its parts.
    public init(
        value: [Double], rows: [Int], gradients: [[Double]], hessians: [Matrix], products: [[[Double]]],
        sparseHessians: [SparseMatrix] = []
    ) {
        self.value = value
        self.rows = rows
        self.gradients = gradients
        self.hessians = hessians
        self.products = products
        self.sparseHessians = sparseHessians
    }
}

extension CompiledFunction {
    /// The union of every output's Hessian pattern (inputs × inputs), or nil when tracing it was too costly and the
    /// Hessian is treated as dense. Networks and functions differentiated with respect to parameters: nil.
    public var hessianSparsity: SparsityPattern? { (program as? ExpressionProgram)?.sparsity.hessian.pattern }

    /// Hessian–vector products a full Hessian costs: the colours of `hessianSparsity` (3 for a tridiagonal
    /// Hessian, whatever its size), or the number of inputs when dense.
    public var hessianSweepCount: Int { (program as? ExpressionProgram)?.sparsity.hessian.coloring.count ?? columnCount }

    /// The exact Hessian of each output (or only of `output`, a row index), with the value and gradients, by
    /// forward-over-reverse over compressed directions: one Hessian–vector product per colour of the Hessian's
    /// sparsity pattern, from which every structural nonzero is recovered. The result is made exactly symmetric
    /// by averaging the two computed halves (they agree to rounding).
    ///
    /// For expression functions, and networks with respect to their input (forward-over-reverse through the layers,
    /// one direction per input: networks have no structural sparsity to exploit); `.invalidSpecification` for a
    /// network's parameters. The Hessians' entries, outputs × n²,
    /// count against `maxJacobianEntries` (`.limitExceeded`); errors otherwise as `jacobian(at:mode:)`.
    public func hessian(at point: [Double], output: Int? = nil, limits: EngineLimits = EngineLimits())
        throws(EngineError) -> HessianResult
    {
        let (second, rows) = try hessianSetup(point, output: output, perRow: columnCount, limits: limits)
        let n = columnCount
        let hessian = (program as? ExpressionProgram)?.sparsity.hessian
        let colors = hessian?.coloring ?? .identity(n)
        let compressed = try secondOrder(second, at: point, rows: rows, directions: colors.count) {
            column, start, width, row in
            row.update(repeating: 0, count: width)
            let color = colors.colors[column]
            if color >= start && color < start + width { row[color - start] = 1 }
        }
        var hessians: [Matrix] = []
        for index in rows.indices {
            var matrix = Matrix(rows: n, columns: n)
            let base = index * n * colors.count
            if let pattern = hessian?.pattern {
                for i in 0..<n {
                    for entry in pattern.rowStarts[i]..<pattern.rowStarts[i + 1] {
                        let j = pattern.columnIndices[entry]
                        matrix.storage[i * n + j] = compressed.products[base + i * colors.count + colors.colors[j]]
                    }
                }
            } else {
                for i in 0..<n {
                    for j in 0..<n { matrix.storage[i * n + j] = compressed.products[base + i * n + j] }
                }
            }
            // Forward-over-reverse gives H[i][j] and H[j][i] by different roundings; their mean is symmetric. Only
            // the pattern's entries can differ from zero, so only they are visited when there is a pattern.
            matrix.storage.withUnsafeMutableBufferPointer { h in
                @inline(__always) func symmetrize(_ i: Int, _ j: Int) {
                    let mean = 0.5 * (h[i * n + j] + h[j * n + i])
                    h[i * n + j] = mean
                    h[j * n + i] = mean
                }
                if let pattern = hessian?.pattern {
                    for i in 0..<n {
                        for entry in pattern.rowStarts[i]..<pattern.rowStarts[i + 1] where pattern.columnIndices[entry] > i {
                            symmetrize(i, pattern.columnIndices[entry])
                        }
                    }
                } else {
                    for i in 0..<n {
                        for j in (i + 1)..<max(i + 1, n) { symmetrize(i, j) }
                    }
                }
            }
            hessians.append(matrix)
        }
        return HessianResult(value: compressed.value, rows: rows, gradients: compressed.gradients,
                             hessians: hessians, products: [])
    }

    /// The same Hessians as `hessian(at:output:limits:)` in coordinate form over `hessianSparsity` (every entry
    /// for networks or when the pattern is treated as dense), exactly symmetric, without the dense n × n matrices:
    /// the 1000-input benchmark's tridiagonal Hessian is 2,998 numbers instead of a million. The compressed
    /// products (outputs × n × colours) count against `maxJacobianEntries`.
    public func sparseHessian(at point: [Double], output: Int? = nil, limits: EngineLimits = EngineLimits())
        throws(EngineError) -> HessianResult
    {
        let n = columnCount
        let hessian = (program as? ExpressionProgram)?.sparsity.hessian
        let colors = hessian?.coloring ?? .identity(n)
        let (second, rows) = try hessianSetup(point, output: output, perRow: colors.count, limits: limits)
        let compressed = try secondOrder(second, at: point, rows: rows, directions: colors.count) {
            column, start, width, row in
            row.update(repeating: 0, count: width)
            let color = colors.colors[column]
            if color >= start && color < start + width { row[color - start] = 1 }
        }
        let pattern = hessian?.pattern ?? .dense(rows: n, columns: n)
        // Each entry's mirror (j, i): worked out at compile time for a traced pattern.
        let mirror = hessian?.pattern != nil ? hessian!.mirrors : HessianSparsity.mirrors(of: pattern)
        let c = max(colors.count, 1)
        let matrices = rows.indices.map { index in
            var values = [Double](repeating: 0, count: pattern.nnz)
            let base = index * n * c
            for i in 0..<n {
                for entry in pattern.rowStarts[i]..<pattern.rowStarts[i + 1] {
                    values[entry] = compressed.products[base + i * c + colors.colors[pattern.columnIndices[entry]]]
                }
            }
            let recovered = values
            for entry in values.indices { values[entry] = 0.5 * (recovered[entry] + recovered[mirror[entry]]) }
            return SparseMatrix(pattern: pattern, values: values)
        }
        return HessianResult(value: compressed.value, rows: rows, gradients: compressed.gradients, hessians: [],
                             products: [], sparseHessians: matrices)
    }

    /// Hessian–vector products H·v of each output (or only of `output`), one per vector, without forming the
    /// Hessian: one forward-over-reverse sweep carrying all vectors (`jax.jvp(jax.grad(f))`, `torch.func.hvp`).
    /// Vectors have `columnCount` entries; at most `maxVectors` of them. Errors as `hessian(at:output:limits:)`.
    public func hessianVectorProducts(
        at point: [Double], vectors: [[Double]], output: Int? = nil, limits: EngineLimits = EngineLimits()
    ) throws(EngineError) -> HessianResult {
        guard vectors.count <= limits.maxVectors else {
            throw EngineError.limitExceeded(
                "maxVectors", "\(vectors.count) vectors, more than maxVectors (\(limits.maxVectors))", pointer: "/vectors")
        }
        for (index, vector) in vectors.enumerated() where vector.count != columnCount {
            throw EngineError(
                kind: .dimensionMismatch,
                message: "vectors[\(index)] has \(vector.count) entries but the function has \(columnCount) inputs",
                pointer: "/vectors/\(index)")
        }
        let (second, rows) = try hessianSetup(point, output: output, perRow: vectors.count, limits: limits)
        let n = columnCount, k = vectors.count
        let compressed = try secondOrder(second, at: point, rows: rows, directions: k) { column, start, width, row in
            for t in 0..<width { row[t] = vectors[start + t][column] }
        }
        let products = rows.indices.map { index in
            (0..<k).map { t in (0..<n).map { j in compressed.products[(index * n + j) * k + t] } }
        }
        return HessianResult(value: compressed.value, rows: rows, gradients: compressed.gradients, hessians: [],
                             products: products)
    }

    /// The programs that have second-order sweeps.
    private enum SecondOrderProgram {
        case expression(ExpressionProgram)
        case network(NetworkProgram)
    }

    /// Checks the point, the output and the size, and returns the program and the rows to answer.
    private func hessianSetup(_ point: [Double], output: Int?, perRow: Int, limits: EngineLimits)
        throws(EngineError) -> (SecondOrderProgram, [Int])
    {
        let second: SecondOrderProgram
        if let expression = program as? ExpressionProgram {
            second = .expression(expression)
        } else if let network = program as? NetworkProgram, network.variable == .input {
            second = .network(network)
        } else {
            throw EngineError(kind: .invalidSpecification,
                              message: "Hessians are computed with respect to a function's inputs, not a network's "
                                + "parameters")
        }
        try checkDimension(of: point)
        if let output, !(0..<outputCount).contains(output) {
            throw EngineError(kind: .dimensionMismatch,
                              message: "output \(output) does not exist: the function has \(outputCount) outputs "
                                + "(0...\(outputCount - 1))", pointer: "/output")
        }
        let rows = output.map { [$0] } ?? Array(0..<outputCount)
        let (entries, overflow) = (rows.count * columnCount).multipliedReportingOverflow(by: max(perRow, 1))
        guard !overflow, entries <= limits.maxJacobianEntries else {
            throw EngineError.limitExceeded(
                "maxJacobianEntries", "\(rows.count) output(s) × \(columnCount) inputs × \(perRow) would be "
                    + "\(overflow ? "too many" : String(entries)) second-derivative entries, more than "
                    + "maxJacobianEntries (\(limits.maxJacobianEntries)); ask for one output with 'output'")
        }
        return (second, rows)
    }

    /// Runs the forward-over-reverse sweeps and checks the results for NaN and infinity.
    private func secondOrder(
        _ second: SecondOrderProgram, at point: [Double], rows: [Int], directions: Int,
        seed: @escaping (Int, Int, Int, UnsafeMutablePointer<Double>) -> Void
    ) throws(EngineError) -> (value: [Double], gradients: [[Double]], products: [Double]) {
        let n = columnCount
        var value = [Double](repeating: 0, count: outputCount)
        var gradients = [Double](repeating: 0, count: rows.count * n)
        var products = [Double](repeating: 0, count: rows.count * n * directions)
        var failure: EngineError?
        value.withUnsafeMutableBufferPointer { value in
            gradients.withUnsafeMutableBufferPointer { gradients in
                products.withUnsafeMutableBufferPointer { products in
                    point.withUnsafeBufferPointer { point in
                        do throws(EngineError) {
                            switch second {
                            case .expression(let expression):
                                try expression.hessianProducts(
                                    at: point, rows: rows, directions: directions, seed: seed, value: value,
                                    gradients: gradients, products: products)
                            case .network(let network):
                                try network.hessianProducts(
                                    at: point, rows: rows, directions: directions,
                                    seed: { start, width, block in
                                        for column in 0..<n { seed(column, start, width, block + column * width) }
                                    },
                                    value: value, gradients: gradients, products: products)
                            }
                            let perRow = n * max(directions, 1)
                            let bad: (index: Int, row: Int, column: Int, entry: Double)?
                            if let index = gradients.firstIndex(where: { !$0.isFinite }) {
                                bad = (index, rows[index / n], index % n, gradients[index])
                            } else if let index = products.firstIndex(where: { !$0.isFinite }) {
                                bad = (index, rows[index / perRow], (index % perRow) / max(directions, 1), products[index])
                            } else {
                                bad = nil
                            }
                            if let bad {
                                switch second {
                                case .expression(let expression):
                                    throw expression.hessianError(point: point, row: bad.row, column: bad.column,
                                                                  entry: bad.entry)
                                case .network:
                                    throw EngineError(
                                        kind: .nonFinite,
                                        message: "a derivative of \(rowNames[bad.row]) with respect to "
                                            + "\(columnNames[bad.column]) is \(NonFiniteDiagnosis.format(bad.entry)) at "
                                            + "this point: a layer's derivatives overflow",
                                        row: bad.row, columnIndex: bad.column)
                                }
                            }
                        } catch {
                            failure = error
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        let rowGradients = rows.indices.map { Array(gradients[($0 * n)..<(($0 + 1) * n)]) }
        return (value, rowGradients, products)
    }
}

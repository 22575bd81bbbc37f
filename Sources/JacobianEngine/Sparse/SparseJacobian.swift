/// The value and the Jacobian of a function at one point, in coordinate form over the structural pattern.
public struct SparseJacobianResult: Sendable, Hashable {
    /// The function's value, one entry per output.
    public var value: [Double]
    /// The Jacobian's structural nonzeros, row-major.
    public var jacobian: SparseMatrix

    /// A result from its parts.
    public init(value: [Double], jacobian: SparseMatrix) {
        self.value = value
        self.jacobian = jacobian
    }
}

extension CompiledFunction {
    /// The Jacobian's structural sparsity pattern, computed when the function was compiled: for expressions, the
    /// inputs each output depends on; for networks, every entry (a linear layer couples everything).
    public var jacobianSparsity: SparsityPattern { program.jacobianPattern }

    /// The mode `sparseJacobian(at:mode:)` uses: `.auto` picks whichever needs fewer compressed sweeps (forward on
    /// a tie), since a sparse Jacobian costs one sweep per colour, not per column or row.
    public func resolvedSparseMode(_ mode: DifferentiationMode) -> DifferentiationMode {
        switch mode {
        case .auto: program.sweepCount(.forward) <= program.sweepCount(.reverse) ? .forward : .reverse
        case .forward, .reverse: mode
        }
    }

    /// Sweeps a sparse Jacobian takes: in forward mode the colours of the columns (structurally orthogonal
    /// columns share one sweep), in reverse mode the colours of the rows. A banded Jacobian of bandwidth b needs
    /// b, whatever its size.
    public func sparseSweepCount(_ mode: DifferentiationMode) -> Int { program.sweepCount(resolvedSparseMode(mode)) }

    /// The value and the Jacobian's entries on its structural pattern, by compressed sweeps (one per colour, see
    /// `sparseSweepCount`). Entries equal the dense Jacobian's; errors as `jacobian(at:mode:)`.
    public func sparseJacobian(at point: [Double], mode: DifferentiationMode = .auto) throws(EngineError)
        -> SparseJacobianResult
    {
        try checkDimension(of: point)
        let pattern = program.jacobianPattern
        let resolved = resolvedSparseMode(mode)
        var value = [Double](repeating: 0, count: outputCount)
        var entries = [Double](repeating: 0, count: pattern.nnz)
        var failure: EngineError?
        value.withUnsafeMutableBufferPointer { value in
            entries.withUnsafeMutableBufferPointer { entries in
                point.withUnsafeBufferPointer { point in
                    do throws(EngineError) {
                        try program.sparseJacobian(at: point, mode: resolved, value: value, entries: entries)
                    } catch {
                        failure = error
                    }
                }
            }
        }
        if let failure { throw failure }
        return SparseJacobianResult(value: value, jacobian: SparseMatrix(pattern: pattern, values: entries))
    }

    /// Sparse Jacobians at each point of a batch, in order; parallelism, limits and errors as
    /// `jacobians(at:mode:limits:)` (the nonzeros count against `maxBatchEntries`).
    public func sparseJacobians(
        at points: [[Double]], mode: DifferentiationMode = .auto, limits: EngineLimits = EngineLimits()
    ) throws(EngineError) -> [SparseJacobianResult] {
        try checkBatch(points.count, perPoint: [max(program.jacobianPattern.nnz, outputCount)],
                       what: "sparse Jacobians", limits: limits)
        let empty = SparseJacobianResult(value: [], jacobian: SparseMatrix(pattern: .dense(rows: 0, columns: 0), values: []))
        var results = [SparseJacobianResult](repeating: empty, count: points.count)
        try results.withUnsafeMutableBufferPointer { (buffer) throws(EngineError) in
            let output = DisjointWrites(buffer: buffer)
            try Self.forEachPoint(count: points.count) { (index) throws(EngineError) in
                output.buffer[index] = try sparseJacobian(at: points[index], mode: mode)
            }
        }
        return results
    }
}

/// What a program without its own product or sparsity sweeps answers: everything through its dense Jacobian, so
/// every function kind supports every request. `ExpressionProgram` and `NetworkProgram` (with respect to the
/// input) override the products with real forward and reverse sweeps.
extension DifferentiableProgram {
    /// Runs `body` on the dense Jacobian at `point` (mode chosen by shape), after writing the value.
    private func withDenseJacobian(
        _ point: UnsafeBufferPointer<Double>, value: UnsafeMutableBufferPointer<Double>,
        _ body: (UnsafeMutableBufferPointer<Double>) -> Void
    ) throws(EngineError) {
        var jacobian = [Double](repeating: 0, count: outputCount * columnCount)
        var failure: EngineError?
        jacobian.withUnsafeMutableBufferPointer { buffer in
            do throws(EngineError) {
                try self.jacobian(at: point, mode: columnCount <= outputCount ? .forward : .reverse, value: value,
                                  jacobian: buffer)
                body(buffer)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    func jacobianVectorProducts(
        at point: UnsafeBufferPointer<Double>, tangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        try denseJacobianVectorProducts(at: point, tangents: tangents, count: count, value: value, products: products)
    }

    func vectorJacobianProducts(
        at point: UnsafeBufferPointer<Double>, cotangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        try denseVectorJacobianProducts(
            at: point, cotangents: cotangents, count: count, value: value, products: products)
    }

    /// J·v through the dense Jacobian.
    func denseJacobianVectorProducts(
        at point: UnsafeBufferPointer<Double>, tangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let (m, n) = (outputCount, columnCount)
        try withDenseJacobian(point, value: value) { jacobian in
            for t in 0..<count {
                for r in 0..<m {
                    var sum = 0.0
                    for j in 0..<n { sum += jacobian[r * n + j] * tangents[t * n + j] }
                    products[t * m + r] = sum
                }
            }
        }
    }

    /// uᵀJ through the dense Jacobian.
    func denseVectorJacobianProducts(
        at point: UnsafeBufferPointer<Double>, cotangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let (m, n) = (outputCount, columnCount)
        try withDenseJacobian(point, value: value) { jacobian in
            for t in 0..<count {
                for j in 0..<n { products[t * n + j] = 0 }
                for r in 0..<m {
                    let u = cotangents[t * m + r]
                    if u == 0 { continue }
                    for j in 0..<n { products[t * n + j] += u * jacobian[r * n + j] }
                }
            }
        }
    }

    var jacobianPattern: SparsityPattern { .dense(rows: outputCount, columns: columnCount) }

    func sweepCount(_ mode: DifferentiationMode) -> Int { mode == .reverse ? outputCount : columnCount }

    func sparseJacobian(
        at point: UnsafeBufferPointer<Double>, mode: DifferentiationMode,
        value: UnsafeMutableBufferPointer<Double>, entries: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        var failure: EngineError?
        let size = outputCount * columnCount
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(size, 1)) { buffer in
            do throws(EngineError) {
                try jacobian(at: point, mode: mode, value: value,
                             jacobian: UnsafeMutableBufferPointer(rebasing: buffer[0..<size]))
                for k in 0..<size { entries[k] = buffer[k] }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }
}

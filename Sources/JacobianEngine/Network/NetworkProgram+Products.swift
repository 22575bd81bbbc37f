/// Jacobian–vector and vector–Jacobian products of a network with respect to its input, by one forward (or
/// reverse) block sweep whose block has one column (or row) per vector instead of one per input (or output): the
/// layer rules of `NetworkProgram+Propagation.swift` applied to the client's vectors. With respect to the
/// parameters the products go through the dense Jacobian.
extension NetworkProgram {
    /// Most vectors one sweep carries, so a block (widest layer × vectors) stays within 2M doubles.
    private var vectorChunk: Int { max(1, (1 << 21) / max(maxWidth, 1)) }

    func jacobianVectorProducts(
        at point: UnsafeBufferPointer<Double>, tangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        guard variable == .input else {
            return try denseJacobianVectorProducts(
                at: point, tangents: tangents, count: count, value: value, products: products)
        }
        let (n, m) = (inputCount, outputCount)
        let chunk = min(max(count, 1), vectorChunk)
        try evaluate(at: point, value: value)
        try withActivations(point) { activations in
            withWorkspace(blockSize: maxWidth * chunk, vectorSize: chunk) { workspace in
                var start = 0
                while start < count {
                    let width = min(chunk, count - start)
                    for j in 0..<n {
                        for t in 0..<width { workspace.current[j * width + t] = tangents[(start + t) * n + j] }
                    }
                    for index in steps.indices {
                        pushForward(through: index, activations: activations, workspace: &workspace,
                                    columns: width, stride: width)
                    }
                    for r in 0..<m {
                        for t in 0..<width { products[(start + t) * m + r] = workspace.current[r * width + t] }
                    }
                    start += width
                }
            }
        }
        try checkProducts(products, at: point)
    }

    func vectorJacobianProducts(
        at point: UnsafeBufferPointer<Double>, cotangents: UnsafeBufferPointer<Double>, count: Int,
        value: UnsafeMutableBufferPointer<Double>, products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        guard variable == .input else {
            return try denseVectorJacobianProducts(
                at: point, cotangents: cotangents, count: count, value: value, products: products)
        }
        let (n, m) = (inputCount, outputCount)
        let chunk = min(max(count, 1), vectorChunk)
        try evaluate(at: point, value: value)
        try withActivations(point) { activations in
            withWorkspace(blockSize: chunk * maxWidth, vectorSize: maxWidth) { workspace in
                var start = 0
                while start < count {
                    let width = min(chunk, count - start)
                    (workspace.current).update(from: cotangents.baseAddress! + start * m, count: width * m)
                    for index in steps.indices.reversed() {
                        pullBack(through: index, activations: activations, workspace: &workspace, rows: width)
                    }
                    (products.baseAddress! + start * n).update(from: workspace.current, count: width * n)
                    start += width
                }
            }
        }
        try checkProducts(products, at: point)
    }

    /// Throws the Jacobian's own non-finite diagnosis when a product is not finite, or an overflow error when the
    /// Jacobian is finite and only the product overflowed.
    private func checkProducts(_ products: UnsafeMutableBufferPointer<Double>, at point: UnsafeBufferPointer<Double>)
        throws(EngineError)
    {
        guard let bad = products.first(where: { !$0.isFinite }) else { return }
        var value = [Double](repeating: 0, count: outputCount)
        var jacobian = [Double](repeating: 0, count: outputCount * columnCount)
        var failure: EngineError?
        value.withUnsafeMutableBufferPointer { value in
            jacobian.withUnsafeMutableBufferPointer { jacobian in
                do throws(EngineError) {
                    try self.jacobian(at: point, mode: forwardFits ? .forward : .reverse, value: value, jacobian: jacobian)
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        throw EngineError(kind: .nonFinite, message: "a product is \(NonFiniteDiagnosis.format(bad)) although the "
                          + "Jacobian is finite at this point: the product overflows")
    }
}

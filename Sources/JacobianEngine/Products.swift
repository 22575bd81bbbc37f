/// The value of a function and products of its Jacobian with vectors, without forming the Jacobian.
public struct ProductResult: Sendable, Hashable {
    /// The function's value, one entry per output.
    public var value: [Double]
    /// One product per vector given: J·v (outputCount entries) for tangents, uᵀJ (columnCount entries) for
    /// cotangents.
    public var products: [[Double]]

    /// A result from its parts.
    public init(value: [Double], products: [[Double]]) {
        self.value = value
        self.products = products
    }
}

/// Which product: J·v by forward sweeps, or uᵀJ by reverse sweeps.
public enum ProductKind: String, Sendable, Hashable {
    /// Jacobian–vector products (`jvp`): vectors are tangents, columnCount entries each.
    case tangents
    /// Vector–Jacobian products (`vjp`): vectors are cotangents, outputCount entries each.
    case cotangents
}

extension CompiledFunction {
    /// Jacobian–vector products J·v, one per tangent (each `columnCount` long), by forward sweeps carrying all
    /// tangents at once (`torch.func.jvp`, `jax.jvp`); the Jacobian itself is never formed for expressions and for
    /// networks differentiated with respect to their input.
    ///
    /// Throws `.dimensionMismatch` for a point or tangent of the wrong length, `.limitExceeded` (`maxVectors`)
    /// for too many tangents, `.nonFinite` as `jacobian(at:mode:)` does.
    public func jacobianVectorProducts(
        at point: [Double], tangents: [[Double]], limits: EngineLimits = EngineLimits()
    ) throws(EngineError) -> ProductResult {
        try products(.tangents, at: point, vectors: tangents, limits: limits)
    }

    /// Vector–Jacobian products uᵀJ, one per cotangent (each `outputCount` long), by reverse sweeps carrying all
    /// cotangents at once (`torch.func.vjp`, `jax.vjp`). Errors as `jacobianVectorProducts(at:tangents:limits:)`.
    public func vectorJacobianProducts(
        at point: [Double], cotangents: [[Double]], limits: EngineLimits = EngineLimits()
    ) throws(EngineError) -> ProductResult {
        try products(.cotangents, at: point, vectors: cotangents, limits: limits)
    }

    /// Products at each point of a batch, the same vectors at every point, in the order of `points`; parallelism,
    /// batch limits and errors as `jacobians(at:mode:limits:)` (the products count against `maxBatchEntries`).
    public func products(
        _ kind: ProductKind, at points: [[Double]], vectors: [[Double]], limits: EngineLimits = EngineLimits()
    ) throws(EngineError) -> [ProductResult] {
        try checkVectors(kind, vectors, limits: limits)
        try checkBatch(points.count, perPoint: [vectors.count, productLength(kind)], what: "products", limits: limits)
        var results = [ProductResult](repeating: ProductResult(value: [], products: []), count: points.count)
        try results.withUnsafeMutableBufferPointer { (buffer) throws(EngineError) in
            let output = DisjointWrites(buffer: buffer)
            try Self.forEachPoint(count: points.count) { (index) throws(EngineError) in
                output.buffer[index] = try products(kind, at: points[index], vectors: vectors, limits: limits)
            }
        }
        return results
    }

    /// One point's products; `vectors` already checked when called from a batch.
    func products(
        _ kind: ProductKind, at point: [Double], vectors: [[Double]], limits: EngineLimits
    ) throws(EngineError) -> ProductResult {
        try checkDimension(of: point)
        try checkVectors(kind, vectors, limits: limits)
        let length = productLength(kind)
        var value = [Double](repeating: 0, count: outputCount)
        var flat = [Double](repeating: 0, count: vectors.count * length)
        let seeds = vectors.flatMap { $0 }
        var failure: EngineError?
        value.withUnsafeMutableBufferPointer { value in
            flat.withUnsafeMutableBufferPointer { products in
                point.withUnsafeBufferPointer { point in
                    seeds.withUnsafeBufferPointer { seeds in
                        do throws(EngineError) {
                            switch kind {
                            case .tangents:
                                try program.jacobianVectorProducts(
                                    at: point, tangents: seeds, count: vectors.count, value: value, products: products)
                            case .cotangents:
                                try program.vectorJacobianProducts(
                                    at: point, cotangents: seeds, count: vectors.count, value: value,
                                    products: products)
                            }
                        } catch {
                            failure = error
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        let products = (0..<vectors.count).map { Array(flat[($0 * length)..<(($0 + 1) * length)]) }
        return ProductResult(value: value, products: products)
    }

    /// Length of one product: outputs for J·v, columns for uᵀJ.
    private func productLength(_ kind: ProductKind) -> Int { kind == .tangents ? outputCount : columnCount }

    /// Refuses more than `maxVectors` vectors, or one of the wrong length (`pointer` "/tangents/3").
    func checkVectors(_ kind: ProductKind, _ vectors: [[Double]], limits: EngineLimits) throws(EngineError) {
        let name = kind.rawValue
        guard vectors.count <= limits.maxVectors else {
            throw EngineError.limitExceeded(
                "maxVectors", "\(vectors.count) \(name), more than maxVectors (\(limits.maxVectors))",
                pointer: "/\(name)")
        }
        let expected = kind == .tangents ? columnCount : outputCount
        let what = kind == .tangents ? "columns" : "outputs"
        for (index, vector) in vectors.enumerated() where vector.count != expected {
            throw EngineError(
                kind: .dimensionMismatch,
                message: "\(name)[\(index)] has \(vector.count) entries but the function has \(expected) \(what)",
                pointer: "/\(name)/\(index)")
        }
    }
}

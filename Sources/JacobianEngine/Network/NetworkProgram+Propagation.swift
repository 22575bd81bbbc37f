/// The per-layer derivative rules applied to whole blocks: forward mode pushes a tangent block (one column per
/// Jacobian column) through a layer, reverse mode pulls an adjoint block (one row per output) back through it.
///
/// | layer | push forward `T ↦ T'` | pull back `A ↦ A'` |
/// |---|---|---|
/// | linear | `W T` | `A W` |
/// | elementwise f | `diag(f'(x)) T` | `A diag(f'(x))` |
/// | softmax | `diag(s) T − s (sᵀ T)` | `A diag(s) − (A s) sᵀ` |
///
/// Both are exact: the derivative `diag(s) − s sᵀ` of softmax is applied without forming it.
extension NetworkProgram {
    /// Scratch storage for one propagation: two blocks of `blockSize` that swap roles after each layer, plus one
    /// vector as wide as the widest block row or layer.
    struct Workspace {
        /// The block holding the current tangents or adjoints.
        var current: UnsafeMutablePointer<Double>
        /// Where the next layer's result is written, when it cannot be computed in place.
        var spare: UnsafeMutablePointer<Double>
        /// A vector of local derivatives, or the row `sᵀ T` for softmax.
        let vector: UnsafeMutablePointer<Double>

        mutating func swap() { Swift.swap(&current, &spare) }
    }

    /// Runs `body` with a workspace whose blocks hold `blockSize` entries and whose vector holds `vectorSize`.
    @inline(__always)
    func withWorkspace(blockSize: Int, vectorSize: Int, _ body: (inout Workspace) -> Void) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * blockSize + vectorSize) { buffer in
            let base = buffer.baseAddress!
            var workspace = Workspace(current: base, spare: base + blockSize, vector: base + 2 * blockSize)
            body(&workspace)
        }
    }

    /// Replaces the tangent block `workspace.current` (`widths[index]` rows, `columns` used entries per row,
    /// `stride` apart) by its image under step `index` (`widths[index + 1]` rows, same layout).
    func pushForward(
        through index: Int, activations: UnsafeMutablePointer<Double>,
        workspace: inout Workspace, columns: Int, stride: Int
    ) {
        let x = activations + activationOffsets[index]
        let y = activations + activationOffsets[index + 1]
        let width = widths[index]
        switch steps[index] {
        case .affine(let map):
            map.weight.withUnsafeBufferPointer { w in
                DenseKernels.multiply(
                    w.baseAddress!, rowStride: map.inputs, workspace.current, rowStride: stride,
                    into: workspace.spare, rowStride: stride, rows: map.outputs, inner: map.inputs, columns: columns)
            }
            workspace.swap()
        case .elementwise(let activation):
            for i in 0..<width {
                let slope = activation.derivative(input: x[i], output: y[i])
                let row = workspace.current + i * stride
                for c in 0..<columns { row[c] *= slope }
            }
        case .softmax:
            let sT = workspace.vector
            sT.update(repeating: 0, count: columns)
            for k in 0..<width {
                let row = workspace.current + k * stride
                for c in 0..<columns { sT[c] += y[k] * row[c] }
            }
            for i in 0..<width {
                let row = workspace.current + i * stride
                for c in 0..<columns { row[c] = y[i] * (row[c] - sT[c]) }
            }
        }
    }

    /// Replaces the adjoint block `workspace.current` (`rows × widths[index + 1]`, contiguous) by its pullback
    /// through step `index` (`rows × widths[index]`, contiguous).
    func pullBack(
        through index: Int, activations: UnsafeMutablePointer<Double>,
        workspace: inout Workspace, rows: Int
    ) {
        let x = activations + activationOffsets[index]
        let y = activations + activationOffsets[index + 1]
        let width = widths[index]
        switch steps[index] {
        case .affine(let map):
            map.weight.withUnsafeBufferPointer { w in
                DenseKernels.multiply(
                    workspace.current, rowStride: map.outputs, w.baseAddress!, rowStride: map.inputs,
                    into: workspace.spare, rowStride: map.inputs, rows: rows, inner: map.outputs, columns: map.inputs)
            }
            workspace.swap()
        case .elementwise(let activation):
            let slopes = workspace.vector
            for j in 0..<width { slopes[j] = activation.derivative(input: x[j], output: y[j]) }
            for r in 0..<rows {
                let row = workspace.current + r * width
                for j in 0..<width { row[j] *= slopes[j] }
            }
        case .softmax:
            for r in 0..<rows {
                let row = workspace.current + r * width
                let projection = DenseKernels.dot(row, y, count: width)
                for j in 0..<width { row[j] = y[j] * (row[j] - projection) }
            }
        }
    }

    // MARK: Jacobian with respect to the input
    //
    // Each sweep can stop at the first layer whose block holds a NaN or infinity and return its index: the slow,
    // checked rerun that names the culprit layer in a `.nonFinite` error. The fast path checks only the result.

    /// Forward mode: one sweep carrying the `inputCount` tangent directions at once.
    @discardableResult
    func inputJacobianForward(
        activations: UnsafeMutablePointer<Double>, into jacobian: UnsafeMutablePointer<Double>,
        stopAtNonFinite: Bool = false
    ) -> Int? {
        let n = inputCount
        var culprit: Int?
        withWorkspace(blockSize: maxWidth * n, vectorSize: n) { workspace in
            var first = 0
            if case .affine(let map) = steps[0] {
                // The identity pushed through the first layer is its weight: copy instead of multiplying.
                map.weight.withUnsafeBufferPointer { workspace.current.update(from: $0.baseAddress!, count: $0.count) }
                first = 1
            } else {
                DenseKernels.setIdentity(workspace.current, size: n, rowStride: n)
            }
            for index in first..<steps.count {
                pushForward(through: index, activations: activations, workspace: &workspace, columns: n, stride: n)
                if stopAtNonFinite, DenseKernels.firstNonFinite(workspace.current, count: widths[index + 1] * n) != nil {
                    culprit = index
                    return
                }
            }
            jacobian.update(from: workspace.current, count: outputCount * n)
        }
        return culprit
    }

    /// Reverse mode: one sweep carrying the `outputCount` adjoint rows at once.
    @discardableResult
    func inputJacobianReverse(
        activations: UnsafeMutablePointer<Double>, into jacobian: UnsafeMutablePointer<Double>,
        stopAtNonFinite: Bool = false
    ) -> Int? {
        let m = outputCount
        var culprit: Int?
        withWorkspace(blockSize: m * maxWidth, vectorSize: maxWidth) { workspace in
            var last = steps.count - 1
            if case .affine(let map) = steps[last] {
                // The identity pulled back through the last layer is its weight.
                map.weight.withUnsafeBufferPointer { workspace.current.update(from: $0.baseAddress!, count: $0.count) }
                last -= 1
            } else {
                DenseKernels.setIdentity(workspace.current, size: m, rowStride: m)
            }
            for index in stride(from: last, through: 0, by: -1) {
                pullBack(through: index, activations: activations, workspace: &workspace, rows: m)
                if stopAtNonFinite, DenseKernels.firstNonFinite(workspace.current, count: m * widths[index]) != nil {
                    culprit = index
                    return
                }
            }
            jacobian.update(from: workspace.current, count: m * inputCount)
        }
        return culprit
    }

    // MARK: Jacobian with respect to the parameters

    /// Forward mode over the parameters: the tangent block has one column per parameter (row stride
    /// `parameterCount`), but only the columns of layers already passed can be non-zero, so each layer works on
    /// that prefix; a linear layer then adds its own columns, `∂y_i/∂W[i][j] = x_j` and `∂y_i/∂b[i] = 1`.
    @discardableResult
    func parameterJacobianForward(
        activations: UnsafeMutablePointer<Double>, into jacobian: UnsafeMutablePointer<Double>,
        stopAtNonFinite: Bool = false
    ) -> Int? {
        let p = parameterCount
        var culprit: Int?
        withWorkspace(blockSize: maxWidth * p, vectorSize: p) { workspace in
            var active = 0
            for index in steps.indices {
                // Before the first linear layer nothing depends on a parameter yet.
                if active > 0 {
                    pushForward(
                        through: index, activations: activations, workspace: &workspace, columns: active, stride: p)
                }
                if case .affine(let map) = steps[index] {
                    let x = activations + activationOffsets[index]
                    for i in 0..<map.outputs {
                        let row = workspace.current + i * p
                        (row + active).update(repeating: 0, count: map.parameterCount)
                        (row + map.parameterOffset + i * map.inputs).update(from: x, count: map.inputs)
                        if map.bias != nil { row[map.biasParameter(i)] = 1 }
                    }
                    active += map.parameterCount
                }
                if stopAtNonFinite, (0..<widths[index + 1]).contains(where: { i in
                    DenseKernels.firstNonFinite(workspace.current + i * p, count: active) != nil
                }) {
                    culprit = index
                    return
                }
            }
            DenseKernels.copy(
                workspace.current, rowStride: p, into: jacobian, rowStride: p, rows: outputCount, columns: p)
        }
        return culprit
    }

    /// Reverse mode over the parameters: at each linear layer the adjoint `A` of its output gives the layer's
    /// columns directly, `∂y_r/∂W[i][j] = A[r][i] · x_j` and `∂y_r/∂b[i] = A[r][i]`, before `A` is pulled back.
    @discardableResult
    func parameterJacobianReverse(
        activations: UnsafeMutablePointer<Double>, into jacobian: UnsafeMutablePointer<Double>,
        stopAtNonFinite: Bool = false
    ) -> Int? {
        let m = outputCount
        let p = parameterCount
        let firstAffine = steps.firstIndex { if case .affine = $0 { true } else { false } }!
        var culprit: Int?
        withWorkspace(blockSize: m * maxWidth, vectorSize: maxWidth) { workspace in
            DenseKernels.setIdentity(workspace.current, size: m, rowStride: m)
            for index in stride(from: steps.count - 1, through: firstAffine, by: -1) {
                if case .affine(let map) = steps[index] {
                    let x = activations + activationOffsets[index]
                    for r in 0..<m {
                        let adjoint = workspace.current + r * map.outputs
                        let row = jacobian + r * p
                        for i in 0..<map.outputs {
                            let a = adjoint[i]
                            let weights = row + map.parameterOffset + i * map.inputs
                            for j in 0..<map.inputs { weights[j] = a * x[j] }
                            if map.bias != nil { row[map.biasParameter(i)] = a }
                        }
                        if stopAtNonFinite,
                            DenseKernels.firstNonFinite(row + map.parameterOffset, count: map.parameterCount) != nil
                        {
                            culprit = index
                            return
                        }
                    }
                }
                // Layers before the first linear layer hold no parameters: the sweep can stop there.
                if index > firstAffine {
                    pullBack(through: index, activations: activations, workspace: &workspace, rows: m)
                    if stopAtNonFinite, DenseKernels.firstNonFinite(workspace.current, count: m * widths[index]) != nil {
                        culprit = index
                        return
                    }
                }
            }
        }
        return culprit
    }
}

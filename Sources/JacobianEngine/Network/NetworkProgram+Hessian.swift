/// Hessians of a network with respect to its input by forward-over-reverse, layer by layer: one forward sweep
/// keeps the tangent block of every layer's input (directions V), then per output one reverse sweep carries the
/// adjoint ā and its tangent Ȧ back:
///
/// | layer | ā ↦ | Ȧ ↦ |
/// |---|---|---|
/// | linear | `Wᵀ ā` | `Wᵀ Ȧ` |
/// | elementwise f | `f′(x) ā` | `f′(x) Ȧ + ā f″(x) Ṫ_x` |
/// | softmax s | `s ⊙ (ā − ā·s)` | `ṡ ⊙ (ā − ā·s) + s ⊙ (Ȧ − (Ȧ·s + ā·ṡ))`, ṡ the output's tangent |
///
/// so the input's Ȧ is H·V exactly. Networks have no useful structural sparsity, so a full Hessian takes one
/// direction per input.
extension NetworkProgram {
    /// As `ExpressionProgram.hessianProducts`: for each output in `rows`, the gradient (`gradients`, rows × n) and
    /// H·V (`products`, rows × n × count), `seed(start, width, block)` filling the input's tangent block
    /// (n × width) for directions `start..<start + width`.
    func hessianProducts(
        at point: UnsafeBufferPointer<Double>, rows: [Int], directions count: Int,
        seed: (Int, Int, UnsafeMutablePointer<Double>) -> Void,
        value: UnsafeMutableBufferPointer<Double>, gradients: UnsafeMutableBufferPointer<Double>,
        products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        precondition(variable == .input, "Hessians are with respect to the input")
        let n = inputCount, m = outputCount
        // Tangents of every layer (activationLength × chunk) and two adjoint-tangent blocks stay within 2M doubles.
        let chunk = max(1, min(max(count, 1), (1 << 21) / max(activationLength + 2 * maxWidth, 1)))
        try withActivations(point) { (activations) throws(EngineError) in
            let output = activations + activationOffsets[steps.count]
            if let row = DenseKernels.firstNonFinite(output, count: m) {
                throw nonFiniteValueError(row: row, activations: activations)
            }
            value.baseAddress!.update(from: output, count: m)
            let scratchSize = activationLength * chunk + 2 * maxWidth * (chunk + 1)
            withUnsafeTemporaryAllocation(of: Double.self, capacity: scratchSize) { scratch in
                let tangents = scratch.baseAddress!
                var adjoint = tangents + activationLength * chunk
                var spareAdjoint = adjoint + maxWidth
                var adjointTangent = spareAdjoint + maxWidth
                var spareTangent = adjointTangent + maxWidth * chunk
                var start = 0
                repeat {
                    let width = min(chunk, count - start)
                    forwardTangents(activations: activations, tangents: tangents, width: width) { block in
                        seed(start, width, block)
                    }
                    for (index, row) in rows.enumerated() {
                        adjoint.update(repeating: 0, count: m)
                        adjoint[row] = 1
                        adjointTangent.update(repeating: 0, count: m * width)
                        for layer in steps.indices.reversed() {
                            pullBackWithTangents(
                                through: layer, activations: activations, tangents: tangents, width: width,
                                adjoint: adjoint, adjointTangent: adjointTangent,
                                into: spareAdjoint, spareTangent)
                            swap(&adjoint, &spareAdjoint)
                            swap(&adjointTangent, &spareTangent)
                        }
                        if start == 0 { (gradients.baseAddress! + index * n).update(from: adjoint, count: n) }
                        for j in 0..<n {
                            for t in 0..<width { products[(index * n + j) * count + start + t] = adjointTangent[j * width + t] }
                        }
                    }
                    start += width
                } while start < count
            }
        }
    }

    /// Fills `tangents` with every layer's tangent block (layer l's input at `activationOffsets[l] * width`, rows
    /// of `width`), starting from the input's block written by `seed`.
    private func forwardTangents(
        activations: UnsafeMutablePointer<Double>, tangents: UnsafeMutablePointer<Double>, width: Int,
        seed: (UnsafeMutablePointer<Double>) -> Void
    ) {
        seed(tangents)
        withWorkspace(blockSize: maxWidth * width, vectorSize: width) { workspace in
            for layer in steps.indices {
                workspace.current.update(from: tangents + activationOffsets[layer] * width, count: widths[layer] * width)
                pushForward(through: layer, activations: activations, workspace: &workspace, columns: width, stride: width)
                (tangents + activationOffsets[layer + 1] * width).update(from: workspace.current,
                                                                        count: widths[layer + 1] * width)
            }
        }
    }

    /// One layer of the reverse sweep with tangents: from the adjoint (and its tangent) of the layer's output to
    /// those of its input, written into `newAdjoint` and `newTangent`.
    private func pullBackWithTangents(
        through layer: Int, activations: UnsafeMutablePointer<Double>, tangents: UnsafeMutablePointer<Double>,
        width: Int, adjoint: UnsafeMutablePointer<Double>, adjointTangent: UnsafeMutablePointer<Double>,
        into newAdjoint: UnsafeMutablePointer<Double>, _ newTangent: UnsafeMutablePointer<Double>
    ) {
        let x = activations + activationOffsets[layer]
        let y = activations + activationOffsets[layer + 1]
        let inputTangent = tangents + activationOffsets[layer] * width
        let outputTangent = tangents + activationOffsets[layer + 1] * width
        let size = widths[layer]
        switch steps[layer] {
        case .affine(let map):
            newAdjoint.update(repeating: 0, count: map.inputs)
            newTangent.update(repeating: 0, count: map.inputs * width)
            map.weight.withUnsafeBufferPointer { w in
                for i in 0..<map.outputs {
                    let a = adjoint[i]
                    let row = w.baseAddress! + i * map.inputs
                    let aDot = adjointTangent + i * width
                    for j in 0..<map.inputs {
                        let weight = row[j]
                        newAdjoint[j] += weight * a
                        let target = newTangent + j * width
                        for t in 0..<width { target[t] += weight * aDot[t] }
                    }
                }
            }
        case .elementwise(let activation):
            for i in 0..<size {
                let d = activation.derivative(input: x[i], output: y[i])
                let a = adjoint[i]
                let curvature = a == 0 ? 0 : a * activation.secondDerivative(input: x[i], output: y[i])
                newAdjoint[i] = d * a
                for t in 0..<width {
                    newTangent[i * width + t] = d * adjointTangent[i * width + t] + curvature * inputTangent[i * width + t]
                }
            }
        case .softmax:
            let alpha = DenseKernels.dot(adjoint, y, count: size)
            for t in 0..<width {
                var alphaDot = 0.0
                for i in 0..<size {
                    alphaDot += adjointTangent[i * width + t] * y[i] + adjoint[i] * outputTangent[i * width + t]
                }
                for i in 0..<size {
                    newTangent[i * width + t] = outputTangent[i * width + t] * (adjoint[i] - alpha)
                        + y[i] * (adjointTangent[i * width + t] - alphaDot)
                }
            }
            for i in 0..<size { newAdjoint[i] = y[i] * (adjoint[i] - alpha) }
        }
    }
}

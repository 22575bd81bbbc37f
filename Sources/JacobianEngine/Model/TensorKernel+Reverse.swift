import Foundation

extension TensorKernel {
    /// Adds the vector–Jacobian products of `rows` cotangents at once: `g` holds rows × the output's elements, and
    /// each non-nil `grads[k]` rows × operand k's elements (nil for the operands that are constants, whose gradients
    /// nobody needs). The operations a classifier spends its time in (convolution, pooling, layers, activations) take
    /// all rows in one pass, the rows of a layer's gradient being one matrix product; the others run row by row.
    func reverse(_ inputs: [[Double]], output: [Double], gradOut g: [Double], rows: Int, grads: inout [[Double]?]) {
        let outCount = output.count
        switch self {
        case .conv(let plan):
            guard var gx = grads[0] else { return }
            grads[0] = nil  // owned here while accumulating, so the buffer is written in place
            g.withUnsafeBufferPointer { G in
                gx.withUnsafeMutableBufferPointer { GX in
                    plan.addInputGradient(G.baseAddress!, rows: rows, into: GX.baseAddress!)
                }
            }
            grads[0] = gx
        case .maxPool(let plan):
            guard var gx = grads[0] else { return }
            grads[0] = nil
            let argmax = plan.argmax(inputs[0]), inCount = inputs[0].count
            gx.withUnsafeMutableBufferPointer { GX in
                for r in 0..<rows {
                    for (o, index) in argmax.enumerated() where index >= 0 { GX[r * inCount + index] += g[r * outCount + o] }
                }
            }
            grads[0] = gx
        case .gemm(let plan) where !plan.transA && plan.constantB != nil && grads[0] != nil && grads[1] == nil:
            // A's gradient for all rows at once: G [rows·m × n] times B'ᵀ [n × k]; B is a constant, and so is C in
            // a layer (its gradient is then not needed).
            var ga = grads[0]!
            grads[0] = nil
            Self.addProduct(g, plan.constantB!.nk, m: rows * plan.m, n: plan.k, k: plan.n, scale: plan.alpha, into: &ga)
            grads[0] = ga
            if grads.count > 2, grads[2] != nil { reverseByRows(inputs, output: output, gradOut: g, rows: rows, grads: &grads, only: 2) }
        case .matMul(let plan) where plan.constantBT != nil && grads[0] != nil && grads[1] == nil:
            var ga = grads[0]!
            grads[0] = nil
            Self.addProduct(g, plan.constantBT!, m: rows * plan.batch * plan.m, n: plan.k, k: plan.n, scale: 1, into: &ga)
            grads[0] = ga
        case .unary(let op):
            guard var gx = grads[0] else { return }
            grads[0] = nil
            let derivative = op.derivative(inputs[0], output: output)
            gx.withUnsafeMutableBufferPointer { GX in
                for r in 0..<rows {
                    let base = r * outCount
                    for i in 0..<outCount { GX[base + i] += g[base + i] * derivative[i] }
                }
            }
            grads[0] = gx
        case .copy:
            guard var gx = grads[0] else { return }
            grads[0] = nil
            gx.withUnsafeMutableBufferPointer { GX in for i in 0..<g.count { GX[i] += g[i] } }
            grads[0] = gx
        default:
            reverseByRows(inputs, output: output, gradOut: g, rows: rows, grads: &grads, only: nil)
        }
    }

    /// `into` += scale · A [m × k] · B [k × n], row-major.
    private static func addProduct(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, scale: Double, into c: inout [Double]) {
        if scale == 1 {
            a.withUnsafeBufferPointer { A in
                b.withUnsafeBufferPointer { B in
                    c.withUnsafeMutableBufferPointer { C in
                        MatrixProduct.multiply(m: m, n: n, k: k, a: A.baseAddress!, lda: k, b: B.baseAddress!, ldb: n,
                                               c: C.baseAddress!, ldc: n, accumulate: true)
                    }
                }
            }
        } else {
            var product = [Double](repeating: 0, count: m * n)
            addProduct(a, b, m: m, n: n, k: k, scale: 1, into: &product)
            for i in 0..<c.count { c[i] += scale * product[i] }
        }
    }

    /// The general case: one cotangent row at a time through `reverseRow`, for operand `only` (or every operand).
    private func reverseByRows(
        _ inputs: [[Double]], output: [Double], gradOut g: [Double], rows: Int, grads: inout [[Double]?], only: Int?
    ) {
        let selected = grads.indices.map { k in (only == nil || only == k) && grads[k] != nil }
        if rows == 1 {
            // Moved out and back, so that the buffers are written in place rather than copied.
            var rowGrads: [[Double]?] = Array(repeating: nil, count: grads.count)
            for k in grads.indices where selected[k] { swap(&rowGrads[k], &grads[k]) }
            reverseRow(inputs, output: output, gradOut: g, grads: &rowGrads)
            for k in grads.indices where selected[k] { swap(&rowGrads[k], &grads[k]) }
            return
        }
        let outCount = output.count
        for r in 0..<rows {
            var rowGrads: [[Double]?] = selected.indices.map { k in
                selected[k] ? [Double](repeating: 0, count: inputs[k].count) : nil
            }
            reverseRow(inputs, output: output, gradOut: Array(g[(r * outCount)..<((r + 1) * outCount)]), grads: &rowGrads)
            for k in grads.indices {
                guard let contribution = rowGrads[k] else { continue }
                let base = r * inputs[k].count
                for i in 0..<contribution.count { grads[k]![base + i] += contribution[i] }
            }
        }
    }

    /// Adds one cotangent's vector–Jacobian product `gradOut`ᵀ·∂out/∂input into `grads[k]` for each operand k
    /// that is non-nil (the operands the output depends on through the graph input; constants are left nil).
    func reverseRow(_ inputs: [[Double]], output: [Double], gradOut g: [Double], grads: inout [[Double]?]) {
        switch self {
        case .conv, .maxPool, .unary, .copy:
            reverse(inputs, output: output, gradOut: g, rows: 1, grads: &grads)
        case .averagePool(let plan, let includePad):
            plan.forEachWindow { o, taps in
                let share = g[o] / Double(includePad ? plan.kernelH * plan.kernelW : taps.count)
                for index in taps { grads[0]![index] += share }
            }
        case .globalAveragePool(let channels, let spatial):
            for c in 0..<channels {
                let share = g[c] / Double(spatial)
                for j in 0..<spatial { grads[0]![c * spatial + j] += share }
            }
        case .batchNormalization(let scale, _, let spatial):
            for i in 0..<g.count { grads[0]![i] += scale[i / spatial] * g[i] }
        case .gemm(let plan):
            let (m, k, n) = (plan.m, plan.k, plan.n)
            let (ai, ap, bp, bj) = plan.strides
            if var ga = grads[0] {
                grads[0] = nil  // owned here while accumulating, so the buffer is written in place
                inputs[1].withUnsafeBufferPointer { B in
                    g.withUnsafeBufferPointer { G in
                        ga.withUnsafeMutableBufferPointer { GA in
                            for i in 0..<m {
                                for p in 0..<k {
                                    var sum = 0.0
                                    for j in 0..<n { sum += G[i * n + j] * B[p * bp + j * bj] }
                                    GA[i * ai + p * ap] += plan.alpha * sum
                                }
                            }
                        }
                    }
                }
                grads[0] = ga
            }
            if var gb = grads[1] {
                grads[1] = nil
                inputs[0].withUnsafeBufferPointer { A in
                    g.withUnsafeBufferPointer { G in
                        gb.withUnsafeMutableBufferPointer { GB in
                            for p in 0..<k {
                                for j in 0..<n {
                                    var sum = 0.0
                                    for i in 0..<m { sum += A[i * ai + p * ap] * G[i * n + j] }
                                    GB[p * bp + j * bj] += plan.alpha * sum
                                }
                            }
                        }
                    }
                }
                grads[1] = gb
            }
            if grads.count > 2, grads[2] != nil, let cMap = plan.cMap {
                for index in 0..<g.count { grads[2]![cMap[index]] += plan.beta * g[index] }
            }
        case .matMul(let plan):
            let (m, k, n) = (plan.m, plan.k, plan.n)
            for t in 0..<plan.batch {
                let aBase = t * m * k, bBase = plan.batchedB ? t * k * n : 0, oBase = t * m * n
                for i in 0..<m {
                    for p in 0..<k {
                        if grads[0] != nil {
                            var sum = 0.0
                            for j in 0..<n { sum += g[oBase + i * n + j] * inputs[1][bBase + p * n + j] }
                            grads[0]![aBase + i * k + p] += sum
                        }
                        if grads[1] != nil {
                            let x = inputs[0][aBase + i * k + p]
                            for j in 0..<n { grads[1]![bBase + p * n + j] += x * g[oBase + i * n + j] }
                        }
                    }
                }
            }
        case .binary(let op, let aMap, let bMap):
            let a = inputs[0], b = inputs[1]
            for i in 0..<g.count {
                let ia = aMap?[i] ?? i, ib = bMap?[i] ?? i
                let (da, db): (Double, Double)
                switch op {
                case .add: (da, db) = (1, 1)
                case .sub: (da, db) = (1, -1)
                case .mul: (da, db) = (b[ib], a[ia])
                case .div: (da, db) = (1 / b[ib], -a[ia] / (b[ib] * b[ib]))
                }
                if grads[0] != nil { grads[0]![ia] += g[i] * da }
                if grads[1] != nil { grads[1]![ib] += g[i] * db }
            }
        case .softmax(let outer, let axis, let inner, let log):
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * axis * inner + i
                    // softmax: gx = y ⊙ (g − Σ g·y); log-softmax: gx = g − softmax · Σ g.
                    var dot = 0.0
                    for a in 0..<axis { dot += log ? g[base + a * inner] : g[base + a * inner] * output[base + a * inner] }
                    for a in 0..<axis {
                        let j = base + a * inner
                        grads[0]![j] += log ? g[j] - Foundation.exp(output[j]) * dot : output[j] * (g[j] - dot)
                    }
                }
            }
        case .gather(let map):
            for i in 0..<g.count { grads[0]![map[i]] += g[i] }
        case .concat(let outer, let chunks):
            var offset = 0
            for o in 0..<outer {
                for (k, chunk) in chunks.enumerated() {
                    if grads[k] != nil { for j in 0..<chunk { grads[k]![o * chunk + j] += g[offset + j] } }
                    offset += chunk
                }
            }
        }
    }
}

extension UnaryOperator {
    /// ∂output/∂input element by element, at the input `x` and the output it gave.
    func derivative(_ x: [Double], output: [Double]) -> [Double] {
        switch self {
        case .relu: x.map { $0 > 0 ? 1 : 0 }
        case .leakyRelu(let alpha): x.map { $0 > 0 ? 1 : alpha }
        case .elu(let alpha): x.map { $0 > 0 ? 1 : alpha * Foundation.exp($0) }
        case .sigmoid: output.map { $0 * (1 - $0) }
        case .tanh: output.map { 1 - $0 * $0 }
        }
    }
}

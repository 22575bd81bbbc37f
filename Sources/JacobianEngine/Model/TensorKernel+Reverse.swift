import Foundation

extension TensorKernel {
    /// Adds the operation's vector–Jacobian product `gradOut`ᵀ·∂out/∂input into `grads[k]` for each operand k
    /// that is non-nil (the operands the output depends on through the graph input; constants are left nil).
    func reverse(_ inputs: [[Double]], output: [Double], gradOut g: [Double], grads: inout [[Double]?]) {
        switch self {
        case .conv(let plan):
            guard var gx = grads[0] else { return }
            grads[0] = nil  // owned here while accumulating, so the buffer is written in place
            let outPlane = plan.outHeight * plan.outWidth
            g.withUnsafeBufferPointer { G in
                gx.withUnsafeMutableBufferPointer { GX in
                    plan.visitTaps { m, weight, region in
                        for oh in region.rows {
                            let outRow = m * outPlane + oh * plan.outWidth, inRow = region.base + oh * region.rowStep
                            if plan.strideW == 1 {  // row pointers: no checked index arithmetic per element
                                let gx = GX.baseAddress! + inRow, gs = G.baseAddress! + outRow
                                for ow in region.columns { gx[ow] += weight * gs[ow] }
                            } else {
                                for ow in region.columns { GX[inRow + ow * plan.strideW] += weight * G[outRow + ow] }
                            }
                        }
                    }
                }
            }
            grads[0] = gx
        case .maxPool(let plan):
            let x = inputs[0]
            plan.forEachWindow { o, taps in
                var best = -Double.infinity, at = -1
                for index in taps where at < 0 || x[index] > best || x[index].isNaN {
                    best = x[index]
                    at = index
                }
                if at >= 0 { grads[0]![at] += g[o] }
            }
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
        case .unary(let op):
            let x = inputs[0]
            for i in 0..<g.count {
                let derivative: Double
                switch op {
                case .relu: derivative = x[i] > 0 ? 1 : 0
                case .leakyRelu(let alpha): derivative = x[i] > 0 ? 1 : alpha
                case .elu(let alpha): derivative = x[i] > 0 ? 1 : alpha * Foundation.exp(x[i])
                case .sigmoid: derivative = output[i] * (1 - output[i])
                case .tanh: derivative = 1 - output[i] * output[i]
                }
                grads[0]![i] += g[i] * derivative
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
        case .copy:
            for i in 0..<g.count { grads[0]![i] += g[i] }
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

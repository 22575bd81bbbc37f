import Foundation

extension TensorKernel {
    /// The output of the operation for these operand values (`count` elements).
    func forward(_ inputs: [[Double]], count: Int) -> [Double] {
        switch self {
        case .conv(let plan): return plan.forward(inputs[0])
        case .maxPool(let plan):
            let x = inputs[0]
            return plan.argmax(x).map { $0 >= 0 ? x[$0] : -Double.infinity }
        case .averagePool(let plan, let includePad):
            var out = [Double](repeating: 0, count: count)
            plan.forEachWindow { o, taps in
                var sum = 0.0
                for index in taps { sum += inputs[0][index] }
                out[o] = sum / Double(includePad ? plan.kernelH * plan.kernelW : taps.count)
            }
            return out
        case .globalAveragePool(let channels, let spatial):
            return (0..<channels).map { c in
                var sum = 0.0
                for j in 0..<spatial { sum += inputs[0][c * spatial + j] }
                return sum / Double(spatial)
            }
        case .batchNormalization(let scale, let shift, let spatial):
            let x = inputs[0]
            return (0..<count).map { i in scale[i / spatial] * x[i] + shift[i / spatial] }
        case .gemm(let plan): return plan.forward(inputs[0], inputs[1], inputs.count > 2 ? inputs[2] : nil)
        case .matMul(let plan): return plan.forward(inputs[0], inputs[1])
        case .binary(let op, let aMap, let bMap):
            let a = inputs[0], b = inputs[1]
            return (0..<count).map { i in
                let x = a[aMap?[i] ?? i], y = b[bMap?[i] ?? i]
                switch op {
                case .add: return x + y
                case .sub: return x - y
                case .mul: return x * y
                case .div: return x / y
                }
            }
        case .unary(let op):
            // One loop per operator, so that ReLU's is a vectorized max.
            switch op {
            case .relu: return inputs[0].map { $0 > 0 ? $0 : 0 }
            case .leakyRelu(let alpha): return inputs[0].map { $0 > 0 ? $0 : alpha * $0 }
            case .elu(let alpha): return inputs[0].map { $0 > 0 ? $0 : alpha * Foundation.expm1($0) }
            case .sigmoid: return inputs[0].map { 1 / (1 + Foundation.exp(-$0)) }
            case .tanh: return inputs[0].map { Foundation.tanh($0) }
            }
        case .softmax(let outer, let axis, let inner, let log):
            var out = [Double](repeating: 0, count: count)
            let x = inputs[0]
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * axis * inner + i
                    var peak = -Double.infinity
                    for a in 0..<axis { peak = max(peak, x[base + a * inner]) }
                    var sum = 0.0
                    for a in 0..<axis { sum += Foundation.exp(x[base + a * inner] - peak) }
                    let logSum = Foundation.log(sum)
                    for a in 0..<axis {
                        let shifted = x[base + a * inner] - peak
                        out[base + a * inner] = log ? shifted - logSum : Foundation.exp(shifted) / sum
                    }
                }
            }
            return out
        case .copy: return inputs[0]
        case .gather(let map): return map.map { inputs[0][$0] }
        case .concat(let outer, let chunks):
            var out: [Double] = []
            out.reserveCapacity(count)
            for o in 0..<outer {
                for (k, chunk) in chunks.enumerated() { out.append(contentsOf: inputs[k][(o * chunk)..<((o + 1) * chunk)]) }
            }
            return out
        }
    }
}

extension PoolPlan {
    /// For every output element, the input index of its window's first maximum (a NaN wins, as in PyTorch), or -1
    /// for a window wholly in the padding: the forward value and where the gradient goes.
    func argmax(_ x: [Double]) -> [Int] {
        var result = [Int](repeating: -1, count: channels * outHeight * outWidth)
        x.withUnsafeBufferPointer { X in
            result.withUnsafeMutableBufferPointer { R in
                if padTop == 0, padLeft == 0, (outHeight - 1) * strideH + (kernelH - 1) * dilationH < height,
                    (outWidth - 1) * strideW + (kernelW - 1) * dilationW < width
                {
                    interiorArgmax(X, R)
                    return
                }
                var o = 0
                for c in 0..<channels {
                    for oh in 0..<outHeight {
                        // The window's rows and columns inside the image, found once per row and column rather
                        // than tested per tap. Wrapping arithmetic: the plan's sizes were bounded when it was built.
                        let top = oh &* strideH &- padTop
                        let khFirst = top >= 0 ? 0 : (-top &+ dilationH &- 1) / dilationH
                        for ow in 0..<outWidth {
                            let left = ow &* strideW &- padLeft
                            let kwFirst = left >= 0 ? 0 : (-left &+ dilationW &- 1) / dilationW
                            var at = -1
                            var kh = khFirst
                            while kh < kernelH {
                                let ih = top &+ kh &* dilationH
                                if ih >= height { break }
                                var kw = kwFirst
                                while kw < kernelW {
                                    let iw = left &+ kw &* dilationW
                                    if iw >= width { break }
                                    let index = (c &* height &+ ih) &* width &+ iw
                                    let value = X[index]
                                    // Selects rather than branches: which tap wins is data, and mispredicted
                                    // branches cost more than the comparisons.
                                    let wins = at < 0 || value > X[at] || value != value
                                    at = wins ? index : at
                                    kw &+= 1
                                }
                                kh &+= 1
                            }
                            R[o] = at
                            o &+= 1
                        }
                    }
                }
            }
        }
        return result
    }

    /// `argmax` when every window lies inside the image (no padding: the usual 2×2 pooling), without bounds tests.
    private func interiorArgmax(_ X: UnsafeBufferPointer<Double>, _ R: UnsafeMutableBufferPointer<Int>) {
        var o = 0
        for c in 0..<channels {
            for oh in 0..<outHeight {
                let rowStart = (c &* height &+ oh &* strideH) &* width
                for ow in 0..<outWidth {
                    let corner = rowStart &+ ow &* strideW
                    var at = corner
                    for kh in 0..<kernelH {
                        let row = corner &+ kh &* dilationH &* width
                        for kw in 0..<kernelW {
                            let index = row &+ kw &* dilationW
                            let value = X[index]
                            // A select rather than a branch: which tap wins is data, and mispredicted branches
                            // cost more than the comparisons. A NaN wins, as in PyTorch.
                            at = value > X[at] || value != value ? index : at
                        }
                    }
                    R[o] = at
                    o &+= 1
                }
            }
        }
    }

    /// Calls `body` for every output element with the input indices its window covers (padding skipped).
    func forEachWindow(_ body: (Int, [Int]) -> Void) {
        var taps: [Int] = []
        taps.reserveCapacity(min(kernelH * kernelW, height * width))
        for c in 0..<channels {
            for oh in 0..<outHeight {
                for ow in 0..<outWidth {
                    taps.removeAll(keepingCapacity: true)
                    for kh in 0..<kernelH {
                        let ih = oh * strideH - padTop + kh * dilationH
                        guard ih >= 0, ih < height else { continue }
                        for kw in 0..<kernelW {
                            let iw = ow * strideW - padLeft + kw * dilationW
                            guard iw >= 0, iw < width else { continue }
                            taps.append((c * height + ih) * width + iw)
                        }
                    }
                    body((c * outHeight + oh) * outWidth + ow, taps)
                }
            }
        }
    }
}

extension GemmPlan {
    /// Strides of A(i, p) along i and p, and of B(p, j) along p and j, for the transposition flags.
    var strides: (ai: Int, ap: Int, bp: Int, bj: Int) {
        (transA ? 1 : k, transA ? m : 1, transB ? 1 : n, transB ? k : 1)
    }

    func forward(_ a: [Double], _ b: [Double], _ c: [Double]?) -> [Double] {
        if let constantB, !transA {
            // A layer: A [m × k] times the weight laid out [k × n], then scaled and shifted.
            var out = [Double](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { A in
                constantB.kn.withUnsafeBufferPointer { B in
                    out.withUnsafeMutableBufferPointer { O in
                        MatrixProduct.multiply(m: m, n: n, k: k, a: A.baseAddress!, lda: k, b: B.baseAddress!, ldb: n,
                                               c: O.baseAddress!, ldc: n, accumulate: false)
                    }
                }
            }
            for index in 0..<out.count {
                out[index] = alpha * out[index] + (c.map { beta * $0[cMap![index]] } ?? 0)
            }
            return out
        }
        var out = [Double](repeating: 0, count: m * n)
        let (ai, ap, bp, bj) = strides
        a.withUnsafeBufferPointer { A in
            b.withUnsafeBufferPointer { B in
                out.withUnsafeMutableBufferPointer { O in
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = 0.0
                            for p in 0..<k { sum += A[i * ai + p * ap] * B[p * bp + j * bj] }
                            O[i * n + j] = alpha * sum
                        }
                    }
                }
            }
        }
        if let c, let cMap {
            for index in 0..<out.count { out[index] += beta * c[cMap[index]] }
        }
        return out
    }
}

extension MatMulPlan {
    func forward(_ a: [Double], _ b: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: batch * m * n)
        if !batchedB {
            // One B for every batch: A's rows of all batches [batch·m × k] times B [k × n] in one product.
            a.withUnsafeBufferPointer { A in
                b.withUnsafeBufferPointer { B in
                    out.withUnsafeMutableBufferPointer { O in
                        MatrixProduct.multiply(m: batch * m, n: n, k: k, a: A.baseAddress!, lda: k, b: B.baseAddress!,
                                               ldb: n, c: O.baseAddress!, ldc: n, accumulate: false)
                    }
                }
            }
            return out
        }
        for t in 0..<batch {
            let aBase = t * m * k, bBase = batchedB ? t * k * n : 0, oBase = t * m * n
            for i in 0..<m {
                for p in 0..<k {
                    let x = a[aBase + i * k + p]
                    for j in 0..<n { out[oBase + i * n + j] += x * b[bBase + p * n + j] }
                }
            }
        }
        return out
    }
}

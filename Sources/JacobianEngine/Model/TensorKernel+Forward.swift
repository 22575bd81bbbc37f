import Foundation

extension TensorKernel {
    /// The output of the operation for these operand values (`count` elements).
    func forward(_ inputs: [[Double]], count: Int) -> [Double] {
        switch self {
        case .conv(let plan): return plan.forward(inputs[0])
        case .maxPool(let plan):
            var out = [Double](repeating: 0, count: count)
            plan.forEachWindow { o, taps in
                var best = -Double.infinity
                var first = true
                for index in taps where first || inputs[0][index] > best || inputs[0][index].isNaN {
                    best = inputs[0][index]
                    first = false
                }
                out[o] = best
            }
            return out
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
            return inputs[0].map { x in
                switch op {
                case .relu: return x > 0 ? x : 0
                case .leakyRelu(let alpha): return x > 0 ? x : alpha * x
                case .elu(let alpha): return x > 0 ? x : alpha * Foundation.expm1(x)
                case .sigmoid: return 1 / (1 + Foundation.exp(-x))
                case .tanh: return Foundation.tanh(x)
                }
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

extension ConvolutionPlan {
    /// Direct convolution, ordered so the innermost loop runs along an output row.
    func forward(_ x: [Double]) -> [Double] {
        let outPlane = outHeight * outWidth
        var out = [Double](repeating: 0, count: outChannels * outPlane)
        if let bias {
            for m in 0..<outChannels { for j in 0..<outPlane { out[m * outPlane + j] = bias[m] } }
        }
        x.withUnsafeBufferPointer { X in
            out.withUnsafeMutableBufferPointer { O in
                visitTaps { m, weight, region in
                    for oh in region.rows {
                        let outRow = m * outPlane + oh * outWidth, inRow = region.base + oh * region.rowStep
                        if strideW == 1 {
                            // The common case, on row pointers so that no index arithmetic is checked per element
                            // and the loop vectorizes.
                            let o = O.baseAddress! + outRow, xs = X.baseAddress! + inRow
                            for ow in region.columns { o[ow] += weight * xs[ow] }
                        } else {
                            for ow in region.columns { O[outRow + ow] += weight * X[inRow + ow * strideW] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The output rectangle a kernel tap reaches inside the input (padding skipped): rows `rows`, columns
    /// `columns`, and the input index of output (oh, ow) is `base + oh · rowStep + ow · strideW`.
    struct TapRegion {
        var rows: ClosedRange<Int>
        var columns: ClosedRange<Int>
        var base: Int
        var rowStep: Int
    }

    /// Calls `body` once per (output channel, input channel, kernel tap) with the tap's weight and the region of
    /// outputs it reaches; the caller loops over the region, so the per-call cost is paid once per tap, not per row.
    @inline(__always)
    func visitTaps(_ body: (_ outChannel: Int, _ weight: Double, _ region: TapRegion) -> Void) {
        let inPerGroup = channels / group, outPerGroup = outChannels / group
        for kh in 0..<kernelH {
            // Output rows whose input row oh·strideH − padTop + kh·dilationH lies in [0, height).
            let offsetH = kh * dilationH - padTop
            let firstOH = offsetH >= 0 ? 0 : (-offsetH + strideH - 1) / strideH
            let lastOH = min(outHeight - 1, offsetH > height - 1 ? -1 : (height - 1 - offsetH) / strideH)
            guard firstOH <= lastOH else { continue }
            for kw in 0..<kernelW {
                let offsetW = kw * dilationW - padLeft
                let firstOW = offsetW >= 0 ? 0 : (-offsetW + strideW - 1) / strideW
                let lastOW = min(outWidth - 1, offsetW > width - 1 ? -1 : (width - 1 - offsetW) / strideW)
                guard firstOW <= lastOW else { continue }
                for m in 0..<outChannels {
                    let g = m / outPerGroup
                    for ci in 0..<inPerGroup {
                        let weight = self.weight[((m * inPerGroup + ci) * kernelH + kh) * kernelW + kw]
                        if weight == 0 { continue }
                        let c = g * inPerGroup + ci
                        body(m, weight, TapRegion(
                            rows: firstOH...lastOH, columns: firstOW...lastOW,
                            base: (c * height + offsetH) * width + offsetW, rowStep: strideH * width))
                    }
                }
            }
        }
    }
}

extension PoolPlan {
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

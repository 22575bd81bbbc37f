import Foundation

extension TensorKernel {
    /// The Jacobian–vector product: the output's tangent from the operands' tangents (nil for constants, whose
    /// tangent is zero), at these operand values and output. Forward mode runs this node by node.
    func tangent(_ inputs: [[Double]], output: [Double], tangents t: [[Double]?]) -> [Double] {
        let count = output.count
        switch self {
        case .conv(var plan):
            plan.bias = nil  // the tangent of a convolution is the convolution of the tangent, without the bias
            return plan.forward(t[0]!)
        case .maxPool(let plan):
            let tx = t[0]!
            return plan.argmax(inputs[0]).map { $0 >= 0 ? tx[$0] : 0 }
        case .averagePool, .globalAveragePool, .copy, .gather:
            return forward([t[0]!], count: count)  // linear in their one operand
        case .batchNormalization(let scale, _, let spatial):
            return (0..<count).map { i in scale[i / spatial] * t[0]![i] }
        case .gemm(let plan):
            var out = [Double](repeating: 0, count: count)
            var linear = plan
            linear.beta = 1
            linear.cMap = nil
            if let ta = t[0] { out = zip(out, linear.forward(ta, inputs[1], nil)).map(+) }
            if let tb = t[1] { out = zip(out, linear.forward(inputs[0], tb, nil)).map(+) }
            if t.count > 2, let tc = t[2], let cMap = plan.cMap {
                for i in 0..<count { out[i] += plan.beta * tc[cMap[i]] }
            }
            return out
        case .matMul(let plan):
            var out = [Double](repeating: 0, count: count)
            if let ta = t[0] { out = zip(out, plan.forward(ta, inputs[1])).map(+) }
            if let tb = t[1] { out = zip(out, plan.forward(inputs[0], tb)).map(+) }
            return out
        case .binary(let op, let aMap, let bMap):
            let a = inputs[0], b = inputs[1]
            return (0..<count).map { i in
                let ia = aMap?[i] ?? i, ib = bMap?[i] ?? i
                let ta = t[0]?[ia] ?? 0, tb = t[1]?[ib] ?? 0
                switch op {
                case .add: return ta + tb
                case .sub: return ta - tb
                case .mul: return ta * b[ib] + a[ia] * tb
                case .div: return ta / b[ib] - a[ia] * tb / (b[ib] * b[ib])
                }
            }
        case .unary(let op):
            return zip(op.derivative(inputs[0], output: output), t[0]!).map(*)
        case .softmax(let outer, let axis, let inner, let log):
            var out = [Double](repeating: 0, count: count)
            let tx = t[0]!
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * axis * inner + i
                    // softmax: ẏ = y ⊙ (ṫ − Σ y·ṫ); log-softmax: ẏ = ṫ − Σ softmax·ṫ.
                    var dot = 0.0
                    for a in 0..<axis {
                        let j = base + a * inner
                        dot += (log ? Foundation.exp(output[j]) : output[j]) * tx[j]
                    }
                    for a in 0..<axis {
                        let j = base + a * inner
                        out[j] = log ? tx[j] - dot : output[j] * (tx[j] - dot)
                    }
                }
            }
            return out
        case .concat(let outer, let chunks):
            var out: [Double] = []
            out.reserveCapacity(count)
            for o in 0..<outer {
                for (k, chunk) in chunks.enumerated() {
                    if let tk = t[k] {
                        out.append(contentsOf: tk[(o * chunk)..<((o + 1) * chunk)])
                    } else {
                        out.append(contentsOf: repeatElement(0, count: chunk))
                    }
                }
            }
            return out
        }
    }
}

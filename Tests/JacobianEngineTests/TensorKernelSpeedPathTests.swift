import Foundation
import TestSupport
import Testing
@testable import JacobianEngine

/// The fast paths of the tensor-graph engine (register-blocked products, lowered convolutions, the reverse sweep
/// carrying many cotangent rows) against the plain definitions they replace, on awkward sizes: edges of the 4 × 4
/// blocks, strides, padding, dilation, groups.
@Suite struct TensorKernelSpeedPathTests {
    static func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(1e-300, b.map(abs).max() ?? 0)
        return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    @Test(arguments: [(1, 1, 1), (3, 5, 2), (4, 4, 4), (6, 13, 25), (9, 8, 7), (17, 33, 150), (10, 400, 120)])
    func matrixProductMatchesTheTripleLoop(_ size: (Int, Int, Int)) {
        let (m, n, k) = size
        var generator = SplitMix64(seed: UInt64(m * 1000 + n * 10 + k))
        let lda = k + 1, ldb = n + 2, ldc = n + 3  // leading dimensions wider than the matrices
        let a = (0..<(m * lda)).map { _ in generator.unit() - 0.5 }
        let b = (0..<(k * ldb)).map { _ in generator.unit() - 0.5 }
        let start = (0..<(m * ldc)).map { _ in generator.unit() }
        // Both the product the engine uses on this CPU (the AVX2/FMA kernel where it exists) and the Swift loop.
        for (accumulate, portable) in [(false, false), (true, false), (false, true), (true, true)] {
            var c = start
            a.withUnsafeBufferPointer { A in
                b.withUnsafeBufferPointer { B in
                    c.withUnsafeMutableBufferPointer { C in
                        let product = portable ? MatrixProduct.multiplyPortable : MatrixProduct.multiply
                        product(m, n, k, A.baseAddress!, lda, B.baseAddress!, ldb, C.baseAddress!, ldc, accumulate)
                    }
                }
            }
            for i in 0..<m {
                for j in 0..<ldc {
                    var expected = start[i * ldc + j]
                    if j < n {
                        var sum = 0.0
                        for p in 0..<k { sum += a[i * lda + p] * b[p * ldb + j] }
                        expected = accumulate ? expected + sum : sum
                    }
                    // Padding columns (j ≥ n) must be left alone.
                    #expect(abs(c[i * ldc + j] - expected) <= 1e-13 * max(1, abs(expected)), "C[\(i), \(j)]")
                }
            }
        }
    }

    /// A convolution's value and input gradient by the lowering, against the definition summed tap by tap.
    @Test(arguments: [
        Window(kernel: [5, 5], pads: [2, 2, 2, 2]),
        Window(kernel: [3, 2], strides: [2, 3], pads: [1, 0, 2, 1], dilations: [2, 1]),
        Window(kernel: [1, 1]),
        Window(kernel: [3, 3], strides: [1, 2], pads: [0, 1, 0, 1]),
    ])
    func loweredConvolutionMatchesTheDefinition(_ window: Window) throws {
        let (c, h, w, m, group) = window.kernel == [1, 1] ? (4, 5, 6, 6, 2) : (2, 9, 11, 3, 1)
        var generator = SplitMix64(seed: 7)
        let weight = (0..<(m * (c / group) * window.kernel[0] * window.kernel[1])).map { _ in generator.unit() - 0.5 }
        let bias = (0..<m).map { _ in generator.unit() }
        var builder = TensorGraphBuilder()
        let x = try builder.addInput(shape: [1, c, h, w])
        let wt = try builder.addConstant(weight, shape: [m, c / group, window.kernel[0], window.kernel[1]], name: "w")
        let bt = try builder.addConstant(bias, shape: [m], name: "b")
        let y = try builder.apply(.conv(window, group: group), to: [x, wt, bt], node: "conv")
        let graph = try builder.build(input: x, output: y)
        let (oh, ow) = try window.outputSize(height: h, width: w)
        let input = (0..<(c * h * w)).map { _ in generator.unit() - 0.5 }

        // The definition: out[o, i, j] = b[o] + Σ w[o, ci, a, b] · x[g·C/g + ci, i·sh − pt + a·dh, j·sw − pl + b·dw].
        var expected = [Double](repeating: 0, count: m * oh * ow)
        var taps: [(out: Int, input: Int, weight: Double)] = []
        let (kh, kw) = (window.kernel[0], window.kernel[1])
        for o in 0..<m {
            let g = o / (m / group)
            for i in 0..<oh {
                for j in 0..<ow {
                    expected[(o * oh + i) * ow + j] = bias[o]
                    for ci in 0..<(c / group) {
                        for a in 0..<kh {
                            for b in 0..<kw {
                                let ih = i * window.strides[0] - window.pads[0] + a * window.dilations[0]
                                let iw = j * window.strides[1] - window.pads[1] + b * window.dilations[1]
                                guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                                let wv = weight[((o * (c / group) + ci) * kh + a) * kw + b]
                                let xi = ((g * (c / group) + ci) * h + ih) * w + iw
                                expected[(o * oh + i) * ow + j] += wv * input[xi]
                                taps.append(((o * oh + i) * ow + j, xi, wv))
                            }
                        }
                    }
                }
            }
        }
        let function = ModelFunction(graph: graph)
        #expect(Self.maxRelativeError(try function.evaluate(at: input), expected) < 1e-13)
        // Reverse mode with all rows in one sweep, against the definition's transpose.
        let jacobian = try function.compiled.jacobian(at: input, mode: .reverse).jacobian
        var dense = [Double](repeating: 0, count: m * oh * ow * c * h * w)
        for tap in taps { dense[tap.out * (c * h * w) + tap.input] += tap.weight }
        #expect(Self.maxRelativeError(jacobian.storage, dense) < 1e-13)
    }

    @Test func bufferPoolReusesMemoryAndZeroesIt() {
        let pool = BufferPool(maxArrays: 2, maxElements: 100)
        pool.recycle([Double](repeating: 7, count: 40))
        let reused = pool.zeros(30)
        #expect(reused.count == 30 && reused.allSatisfy { $0 == 0 } && reused.capacity >= 40)
        #expect(pool.scratch(50).count >= 50, "nothing large enough: a new array")
        pool.recycle([Double](repeating: 1, count: 60))
        pool.recycle([Double](repeating: 1, count: 60))  // over maxElements: dropped
        pool.recycle([Double](repeating: 1, count: 10))
        pool.recycle([Double](repeating: 1, count: 10))  // over maxArrays: dropped
        #expect(pool.zeros(60).capacity >= 60)
        #expect(pool.zeros(60).allSatisfy { $0 == 0 })
    }

    /// uᵀJ for several cotangents in one sweep equals the rows of the Jacobian combined, through every kind of node
    /// (the fast ones and those that run row by row).
    @Test func vectorJacobianProductsOfManyRowsMatchTheJacobian() throws {
        var generator = SplitMix64(seed: 11)
        var builder = TensorGraphBuilder()
        let x = try builder.addInput(shape: [1, 2, 6, 6])
        let w = try builder.addConstant((0..<(4 * 2 * 9)).map { _ in generator.unit() - 0.5 }, shape: [4, 2, 3, 3], name: "w")
        var h = try builder.apply(.conv(Window(kernel: [3, 3], pads: [1, 1, 1, 1]), group: 1), to: [x, w], node: "conv")
        h = try builder.apply(.tanh, to: [h], node: "tanh")
        h = try builder.apply(.maxPool(Window(kernel: [2, 2], strides: [2, 2])), to: [h], node: "pool")
        let skip = try builder.apply(.averagePool(Window(kernel: [2, 2], strides: [2, 2]), countIncludePad: false), to: [x], node: "avg")
        h = try builder.apply(.concat(axis: 1), to: [h, skip], node: "concat")
        h = try builder.apply(.reshape([1, 54]), to: [h], node: "flatten")
        let fc = try builder.addConstant((0..<(5 * 54)).map { _ in generator.unit() - 0.5 }, shape: [5, 54], name: "fc")
        h = try builder.apply(.gemm(alpha: 0.5, beta: 1, transA: false, transB: true), to: [h, fc], node: "gemm")
        h = try builder.apply(.mul, to: [h, h], node: "square")
        h = try builder.apply(.softmax(axis: 1), to: [h], node: "softmax")
        let function = ModelFunction(graph: try builder.build(input: x, output: h))
        let point = (0..<72).map { _ in generator.unit() - 0.5 }
        let reverse = try function.compiled.jacobian(at: point, mode: .reverse).jacobian
        let forward = try function.compiled.jacobian(at: point, mode: .forward).jacobian
        #expect(Self.maxRelativeError(reverse.storage, forward.storage) < 1e-12)
        let cotangents = (0..<(3 * 5)).map { _ in generator.unit() - 0.5 }
        let products = try function.compiled.products(.cotangents, at: [point], vectors: [
            Array(cotangents[0..<5]), Array(cotangents[5..<10]), Array(cotangents[10..<15]),
        ], limits: EngineLimits())[0].products
        for (r, product) in products.enumerated() {
            let expected = (0..<72).map { column in (0..<5).reduce(0.0) { $0 + cotangents[r * 5 + $1] * forward[$1, column] } }
            #expect(Self.maxRelativeError(product, expected) < 1e-12, "cotangent \(r)")
        }
        // A gradient is one row of the same.
        let gradient = try function.gradient(at: point, row: 2).gradient
        #expect(Self.maxRelativeError(gradient, Array(reverse.row(2))) < 1e-13)
    }
}

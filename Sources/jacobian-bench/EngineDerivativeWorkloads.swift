import Foundation
import JacobianEngine

/// Benchmark rows beyond the dense Jacobian: the banded system answered sparse and as a Jacobian–vector product,
/// and the Hessian and a Hessian–vector product of the 1000-input scalar function, each beside a hand-written
/// closure computing the same numbers.
enum EngineDerivativeWorkloads {
    static func rows(engine: JacobianEngine, numbers: inout EngineWorkloads.Numbers) -> [EngineBenchRow] {
        var rows: [EngineBenchRow] = []
        let banded = try! engine.compile(EngineWorkloads.bandedSpec)
        let x = numbers.vector(EngineWorkloads.bandedSize)
        let sparse = try! banded.sparseJacobian(at: x)
        rows.append(EngineBenchRow(
            "banded 1000×1000, sparse (\(banded.sparseSweepCount(.auto)) sweeps)",
            check: (JacobianResult(value: sparse.value, jacobian: sparse.jacobian.dense), EngineWorkloads.bandedByHand(x)),
            engine: { try! banded.sparseJacobian(at: x).jacobian.values[0] },
            hand: { bandedSparseByHand(x)[0] }))
        rows.append(EngineBenchRow(
            "  banded, one evaluation", check: nil,
            engine: { try! banded.evaluate(at: x)[0] },
            hand: { EngineWorkloads.bandedByHand(x).value[0] }))
        let tangent = numbers.vector(EngineWorkloads.bandedSize)
        let jvp = try! banded.jacobianVectorProducts(at: x, tangents: [tangent])
        let denseJ = EngineWorkloads.bandedByHand(x)
        rows.append(EngineBenchRow(
            "banded 1000×1000, one J·v",
            check: (vectorResult(jvp.value, jvp.products[0]), vectorResult(denseJ.value, bandedJVPByHand(x, tangent))),
            engine: { try! banded.jacobianVectorProducts(at: x, tangents: [tangent]).products[0][0] },
            hand: { bandedJVPByHand(x, tangent)[0] }))

        let scalar = try! engine.compile(EngineWorkloads.gradientSpec)
        let point = numbers.vector(EngineWorkloads.gradientSize)
        let hessian = try! scalar.hessian(at: point)
        rows.append(EngineBenchRow(
            "Hessian 1000×1000 of the scalar (\(scalar.hessianSweepCount) HVPs)",
            check: (JacobianResult(value: hessian.value, jacobian: hessian.hessians[0]),
                    JacobianResult(value: [EngineWorkloads.gradientValueByHand(point)], jacobian: hessianByHand(point))),
            engine: { try! scalar.hessian(at: point).hessians[0].storage[0] },
            hand: { hessianByHand(point).storage[0] }))
        let sparseHessian = try! scalar.sparseHessian(at: point)
        rows.append(EngineBenchRow(
            "  same Hessian, sparse result",
            check: (JacobianResult(value: sparseHessian.value, jacobian: sparseHessian.sparseHessians[0].dense),
                    JacobianResult(value: [EngineWorkloads.gradientValueByHand(point)], jacobian: hessianByHand(point))),
            engine: { try! scalar.sparseHessian(at: point).sparseHessians[0].values[0] },
            hand: { tridiagonalByHand(point)[0] }))
        let direction = numbers.vector(EngineWorkloads.gradientSize)
        let hvp = try! scalar.hessianVectorProducts(at: point, vectors: [direction])
        rows.append(EngineBenchRow(
            "  same, one Hessian–vector product",
            check: (vectorResult(hvp.value, hvp.products[0][0]),
                    vectorResult([EngineWorkloads.gradientValueByHand(point)], hvpByHand(point, direction))),
            engine: { try! scalar.hessianVectorProducts(at: point, vectors: [direction]).products[0][0][0] },
            hand: { hvpByHand(point, direction)[0] }))
        return rows
    }

    /// A vector as a one-row result, for the agreement check.
    static func vectorResult(_ value: [Double], _ vector: [Double]) -> JacobianResult {
        JacobianResult(value: value, jacobian: Matrix(rows: 1, columns: vector.count, storage: vector))
    }

    /// The banded Jacobian's 3n − 2 nonzeros, row-major (left, diagonal, right).
    static func bandedSparseByHand(_ x: [Double]) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(3 * x.count)
        for i in x.indices {
            if i > 0 { values.append(1) }
            values.append(-2 + 3 * x[i] * x[i])
            if i + 1 < x.count { values.append(1) }
        }
        return values
    }

    static func bandedJVPByHand(_ x: [Double], _ v: [Double]) -> [Double] {
        x.indices.map { i in
            (i > 0 ? v[i - 1] : 0) + (-2 + 3 * x[i] * x[i]) * v[i] + (i + 1 < x.count ? v[i + 1] : 0)
        }
    }

    /// The Hessian of Σ (x_i − x_{i+1})² + Σ sin(x_i)·x_i: tridiagonal.
    static func hessianByHand(_ x: [Double]) -> Matrix {
        let n = x.count
        var h = Matrix(rows: n, columns: n)
        for i in 0..<n {
            var d = 2 * cos(x[i]) - x[i] * sin(x[i])
            if i + 1 < n { d += 2; h[i, i + 1] = -2; h[i + 1, i] = -2 }
            if i > 0 { d += 2 }
            h[i, i] = d
        }
        return h
    }

    /// The same Hessian's 3n − 2 nonzeros, row-major.
    static func tridiagonalByHand(_ x: [Double]) -> [Double] {
        let n = x.count
        var values: [Double] = []
        values.reserveCapacity(3 * n)
        for i in 0..<n {
            var d = 2 * cos(x[i]) - x[i] * sin(x[i])
            if i > 0 { values.append(-2); d += 2 }
            if i + 1 < n { d += 2 }
            values.append(d)
            if i + 1 < n { values.append(-2) }
        }
        return values
    }

    static func hvpByHand(_ x: [Double], _ v: [Double]) -> [Double] {
        let n = x.count
        return (0..<n).map { i in
            var d = 2 * cos(x[i]) - x[i] * sin(x[i])
            var total = 0.0
            if i + 1 < n { d += 2; total -= 2 * v[i + 1] }
            if i > 0 { d += 2; total -= 2 * v[i - 1] }
            return total + d * v[i]
        }
    }
}

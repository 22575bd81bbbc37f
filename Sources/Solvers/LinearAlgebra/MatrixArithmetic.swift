import JacobianEngine
#if canImport(Glibc)
import Glibc  // also links libm, which `squareRoot()` needs in debug builds on Linux
#elseif canImport(Darwin)
import Darwin
#endif

/// Small products the solvers need; plain loops, since the matrices here are Jacobians of a few dozen entries
/// and a BLAS call would cost more in setup than it saves. Shape mismatches are programmer errors and trap.
extension LinearAlgebra {
    /// A·x.
    public static func multiply(_ a: Matrix, _ x: [Double]) -> [Double] {
        precondition(x.count == a.columns, "vector length must equal the number of columns")
        var result = [Double](repeating: 0, count: a.rows)
        for i in 0..<a.rows {
            var sum = 0.0
            for j in 0..<a.columns { sum += a.storage[i * a.columns + j] * x[j] }
            result[i] = sum
        }
        return result
    }

    /// Aᵀ·y, without forming the transpose.
    public static func multiplyTransposed(_ a: Matrix, _ y: [Double]) -> [Double] {
        precondition(y.count == a.rows, "vector length must equal the number of rows")
        var result = [Double](repeating: 0, count: a.columns)
        for i in 0..<a.rows where y[i] != 0 {
            for j in 0..<a.columns { result[j] += a.storage[i * a.columns + j] * y[i] }
        }
        return result
    }

    /// The matrix product A·B.
    public static func multiply(_ a: Matrix, _ b: Matrix) -> Matrix {
        precondition(a.columns == b.rows, "inner dimensions must agree")
        var result = Matrix(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for k in 0..<a.columns {
                let aik = a[i, k]
                if aik == 0 { continue }
                for j in 0..<b.columns { result[i, j] += aik * b[k, j] }
            }
        }
        return result
    }

    /// The Euclidean norm ‖x‖₂, scaled so that huge entries do not overflow to infinity.
    public static func norm(_ x: [Double]) -> Double {
        let scale = x.reduce(0) { max($0, abs($1)) }
        if scale == 0 || !scale.isFinite { return scale }
        var sum = 0.0
        for value in x { sum += (value / scale) * (value / scale) }
        return scale * sum.squareRoot()
    }

    /// The inner product ⟨x, y⟩.
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "vectors must have the same length")
        var sum = 0.0
        for i in x.indices { sum += x[i] * y[i] }
        return sum
    }
}

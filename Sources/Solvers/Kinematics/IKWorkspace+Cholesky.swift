extension IKWorkspace {
    /// Solves the m×m symmetric positive definite `system` for `rhs` in place by Cholesky (L·Lᵀ, lower triangle
    /// overwritten); false when a pivot is not positive.
    ///
    /// Hand-written because m ≤ 6 here: with Debian's reference BLAS, LAPACK's dposv on these 6×6 systems cost
    /// 10 µs more per UR5 solve (about 30%, docs/BENCHMARKS.md) in call overhead and blocking logic made for large
    /// matrices. General systems (``LinearAlgebra/solveSymmetricPositiveDefinite(_:_:)``), SVDs and
    /// pseudo-inverses still go through LAPACK.
    func smallCholeskySolve(_ m: Int) -> Bool {
        let a = system, b = rhs
        for j in 0..<m {
            var diagonal = a[j * m + j]
            for k in 0..<j { diagonal -= a[j * m + k] * a[j * m + k] }
            guard diagonal > 0 else { return false }
            let l = diagonal.squareRoot()
            a[j * m + j] = l
            let inverse = 1 / l
            for i in (j + 1)..<m {
                var sum = a[i * m + j]
                for k in 0..<j { sum -= a[i * m + k] * a[j * m + k] }
                a[i * m + j] = sum * inverse
            }
        }
        for i in 0..<m {
            var sum = b[i]
            for k in 0..<i { sum -= a[i * m + k] * b[k] }
            b[i] = sum / a[i * m + i]
        }
        for i in stride(from: m - 1, through: 0, by: -1) {
            var sum = b[i]
            for k in (i + 1)..<m { sum -= a[k * m + i] * b[k] }
            b[i] = sum / a[i * m + i]
        }
        return true
    }
}

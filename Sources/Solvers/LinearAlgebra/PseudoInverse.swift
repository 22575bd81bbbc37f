import CLAPACK
import JacobianEngine

extension LinearAlgebra {
    /// The Moore–Penrose pseudo-inverse A⁺ = V·diag(1/σ)·Uᵀ, n×m, from the SVD.
    ///
    /// Singular values at or below `rcond`·σ_max are treated as zero. The default `rcond` is max(m, n)·ε,
    /// the rule of `torch.linalg.pinv` and numpy 2's `pinv` (`torch.pinverse` passes 1e-15 instead; the two
    /// differ only for matrices within a few ulps of rank deficiency).
    public static func pseudoInverse(_ a: Matrix, rcond: Double? = nil) throws -> Matrix {
        let (m, n) = (a.rows, a.columns)
        let svd = try singularValueDecomposition(a)
        var result = Matrix(rows: n, columns: m)
        guard let largest = svd.singularValues.first, largest > 0 else { return result }
        let relative = rcond ?? defaultRelativeCutoff(rows: m, columns: n)
        let cutoff = relative * largest
        for (index, sigma) in svd.singularValues.enumerated() where sigma > cutoff {
            let inverse = 1 / sigma
            // result += v_index · u_indexᵀ / σ: the rank-one term of singular triple `index`.
            for i in 0..<n {
                let vi = svd.vt[index, i] * inverse
                if vi == 0 { continue }
                for j in 0..<m { result[i, j] += vi * svd.u[j, index] }
            }
        }
        return result
    }

    /// The minimum-norm least-squares solution of A·x ≈ b through LAPACK's `dgelsd`.
    ///
    /// Singular values at or below max(m, n)·ε·σ_max count as zero, so the answer equals `pseudoInverse(a)·b`.
    /// - Precondition: `b.count == a.rows`.
    public static func leastSquares(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        precondition(b.count == a.rows, "right-hand side length must equal the number of rows")
        let (m, n) = (a.rows, a.columns)
        if n == 0 { return [] }
        if m == 0 { return [Double](repeating: 0, count: n) }
        try LinearAlgebraError.checkFinite(a.storage, "matrix")
        try LinearAlgebraError.checkFinite(b, "right-hand side")
        try LinearAlgebraError.checkLAPACKSize(m, n, m * n)
        var work = a.storage
        // dgelsd writes x (length n) over b, so b needs max(m, n) rows.
        var rhs = b + [Double](repeating: 0, count: max(0, n - m))
        var s = [Double](repeating: 0, count: min(m, n))
        var rank: Int32 = 0
        let info = LAPACKE_dgelsd(
            LAPACK_ROW_MAJOR, Int32(m), Int32(n), 1, &work, Int32(n), &rhs, 1, &s,
            defaultRelativeCutoff(rows: m, columns: n), &rank)
        if info < 0 { throw LinearAlgebraError.illegalArgument("dgelsd", info) }
        if info > 0 { throw LinearAlgebraError("least-squares singular value decomposition did not converge") }
        return Array(rhs[0..<n])
    }
}

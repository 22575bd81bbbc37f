import CLAPACK
import JacobianEngine

/// The thin singular value decomposition A = U·diag(σ)·Vᵀ of an m×n matrix, k = min(m, n).
public struct SVD: Hashable, Sendable {
    /// Left singular vectors as columns, m×k.
    public let u: Matrix
    /// Singular values σ₁ ≥ σ₂ ≥ … ≥ σ_k ≥ 0, descending.
    public let singularValues: [Double]
    /// Right singular vectors as rows, k×n.
    public let vt: Matrix
}

/// Dense linear algebra on LAPACK (through LAPACKE, row-major), plus the few BLAS-free helpers the solvers need.
///
/// Every routine refuses non-finite entries with a ``LinearAlgebraError``: LAPACK's behaviour on NaN is undefined.
public enum LinearAlgebra {
    /// The relative cutoff below which singular values count as zero, as numpy's `matrix_rank`,
    /// numpy 2's `pinv` and `torch.linalg.pinv` choose it: max(m, n)·ε (ε = 2.2e-16).
    public static func defaultRelativeCutoff(rows: Int, columns: Int) -> Double {
        Double(max(rows, columns)) * Double.ulpOfOne
    }

    /// The thin SVD through LAPACK's divide-and-conquer `dgesdd`.
    ///
    /// - Throws: ``LinearAlgebraError`` on non-finite entries or when the iteration does not converge.
    public static func singularValueDecomposition(_ a: Matrix) throws -> SVD {
        let (m, n) = (a.rows, a.columns)
        let k = min(m, n)
        if k == 0 {
            return SVD(u: Matrix(rows: m, columns: 0), singularValues: [], vt: Matrix(rows: 0, columns: n))
        }
        try LinearAlgebraError.checkFinite(a.storage, "matrix")
        try LinearAlgebraError.checkLAPACKSize(m, n, m * n)
        var work = a.storage  // dgesdd destroys its input
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: m * k)
        var vt = [Double](repeating: 0, count: k * n)
        let info = LAPACKE_dgesdd(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n),
            &work, Int32(n), &s, &u, Int32(k), &vt, Int32(n))
        if info < 0 { throw LinearAlgebraError.illegalArgument("dgesdd", info) }
        if info > 0 { throw LinearAlgebraError("singular value decomposition did not converge") }
        return SVD(u: Matrix(rows: m, columns: k, storage: u), singularValues: s,
                   vt: Matrix(rows: k, columns: n, storage: vt))
    }

    /// The singular values alone, descending (LAPACK `dgesdd` without vectors).
    public static func singularValues(_ a: Matrix) throws -> [Double] {
        let (m, n) = (a.rows, a.columns)
        let k = min(m, n)
        if k == 0 { return [] }
        try LinearAlgebraError.checkFinite(a.storage, "matrix")
        try LinearAlgebraError.checkLAPACKSize(m, n, m * n)
        var work = a.storage
        var s = [Double](repeating: 0, count: k)
        var unusedU = [Double](repeating: 0, count: 1)
        // Not referenced with jobz = "N", but LAPACKE still checks ldvt ≥ n in row-major order.
        var unusedVt = [Double](repeating: 0, count: n)
        let info = LAPACKE_dgesdd(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), Int32(m), Int32(n),
            &work, Int32(n), &s, &unusedU, 1, &unusedVt, Int32(n))
        if info < 0 { throw LinearAlgebraError.illegalArgument("dgesdd", info) }
        if info > 0 { throw LinearAlgebraError("singular value decomposition did not converge") }
        return s
    }
}

extension LinearAlgebra {
    /// The singular values of the row-major m×n matrix at `a` (overwritten) into `s` (min(m, n) entries,
    /// descending); returns LAPACK's `info`. For hot paths: `dgesdd_work` with its scratch on the stack, so
    /// small matrices cost no heap allocation. The caller guarantees finite entries.
    static func singularValuesInPlace(
        _ a: UnsafeMutablePointer<Double>, rows m: Int, columns n: Int, into s: UnsafeMutablePointer<Double>
    ) -> Int32 {
        // Row-major m×n storage read column-major is the n×m transpose: same singular values, no transposition.
        let smaller = min(m, n), larger = max(m, n)
        let workCount = 3 * smaller + max(larger, 7 * smaller)  // dgesdd's minimum for jobz = "N"
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: workCount) { work in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 8 * smaller) { integerWork in
                var unusedU = 0.0, unusedVt = 0.0
                return LAPACKE_dgesdd_work(
                    LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), Int32(n), Int32(m), a, Int32(n), s,
                    &unusedU, 1, &unusedVt, 1, work.baseAddress, Int32(workCount), integerWork.baseAddress)
            }
        }
    }
}

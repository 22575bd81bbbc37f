import CLAPACK
import JacobianEngine

extension LinearAlgebra {
    /// The solution of the square system A·x = b by LU with partial pivoting (LAPACK `dgesv`).
    ///
    /// - Throws: ``LinearAlgebraError`` when A is not square or is exactly singular (a zero pivot);
    ///   a nearly singular A gives a large, inaccurate answer, as LAPACK does: check ``conditionNumber(_:)``.
    public static func solve(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        let n = try checkSquareSystem(a, b)
        if n == 0 { return [] }
        var lu = a.storage
        var x = b
        var pivots = [Int32](repeating: 0, count: n)
        let info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(n), 1, &lu, Int32(n), &pivots, &x, 1)
        if info < 0 { throw LinearAlgebraError.illegalArgument("dgesv", info) }
        if info > 0 { throw LinearAlgebraError("matrix is singular: pivot \(info) of the LU factorization is zero") }
        return x
    }

    /// The solution of A·x = b for a symmetric positive definite A by Cholesky (LAPACK `dposv`).
    ///
    /// Only the upper triangle of A is read. The damped normal equations of Levenberg–Marquardt have this shape.
    /// - Throws: ``LinearAlgebraError`` when A is not square or not positive definite.
    public static func solveSymmetricPositiveDefinite(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        let n = try checkSquareSystem(a, b)
        if n == 0 { return [] }
        var factor = a.storage
        var x = b
        let info = factor.withUnsafeMutableBufferPointer { f in
            x.withUnsafeMutableBufferPointer { xb in
                choleskySolveInPlace(f.baseAddress!, xb.baseAddress!, n)
            }
        }
        if info < 0 { throw LinearAlgebraError.illegalArgument("dposv", info) }
        if info > 0 { throw LinearAlgebraError("matrix is not positive definite (leading minor \(info))") }
        return x
    }

    /// Cholesky solve in place: `a` (n×n row-major, only its upper triangle read; overwritten by the factor) and
    /// `b` (overwritten by x). Returns LAPACK's `info` (0 on success, > 0 when not positive definite).
    ///
    /// Calls `LAPACKE_dposv_work` in column-major order, which goes straight to the Fortran routine with no
    /// transposition and no allocation. Row-major storage read column-major is the transpose, whose lower
    /// triangle ("L") is the row-major upper triangle.
    private static func choleskySolveInPlace(
        _ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, _ n: Int
    ) -> Int32 {
        LAPACKE_dposv_work(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), 1, a, Int32(n), b, Int32(n))
    }

    /// Checks a square system A·x = b before LAPACK sees it (shape, finite entries, LAPACK's 32-bit sizes);
    /// returns n.
    private static func checkSquareSystem(_ a: Matrix, _ b: [Double]) throws -> Int {
        guard a.rows == a.columns else {
            throw LinearAlgebraError("solve needs a square matrix, got \(a.rows)×\(a.columns)")
        }
        precondition(b.count == a.rows, "right-hand side length must equal the number of rows")
        try LinearAlgebraError.checkFinite(a.storage, "matrix")
        try LinearAlgebraError.checkFinite(b, "right-hand side")
        try LinearAlgebraError.checkLAPACKSize(a.rows * a.rows)
        return a.rows
    }
}

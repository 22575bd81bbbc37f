import CLAPACK
import JacobianEngine

extension LinearAlgebra {
    /// The eigenvalues of a symmetric matrix, ascending, through LAPACK's divide-and-conquer `dsyevd` (values
    /// only). Only the upper triangle is read, so a matrix symmetric up to rounding is treated as exactly symmetric.
    ///
    /// - Throws: ``LinearAlgebraError`` for a non-square matrix, non-finite entries, or when LAPACK does not
    ///   converge.
    public static func symmetricEigenvalues(_ a: Matrix) throws -> [Double] {
        guard a.rows == a.columns else {
            throw LinearAlgebraError("eigenvalues need a square matrix, got \(a.rows)×\(a.columns)")
        }
        let n = a.rows
        if n == 0 { return [] }
        try LinearAlgebraError.checkFinite(a.storage, "matrix")
        try LinearAlgebraError.checkLAPACKSize(n, n, n * n)
        var work = a.storage  // dsyevd overwrites its input
        var values = [Double](repeating: 0, count: n)
        let info = LAPACKE_dsyevd(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "U")), Int32(n), &work, Int32(n), &values)
        if info < 0 { throw LinearAlgebraError.illegalArgument("dsyevd", info) }
        if info > 0 { throw LinearAlgebraError("the symmetric eigenvalue solver did not converge") }
        return values
    }
}

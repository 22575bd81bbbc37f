import JacobianEngine

/// What a matrix's singular values say about it (numerical rank, condition number), decided with one tolerance.
///
/// A singular value at or below max(m, n)·ε·σ_max counts as zero, the rule of `numpy.linalg.matrix_rank`. Without a
/// tolerance the answers would depend on the LAPACK: the smallest singular value of [[1, 1], [1, 1]] is exactly 0
/// with the reference LAPACK and about 1e-17 with OpenBLAS, and σ_max/σ_min would be ∞ on one and 1e17 on the other.
/// Every singular value is computed to within about ε·σ_max, so values below the tolerance are rounding, not signal.
public struct SingularSpectrum: Hashable, Sendable {
    /// The singular values, descending.
    public let singularValues: [Double]
    /// Rows and columns of the matrix.
    public let rows: Int, columns: Int
    /// The absolute tolerance max(m, n)·ε·σ_max: singular values at or below it count as zero.
    public let tolerance: Double
    /// The numerical rank: the number of singular values above ``tolerance``.
    public let rank: Int

    /// - Parameter singularValues: the min(rows, columns) singular values of a rows×columns matrix, descending.
    public init(singularValues: [Double], rows: Int, columns: Int) {
        self.singularValues = singularValues
        self.rows = rows
        self.columns = columns
        let largest = singularValues.first ?? 0
        let tolerance = LinearAlgebra.defaultRelativeCutoff(rows: rows, columns: columns) * largest
        self.tolerance = tolerance
        rank = singularValues.filter { $0 > tolerance }.count
    }

    /// True when no singular value counts as zero: rank = min(rows, columns).
    public var isFullRank: Bool { rank == singularValues.count }

    /// σ_max/σ_min for a full-rank matrix (below 1/(max(m, n)·ε), so always finite); `Double.infinity` when the
    /// matrix is rank-deficient, the zero matrix included; nil for an empty matrix, which has no singular value.
    public var conditionNumber: Double? {
        guard let largest = singularValues.first, let smallest = singularValues.last else { return nil }
        return isFullRank ? largest / smallest : .infinity
    }
}

extension LinearAlgebra {
    /// The singular values of `a` with the rank and condition number they imply (``SingularSpectrum``).
    public static func spectrum(_ a: Matrix) throws -> SingularSpectrum {
        SingularSpectrum(singularValues: try singularValues(a), rows: a.rows, columns: a.columns)
    }

    /// The numerical rank: singular values above max(m, n)·ε·σ_max, numpy's `matrix_rank` rule.
    public static func rank(_ a: Matrix) throws -> Int {
        try spectrum(a).rank
    }

    /// The 2-norm condition number σ_max/σ_min over the min(m, n) singular values.
    ///
    /// Returns `Double.infinity` when the matrix is rank-deficient, i.e. σ_min is at or below
    /// max(m, n)·ε·σ_max (``SingularSpectrum/tolerance``), which includes the zero matrix; JSON has no infinity,
    /// so an API prints that as `null`.
    /// - Throws: ``LinearAlgebraError`` for an empty matrix, which has no condition number.
    public static func conditionNumber(_ a: Matrix) throws -> Double {
        guard let condition = try spectrum(a).conditionNumber else {
            throw LinearAlgebraError("an empty matrix has no condition number")
        }
        return condition
    }
}

import JacobianEngine
import Testing
@testable import Solvers

/// Entry-wise closeness of two matrices.
func expectClose(_ a: Matrix, _ b: Matrix, _ tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.rows == b.rows && a.columns == b.columns, sourceLocation: sourceLocation)
    guard a.rows == b.rows, a.columns == b.columns else { return }
    let worst = zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= tolerance, "largest difference \(worst)", sourceLocation: sourceLocation)
}

/// Entry-wise closeness of two vectors.
func expectClose(_ a: [Double], _ b: [Double], _ tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, sourceLocation: sourceLocation)
    let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= tolerance, "largest difference \(worst) between \(a) and \(b)", sourceLocation: sourceLocation)
}

private func diagonal(_ values: [Double]) -> Matrix {
    var d = Matrix(rows: values.count, columns: values.count)
    for (i, v) in values.enumerated() { d[i, i] = v }
    return d
}

private let tall = Matrix([[1, 2], [3, 4], [5, 6]])
private let wide = Matrix([[2, -1, 0, 3], [1, 1, 1, -2]])

@Suite("LinearAlgebra")
struct LinearAlgebraTests {
    @Test("SVD reconstructs A = UΣVᵀ with orthonormal factors and descending σ", arguments: [tall, wide])
    func svdReconstructs(a: Matrix) throws {
        let svd = try LinearAlgebra.singularValueDecomposition(a)
        let rebuilt = LinearAlgebra.multiply(LinearAlgebra.multiply(svd.u, diagonal(svd.singularValues)), svd.vt)
        expectClose(rebuilt, a, 1e-12)
        let k = min(a.rows, a.columns)
        expectClose(LinearAlgebra.multiply(svd.u.transposed, svd.u), diagonal(Array(repeating: 1, count: k)), 1e-12)
        expectClose(LinearAlgebra.multiply(svd.vt, svd.vt.transposed), diagonal(Array(repeating: 1, count: k)), 1e-12)
        #expect(svd.singularValues == svd.singularValues.sorted(by: >))
    }

    @Test("known singular values: a diagonal matrix and a rank-one matrix")
    func knownSingularValues() throws {
        expectClose(try LinearAlgebra.singularValues(Matrix([[0, 3], [-4, 0]])), [4, 3], 1e-15)
        // [1 1; 1 1] = 2·(uuᵀ) with u = (1,1)/√2: σ = (2, 0).
        let s = try LinearAlgebra.singularValues(Matrix([[1, 1], [1, 1]]))
        expectClose(s, [2, 0], 1e-15)
        #expect(try LinearAlgebra.rank(Matrix([[1, 1], [1, 1]])) == 1)
        #expect(try LinearAlgebra.rank(tall) == 2)
        #expect(try LinearAlgebra.rank(Matrix(rows: 2, columns: 3)) == 0)
    }

    @Test("pseudo-inverse satisfies the four Moore–Penrose identities",
          arguments: [tall, wide, Matrix([[1, 2], [2, 4]]), Matrix([[0, 0], [0, 0]]),
                      // rank-deficient tall and wide, a row vector, and entries far from 1
                      Matrix([[1, 2], [2, 4], [-3, -6]]), Matrix([[1, -1, 2, 0], [-2, 2, -4, 0]]), Matrix([[3, 4]]),
                      Matrix([[1e-150, 2e-150], [3e-150, 5e-150]]), Matrix([[1e150, 0], [0, 1]])])
    func moorePenrose(a: Matrix) throws {
        let p = try LinearAlgebra.pseudoInverse(a)
        #expect(p.rows == a.columns && p.columns == a.rows)
        let ap = LinearAlgebra.multiply(a, p)
        let pa = LinearAlgebra.multiply(p, a)
        // Relative to the size of the entries: A·A⁺·A ≈ A and A⁺·A·A⁺ ≈ A⁺.
        let scale = a.storage.map { abs($0) }.max() ?? 0, inverseScale = p.storage.map { abs($0) }.max() ?? 0
        expectClose(LinearAlgebra.multiply(ap, a), a, 1e-12 * max(scale, 1e-300))
        expectClose(LinearAlgebra.multiply(pa, p), p, 1e-12 * max(inverseScale, 1e-300))
        expectClose(ap.transposed, ap, 1e-12)
        expectClose(pa.transposed, pa, 1e-12)
    }

    @Test("pseudo-inverse of an invertible matrix is its inverse; rcond drops small singular values")
    func pseudoInverseCutoff() throws {
        expectClose(try LinearAlgebra.pseudoInverse(Matrix([[2, 0], [0, 4]])), Matrix([[0.5, 0], [0, 0.25]]), 1e-15)
        expectClose(try LinearAlgebra.pseudoInverse(Matrix([[2, 0], [0, 1e-3]]), rcond: 1e-2),
                    Matrix([[0.5, 0], [0, 0]]), 1e-15)
    }

    @Test("least squares of a tall full-rank system matches the normal equations")
    func leastSquaresTall() throws {
        let b = [1.0, -1, 2]
        let x = try LinearAlgebra.leastSquares(tall, b)
        let normal = try LinearAlgebra.solve(LinearAlgebra.multiply(tall.transposed, tall),
                                             LinearAlgebra.multiplyTransposed(tall, b))
        expectClose(x, normal, 1e-12)
    }

    @Test("least squares of an underdetermined system is the minimum-norm solution pinv(A)·b")
    func leastSquaresMinimumNorm() throws {
        let b = [1.0, 2]
        let x = try LinearAlgebra.leastSquares(wide, b)
        expectClose(LinearAlgebra.multiply(wide, x), b, 1e-12)
        expectClose(x, LinearAlgebra.multiply(try LinearAlgebra.pseudoInverse(wide), b), 1e-12)
        // Rank-deficient square: x must lie in the row space, (1, 1)/2·(b·stuff).
        let y = try LinearAlgebra.leastSquares(Matrix([[1, 1], [1, 1]]), [2, 2])
        expectClose(y, [1, 1], 1e-12)
    }

    @Test("the symmetric positive definite solve reads only the upper triangle, as documented")
    func symmetricSolveReadsTheUpperTriangle() throws {
        let symmetric = Matrix([[4, 1, 0], [1, 3, -1], [0, -1, 2]])
        // The same upper triangle above garbage that would make the matrix indefinite if it were read.
        let upperOnly = Matrix([[4, 1, 0], [-100, 3, -1], [50, 7, 2]])
        let b = [1.0, 2, 3]
        expectClose(try LinearAlgebra.solveSymmetricPositiveDefinite(upperOnly, b),
                    try LinearAlgebra.solve(symmetric, b), 1e-12)
    }

    @Test("solve recovers x from A·x and refuses singular or non-square matrices")
    func solveSquare() throws {
        let a = Matrix([[4, 1, 0], [1, 3, -1], [0, -1, 2]])
        let x = [1.0, -2, 0.5]
        expectClose(try LinearAlgebra.solve(a, LinearAlgebra.multiply(a, x)), x, 1e-12)
        expectClose(try LinearAlgebra.solveSymmetricPositiveDefinite(a, LinearAlgebra.multiply(a, x)), x, 1e-12)
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.solve(Matrix([[1, 2], [2, 4]]), [1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.solve(tall, [1, 2, 3]) }
        #expect(throws: LinearAlgebraError.self) {
            try LinearAlgebra.solveSymmetricPositiveDefinite(Matrix([[1, 2], [2, 1]]), [1, 2])
        }
        do {
            _ = try LinearAlgebra.solve(Matrix([[0, 0], [0, 0]]), [1, 1])
            Issue.record("expected a singular-matrix error")
        } catch let error as LinearAlgebraError {
            #expect(error.message.contains("singular"))
        }
    }

    @Test("condition number: σmax/σmin, infinity when singular")
    func conditionNumber() throws {
        #expect(abs(try LinearAlgebra.conditionNumber(Matrix([[2, 0], [0, 0.5]])) - 4) < 1e-14)
        // σ_min comes out as 0 with the reference LAPACK and near 1e-17 with OpenBLAS: infinity on both.
        #expect(try LinearAlgebra.conditionNumber(Matrix([[1, 1], [1, 1]])) == .infinity)
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.conditionNumber(Matrix(rows: 0, columns: 3)) }
    }

    @Test("rank-deficient matrices whose rounding leaves tiny singular values get the same rank on any LAPACK")
    func rankDeficientWithRounding() throws {
        // Rank one in exact arithmetic, but 0.1, 0.2, 0.3 are not representable: the two small singular values
        // are rounding (zero or ~1e-17 depending on the LAPACK), below the tolerance 3·ε·σ_max.
        let outer = Matrix([[0.1, 0.2, 0.3], [0.2, 0.4, 0.6], [0.3, 0.6, 0.9], [0.7, 1.4, 2.1]])
        let spectrum = try LinearAlgebra.spectrum(outer)
        #expect(spectrum.rank == 1)
        #expect(!spectrum.isFullRank)
        #expect(spectrum.conditionNumber == .infinity)
        let largest = try #require(spectrum.singularValues.first)
        #expect(abs(spectrum.tolerance - 4 * Double.ulpOfOne * largest) <= 1e-12 * spectrum.tolerance)
        #expect(spectrum.singularValues.dropFirst().allSatisfy { $0 <= spectrum.tolerance })
        #expect(try LinearAlgebra.rank(outer) == 1)
        #expect(try LinearAlgebra.conditionNumber(outer) == .infinity)
    }

    @Test("the spectrum's tolerance decides rank and condition number, not exact zeros")
    func spectrumRule() {
        let eps = Double.ulpOfOne
        // Just below and just above the tolerance 2·ε·σ_max of a 2×2 matrix with σ_max = 1.
        let below = SingularSpectrum(singularValues: [1, 1.9 * eps], rows: 2, columns: 2)
        #expect(below.rank == 1 && below.conditionNumber == .infinity && below.tolerance == 2 * eps)
        let above = SingularSpectrum(singularValues: [1, 2.1 * eps], rows: 2, columns: 2)
        #expect(above.rank == 2 && above.isFullRank)
        #expect(abs(above.conditionNumber! - 1 / (2.1 * eps)) <= 1e-12 / (2.1 * eps))
        // The zero matrix: tolerance 0, rank 0, infinite condition number.
        let zero = SingularSpectrum(singularValues: [0, 0, 0], rows: 3, columns: 5)
        #expect(zero.rank == 0 && zero.tolerance == 0 && zero.conditionNumber == .infinity)
        // An empty matrix has no singular value and no condition number.
        let empty = SingularSpectrum(singularValues: [], rows: 0, columns: 3)
        #expect(empty.rank == 0 && empty.conditionNumber == nil)
    }

    @Test("non-finite entries are refused before LAPACK sees them")
    func nonFinite() {
        let bad = Matrix([[1, .nan], [0, 1]])
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.singularValueDecomposition(bad) }
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.pseudoInverse(bad) }
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.solve(Matrix([[1, 0], [0, 1]]), [.infinity, 0]) }
        #expect(throws: LinearAlgebraError.self) { try LinearAlgebra.leastSquares(bad, [0, 0]) }
    }

    @Test("empty shapes give empty answers")
    func emptyShapes() throws {
        let p = try LinearAlgebra.pseudoInverse(Matrix(rows: 0, columns: 3))
        #expect(p.rows == 3 && p.columns == 0)
        #expect(try LinearAlgebra.leastSquares(Matrix(rows: 0, columns: 2), []) == [0, 0])
        #expect(abs(LinearAlgebra.norm([3e200, 4e200]) / 5e200 - 1) < 1e-15)
    }
}

import CDenseKernels
import TestSupport
import Testing
@testable import JacobianEngine

/// The AVX2/FMA product (CDenseKernels) equals the portable Swift loop to rounding, for every tail of rows
/// (blocks of four, then two, then one) and columns (blocks of eight or sixteen, then single columns), with row
/// strides wider than the rows.
@Suite struct DenseKernelTests {
    /// With `accumulate` the product is added to what `c` held (the models' lowered convolutions sum into their
    /// output); without it `c`'s previous entries are ignored.
    @Test(arguments: [false, true])
    func fusedKernelEqualsThePortableLoop(accumulate: Bool) throws {
        try #require(dense_kernels_have_fma(), "no AVX2/FMA on this CPU: the portable loop is the only one")
        var random = SeededGenerator(seed: 20)
        for rows in [1, 2, 3, 4, 5, 6, 7, 10] {
            for (inner, columns) in [(1, 1), (3, 7), (5, 8), (9, 16), (17, 19), (128, 64), (33, 130)] {
                let (aStride, bStride, cStride) = (inner + 2, columns + 3, columns + 1)
                let a = (0..<(rows * aStride)).map { _ in Double.random(in: -1...1, using: &random) }
                let b = (0..<(inner * bStride)).map { _ in Double.random(in: -1...1, using: &random) }
                let before = (0..<(rows * cStride)).map { index in
                    index % cStride < columns && accumulate ? Double.random(in: -1...1, using: &random) : .nan
                }
                var fused = before
                var portable = [Double](repeating: .nan, count: rows * cStride)
                fused.withUnsafeMutableBufferPointer { c in
                    dense_multiply_fma(a, aStride, b, bStride, c.baseAddress!, cStride, rows, inner, columns,
                                       accumulate)
                }
                portable.withUnsafeMutableBufferPointer { c in
                    DenseKernels.multiplyPortable(a, rowStride: aStride, b, rowStride: bStride, into: c.baseAddress!,
                                                  rowStride: cStride, rows: rows, inner: inner, columns: columns)
                }
                for i in 0..<rows {
                    for j in 0..<columns {
                        let start = accumulate ? before[i * cStride + j] : 0
                        let (x, y) = (fused[i * cStride + j], start + portable[i * cStride + j])
                        #expect(abs(x - y) <= 1e-13 * Double(inner + 1), "\(rows)×\(inner)×\(columns) at (\(i), \(j))")
                    }
                    // Entries past a row's columns are never written.
                    for j in columns..<cStride { #expect(fused[i * cStride + j].isNaN) }
                }
            }
        }
    }
}

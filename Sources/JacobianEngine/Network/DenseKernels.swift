import CDenseKernels
import Foundation

/// The few dense loops a feed-forward network needs, over contiguous row-major storage.
///
/// Every kernel's innermost loop runs along a contiguous row with no reduction, so the compiler vectorizes it; the
/// one reduction (`dot`) keeps four partial sums to break the dependency chain. Callers pass raw pointers so that
/// no bounds check or retain sits in the hot loops; shapes are validated when the network is compiled.
enum DenseKernels {
    /// Whether `multiply` uses the AVX2/FMA kernel; `JACOBIAN_DENSE_KERNEL=portable` keeps the Swift loop.
    static let hasFMA = dense_kernels_have_fma()
        && ProcessInfo.processInfo.environment["JACOBIAN_DENSE_KERNEL"] != "portable"

    /// `c[i, 0..<columns] = Σ_k a[i, k] · b[k, 0..<columns]` for `i` in `0..<rows`, `k` in `0..<inner`.
    ///
    /// Written as sums of scaled rows of `b` (the i-k-j loop order) so the inner loop is a contiguous axpy, four
    /// rows of `c` at a time so that each row of `b` is loaded once for four: with SSE2 (no FMA) this reaches about
    /// two multiply-adds per cycle, the loop's limit. A step where all four entries of `a` are zero is skipped,
    /// because after a relu whole columns of an adjoint block are zero. `c` must not overlap `a` or `b`.
    ///
    /// On CPUs with AVX2 and FMA (checked once) the product runs in `dense_multiply_fma` (CDenseKernels), a
    /// register-blocked kernel with fused multiply-adds: about three times the throughput, and results that differ
    /// from this loop's only by the rounding FMA saves.
    @inline(__always)
    static func multiply(
        _ a: UnsafePointer<Double>, rowStride aStride: Int,
        _ b: UnsafePointer<Double>, rowStride bStride: Int,
        into c: UnsafeMutablePointer<Double>, rowStride cStride: Int,
        rows: Int, inner: Int, columns: Int
    ) {
        if hasFMA {
            dense_multiply_fma(a, aStride, b, bStride, c, cStride, rows, inner, columns, false)
            return
        }
        multiplyPortable(a, rowStride: aStride, b, rowStride: bStride, into: c, rowStride: cStride,
                         rows: rows, inner: inner, columns: columns)
    }

    /// `multiply` in Swift, for CPUs without AVX2 and FMA.
    @inline(__always)
    static func multiplyPortable(
        _ a: UnsafePointer<Double>, rowStride aStride: Int,
        _ b: UnsafePointer<Double>, rowStride bStride: Int,
        into c: UnsafeMutablePointer<Double>, rowStride cStride: Int,
        rows: Int, inner: Int, columns: Int
    ) {
        var i = 0
        while i + 4 <= rows {
            let c0 = c + i * cStride, c1 = c0 + cStride, c2 = c1 + cStride, c3 = c2 + cStride
            c0.update(repeating: 0, count: columns)
            c1.update(repeating: 0, count: columns)
            c2.update(repeating: 0, count: columns)
            c3.update(repeating: 0, count: columns)
            let a0 = a + i * aStride, a1 = a0 + aStride, a2 = a1 + aStride, a3 = a2 + aStride
            for k in 0..<inner {
                let s0 = a0[k], s1 = a1[k], s2 = a2[k], s3 = a3[k]
                if s0 == 0 && s1 == 0 && s2 == 0 && s3 == 0 { continue }
                let bRow = b + k * bStride
                for j in 0..<columns {
                    let bj = bRow[j]
                    c0[j] += s0 * bj
                    c1[j] += s1 * bj
                    c2[j] += s2 * bj
                    c3[j] += s3 * bj
                }
            }
            i += 4
        }
        while i < rows {
            let cRow = c + i * cStride
            cRow.update(repeating: 0, count: columns)
            let aRow = a + i * aStride
            for k in 0..<inner {
                let scale = aRow[k]
                if scale == 0 { continue }
                let bRow = b + k * bStride
                for j in 0..<columns { cRow[j] += scale * bRow[j] }
            }
            i += 1
        }
    }

    /// `Σ_j a[j] · b[j]` over `count` entries, with four partial sums.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = 0
        while j + 4 <= count {
            s0 += a[j] * b[j]
            s1 += a[j + 1] * b[j + 1]
            s2 += a[j + 2] * b[j + 2]
            s3 += a[j + 3] * b[j + 3]
            j += 4
        }
        while j < count {
            s0 += a[j] * b[j]
            j += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// Copies a `rows × columns` block between row-major storages of possibly different row strides.
    @inline(__always)
    static func copy(
        _ source: UnsafePointer<Double>, rowStride sourceStride: Int,
        into destination: UnsafeMutablePointer<Double>, rowStride destinationStride: Int,
        rows: Int, columns: Int
    ) {
        for i in 0..<rows {
            (destination + i * destinationStride).update(from: source + i * sourceStride, count: columns)
        }
    }

    /// Writes the `size × size` identity matrix with the given row stride.
    @inline(__always)
    static func setIdentity(_ block: UnsafeMutablePointer<Double>, size: Int, rowStride: Int) {
        for i in 0..<size {
            let row = block + i * rowStride
            row.update(repeating: 0, count: size)
            row[i] = 1
        }
    }

    /// The index of the first NaN or infinite entry among `count`, if any. `x · 0` is 0 for every finite `x` and NaN
    /// otherwise, so one branch-free pass answers the common all-finite case before any search.
    @inline(__always)
    static func firstNonFinite(_ values: UnsafePointer<Double>, count: Int) -> Int? {
        var sum = 0.0
        for j in 0..<count { sum += values[j] * 0 }
        if sum == 0 { return nil }
        for j in 0..<count where !values[j].isFinite { return j }
        return nil
    }
}

import CDenseKernels

/// Dense row-major matrix products for the tensor kernels (convolutions lowered to products, Gemm, MatMul), in
/// float64: C = A·B or C += A·B.
///
/// Register-blocked: a 4 × 4 block of C stays in SIMD accumulators while the shared dimension runs, so that each
/// element of B loaded serves four rows and each element of A four columns, the loop's only memory traffic being
/// those loads. Written here rather than calling BLAS's dgemm: the engine has no dependencies, the matrices of a
/// small classifier are tens to hundreds on a side (where a BLAS call's packing costs about what it saves), and the
/// reference BLAS, one of the two the service runs on, computes dgemm as an unblocked triple loop. Products are
/// summed in order of the shared index, as a plain loop would. On CPUs with AVX2 and FMA the product runs in the
/// networks' kernel instead (`dense_multiply_fma`, see `DenseKernels.hasFMA`): the same order, fused
/// multiply-adds (results differ only by the roundings FMA saves), eight columns at a time.
enum MatrixProduct {
    /// C[i, j] = Σ_p A[i, p]·B[p, j] (plus C's previous value when `accumulate`) for i < m, j < n, p < k, on
    /// row-major matrices with leading dimensions `lda`, `ldb`, `ldc` (elements from one row to the next).
    static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool
    ) {
        guard m > 0, n > 0 else { return }
        if DenseKernels.hasFMA {
            return dense_multiply_fma(a, lda, b, ldb, c, ldc, m, k, n, accumulate)
        }
        multiplyPortable(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }

    /// `multiply` in Swift, for CPUs without AVX2 and FMA.
    static func multiplyPortable(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool
    ) {
        var i = 0
        while i + 4 <= m {
            var j = 0
            while j + 4 <= n {
                block4x4(k: k, a: a + i * lda, lda: lda, b: b + j, ldb: ldb, c: c + i * ldc + j, ldc: ldc,
                         accumulate: accumulate)
                j += 4
            }
            for row in i..<(i + 4) where j < n {
                edgeColumns(from: j, to: n, k: k, a: a + row * lda, b: b, ldb: ldb, c: c + row * ldc,
                            accumulate: accumulate)
            }
            i += 4
        }
        while i < m {
            row(n: n, k: k, a: a + i * lda, b: b, ldb: ldb, c: c + i * ldc, accumulate: accumulate)
            i += 1
        }
    }

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    private static func store(_ value: SIMD4<Double>, _ pointer: UnsafeMutablePointer<Double>, accumulate: Bool) {
        let raw = UnsafeMutableRawPointer(pointer)
        raw.storeBytes(of: accumulate ? raw.loadUnaligned(as: SIMD4<Double>.self) + value : value, as: SIMD4<Double>.self)
    }

    /// C[0..<4, 0..<4] from four rows of A and four columns of B.
    @inline(__always)
    private static func block4x4(
        k: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool
    ) {
        var c0 = SIMD4<Double>(), c1 = SIMD4<Double>(), c2 = SIMD4<Double>(), c3 = SIMD4<Double>()
        let a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda
        var bp = b
        for p in 0..<k {
            let bv = load(bp)
            // Multiply then add (no fused multiply-add: the baseline x86-64 target has none, and a call to
            // fma() per element would cost more than the product).
            c0 += SIMD4(repeating: a[p]) * bv
            c1 += SIMD4(repeating: a1[p]) * bv
            c2 += SIMD4(repeating: a2[p]) * bv
            c3 += SIMD4(repeating: a3[p]) * bv
            bp += ldb
        }
        store(c0, c, accumulate: accumulate)
        store(c1, c + ldc, accumulate: accumulate)
        store(c2, c + 2 * ldc, accumulate: accumulate)
        store(c3, c + 3 * ldc, accumulate: accumulate)
    }

    /// One row of C: eight columns at a time, then four, then one by one.
    @inline(__always)
    private static func row(
        n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int,
        c: UnsafeMutablePointer<Double>, accumulate: Bool
    ) {
        var j = 0
        while j + 8 <= n {
            var c0 = SIMD4<Double>(), c1 = SIMD4<Double>()
            var bp = b + j
            for p in 0..<k {
                let x = SIMD4(repeating: a[p])
                c0 += x * load(bp)
                c1 += x * load(bp + 4)
                bp += ldb
            }
            store(c0, c + j, accumulate: accumulate)
            store(c1, c + j + 4, accumulate: accumulate)
            j += 8
        }
        if j + 4 <= n {
            var c0 = SIMD4<Double>()
            var bp = b + j
            for p in 0..<k {
                c0 += SIMD4(repeating: a[p]) * load(bp)
                bp += ldb
            }
            store(c0, c + j, accumulate: accumulate)
            j += 4
        }
        edgeColumns(from: j, to: n, k: k, a: a, b: b, ldb: ldb, c: c, accumulate: accumulate)
    }

    /// Columns `from..<to` of one row of C, one at a time.
    @inline(__always)
    private static func edgeColumns(
        from start: Int, to end: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int,
        c: UnsafeMutablePointer<Double>, accumulate: Bool
    ) {
        for j in start..<max(start, end) {
            var sum = 0.0
            var bp = b + j
            for p in 0..<k {
                sum += a[p] * bp.pointee
                bp += ldb
            }
            c[j] = accumulate ? c[j] + sum : sum
        }
    }
}

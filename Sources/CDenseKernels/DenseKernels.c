#include "CDenseKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

bool dense_kernels_have_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// Four rows of c by eight columns live in eight registers for the whole k loop; each step loads eight entries of
// b's row k once for the four rows and broadcasts one entry of a per row: eight fused multiply-adds per step.
// The accumulators start at zero, or at c's entries when the product is added to c.
#define START(pointer) (accumulate ? _mm256_loadu_pd(pointer) : _mm256_setzero_pd())

__attribute__((target("avx2,fma")))
void dense_multiply_fma(const double *a, long a_stride, const double *b, long b_stride, double *c, long c_stride,
                        long rows, long inner, long columns, bool accumulate) {
    long i = 0;
    for (; i + 4 <= rows; i += 4) {
        const double *a0 = a + i * a_stride, *a1 = a0 + a_stride, *a2 = a1 + a_stride, *a3 = a2 + a_stride;
        double *c0 = c + i * c_stride, *c1 = c0 + c_stride, *c2 = c1 + c_stride, *c3 = c2 + c_stride;
        long j = 0;
        for (; j + 8 <= columns; j += 8) {
            __m256d s00 = START(c0 + j), s01 = START(c0 + j + 4), s10 = START(c1 + j);
            __m256d s11 = START(c1 + j + 4), s20 = START(c2 + j), s21 = START(c2 + j + 4);
            __m256d s30 = START(c3 + j), s31 = START(c3 + j + 4);
            const double *bk = b + j;
            for (long k = 0; k < inner; k++, bk += b_stride) {
                __m256d b0 = _mm256_loadu_pd(bk), b1 = _mm256_loadu_pd(bk + 4);
                __m256d x = _mm256_broadcast_sd(a0 + k);
                s00 = _mm256_fmadd_pd(x, b0, s00);
                s01 = _mm256_fmadd_pd(x, b1, s01);
                x = _mm256_broadcast_sd(a1 + k);
                s10 = _mm256_fmadd_pd(x, b0, s10);
                s11 = _mm256_fmadd_pd(x, b1, s11);
                x = _mm256_broadcast_sd(a2 + k);
                s20 = _mm256_fmadd_pd(x, b0, s20);
                s21 = _mm256_fmadd_pd(x, b1, s21);
                x = _mm256_broadcast_sd(a3 + k);
                s30 = _mm256_fmadd_pd(x, b0, s30);
                s31 = _mm256_fmadd_pd(x, b1, s31);
            }
            _mm256_storeu_pd(c0 + j, s00); _mm256_storeu_pd(c0 + j + 4, s01);
            _mm256_storeu_pd(c1 + j, s10); _mm256_storeu_pd(c1 + j + 4, s11);
            _mm256_storeu_pd(c2 + j, s20); _mm256_storeu_pd(c2 + j + 4, s21);
            _mm256_storeu_pd(c3 + j, s30); _mm256_storeu_pd(c3 + j + 4, s31);
        }
        for (; j < columns; j++) {
            double s0 = accumulate ? c0[j] : 0, s1 = accumulate ? c1[j] : 0;
            double s2 = accumulate ? c2[j] : 0, s3 = accumulate ? c3[j] : 0;
            for (long k = 0; k < inner; k++) {
                double bkj = b[k * b_stride + j];
                s0 = __builtin_fma(a0[k], bkj, s0);
                s1 = __builtin_fma(a1[k], bkj, s1);
                s2 = __builtin_fma(a2[k], bkj, s2);
                s3 = __builtin_fma(a3[k], bkj, s3);
            }
            c0[j] = s0; c1[j] = s1; c2[j] = s2; c3[j] = s3;
        }
    }
    // Two rows left (an adjoint block of 10 rows leaves two): two rows by sixteen columns, again eight
    // accumulators, so that the remainder is not bound by the latency of one chain of fused multiply-adds.
    for (; i + 2 <= rows; i += 2) {
        const double *a0 = a + i * a_stride, *a1 = a0 + a_stride;
        double *c0 = c + i * c_stride, *c1 = c0 + c_stride;
        long j = 0;
        for (; j + 16 <= columns; j += 16) {
            __m256d s00 = START(c0 + j), s01 = START(c0 + j + 4), s02 = START(c0 + j + 8);
            __m256d s03 = START(c0 + j + 12), s10 = START(c1 + j), s11 = START(c1 + j + 4);
            __m256d s12 = START(c1 + j + 8), s13 = START(c1 + j + 12);
            const double *bk = b + j;
            for (long k = 0; k < inner; k++, bk += b_stride) {
                __m256d b0 = _mm256_loadu_pd(bk), b1 = _mm256_loadu_pd(bk + 4);
                __m256d b2 = _mm256_loadu_pd(bk + 8), b3 = _mm256_loadu_pd(bk + 12);
                __m256d x = _mm256_broadcast_sd(a0 + k);
                s00 = _mm256_fmadd_pd(x, b0, s00);
                s01 = _mm256_fmadd_pd(x, b1, s01);
                s02 = _mm256_fmadd_pd(x, b2, s02);
                s03 = _mm256_fmadd_pd(x, b3, s03);
                x = _mm256_broadcast_sd(a1 + k);
                s10 = _mm256_fmadd_pd(x, b0, s10);
                s11 = _mm256_fmadd_pd(x, b1, s11);
                s12 = _mm256_fmadd_pd(x, b2, s12);
                s13 = _mm256_fmadd_pd(x, b3, s13);
            }
            _mm256_storeu_pd(c0 + j, s00); _mm256_storeu_pd(c0 + j + 4, s01);
            _mm256_storeu_pd(c0 + j + 8, s02); _mm256_storeu_pd(c0 + j + 12, s03);
            _mm256_storeu_pd(c1 + j, s10); _mm256_storeu_pd(c1 + j + 4, s11);
            _mm256_storeu_pd(c1 + j + 8, s12); _mm256_storeu_pd(c1 + j + 12, s13);
        }
        for (; j < columns; j++) {
            double s0 = accumulate ? c0[j] : 0, s1 = accumulate ? c1[j] : 0;
            for (long k = 0; k < inner; k++) {
                double bkj = b[k * b_stride + j];
                s0 = __builtin_fma(a0[k], bkj, s0);
                s1 = __builtin_fma(a1[k], bkj, s1);
            }
            c0[j] = s0; c1[j] = s1;
        }
    }
    for (; i < rows; i++) {
        const double *ai = a + i * a_stride;
        double *ci = c + i * c_stride;
        long j = 0;
        for (; j + 16 <= columns; j += 16) {
            __m256d s0 = START(ci + j), s1 = START(ci + j + 4);
            __m256d s2 = START(ci + j + 8), s3 = START(ci + j + 12);
            const double *bk = b + j;
            for (long k = 0; k < inner; k++, bk += b_stride) {
                __m256d x = _mm256_broadcast_sd(ai + k);
                s0 = _mm256_fmadd_pd(x, _mm256_loadu_pd(bk), s0);
                s1 = _mm256_fmadd_pd(x, _mm256_loadu_pd(bk + 4), s1);
                s2 = _mm256_fmadd_pd(x, _mm256_loadu_pd(bk + 8), s2);
                s3 = _mm256_fmadd_pd(x, _mm256_loadu_pd(bk + 12), s3);
            }
            _mm256_storeu_pd(ci + j, s0); _mm256_storeu_pd(ci + j + 4, s1);
            _mm256_storeu_pd(ci + j + 8, s2); _mm256_storeu_pd(ci + j + 12, s3);
        }
        for (; j < columns; j++) {
            double s = accumulate ? ci[j] : 0;
            for (long k = 0; k < inner; k++) s = __builtin_fma(ai[k], b[k * b_stride + j], s);
            ci[j] = s;
        }
    }
}

#else

bool dense_kernels_have_fma(void) { return false; }

void dense_multiply_fma(const double *a, long a_stride, const double *b, long b_stride, double *c, long c_stride,
                        long rows, long inner, long columns, bool accumulate) {
    (void)a; (void)a_stride; (void)b; (void)b_stride; (void)c; (void)c_stride; (void)rows; (void)inner;
    (void)columns; (void)accumulate;
}

#endif

// A register-blocked matrix product with AVX2 and FMA, chosen at run time (DenseKernels.multiply): Swift builds
// for baseline x86-64 (SSE2, no FMA), which caps the network's dense products at two multiply-adds per cycle.
#ifndef C_DENSE_KERNELS_H
#define C_DENSE_KERNELS_H

#include <stdbool.h>

/// Whether `dense_multiply_fma` may run on this CPU (x86-64 with AVX2 and FMA).
bool dense_kernels_have_fma(void);

/// c[i, 0..<columns] = sum over k < inner of a[i, k] * b[k, 0..<columns] (plus c's previous value when
/// `accumulate`), for i < rows; row-major with the given row strides; c must not overlap a or b. Only call when
/// dense_kernels_have_fma() is true. Used by the networks' dense layers and the models' lowered convolutions.
void dense_multiply_fma(const double *a, long a_stride, const double *b, long b_stride, double *c, long c_stride,
                        long rows, long inner, long columns, bool accumulate);

#endif

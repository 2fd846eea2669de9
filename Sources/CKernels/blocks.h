#ifndef REPRO_CKERNELS_BLOCKS_H
#define REPRO_CKERNELS_BLOCKS_H

// The register-blocked AVX-512 inner kernel that the direct and the Winograd convolutions share: a block of P
// output pixels times V vectors of 16 output channels is kept in P·V zmm registers while every (tap, input
// channel) pair adds x[pixel, c] · W[tap, c, 16 channels] to it.

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#include <stddef.h>
#define CK_X86 1
#define AVX512 __attribute__((target("avx512f")))

// One block: P pixels (xstep floats apart in the padded input) × V·16 output channels.
//   xp: the padded input at the block's first pixel's window corner; xrow: floats per padded row.
//   wt: the weights of the first of the V vectors (row stride ldw = out_channels); taps: kernel.
//   yp / res: output and residual at the block's first pixel (pixel stride ldo).
#define CK_BLOCK(P, V)                                                                                          \
    AVX512 static inline void ck_block_##P##_##V(const float *xp, int xrow, int xstep, int run, int kernel,            \
                                          const float *wt, int ldw, const float *bias, const float *res,       \
                                          int relu, float *yp, int ldo) {                                       \
        __m512 acc[P][V];                                                                                       \
        for (int v = 0; v < V; v++) {                                                                           \
            __m512 b = bias ? _mm512_loadu_ps(bias + 16 * v) : _mm512_setzero_ps();                           \
            for (int j = 0; j < P; j++) acc[j][v] = b;                                                          \
        }                                                                                                       \
        for (int kh = 0; kh < kernel; kh++) {                                                                   \
            const float *xr = xp + (size_t)kh * xrow;                                                           \
            const float *wr = wt + (size_t)kh * run * ldw;                                                      \
            for (int r = 0; r < run; r++) {                                                                     \
                __m512 wv[V];                                                                                   \
                for (int v = 0; v < V; v++) wv[v] = _mm512_loadu_ps(wr + (size_t)r * ldw + 16 * v);           \
                for (int j = 0; j < P; j++) {                                                                   \
                    __m512 xb = _mm512_set1_ps(xr[j * xstep + r]);                                              \
                    for (int v = 0; v < V; v++) acc[j][v] = _mm512_fmadd_ps(xb, wv[v], acc[j][v]);             \
                }                                                                                               \
            }                                                                                                   \
        }                                                                                                       \
        const __m512 zero = _mm512_setzero_ps();                                                                \
        for (int j = 0; j < P; j++) {                                                                           \
            for (int v = 0; v < V; v++) {                                                                       \
                __m512 o = acc[j][v];                                                                           \
                if (res) o = _mm512_add_ps(o, _mm512_loadu_ps(res + (size_t)j * ldo + 16 * v));               \
                if (relu) o = _mm512_max_ps(o, zero);                                                           \
                _mm512_storeu_ps(yp + (size_t)j * ldo + 16 * v, o);                                             \
            }                                                                                                   \
        }                                                                                                       \
    }

// P·V accumulators + V weight vectors + one broadcast must fit the 32 zmm registers.
CK_BLOCK(1, 1) CK_BLOCK(2, 1) CK_BLOCK(4, 1) CK_BLOCK(8, 1) CK_BLOCK(16, 1)
CK_BLOCK(1, 2) CK_BLOCK(2, 2) CK_BLOCK(4, 2) CK_BLOCK(8, 2)
CK_BLOCK(1, 4) CK_BLOCK(2, 4) CK_BLOCK(4, 4) CK_BLOCK(6, 4)

typedef void (*ck_block_fn)(const float *, int, int, int, int, const float *, int, const float *, const float *,
                            int, float *, int);

// The widest block of at most `remaining` pixels for V vectors, and its width.
static inline ck_block_fn ck_pick(int v, int remaining, int *p) {
    static const int widths[3][5] = {{16, 8, 4, 2, 1}, {8, 4, 2, 1, 0}, {6, 4, 2, 1, 0}};
    static const ck_block_fn fns[3][5] = {
        {ck_block_16_1, ck_block_8_1, ck_block_4_1, ck_block_2_1, ck_block_1_1},
        {ck_block_8_2, ck_block_4_2, ck_block_2_2, ck_block_1_2, NULL},
        {ck_block_6_4, ck_block_4_4, ck_block_2_4, ck_block_1_4, NULL},
    };
    int row = v == 1 ? 0 : v == 2 ? 1 : 2;
    for (int i = 0; i < 5 && widths[row][i]; i++) {
        if (widths[row][i] <= remaining) {
            *p = widths[row][i];
            return fns[row][i];
        }
    }
    *p = 1;
    return fns[row][3];
}


// `pixels` output pixels (xstep floats apart in the input, ldo = out_channels apart in the output) × all
// out_channels, in the widest blocks that fit.
static inline void ck_blocks(const float *xp, int xrow, int xstep, int run, int kernel, const float *wt, int oc,
                             const float *bias, const float *res, int relu, float *yp, int pixels) {
    for (int o0 = 0; o0 < oc;) {
        const int left = (oc - o0) / 16;
        const int v = left >= 4 ? 4 : left >= 2 ? 2 : 1;
        for (int px = 0; px < pixels;) {
            int p;
            ck_block_fn fn = ck_pick(v, pixels - px, &p);
            const size_t at = (size_t)px * oc + o0;
            fn(xp + (size_t)px * xstep, xrow, xstep, run, kernel, wt + o0, oc, bias ? bias + o0 : NULL,
               res ? res + at : NULL, relu, yp + at, oc);
            px += p;
        }
        o0 += 16 * v;
    }
}

#endif
#endif

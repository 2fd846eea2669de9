#ifndef REPRO_CKERNELS_BLOCKS_H
#define REPRO_CKERNELS_BLOCKS_H

// The register-blocked inner kernel that the direct and the Winograd convolutions share: a block of P output
// pixels times V vectors of output channels (16 per AVX-512 register, 8 per AVX2 register) is kept in P·V
// registers while every (tap, input channel) pair adds x[pixel, c] · W[tap, c, channels] to it.

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#include <stddef.h>
#define CK_X86 1
#define AVX512 __attribute__((target("avx512f")))

// One block: P pixels (xstep floats apart in the padded input) × V vectors of L output channels.
//   xp: the padded input at the block's first pixel's window corner; xrow: floats per padded row.
//   wt: the weights of the first of the V vectors (row stride ldw = out_channels); taps: kernel.
//   yp / res: output and residual at the block's first pixel (pixel stride ldo).
// Written once for both instruction sets: VEC is the register type, L its lanes, the rest its intrinsics.
#define CK_BLOCK_OF(NAME, ATTR, VEC, L, LOAD, STORE, SET1, FMA, ADD, MAX, ZERO, P, V)                          \
    ATTR static inline void NAME(const float *xp, int xrow, int xstep, int run, int kernel, const float *wt,   \
                                 int ldw, const float *bias, const float *res, int relu, float *yp, int ldo) { \
        VEC acc[P][V];                                                                                          \
        for (int v = 0; v < V; v++) {                                                                           \
            VEC b = bias ? LOAD(bias + L * v) : ZERO();                                                         \
            for (int j = 0; j < P; j++) acc[j][v] = b;                                                          \
        }                                                                                                       \
        for (int kh = 0; kh < kernel; kh++) {                                                                   \
            const float *xr = xp + (size_t)kh * xrow;                                                           \
            const float *wr = wt + (size_t)kh * run * ldw;                                                      \
            for (int r = 0; r < run; r++) {                                                                     \
                VEC wv[V];                                                                                      \
                for (int v = 0; v < V; v++) wv[v] = LOAD(wr + (size_t)r * ldw + L * v);                        \
                for (int j = 0; j < P; j++) {                                                                   \
                    VEC xb = SET1(xr[j * xstep + r]);                                                           \
                    for (int v = 0; v < V; v++) acc[j][v] = FMA(xb, wv[v], acc[j][v]);                         \
                }                                                                                               \
            }                                                                                                   \
        }                                                                                                       \
        for (int j = 0; j < P; j++) {                                                                           \
            for (int v = 0; v < V; v++) {                                                                       \
                VEC o = acc[j][v];                                                                              \
                if (res) o = ADD(o, LOAD(res + (size_t)j * ldo + L * v));                                      \
                if (relu) o = MAX(o, ZERO());                                                                   \
                STORE(yp + (size_t)j * ldo + L * v, o);                                                         \
            }                                                                                                   \
        }                                                                                                       \
    }

#define AVX2 __attribute__((target("avx2,fma")))
#define CK_BLOCK(P, V)                                                                                          \
    CK_BLOCK_OF(ck_block_##P##_##V, AVX512, __m512, 16, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps,     \
                _mm512_fmadd_ps, _mm512_add_ps, _mm512_max_ps, _mm512_setzero_ps, P, V)
#define CK_BLOCK2(P, V)                                                                                         \
    CK_BLOCK_OF(ck_block2_##P##_##V, AVX2, __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps,       \
                _mm256_fmadd_ps, _mm256_add_ps, _mm256_max_ps, _mm256_setzero_ps, P, V)

// P·V accumulators + V weight vectors + one broadcast must fit the registers: 32 zmm with AVX-512, 16 ymm with
// AVX2.
CK_BLOCK(1, 1) CK_BLOCK(2, 1) CK_BLOCK(4, 1) CK_BLOCK(8, 1) CK_BLOCK(16, 1)
CK_BLOCK(1, 2) CK_BLOCK(2, 2) CK_BLOCK(4, 2) CK_BLOCK(8, 2)
CK_BLOCK(1, 4) CK_BLOCK(2, 4) CK_BLOCK(4, 4) CK_BLOCK(6, 4)
CK_BLOCK2(1, 1) CK_BLOCK2(2, 1) CK_BLOCK2(4, 1) CK_BLOCK2(8, 1)
CK_BLOCK2(1, 2) CK_BLOCK2(2, 2) CK_BLOCK2(4, 2) CK_BLOCK2(6, 2)

typedef void (*ck_block_fn)(const float *, int, int, int, int, const float *, int, const float *, const float *,
                            int, float *, int);

// The instruction set of a set of blocks: its lanes, its register groups, and the block widths of each group
// (widest first, 0-terminated), with their functions.
typedef struct {
    int lanes;
    int groups;         // how many V values: V = 1, 2, 4 …
    int vectors[3];     // V of each group
    int widths[3][5];
    ck_block_fn fns[3][5];
} ck_block_set;

static const ck_block_set ck_avx512_blocks = {
    16, 3, {1, 2, 4},
    {{16, 8, 4, 2, 1}, {8, 4, 2, 1, 0}, {6, 4, 2, 1, 0}},
    {{ck_block_16_1, ck_block_8_1, ck_block_4_1, ck_block_2_1, ck_block_1_1},
     {ck_block_8_2, ck_block_4_2, ck_block_2_2, ck_block_1_2, NULL},
     {ck_block_6_4, ck_block_4_4, ck_block_2_4, ck_block_1_4, NULL}},
};

static const ck_block_set ck_avx2_blocks = {
    8, 2, {1, 2, 0},
    {{8, 4, 2, 1, 0}, {6, 4, 2, 1, 0}, {0}},
    {{ck_block2_8_1, ck_block2_4_1, ck_block2_2_1, ck_block2_1_1, NULL},
     {ck_block2_6_2, ck_block2_4_2, ck_block2_2_2, ck_block2_1_2, NULL},
     {NULL}},
};

// `pixels` output pixels (xstep floats apart in the input, ldo = out_channels apart in the output) × all
// out_channels (a multiple of the set's lanes), in the widest blocks that fit.
static inline void ck_blocks(const ck_block_set *set, const float *xp, int xrow, int xstep, int run, int kernel,
                             const float *wt, int oc, const float *bias, const float *res, int relu, float *yp,
                             int pixels) {
    for (int o0 = 0; o0 < oc;) {
        const int left = (oc - o0) / set->lanes;
        int g = set->groups - 1;
        while (g > 0 && set->vectors[g] > left) g--;
        for (int px = 0; px < pixels;) {
            int i = 0;
            while (i < 4 && set->widths[g][i + 1] && set->widths[g][i] > pixels - px) i++;
            const int p = set->widths[g][i];
            const size_t at = (size_t)px * oc + o0;
            set->fns[g][i](xp + (size_t)px * xstep, xrow, xstep, run, kernel, wt + o0, oc, bias ? bias + o0 : NULL,
                           res ? res + at : NULL, relu, yp + at, oc);
            px += p;
        }
        o0 += set->lanes * set->vectors[g];
    }
}

#endif
#endif

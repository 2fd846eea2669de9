#ifndef REPRO_CKERNELS_PANELS_H
#define REPRO_CKERNELS_PANELS_H

// Products on weights packed into panels, shared by the packed convolution (packed_conv.c) and Winograd
// (winograd.c). The output channels are split into panels of up to four registers (64 channels with AVX-512, 16 with
// AVX2); a panel's weights are stored contiguously in the order the inner kernel reads them, chunk by chunk of input
// channels: for each chunk, for kh, for kw, for c in the chunk, the panel's channels. So the kernel streams its
// weights sequentially, and a chunk (about CK_CHUNK_STEPS rows, 32 KB with AVX-512) stays in L1 while every block of
// CK_P output pixels of a group passes over it. Partial sums of later chunks are added to the outputs the earlier
// ones stored, in a fixed order: the result does not depend on how callers split the pixels or panels.

#include "blocks.h"

#include <stddef.h>

// Output pixels per block: CK_P · (registers of a panel) accumulators + the panel's weights + one broadcast fit the
// registers (24 + 4 + 1 of 32 with AVX-512, 12 + 2 + 1 of 16 with AVX2).
#define CK_P 6
// Rows (k·k·channels) of a weight chunk: 128 rows of 64 floats are 32 KB.
#define CK_CHUNK_STEPS 128

// Input channels per chunk: all of them when the whole patch is short, else as many as make about CK_CHUNK_STEPS
// rows. A larger kernel may take up to twice that in one chunk (its kw taps then merge into one run, as in the 7×7
// stem's 147 rows); a 1×1 kernel gains nothing from that, and its 256-channel chunks (64 KB) no longer stayed in L1
// (ResNet-50's 256->64 56×56 layer took 9 % longer that way).
static inline int ck_chunk_channels(int kernel, int ic) {
    const int taps = kernel * kernel;
    if (taps * ic <= (kernel == 1 ? CK_CHUNK_STEPS : 2 * CK_CHUNK_STEPS)) return ic;
    const int cc = CK_CHUNK_STEPS / taps;
    return cc < 1 ? 1 : cc;
}

#ifdef CK_X86

// One block: CK_P output pixels (window corners xs[j], already at the chunk's first channel) × V registers of L
// output channels, over one chunk: for kh < khn, kw < kwn, r < run, input xs[j][kh·xrow + kw·xcol + r] times the
// weights' next row (w advances by V·L floats a row). `first`: start from the bias (else from y); `last`: add the
// residual, apply ReLU. Only the first m ≤ CK_P pixels are stored (the others repeat a pixel and are dropped).
#define CK_PANEL_BLOCK_OF(NAME, ATTR, VEC, L, LOAD, STORE, SET1, FMA, ADD, MAX, ZERO, V)                       \
    ATTR static void NAME(const float *const *xs, int khn, int xrow, int kwn, int xcol, int run, const float *w, \
                          int first, int last, const float *bias, const float *res, int relu, float *y, int ldo, \
                          int m, const char *pf, size_t pfstep) {                                                \
        VEC acc[CK_P][V];                                                                                        \
        for (int v = 0; v < V; v++) {                                                                            \
            const VEC b = first && bias ? LOAD(bias + L * v) : ZERO();                                           \
            for (int j = 0; j < CK_P; j++) acc[j][v] = first || j >= m ? b : LOAD(y + (size_t)j * ldo + L * v); \
        }                                                                                                        \
        for (int kh = 0; kh < khn; kh++) {                                                                       \
            for (int kw = 0; kw < kwn; kw++) {                                                                   \
                const size_t at = (size_t)kh * xrow + (size_t)kw * xcol;                                         \
                const float *p[CK_P];                                                                            \
                for (int j = 0; j < CK_P; j++) p[j] = xs[j] + at;                                                \
                for (int r = 0; r < run; r++) {                                                                  \
                    VEC wv[V];                                                                                   \
                    for (int v = 0; v < V; v++) wv[v] = LOAD(w + L * v);                                         \
                    w += L * V;                                                                                  \
                    _mm_prefetch(pf, _MM_HINT_T1);                                                               \
                    pf += pfstep;                                                                                \
                    for (int j = 0; j < CK_P; j++) {                                                             \
                        const VEC xb = SET1(p[j][r]);                                                            \
                        for (int v = 0; v < V; v++) acc[j][v] = FMA(xb, wv[v], acc[j][v]);                       \
                    }                                                                                            \
                }                                                                                                \
            }                                                                                                    \
        }                                                                                                        \
        for (int j = 0; j < CK_P; j++) {                                                                         \
            if (j >= m) break;                                                                                   \
            for (int v = 0; v < V; v++) {                                                                        \
                VEC o = acc[j][v];                                                                               \
                if (last && res) o = ADD(o, LOAD(res + (size_t)j * ldo + L * v));                                \
                if (last && relu) o = MAX(o, ZERO());                                                            \
                STORE(y + (size_t)j * ldo + L * v, o);                                                           \
            }                                                                                                    \
        }                                                                                                        \
    }

#define CK_PANEL_BLOCK(V)                                                                                        \
    CK_PANEL_BLOCK_OF(ck_panel_block_##V, AVX512, __m512, 16, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, \
                      _mm512_fmadd_ps, _mm512_add_ps, _mm512_max_ps, _mm512_setzero_ps, V)
#define CK_PANEL_BLOCK2(V)                                                                                       \
    CK_PANEL_BLOCK_OF(ck_panel_block2_##V, AVX2, __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps,  \
                      _mm256_fmadd_ps, _mm256_add_ps, _mm256_max_ps, _mm256_setzero_ps, V)

CK_PANEL_BLOCK(1) CK_PANEL_BLOCK(2) CK_PANEL_BLOCK(3) CK_PANEL_BLOCK(4)
CK_PANEL_BLOCK2(1) CK_PANEL_BLOCK2(2)

typedef void (*ck_panel_fn)(const float *const *, int, int, int, int, int, const float *, int, int, const float *,
                            const float *, int, float *, int, int, const char *, size_t);

// An instruction set's panels: lanes per register, registers per full panel, the kernel for each width.
typedef struct {
    int lanes, vectors;
    ck_panel_fn fns[4]; // by registers − 1
} ck_panel_set;

static const ck_panel_set ck_avx512_panels = {
    16, 4, {ck_panel_block_1, ck_panel_block_2, ck_panel_block_3, ck_panel_block_4}};
static const ck_panel_set ck_avx2_panels = {8, 2, {ck_panel_block2_1, ck_panel_block2_2, NULL, NULL}};

// A product of `count` output pixels with panel `panel` of packed weights: pixel j's window corner is
// x + offsets[j] (kernel × kernel taps of ic channels, rows xrow floats apart); its outputs go to y + j·oc (from the
// panel's first channel on), the residual is read at residual + j·oc. `packed` holds all panels (ck_pack_weights);
// `weights_end` is where the weights the caller reads next end (prefetching stops there): the end of `packed`, or
// of all Winograd matrices, whose next one follows the last panel of this one.
static inline void ck_panel_group(const ck_panel_set *set, const float *x, const size_t *offsets, int count,
                                  int kernel, int xrow, int ic, const float *packed, int oc, int panel,
                                  const float *bias, const float *residual, int relu, float *y,
                                  const float *weights_end) {
    const int nr = set->lanes * set->vectors, o0 = panel * nr, pw = oc - o0 < nr ? oc - o0 : nr;
    const ck_panel_fn fn = set->fns[pw / set->lanes - 1];
    const int k = kernel, cc = ck_chunk_channels(kernel, ic);
    const float *panel_weights = packed + (size_t)o0 * k * k * ic;
    for (int c0 = 0; c0 < ic; c0 += cc) {
        const int cn = ic - c0 < cc ? ic - c0 : cc;
        // All channels at once: the kw taps of a kernel row are one run of k·ic floats.
        const int kwn = cn == ic ? 1 : k, run = cn == ic ? k * ic : cn;
        const float *chunk = panel_weights + (size_t)c0 * k * k * pw;
        const int first = c0 == 0, last = c0 + cn >= ic;
        // At batch 1 the deep layers' weights come from memory, once: the hardware prefetchers, which stop at page
        // ends, left the kernel waiting for them (a third of a 7×7 layer's time). So each block asks for a slice of
        // the weights read next (the next chunk, or the next panel's), one line per step of its inner loop, and
        // they arrive while this chunk is computed. A step of 0 repeats a harmless prefetch of this chunk.
        const size_t chunk_bytes = (size_t)cn * k * k * pw * sizeof(float);
        const char *ahead = (const char *)chunk + chunk_bytes;
        const char *end = (const char *)weights_end;
        const int blocks = (count + CK_P - 1) / CK_P, steps = k * k * cn;
        const size_t slice = (chunk_bytes + (size_t)blocks - 1) / (size_t)blocks;
        const size_t step = slice / (size_t)steps + 1 < 64 ? slice / (size_t)steps + 1 : 64;
        for (int j0 = 0; j0 < count; j0 += CK_P) {
            const char *pf = ahead + (size_t)(j0 / CK_P) * slice;
            const size_t pfstep = pf + step * (size_t)steps <= end ? step : 0;
            if (pfstep == 0) pf = (const char *)chunk;
            const int m = count - j0 < CK_P ? count - j0 : CK_P;
            const float *xs[CK_P];
            for (int j = 0; j < CK_P; j++) xs[j] = x + offsets[j0 + (j < m ? j : m - 1)] + c0;
            const size_t at = (size_t)j0 * oc + o0;
            fn(xs, k, xrow, kwn, ic, run, chunk, first, last, bias ? bias + o0 : NULL,
               residual ? residual + at : NULL, relu, y + at, oc, m, pf, pfstep);
        }
    }
}

#endif
#endif

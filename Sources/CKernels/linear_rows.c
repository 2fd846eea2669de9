// A fully connected layer on a few rows (batch ≤ 8) whose output count need not be a multiple of the vector width,
// such as ResNet-50's 2048 -> 1001 classifier at batch 1. There the work is reading the weights (8 MB, once per
// call, from memory): OpenBLAS 0.3.21 runs its SSE3 sgemv on AVX-512 CPUs, and the direct kernel needs whole
// vectors of outputs. Here W [inputs, outputs] is read row by row, in order, each row once for all the rows of x,
// with a masked last vector. Every y[r, o] is summed over the inputs in order, whatever the thread count.

#include "blocks.h"
#include "ckernels.h"

#define CK_LINEAR_MAX_ROWS 8
#define CK_LINEAR_AHEAD 16

#ifdef CK_X86

typedef struct {
    const float *x, *w, *bias;
    float *y;
    int n, inputs, outputs, relu;
} ck_linear_call;

// The lanes of a vector that hold one of the `left` outputs still to do.
static inline __mmask16 ck_lanes_below(int left) { return left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1); }

// Outputs [16·v0, 16·v1) of every row. W is read four rows at a time, each row from o = 16·v0 on in order, while y,
// a few KB, stays in L1 between the row blocks. Each load also asks for the line CK_LINEAR_AHEAD rows further on:
// the hardware prefetchers alone left a quarter of the classifier's time waiting for memory.
AVX512 static void ck_linear_range(const ck_linear_call *c, int v0, int v1) {
    const int n = c->n, inputs = c->inputs, outputs = c->outputs;
    for (int r = 0; r < n; r++)
        for (int v = v0; v < v1; v++) {
            const int o = v * 16;
            const __mmask16 mask = ck_lanes_below(outputs - o);
            _mm512_mask_storeu_ps(c->y + (size_t)r * outputs + o, mask,
                                  c->bias ? _mm512_maskz_loadu_ps(mask, c->bias + o) : _mm512_setzero_ps());
        }
    for (int i0 = 0; i0 < inputs; i0 += 4) {
        const int rows = inputs - i0 < 4 ? inputs - i0 : 4;
        for (int v = v0; v < v1; v++) {
            const int o = v * 16;
            const __mmask16 mask = ck_lanes_below(outputs - o);
            __m512 acc[CK_LINEAR_MAX_ROWS];
            for (int r = 0; r < n; r++) acc[r] = _mm512_maskz_loadu_ps(mask, c->y + (size_t)r * outputs + o);
            for (int i = i0; i < i0 + rows; i++) {
                const float *row = c->w + (size_t)i * outputs + o;
                if (i + CK_LINEAR_AHEAD < inputs)
                    _mm_prefetch((const char *)(row + (size_t)CK_LINEAR_AHEAD * outputs), _MM_HINT_T0);
                const __m512 wv = _mm512_maskz_loadu_ps(mask, row);
                for (int r = 0; r < n; r++)
                    acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(c->x[(size_t)r * inputs + i]), wv, acc[r]);
            }
            for (int r = 0; r < n; r++) _mm512_mask_storeu_ps(c->y + (size_t)r * outputs + o, mask, acc[r]);
        }
    }
    if (!c->relu) return;
    for (int r = 0; r < n; r++)
        for (int v = v0; v < v1; v++) {
            const int o = v * 16;
            const __mmask16 mask = ck_lanes_below(outputs - o);
            float *y = c->y + (size_t)r * outputs + o;
            _mm512_mask_storeu_ps(y, mask, _mm512_max_ps(_mm512_maskz_loadu_ps(mask, y), _mm512_setzero_ps()));
        }
}

static void ck_linear_part(void *context, int part, int parts) {
    const ck_linear_call *c = context;
    const int vectors = (c->outputs + 15) / 16;
    ck_linear_range(c, vectors * part / parts, vectors * (part + 1) / parts);
}

int ck_linear_rows(const float *x, int n, int inputs, int outputs, const float *weight, const float *bias, int relu,
                   float *y, int threads) {
    if (ck_kernels_level() < 2 || n < 1 || n > CK_LINEAR_MAX_ROWS || inputs < 1 || outputs < 1) return -1;
    const ck_linear_call call = {x, weight, bias, y, n, inputs, outputs, relu};
    const int vectors = (outputs + 15) / 16;
    ck_parallel(ck_parts(threads, vectors, (double)n * inputs * outputs, 1 << 19), ck_linear_part, (void *)&call);
    return 0;
}

#else

int ck_linear_rows(const float *x, int n, int inputs, int outputs, const float *weight, const float *bias, int relu,
                   float *y, int threads) {
    (void)x; (void)n; (void)inputs; (void)outputs; (void)weight; (void)bias; (void)relu; (void)y; (void)threads;
    return -1;
}

#endif

// Direct NHWC convolution, register-blocked for AVX-512 or AVX2: a block of P output pixels of one output row
// times V vectors of 16 (or 8) output channels is kept in P·V registers while every (tap, input channel) pair adds
// x[pixel, c] · W[tap, c, channels] to it. Weights are read once per block, inputs broadcast once per
// (pixel, c, block), so the loop is bound by FMA throughput rather than memory. Padding is done once per image
// by copying it into a zero-bordered scratch buffer, so the inner loop has no bounds checks.

#include "blocks.h"
#include "ckernels.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

size_t ck_direct_conv_scratch_floats(int h, int w, int in_channels, int padding) {
    return (size_t)(h + 2 * padding) * (size_t)(w + 2 * padding) * (size_t)in_channels;
}

#ifdef CK_X86

int ck_kernels_level(void) {
    // Threads may ask at once: each computes the same answer, and the atomic makes sharing it well-defined.
    static atomic_int known = -1;
    int level = atomic_load_explicit(&known, memory_order_relaxed);
    if (level < 0) {
        // REPRO_KERNELS=portable turns the SIMD kernels off and REPRO_KERNELS=avx2 keeps to AVX2, so the tests
        // can cover every path on one machine.
        const char *choice = getenv("REPRO_KERNELS");
        __builtin_cpu_init();
        level = __builtin_cpu_supports("avx512f")                                   ? 2
                : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1
                                                                                    : 0;
        if (choice && strcmp(choice, "portable") == 0) level = 0;
        if (choice && strcmp(choice, "avx2") == 0 && level > 1) level = 1;
        atomic_store_explicit(&known, level, memory_order_relaxed);
    }
    return level;
}

int ck_direct_conv_lanes(void) {
    const int level = ck_kernels_level();
    return level == 2 ? 16 : level == 1 ? 8 : 0;
}

// One call's arguments, shared by the threads that split it.
typedef struct {
    const float *x, *weight, *bias, *residual;
    float *y, *scratch;
    int n, h, w, ic, oc, kernel, stride, padding, relu, oh, ow;
    size_t scratch_floats;
    const ck_block_set *blocks;
} ck_conv_call;

// Writes into `scratch` (a padded image) the padded rows [py0, py1) of image `src`: zeros outside the image,
// its pixels inside.
static void ck_pad_rows(const ck_conv_call *c, const float *src, int py0, int py1, float *scratch) {
    const int ic = c->ic, w = c->w, p = c->padding, pw = w + 2 * p;
    for (int py = py0; py < py1; py++) {
        float *dst = scratch + (size_t)py * pw * ic;
        const int iy = py - p;
        if (iy < 0 || iy >= c->h) {
            memset(dst, 0, sizeof(float) * (size_t)pw * ic);
            continue;
        }
        memset(dst, 0, sizeof(float) * (size_t)p * ic);
        memcpy(dst + (size_t)p * ic, src + (size_t)iy * w * ic, sizeof(float) * (size_t)w * ic);
        memset(dst + (size_t)(p + w) * ic, 0, sizeof(float) * (size_t)p * ic);
    }
}

// Output rows [first, last) of the whole batch (row r is image r / oh, row r % oh). With padding, each image's
// part is first copied into `scratch` with its zero border: only the input rows those output rows read, so
// threads that share an image do not each copy all of it.
static void ck_conv_rows(const ck_conv_call *c, int first, int last, float *scratch) {
    const int ic = c->ic, oc = c->oc, ow = c->ow, w = c->w, oh = c->oh;
    const int pw = w + 2 * c->padding;
    const int xrow = pw * ic, xstep = c->stride * ic, run = c->kernel * ic;
    for (int r = first; r < last;) {
        const int b = r / oh, oy0 = r % oh, oy1 = last - b * oh < oh ? last - b * oh : oh;
        const float *src = c->x + (size_t)b * c->h * w * ic;
        if (c->padding > 0) {
            ck_pad_rows(c, src, oy0 * c->stride, (oy1 - 1) * c->stride + c->kernel, scratch);
            src = scratch;
        }
        for (int oy = oy0; oy < oy1; oy++, r++) {
            const float *row = src + (size_t)oy * c->stride * xrow;
            const size_t out = (size_t)r * ow * oc;
            ck_blocks(c->blocks, row, xrow, xstep, run, c->kernel, c->weight, oc, c->bias,
                      c->residual ? c->residual + out : NULL, c->relu, c->y + out, ow);
        }
    }
}

static void ck_conv_part(void *context, int part, int parts) {
    const ck_conv_call *c = context;
    const int rows = c->n * c->oh;
    ck_conv_rows(c, (int)((long)rows * part / parts), (int)((long)rows * (part + 1) / parts),
                 c->scratch ? c->scratch + (size_t)part * c->scratch_floats : NULL);
}

int ck_direct_conv(const float *x, int n, int h, int w, int ic, const float *weight, const float *bias, int oc,
                   int kernel, int stride, int padding, const float *residual, int relu, float *y, float *scratch,
                   int threads) {
    const int lanes = ck_direct_conv_lanes();
    if (lanes == 0 || oc <= 0 || oc % lanes != 0 || ic <= 0 || kernel <= 0 || stride <= 0 || padding < 0 ||
        padding >= kernel)
        return -1;
    const int oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
    if (n <= 0 || oh <= 0 || ow <= 0) return -1;
    ck_conv_call call = {x, weight, bias, residual, y, scratch, n, h, w, ic, oc, kernel, stride, padding, relu,
                         oh, ow, ck_direct_conv_scratch_floats(h, w, ic, padding),
                         lanes == 16 ? &ck_avx512_blocks : &ck_avx2_blocks};
    const int rows = n * oh;
    const double macs = (double)rows * ow * oc * kernel * kernel * ic;
    ck_parallel(ck_parts(threads, rows, macs, 1 << 19), ck_conv_part, &call);
    return 0;
}

#else

int ck_kernels_level(void) { return 0; }

int ck_direct_conv_lanes(void) { return 0; }

int ck_direct_conv(const float *x, int n, int h, int w, int ic, const float *weight, const float *bias, int oc,
                   int kernel, int stride, int padding, const float *residual, int relu, float *y, float *scratch,
                   int threads) {
    (void)threads; (void)x; (void)n; (void)h; (void)w; (void)ic; (void)weight; (void)bias; (void)oc;
    (void)kernel; (void)stride;
    (void)padding; (void)residual; (void)relu; (void)y; (void)scratch;
    return -1;
}

#endif

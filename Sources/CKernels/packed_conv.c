// Inference convolutions on weights packed once into panels (panels.h), for the layers of deep CNNs (ResNet-50)
// where the direct kernel's HWIO weights [k·k·in, out] are read with a stride of `out` floats: at 1024–2048 output
// channels that stride is 4–8 KB, so every row of a weight block falls into the same few cache sets, the block cannot
// stay in L1 or L2, and each pixel block streamed its weights from L3 again (15–25 GFLOP/s on the deep layers at
// batch 1). Threads split the output channels (whole panels) where the weights outweigh the input, as on the deep
// layers at small batches, so each weight is read by one thread only; otherwise they split the output pixels.

#include "ckernels.h"
#include "panels.h"

#include <stdlib.h>
#include <string.h>

// Output pixels per group: the group's outputs (96 × 64 floats, 24 KB) stay in cache while its chunks pass.
#define CK_GROUP 96
// Weights up to this many bytes are kept in L2 while the groups pass (groups outside, panels inside); larger ones
// are streamed once per group of pixels (panels outside).
#define CK_SMALL_WEIGHTS (512 * 1024)

size_t ck_packed_weights_floats(int kernel, int in_channels, int out_channels) {
    return (size_t)kernel * kernel * in_channels * out_channels;
}

size_t ck_packed_conv_scratch_floats(int n, int h, int w, int in_channels, int padding) {
    return padding > 0 ? (size_t)n * (h + 2 * padding) * (w + 2 * padding) * in_channels : 0;
}

#ifdef CK_X86

static const ck_panel_set *ck_panels(void) {
    const int level = ck_kernels_level();
    return level == 2 ? &ck_avx512_panels : level == 1 ? &ck_avx2_panels : NULL;
}

int ck_packed_panel_width(void) {
    const ck_panel_set *set = ck_panels();
    return set ? set->lanes * set->vectors : 0;
}

void ck_pack_weights(const float *weight, int kernel, int ic, int oc, float *packed) {
    const int nr = ck_packed_panel_width(), taps = kernel * kernel, cc = ck_chunk_channels(kernel, ic);
    if (nr == 0) return;
    float *out = packed;
    for (int o0 = 0; o0 < oc; o0 += nr) {
        const int pw = oc - o0 < nr ? oc - o0 : nr;
        for (int c0 = 0; c0 < ic; c0 += cc) {
            const int cn = ic - c0 < cc ? ic - c0 : cc;
            for (int t = 0; t < taps; t++) {
                for (int c = c0; c < c0 + cn; c++) {
                    memcpy(out, weight + ((size_t)t * ic + c) * oc + o0, sizeof(float) * (size_t)pw);
                    out += pw;
                }
            }
        }
    }
}

// One call's arguments, shared by the threads that split it.
typedef struct {
    const float *x, *weights, *bias, *residual;
    float *y;
    const ck_panel_set *set;
    // x as stored (padded when the convolution pads): n images of xh × xw pixels of ic channels.
    int n, xh, xw, ic, oc, kernel, stride, relu, oh, ow, panels, by_panels, groups_outside;
    long pixels;
    // Padding: the caller's unpadded input, its size and the padding.
    const float *source;
    int h, w, padding;
} ck_packed_call;

// The outputs of pixels [g0, g0 + count) (input offsets `offsets`) in panel `panel`.
static void ck_packed_group(const ck_packed_call *c, int panel, const size_t *offsets, long g0, int count) {
    const size_t at = (size_t)g0 * c->oc;
    ck_panel_group(c->set, c->x, offsets, count, c->kernel, c->xw * c->ic, c->ic, c->weights, c->oc, panel, c->bias,
                   c->residual ? c->residual + at : NULL, c->relu, c->y + at,
                   c->weights + (size_t)c->kernel * c->kernel * c->ic * c->oc);
}

// The input offset of each pixel in [g0, g0 + count): its window's corner.
static void ck_pixel_offsets(const ck_packed_call *c, long g0, int count, size_t *offsets) {
    const long per_image = (long)c->oh * c->ow;
    long b = g0 / per_image;
    int oy = (int)(g0 % per_image / c->ow), ox = (int)(g0 % c->ow);
    const size_t image = (size_t)c->xh * c->xw * c->ic;
    for (int j = 0; j < count; j++) {
        offsets[j] = (size_t)b * image + ((size_t)oy * c->stride * c->xw + (size_t)ox * c->stride) * c->ic;
        if (++ox == c->ow) {
            ox = 0;
            if (++oy == c->oh) oy = 0, b++;
        }
    }
}

static void ck_packed_range(const ck_packed_call *c, int p0, int p1, long q0, long q1) {
    size_t offsets[CK_GROUP];
    if (c->groups_outside) {
        for (long g0 = q0; g0 < q1; g0 += CK_GROUP) {
            const int count = q1 - g0 < CK_GROUP ? (int)(q1 - g0) : CK_GROUP;
            ck_pixel_offsets(c, g0, count, offsets);
            for (int p = p0; p < p1; p++) ck_packed_group(c, p, offsets, g0, count);
        }
    } else {
        for (int p = p0; p < p1; p++) {
            for (long g0 = q0; g0 < q1; g0 += CK_GROUP) {
                const int count = q1 - g0 < CK_GROUP ? (int)(q1 - g0) : CK_GROUP;
                ck_pixel_offsets(c, g0, count, offsets);
                ck_packed_group(c, p, offsets, g0, count);
            }
        }
    }
}

static void ck_packed_part(void *context, int part, int parts) {
    const ck_packed_call *c = context;
    if (c->by_panels) {
        ck_packed_range(c, (int)((long)c->panels * part / parts), (int)((long)c->panels * (part + 1) / parts), 0,
                        c->pixels);
    } else {
        // Whole blocks per part, so only the last block of the batch is short.
        const long blocks = (c->pixels + CK_P - 1) / CK_P;
        const long q0 = blocks * part / parts * CK_P, q1 = blocks * (part + 1) / parts * CK_P;
        ck_packed_range(c, 0, c->panels, q0, q1 < c->pixels ? q1 : c->pixels);
    }
}

// Copies rows [r0, r1) of the padded batch (row r: image r / xh, padded row r % xh) into c->x.
static void ck_pad_part(void *context, int part, int parts) {
    const ck_packed_call *c = context;
    const long rows = (long)c->n * c->xh;
    const int p = c->padding, ic = c->ic;
    float *padded = (float *)c->x;
    for (long r = rows * part / parts; r < rows * (part + 1) / parts; r++) {
        float *dst = padded + (size_t)r * c->xw * ic;
        const long b = r / c->xh;
        const int iy = (int)(r % c->xh) - p;
        if (iy < 0 || iy >= c->h) {
            memset(dst, 0, sizeof(float) * (size_t)c->xw * ic);
            continue;
        }
        memset(dst, 0, sizeof(float) * (size_t)p * ic);
        memcpy(dst + (size_t)p * ic, c->source + ((size_t)b * c->h + iy) * c->w * ic,
               sizeof(float) * (size_t)c->w * ic);
        memset(dst + (size_t)(p + c->w) * ic, 0, sizeof(float) * (size_t)(c->xw - p - c->w) * ic);
    }
}

int ck_packed_conv(const float *x, int n, int h, int w, int ic, const float *packed, const float *bias, int oc,
                   int kernel, int stride, int padding, const float *residual, int relu, float *y, float *scratch,
                   int threads) {
    const ck_panel_set *set = ck_panels();
    if (!set || oc <= 0 || oc % set->lanes != 0 || ic <= 0 || kernel <= 0 || stride <= 0 || padding < 0 ||
        padding >= kernel || n <= 0 || (padding > 0 && !scratch))
        return -1;
    const int oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
    if (oh <= 0 || ow <= 0) return -1;
    const int nr = set->lanes * set->vectors;
    ck_packed_call call = {
        padding > 0 ? scratch : x, packed, bias, residual, y, set, n, h + 2 * padding, w + 2 * padding, ic, oc,
        kernel, stride, relu, oh, ow, (oc + nr - 1) / nr, 0, 0,
        (long)n * oh * ow, x, h, w, padding};
    const double weight_bytes = 4.0 * kernel * kernel * ic * oc, input_bytes = 4.0 * n * h * w * ic;
    call.groups_outside = weight_bytes <= CK_SMALL_WEIGHTS;
    const double macs = (double)call.pixels * oc * kernel * kernel * ic;
    const int parts = ck_parts(threads, call.pixels, macs, 1 << 19);
    call.by_panels = parts > 1 && call.panels >= parts && weight_bytes >= input_bytes;
    if (padding > 0) ck_parallel(ck_parts(threads, (long)n * call.xh, input_bytes, 1 << 18), ck_pad_part, &call);
    ck_parallel(parts, ck_packed_part, &call);
    return 0;
}

#else

int ck_packed_panel_width(void) { return 0; }

void ck_pack_weights(const float *weight, int kernel, int ic, int oc, float *packed) {
    (void)weight; (void)kernel; (void)ic; (void)oc; (void)packed;
}

int ck_packed_conv(const float *x, int n, int h, int w, int ic, const float *packed, const float *bias, int oc,
                   int kernel, int stride, int padding, const float *residual, int relu, float *y, float *scratch,
                   int threads) {
    (void)x; (void)n; (void)h; (void)w; (void)ic; (void)packed; (void)bias; (void)oc; (void)kernel; (void)stride;
    (void)padding; (void)residual; (void)relu; (void)y; (void)scratch; (void)threads;
    return -1;
}

#endif

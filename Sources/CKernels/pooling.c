// Max pooling and the channel-sum of global average pooling over NHWC images, for inference (ResNet-50's 3×3/2
// stem pool and its final 7×7 average). Channels are the inner loop, so each output pixel is a few vector maxima.

#include "ckernels.h"

#include <float.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define CK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CK_CLONES
#endif

typedef struct {
    const float *x;
    float *y;
    int n, h, w, c, kernel, stride, pad_top, pad_left, oh, ow;
} ck_pool_call;

CK_CLONES static void ck_max_pool_rows(const ck_pool_call *p, int first, int last) {
    const int c = p->c;
    for (int r = first; r < last; r++) {
        const int b = r / p->oh, oy = r % p->oh;
        const float *image = p->x + (size_t)b * p->h * p->w * c;
        for (int ox = 0; ox < p->ow; ox++) {
            float *out = p->y + ((size_t)r * p->ow + ox) * c;
            for (int ch = 0; ch < c; ch++) out[ch] = -FLT_MAX;
            // Taps outside the image are skipped: they are -infinity in ONNX's padding.
            for (int ky = 0; ky < p->kernel; ky++) {
                const int iy = oy * p->stride - p->pad_top + ky;
                if (iy < 0 || iy >= p->h) continue;
                for (int kx = 0; kx < p->kernel; kx++) {
                    const int ix = ox * p->stride - p->pad_left + kx;
                    if (ix < 0 || ix >= p->w) continue;
                    const float *in = image + ((size_t)iy * p->w + ix) * c;
                    for (int ch = 0; ch < c; ch++) out[ch] = in[ch] > out[ch] ? in[ch] : out[ch];
                }
            }
        }
    }
}

static void ck_max_pool_part(void *context, int part, int parts) {
    const ck_pool_call *p = context;
    const int rows = p->n * p->oh;
    ck_max_pool_rows(p, (int)((long)rows * part / parts), (int)((long)rows * (part + 1) / parts));
}

void ck_max_pool(const float *x, int n, int h, int w, int c, int kernel, int stride, int pad_top, int pad_left,
                 int oh, int ow, float *y, int threads) {
    ck_pool_call call = {x, y, n, h, w, c, kernel, stride, pad_top, pad_left, oh, ow};
    const double work = (double)n * oh * ow * c * kernel * kernel;
    ck_parallel(ck_parts(threads, (long)n * oh, work, 1 << 18), ck_max_pool_part, &call);
}

CK_CLONES void ck_channel_means(const float *restrict x, int n, int pixels, int c, float *restrict y) {
    const float scale = 1.0f / (float)pixels;
    for (int b = 0; b < n; b++) {
        float *out = y + (size_t)b * c;
        memset(out, 0, sizeof(float) * c);
        for (int p = 0; p < pixels; p++) {
            const float *row = x + ((size_t)b * pixels + p) * c;
            for (int ch = 0; ch < c; ch++) out[ch] += row[ch];
        }
        for (int ch = 0; ch < c; ch++) out[ch] *= scale;
    }
}

// Winograd F(2×2, 3×3) for 3×3 stride-1 padding-1 convolutions with channel counts that are multiples of 16:
// each 2×2 output tile is computed from its 4×4 input tile with 16 multiplications per (input, output) channel
// pair instead of 36. Per chunk of tiles: the input transform Bᵀ·d·B (16 channels per zmm register), 16 products
// V_k[tiles × in] · U_k[in × out] with the shared register-blocked kernel, then the output transform Aᵀ·M·A with
// bias, residual and ReLU applied as it stores. U = G·g·Gᵀ is made once per set of weights.

#include "blocks.h"
#include "ckernels.h"

#include <string.h>

// Tiles per chunk: the width of the widest register block, so the 16 products run on full blocks.
#define CK_TILES 16

size_t ck_winograd_weights_floats(int in_channels, int out_channels) {
    return (size_t)16 * in_channels * out_channels;
}

size_t ck_winograd_scratch_floats(int in_channels, int out_channels) {
    return (size_t)in_channels + (size_t)16 * CK_TILES * in_channels + (size_t)16 * CK_TILES * out_channels;
}

void ck_winograd_weights(const float *weight, int ic, int oc, float *u) {
    // weight: [3·3·ic, oc] (row (kh·3 + kw)·ic + c); u: [16, ic, oc] with k = 4·i + j.
    for (int c = 0; c < ic; c++) {
        for (int o = 0; o < oc; o++) {
            float g[3][3], t[4][3];
            for (int kh = 0; kh < 3; kh++)
                for (int kw = 0; kw < 3; kw++) g[kh][kw] = weight[((size_t)(kh * 3 + kw) * ic + c) * oc + o];
            for (int kw = 0; kw < 3; kw++) {
                t[0][kw] = g[0][kw];
                t[1][kw] = 0.5f * (g[0][kw] + g[1][kw] + g[2][kw]);
                t[2][kw] = 0.5f * (g[0][kw] - g[1][kw] + g[2][kw]);
                t[3][kw] = g[2][kw];
            }
            for (int i = 0; i < 4; i++) {
                const float r[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]),
                                    t[i][2]};
                for (int j = 0; j < 4; j++) u[((size_t)(4 * i + j) * ic + c) * oc + o] = r[j];
            }
        }
    }
}

#ifdef CK_X86

typedef struct {
    const float *x, *u, *bias, *residual;
    float *y, *scratch;
    int n, h, w, ic, oc, relu, th, tw;
    size_t scratch_floats;
} ck_winograd_call;

// Bᵀ·d·B of one 4×4 tile for 16 channels: d[4·i + j] is row i, column j.
AVX512 static inline void ck_input_transform(const __m512 d[16], __m512 v[16]) {
    __m512 t[16];
    for (int j = 0; j < 4; j++) {
        t[0 + j] = _mm512_sub_ps(d[0 + j], d[8 + j]);
        t[4 + j] = _mm512_add_ps(d[4 + j], d[8 + j]);
        t[8 + j] = _mm512_sub_ps(d[8 + j], d[4 + j]);
        t[12 + j] = _mm512_sub_ps(d[4 + j], d[12 + j]);
    }
    for (int i = 0; i < 4; i++) {
        v[4 * i + 0] = _mm512_sub_ps(t[4 * i + 0], t[4 * i + 2]);
        v[4 * i + 1] = _mm512_add_ps(t[4 * i + 1], t[4 * i + 2]);
        v[4 * i + 2] = _mm512_sub_ps(t[4 * i + 2], t[4 * i + 1]);
        v[4 * i + 3] = _mm512_sub_ps(t[4 * i + 1], t[4 * i + 3]);
    }
}

// Aᵀ·M·A of one tile for 16 channels, + bias: out[2·i + j] is output row i, column j.
AVX512 static inline void ck_output_transform(const __m512 m[16], __m512 bias, __m512 out[4]) {
    __m512 s[8];
    for (int j = 0; j < 4; j++) {
        s[j] = _mm512_add_ps(_mm512_add_ps(m[0 + j], m[4 + j]), m[8 + j]);
        s[4 + j] = _mm512_sub_ps(_mm512_sub_ps(m[4 + j], m[8 + j]), m[12 + j]);
    }
    for (int i = 0; i < 2; i++) {
        out[2 * i + 0] = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s[4 * i + 0], s[4 * i + 1]), s[4 * i + 2]), bias);
        out[2 * i + 1] = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s[4 * i + 1], s[4 * i + 2]), s[4 * i + 3]), bias);
    }
}

// Tiles [first, last) of the batch (tile index = (image · th + tile row) · tw + tile column).
AVX512 static void ck_winograd_tiles(const ck_winograd_call *c, int first, int last, float *scratch) {
    const int ic = c->ic, oc = c->oc, h = c->h, w = c->w, th = c->th, tw = c->tw;
    float *zero = scratch, *vbuf = scratch + ic, *mbuf = vbuf + (size_t)16 * CK_TILES * ic;
    memset(zero, 0, sizeof(float) * ic);
    // The coordinates of the next tile, stepped rather than divided for each tile.
    int b = first / (th * tw), ty = first / tw % th, tx = first % tw;
    for (int t0 = first; t0 < last; t0 += CK_TILES) {
        const int count = last - t0 < CK_TILES ? last - t0 : CK_TILES;
        int tb[CK_TILES], tyy[CK_TILES], txx[CK_TILES];
        // Input transform: vbuf[k][t][c].
        for (int t = 0; t < count; t++) {
            tb[t] = b, tyy[t] = ty, txx[t] = tx;
            const float *image = c->x + (size_t)b * h * w * ic;
            const int y0 = 2 * ty - 1, x0 = 2 * tx - 1;
            float *dst = vbuf + (size_t)t * ic;
            if (y0 >= 0 && y0 + 4 <= h && x0 >= 0 && x0 + 4 <= w) {
                // Inside the image: the 16 pixels are at fixed offsets from the first.
                const float *base = image + ((size_t)y0 * w + x0) * ic;
                for (int c0 = 0; c0 < ic; c0 += 16) {
                    __m512 d[16], v[16];
                    for (int i = 0; i < 4; i++)
                        for (int j = 0; j < 4; j++)
                            d[4 * i + j] = _mm512_loadu_ps(base + ((size_t)i * w + j) * ic + c0);
                    ck_input_transform(d, v);
                    for (int k = 0; k < 16; k++) _mm512_storeu_ps(dst + (size_t)k * CK_TILES * ic + c0, v[k]);
                }
            } else {
                const float *at[16];
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        const int iy = y0 + i, ix = x0 + j;
                        const int inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                        at[4 * i + j] = inside ? image + ((size_t)iy * w + ix) * ic : zero;
                    }
                }
                for (int c0 = 0; c0 < ic; c0 += 16) {
                    __m512 d[16], v[16];
                    for (int k = 0; k < 16; k++) d[k] = _mm512_loadu_ps(at[k] + c0);
                    ck_input_transform(d, v);
                    for (int k = 0; k < 16; k++) _mm512_storeu_ps(dst + (size_t)k * CK_TILES * ic + c0, v[k]);
                }
            }
            if (++tx == tw) {
                tx = 0;
                if (++ty == th) ty = 0, b++;
            }
        }
        // The 16 products M_k = V_k · U_k.
        for (int k = 0; k < 16; k++) {
            const float *vk = vbuf + (size_t)k * CK_TILES * ic;
            float *mk = mbuf + (size_t)k * CK_TILES * oc;
            const float *uk = c->u + (size_t)k * ic * oc;
            ck_blocks(&ck_avx512_blocks, vk, 0, ic, ic, 1, uk, oc, NULL, NULL, 0, mk, count);
        }
        // Output transform Aᵀ·M·A, + bias (+ residual), ReLU, stored where the tile's pixels are (stride 1,
        // padding 1: the output is h × w).
        const __m512 zeros = _mm512_setzero_ps();
        for (int t = 0; t < count; t++) {
            const int oy = 2 * tyy[t], ox = 2 * txx[t];
            const int rows = oy + 1 < h ? 2 : 1, cols = ox + 1 < w ? 2 : 1;
            const size_t at0 = (((size_t)tb[t] * h + oy) * w + ox) * oc;
            for (int o0 = 0; o0 < oc; o0 += 16) {
                __m512 m[16], out[4];
                for (int k = 0; k < 16; k++) m[k] = _mm512_loadu_ps(mbuf + ((size_t)k * CK_TILES + t) * oc + o0);
                ck_output_transform(m, c->bias ? _mm512_loadu_ps(c->bias + o0) : zeros, out);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        const size_t at = at0 + ((size_t)i * w + j) * oc + o0;
                        __m512 o = out[2 * i + j];
                        if (c->residual) o = _mm512_add_ps(o, _mm512_loadu_ps(c->residual + at));
                        if (c->relu) o = _mm512_max_ps(o, zeros);
                        _mm512_storeu_ps(c->y + at, o);
                    }
                }
            }
        }
    }
}

static void ck_winograd_part(void *context, int part, int parts) {
    const ck_winograd_call *c = context;
    const int tiles = c->n * c->th * c->tw;
    ck_winograd_tiles(c, (int)((long)tiles * part / parts), (int)((long)tiles * (part + 1) / parts),
                      c->scratch + (size_t)part * c->scratch_floats);
}

int ck_winograd_conv(const float *x, int n, int h, int w, int ic, const float *u, const float *bias, int oc,
                     const float *residual, int relu, float *y, float *scratch, int threads) {
    if (ic <= 0 || oc <= 0 || ic % 16 != 0 || oc % 16 != 0 || n <= 0 || h <= 0 || w <= 0) return -1;
    if (ck_kernels_level() < 2) return -1;
    ck_winograd_call call = {x, u, bias, residual, y, scratch, n, h, w, ic, oc, relu, (h + 1) / 2, (w + 1) / 2,
                             ck_winograd_scratch_floats(ic, oc)};
    const int tiles = n * call.th * call.tw;
    const double macs = (double)tiles * 16 * ic * oc; // 16 multiply-adds per tile and channel pair
    ck_parallel(ck_parts(threads, tiles, macs, 1 << 18), ck_winograd_part, &call);
    return 0;
}

#else

int ck_winograd_conv(const float *x, int n, int h, int w, int ic, const float *u, const float *bias, int oc,
                     const float *residual, int relu, float *y, float *scratch, int threads) {
    (void)x; (void)n; (void)h; (void)w; (void)ic; (void)u; (void)bias; (void)oc; (void)residual; (void)relu;
    (void)y; (void)scratch; (void)threads;
    return -1;
}

#endif

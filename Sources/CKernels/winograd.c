// Winograd F(m×m, 3×3), m = 2 or 4, for 3×3 stride-1 padding-1 convolutions with channel counts that are multiples
// of 16: each m×m output tile is computed from its a×a input tile (a = m + 2) with a² multiplications per (input,
// output) channel pair instead of 9·m²: 16 instead of 36 for F(2×2), 36 instead of 144 for F(4×4). Per group of
// tiles: the input transform Bᵀ·d·B (16 channels per zmm register) into V[a²][tiles][in], a² products
// M_k = V_k · U_k on the packed panels of panels.h (on blocks.h's register blocks for layers of at most 64
// channels), then the output transform Aᵀ·M·A with bias, residual and ReLU applied as it stores. U = G·g·Gᵀ is
// made (in double) and packed once per set of weights.
//
// Threads take whole groups of tiles when there are enough tiles; when a layer has few tiles (the deep layers at
// small batches) they share one group in three steps (input transform, products split by weight panels so each
// transformed weight is read once, output transform). Either way each output is summed in the same order.

#include "ckernels.h"
#include "panels.h"

#include <stdlib.h>
#include <string.h>

// The largest scratch of a group (V and M), in floats: 8 MB. Groups are at most CK_WINO_GROUP tiles.
#define CK_WINO_SCRATCH (2 << 20)
#define CK_WINO_GROUP 96

// Layers of at most 64 input and 64 output channels (ResNet-8's) keep their transformed weights unpacked, [ic, oc]
// per k, and multiply them with blocks.h's register blocks over small groups that stay in L1/L2: their weights are
// small enough to stay in cache anyway, and the panels' blocks, made for ResNet-50's wide layers, ran them 20-40 %
// slower (measured on ResNet-8's 16-, 32- and 64-channel layers).
#define CK_WINO_SMALL_CHANNELS 64
#define CK_WINO_SMALL_GROUP 16

static int ck_wino_small(int ic, int oc) { return ic <= CK_WINO_SMALL_CHANNELS && oc <= CK_WINO_SMALL_CHANNELS; }

// Tiles per group for these channels: as many as fit the scratch, up to CK_WINO_GROUP, in whole blocks of CK_P.
static int ck_wino_group(int ic, int oc, int m) {
    if (ck_wino_small(ic, oc)) return CK_WINO_SMALL_GROUP;
    const int a = m + 2;
    long g = CK_WINO_SCRATCH / ((long)a * a * (ic + oc));
    if (g > CK_WINO_GROUP) g = CK_WINO_GROUP;
    g -= g % CK_P;
    return g < CK_P ? CK_P : (int)g;
}

size_t ck_winograd_weights_floats(int in_channels, int out_channels, int m) {
    return (size_t)(m + 2) * (m + 2) * in_channels * out_channels;
}

size_t ck_winograd_scratch_floats(int in_channels, int out_channels, int m, int threads) {
    const int a = m + 2, g = ck_wino_group(in_channels, out_channels, m);
    return (size_t)(threads < 1 ? 1 : threads) * a * a * g * (in_channels + out_channels);
}

void ck_winograd_weights(const float *weight, int ic, int oc, int m, float *u) {
    // G for F(2×2, 3×3) and F(4×4, 3×3) (Lavin & Gray, points 0, ±1, ±2 and ∞).
    static const double g2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
    static const double g4[6][3] = {{0.25, 0, 0},
                                    {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                    {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                    {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                    {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                    {0, 0, 1}};
    const int a = m + 2;
    // U_k [ic, oc] for k = a·i + j, made whole and then packed as a 1×1 convolution's weights.
    float *plain = malloc(sizeof(float) * (size_t)a * a * ic * oc);
    if (!plain) return;
    for (int c = 0; c < ic; c++) {
        for (int o = 0; o < oc; o++) {
            double g[3][3], t[6][3];
            for (int kh = 0; kh < 3; kh++)
                for (int kw = 0; kw < 3; kw++) g[kh][kw] = weight[((size_t)(kh * 3 + kw) * ic + c) * oc + o];
            for (int i = 0; i < a; i++) {
                const double *row = m == 2 ? g2[i] : g4[i];
                for (int kw = 0; kw < 3; kw++) t[i][kw] = row[0] * g[0][kw] + row[1] * g[1][kw] + row[2] * g[2][kw];
            }
            for (int i = 0; i < a; i++) {
                for (int j = 0; j < a; j++) {
                    const double *col = m == 2 ? g2[j] : g4[j];
                    const double v = t[i][0] * col[0] + t[i][1] * col[1] + t[i][2] * col[2];
                    plain[((size_t)(a * i + j) * ic + c) * oc + o] = (float)v;
                }
            }
        }
    }
    if (ck_wino_small(ic, oc)) memcpy(u, plain, sizeof(float) * (size_t)a * a * ic * oc);
    else
        for (int k = 0; k < a * a; k++)
            ck_pack_weights(plain + (size_t)k * ic * oc, 1, ic, oc, u + (size_t)k * ic * oc);
    free(plain);
}

#ifdef CK_X86

// Hides a pointer's value from the optimizer, so the a² addresses of a tile are walked one step at a time in one
// register: left to itself the compiler made each of them an induction variable of the channel loop, spilled them
// (16 pointers for F(2×2), 36 for F(4×4), with 16 registers), and the transforms ran 30-40 % slower.
#define CK_OPAQUE(p) __asm__("" : "+r"(p))

typedef struct {
    const float *x, *u, *bias, *residual;
    float *y, *scratch;
    const ck_panel_set *set;
    int n, h, w, ic, oc, relu, m, a, th, tw, group, panels;
    long tiles;
    size_t scratch_floats; // per part
    // A group shared by all parts: its first tile and size, V and M.
    long g0;
    int count;
    float *v, *mm;
} ck_wino_call;

// Bᵀ·d along one line of a values, `step` registers apart (in place).
AVX512 static inline void ck_input_line(__m512 *d, int step, int m) {
    if (m == 2) {
        const __m512 d0 = d[0], d1 = d[step], d2 = d[2 * step], d3 = d[3 * step];
        d[0] = _mm512_sub_ps(d0, d2);
        d[step] = _mm512_add_ps(d1, d2);
        d[2 * step] = _mm512_sub_ps(d2, d1);
        d[3 * step] = _mm512_sub_ps(d1, d3);
        return;
    }
    const __m512 d0 = d[0], d1 = d[step], d2 = d[2 * step], d3 = d[3 * step], d4 = d[4 * step], d5 = d[5 * step];
    const __m512 four = _mm512_set1_ps(4), five = _mm512_set1_ps(5), two = _mm512_set1_ps(2);
    const __m512 p = _mm512_fnmadd_ps(four, d2, d4), q = _mm512_fnmadd_ps(four, d1, d3);
    const __m512 r = _mm512_sub_ps(d4, d2), s = _mm512_mul_ps(two, _mm512_sub_ps(d3, d1));
    d[0] = _mm512_fmadd_ps(four, d0, _mm512_fnmadd_ps(five, d2, d4));
    d[step] = _mm512_add_ps(p, q);
    d[2 * step] = _mm512_sub_ps(p, q);
    d[3 * step] = _mm512_add_ps(r, s);
    d[4 * step] = _mm512_sub_ps(r, s);
    d[5 * step] = _mm512_fmadd_ps(four, d1, _mm512_fnmadd_ps(five, d3, d5));
}

// Aᵀ·v along one line: a values `step` registers apart in, m values `ostep` apart out.
AVX512 static inline void ck_output_line(const __m512 *v, int step, __m512 *o, int ostep, int m) {
    if (m == 2) {
        const __m512 v1 = v[step], v2 = v[2 * step];
        o[0] = _mm512_add_ps(_mm512_add_ps(v[0], v1), v2);
        o[ostep] = _mm512_sub_ps(_mm512_sub_ps(v1, v2), v[3 * step]);
        return;
    }
    const __m512 s12 = _mm512_add_ps(v[step], v[2 * step]), d12 = _mm512_sub_ps(v[step], v[2 * step]);
    const __m512 s34 = _mm512_add_ps(v[3 * step], v[4 * step]), d34 = _mm512_sub_ps(v[3 * step], v[4 * step]);
    o[0] = _mm512_add_ps(_mm512_add_ps(v[0], s12), s34);
    o[ostep] = _mm512_fmadd_ps(_mm512_set1_ps(2), d34, d12);
    o[2 * ostep] = _mm512_fmadd_ps(_mm512_set1_ps(4), s34, s12);
    o[3 * ostep] = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(8), d34, d12), v[5 * step]);
}

// The input transform of tiles [t0, t0 + count) into v [a²][group][ic], for a tile size m fixed at compile time
// (always inlined with m = 2 or 4: with m known the a² registers of a tile stay registers; with m read at run time
// they spilled to the stack and ResNet-8's 16-channel layers ran at a third of their earlier speed).
AVX512 static inline __attribute__((always_inline)) void ck_wino_input_m(const ck_wino_call *c, long t0, int count,
                                                                          float *v, const int m) {
    const int a = m + 2, h = c->h, w = c->w, ic = c->ic, group = c->group;
    long b = t0 / ((long)c->th * c->tw);
    int ty = (int)(t0 / c->tw % c->th), tx = (int)(t0 % c->tw);
    for (int t = 0; t < count; t++) {
        const float *image = c->x + (size_t)b * h * w * ic;
        const int y0 = m * ty - 1, x0 = m * tx - 1;
        const int inside = y0 >= 0 && y0 + a <= h && x0 >= 0 && x0 + a <= w;
        // At the edges (most tiles of small images: 12 of 16 at 8×8 with F(2×2)) each of the a² pixels' address, or
        // outside the image the image's start with an empty mask, so the loads take no branch.
        const float *at[36];
        __mmask16 mask[36];
        if (!inside) {
            for (int i = 0; i < a; i++) {
                for (int j = 0; j < a; j++) {
                    const int iy = y0 + i, ix = x0 + j, in = iy >= 0 && iy < h && ix >= 0 && ix < w;
                    at[a * i + j] = in ? image + ((size_t)iy * w + ix) * ic : image;
                    mask[a * i + j] = in ? 0xFFFF : 0;
                }
            }
        }
        const float *base = inside ? image + ((size_t)y0 * w + x0) * ic : image;
        for (int c0 = 0; c0 < ic; c0 += 16) {
            __m512 d[36];
            if (inside) {
                const float *row = base + c0;
                for (int i = 0; i < a; i++, row += (size_t)w * ic) {
                    const float *p = row;
                    for (int j = 0; j < a; j++, p += ic) {
                        d[a * i + j] = _mm512_loadu_ps(p);
                        CK_OPAQUE(p);
                    }
                }
            } else {
                for (int k = 0; k < a * a; k++) d[k] = _mm512_maskz_loadu_ps(mask[k], at[k] + c0);
            }
            for (int j = 0; j < a; j++) ck_input_line(d + j, a, m); // columns
            for (int i = 0; i < a; i++) ck_input_line(d + a * i, 1, m); // rows
            float *dst = v + (size_t)t * ic + c0;
            for (int k = 0; k < a * a; k++, dst += (size_t)group * ic) {
                _mm512_storeu_ps(dst, d[k]);
                CK_OPAQUE(dst);
            }
        }
        if (++tx == c->tw) {
            tx = 0;
            if (++ty == c->th) ty = 0, b++;
        }
    }
}

AVX512 static void ck_wino_input(const ck_wino_call *c, long t0, int count, float *v) {
    if (c->m == 2) ck_wino_input_m(c, t0, count, v, 2);
    else ck_wino_input_m(c, t0, count, v, 4);
}

// The products M_k = V_k · U_k for the (k, panel) pairs [first, last) (pair index k · panels + panel).
static void ck_wino_products(const ck_wino_call *c, int count, const float *v, float *mm, int first, int last) {
    size_t offsets[CK_WINO_GROUP];
    for (int t = 0; t < count; t++) offsets[t] = (size_t)t * c->ic;
    if (ck_wino_small(c->ic, c->oc)) {
        // One panel (oc ≤ 64): a pair is a k.
        for (int k = first; k < last; k++)
            ck_blocks(&ck_avx512_blocks, v + (size_t)k * c->group * c->ic, 0, c->ic, c->ic, 1,
                      c->u + (size_t)k * c->ic * c->oc, c->oc, NULL, NULL, 0, mm + (size_t)k * c->group * c->oc, count);
        return;
    }
    for (int pair = first; pair < last; pair++) {
        const int k = pair / c->panels, panel = pair % c->panels;
        ck_panel_group(c->set, v + (size_t)k * c->group * c->ic, offsets, count, 1, 0, c->ic,
                       c->u + (size_t)k * c->ic * c->oc, c->oc, panel, NULL, NULL, 0,
                       mm + (size_t)k * c->group * c->oc, c->u + (size_t)c->a * c->a * c->ic * c->oc);
    }
}

// One output vector: bias, residual and ReLU applied, stored at y + at.
AVX512 static inline void ck_wino_store(__m512 o, __m512 bias, const float *residual, int relu, float *y, size_t at) {
    o = _mm512_add_ps(o, bias);
    if (residual) o = _mm512_add_ps(o, _mm512_loadu_ps(residual + at));
    if (relu) o = _mm512_max_ps(o, _mm512_setzero_ps());
    _mm512_storeu_ps(y + at, o);
}

// The output transform of tiles [t0, t0 + count) (the group starting at tile g0) from mm, with bias, residual, ReLU;
// m fixed at compile time as for the input transform.
AVX512 static inline __attribute__((always_inline)) void ck_wino_output_m(const ck_wino_call *c, long g0, long t0,
                                                                           int count, const float *mm, const int m) {
    const int a = m + 2, h = c->h, w = c->w, oc = c->oc, group = c->group, relu = c->relu;
    // In locals: the stores through y could otherwise alias *c, and the compiler re-read c->relu after each one.
    const float *residual = c->residual;
    float *y = c->y;
    long b = t0 / ((long)c->th * c->tw);
    int ty = (int)(t0 / c->tw % c->th), tx = (int)(t0 % c->tw);
    const __m512 zeros = _mm512_setzero_ps();
    for (long t = t0 - g0; t < t0 - g0 + count; t++) {
        const int oy = m * ty, ox = m * tx;
        const int rows = h - oy < m ? h - oy : m, cols = w - ox < m ? w - ox : m;
        const size_t at0 = (((size_t)b * h + oy) * w + ox) * oc;
        for (int o0 = 0; o0 < oc; o0 += 16) {
            __m512 v[36], s[24], out[16];
            const float *src = mm + (size_t)t * oc + o0;
            for (int k = 0; k < a * a; k++, src += (size_t)group * oc) {
                v[k] = _mm512_loadu_ps(src);
                CK_OPAQUE(src);
            }
            for (int j = 0; j < a; j++) ck_output_line(v + j, a, s + j, a, m);     // columns: s [m][a]
            for (int i = 0; i < m; i++) ck_output_line(s + a * i, 1, out + m * i, 1, m); // rows: out [m][m]
            const __m512 bias = c->bias ? _mm512_loadu_ps(c->bias + o0) : zeros;
            if (rows == m && cols == m) {
                // A whole tile: constant bounds, so out[] stays in registers.
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < m; j++)
                        ck_wino_store(out[m * i + j], bias, residual, relu, y, at0 + ((size_t)i * w + j) * oc + o0);
            } else {
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < cols; j++)
                        ck_wino_store(out[m * i + j], bias, residual, relu, y, at0 + ((size_t)i * w + j) * oc + o0);
            }
        }
        if (++tx == c->tw) {
            tx = 0;
            if (++ty == c->th) ty = 0, b++;
        }
    }
}

AVX512 static void ck_wino_output(const ck_wino_call *c, long g0, long t0, int count, const float *mm) {
    if (c->m == 2) ck_wino_output_m(c, g0, t0, count, mm, 2);
    else ck_wino_output_m(c, g0, t0, count, mm, 4);
}

// Each part its own tiles, group by group (balanced groups of whole blocks), on its own scratch.
static void ck_wino_tiles_part(void *context, int part, int parts) {
    const ck_wino_call *c = context;
    const long blocks = (c->tiles + CK_P - 1) / CK_P;
    const long t0 = blocks * part / parts * CK_P, t1e = blocks * (part + 1) / parts * CK_P;
    const long t1 = t1e < c->tiles ? t1e : c->tiles;
    if (t1 <= t0) return;
    float *v = c->scratch + (size_t)part * c->scratch_floats;
    float *mm = v + (size_t)c->a * c->a * c->group * c->ic;
    const long groups = (t1 - t0 + c->group - 1) / c->group;
    const long even = ((t1 - t0 + groups - 1) / groups + CK_P - 1) / CK_P * CK_P;
    const long size = even < c->group ? even : c->group;
    for (long g0 = t0; g0 < t1; g0 += size) {
        const int count = t1 - g0 < size ? (int)(t1 - g0) : (int)size;
        ck_wino_input(c, g0, count, v);
        ck_wino_products(c, count, v, mm, 0, c->a * c->a * c->panels);
        ck_wino_output(c, g0, g0, count, mm);
    }
}

// The three steps of a shared group, each split over the parts.
static void ck_wino_shared_input(void *context, int part, int parts) {
    const ck_wino_call *c = context;
    const long first = (long)c->count * part / parts, last = (long)c->count * (part + 1) / parts;
    ck_wino_input(c, c->g0 + first, (int)(last - first), c->v + (size_t)first * c->ic);
}

static void ck_wino_shared_products(void *context, int part, int parts) {
    const ck_wino_call *c = context;
    const long pairs = (long)c->a * c->a * c->panels;
    ck_wino_products(c, c->count, c->v, c->mm, (int)(pairs * part / parts), (int)(pairs * (part + 1) / parts));
}

static void ck_wino_shared_output(void *context, int part, int parts) {
    const ck_wino_call *c = context;
    const long first = (long)c->count * part / parts, last = (long)c->count * (part + 1) / parts;
    ck_wino_output(c, c->g0, c->g0 + first, (int)(last - first), c->mm);
}

int ck_winograd_conv(const float *x, int n, int h, int w, int ic, const float *u, const float *bias, int oc,
                     const float *residual, int relu, float *y, float *scratch, int threads, int m) {
    if (ic <= 0 || oc <= 0 || ic % 16 != 0 || oc % 16 != 0 || n <= 0 || h <= 0 || w <= 0 || (m != 2 && m != 4))
        return -1;
    if (ck_kernels_level() < 2) return -1;
    const int a = m + 2, th = (h + m - 1) / m, tw = (w + m - 1) / m;
    ck_wino_call call = {x, u, bias, residual, y, scratch, &ck_avx512_panels, n, h, w, ic, oc, relu, m, a, th, tw,
                         ck_wino_group(ic, oc, m), (oc + 63) / 64, (long)n * th * tw,
                         (size_t)a * a * ck_wino_group(ic, oc, m) * (ic + oc), 0, 0, NULL, NULL};
    const double macs = (double)call.tiles * a * a * ic * oc;
    const int parts = ck_parts(threads, call.tiles, macs, 1 << 19);
    if (parts <= 1 || call.tiles >= (long)parts * call.group / 2) {
        ck_parallel(parts, ck_wino_tiles_part, &call);
        return 0;
    }
    // Few tiles for several threads: one shared group at a time, the products split by weight panels.
    call.v = scratch;
    call.mm = scratch + (size_t)a * a * call.group * ic;
    for (long g0 = 0; g0 < call.tiles; g0 += call.group) {
        call.g0 = g0;
        call.count = call.tiles - g0 < call.group ? (int)(call.tiles - g0) : call.group;
        ck_parallel(parts, ck_wino_shared_input, &call);
        ck_parallel(parts, ck_wino_shared_products, &call);
        ck_parallel(parts, ck_wino_shared_output, &call);
    }
    return 0;
}

#else

int ck_winograd_conv(const float *x, int n, int h, int w, int ic, const float *u, const float *bias, int oc,
                     const float *residual, int relu, float *y, float *scratch, int threads, int m) {
    (void)x; (void)n; (void)h; (void)w; (void)ic; (void)u; (void)bias; (void)oc; (void)residual; (void)relu;
    (void)y; (void)scratch; (void)threads; (void)m;
    return -1;
}

#endif

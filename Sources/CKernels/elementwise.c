// The element-wise loops of training (ReLU and its gradient, residual sums, batch-norm statistics, im2col's
// adjoint), compiled once per instruction set and chosen at load time (target_clones), because the Swift module is
// built for the baseline x86-64 and these loops there run scalar, with a branch per element.

#include "ckernels.h"

#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define CK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CK_CLONES
#endif

CK_CLONES void ck_relu_backward(const float *restrict y, const float *restrict dy, float *restrict dx, size_t n) {
    for (size_t i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}

CK_CLONES void ck_add_relu(const float *restrict a, const float *restrict b, float *restrict y, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const float s = a[i] + b[i];
        y[i] = s > 0 ? s : 0;
    }
}

// x and y may be the same array (ReLU in place).
CK_CLONES void ck_relu(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

CK_CLONES void ck_add(float *restrict a, const float *restrict b, size_t n) {
    for (size_t i = 0; i < n; i++) a[i] += b[i];
}

CK_CLONES void ck_channel_sums(const float *restrict x, size_t rows, int c, float *restrict sum) {
    memset(sum, 0, sizeof(float) * c);
    for (size_t r = 0; r < rows; r++) {
        const float *row = x + r * c;
        for (int ch = 0; ch < c; ch++) sum[ch] += row[ch];
    }
}

CK_CLONES void ck_batchnorm_statistics(const float *restrict x, size_t rows, int c, double *restrict mean,
                                       double *restrict variance) {
    memset(mean, 0, sizeof(double) * c);
    memset(variance, 0, sizeof(double) * c);
    for (size_t r = 0; r < rows; r++) {
        const float *row = x + r * c;
        for (int ch = 0; ch < c; ch++) mean[ch] += (double)row[ch];
    }
    for (int ch = 0; ch < c; ch++) mean[ch] /= (double)rows;
    for (size_t r = 0; r < rows; r++) {
        const float *row = x + r * c;
        for (int ch = 0; ch < c; ch++) {
            const double d = (double)row[ch] - mean[ch];
            variance[ch] += d * d;
        }
    }
    for (int ch = 0; ch < c; ch++) variance[ch] /= (double)rows;
}

CK_CLONES void ck_batchnorm_normalise(const float *restrict x, size_t rows, int c, const float *restrict mean,
                                      const float *restrict inv_std, const float *restrict gamma,
                                      const float *restrict beta, float *restrict xhat, float *restrict y) {
    for (size_t r = 0; r < rows; r++) {
        const float *src = x + r * c;
        float *xh = xhat + r * c, *dst = y + r * c;
        for (int ch = 0; ch < c; ch++) {
            const float v = (src[ch] - mean[ch]) * inv_std[ch];
            xh[ch] = v;
            dst[ch] = v * gamma[ch] + beta[ch];
        }
    }
}

CK_CLONES void ck_batchnorm_backward(const float *restrict dy, const float *restrict xhat, size_t rows, int c,
                                     const float *restrict gamma, const float *restrict inv_std,
                                     float *restrict dgamma, float *restrict dbeta, float *restrict dx) {
    memset(dgamma, 0, sizeof(float) * c);
    memset(dbeta, 0, sizeof(float) * c);
    for (size_t r = 0; r < rows; r++) {
        const float *g = dy + r * c, *xh = xhat + r * c;
        for (int ch = 0; ch < c; ch++) {
            dbeta[ch] += g[ch];
            dgamma[ch] += g[ch] * xh[ch];
        }
    }
    const float m = (float)rows;
    for (size_t r = 0; r < rows; r++) {
        const float *g = dy + r * c, *xh = xhat + r * c;
        float *d = dx + r * c;
        for (int ch = 0; ch < c; ch++) {
            const float k = gamma[ch] * inv_std[ch] / m;
            d[ch] = k * (m * g[ch] - dbeta[ch] - xh[ch] * dgamma[ch]);
        }
    }
}

CK_CLONES void ck_col2im(const float *restrict col, int h, int w, int c, int kernel, int stride, int padding, int oh,
                         int ow, float *restrict dx) {
    const float *src = col;
    for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
            for (int kh = 0; kh < kernel; kh++) {
                const int iy = oy * stride - padding + kh;
                for (int kw = 0; kw < kernel; kw++) {
                    const int ix = ox * stride - padding + kw;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                        float *d = dx + ((size_t)iy * w + ix) * c;
                        for (int ch = 0; ch < c; ch++) d[ch] += src[ch];
                    }
                    src += c;
                }
            }
        }
    }
}

CK_CLONES void ck_transposed_weights(const float *restrict weight, int kernel, int ic, int oc, float *restrict out) {
    for (int kh = 0; kh < kernel; kh++) {
        for (int kw = 0; kw < kernel; kw++) {
            const float *src = weight + (size_t)((kernel - 1 - kh) * kernel + (kernel - 1 - kw)) * ic * oc;
            float *dst = out + (size_t)(kh * kernel + kw) * oc * ic;
            for (int i = 0; i < ic; i++)
                for (int o = 0; o < oc; o++) dst[(size_t)o * ic + i] = src[(size_t)i * oc + o];
        }
    }
}

#ifndef REPRO_CKERNELS_H
#define REPRO_CKERNELS_H

// repro's own kernels: direct and Winograd convolutions over NHWC images with AVX-512 (or AVX2) register
// blocking, for the hot loops that OpenBLAS cannot do well (narrow 3/16/32/64-channel layers, where im2col +
// sgemm reaches a fraction of sgemm's speed), the element-wise loops of training, and the worker pool. Chosen at
// run time: on a CPU without AVX2 the Swift side keeps im2col + sgemm.

#include <stddef.h>

/// Runs part `part` of `parts` of some work.
typedef void (*ck_part_fn)(void *context, int part, int parts);

/// Runs fn(context, p, parts) for p in 0..<parts, part 0 on the calling thread and part p on worker p of the
/// calling thread's own pool (parallel.c), and returns when all are done. Callers on different threads each have a
/// pool; a call made from inside a part runs its parts inline.
void ck_parallel(int parts, ck_part_fn fn, void *context);

/// How many parts to split `units` of `work` into over `threads`: at most one per unit, and none smaller than
/// `least` work (a part of ~10 µs or less costs more to hand over than it saves). At least 1.
int ck_parts(int threads, long units, double work, double least);

/// The SIMD kernels this CPU runs: 2 AVX-512F (direct and Winograd convolutions), 1 AVX2 + FMA (the direct
/// convolution), 0 none. The environment variable REPRO_KERNELS=portable gives 0, REPRO_KERNELS=avx2 at most 1.
int ck_kernels_level(void);

/// The output channels of one register of the direct convolution (16 with AVX-512, 8 with AVX2; 0: none):
/// out_channels must be a multiple of it.
int ck_direct_conv_lanes(void);

/// Floats of scratch `ck_direct_conv` needs per thread (a zero-padded copy of one image).
size_t ck_direct_conv_scratch_floats(int h, int w, int in_channels, int padding);

/// y = conv(x, weight) + bias (+ residual), then ReLU if `relu`; every pointer NHWC or HWIO, row-major.
///
/// x: [n, h, w, in_channels]; weight: [kernel·kernel·in_channels, out_channels] (row (kh·kernel + kw)·in_channels
/// + c); bias: [out_channels] or NULL; residual: [n, oh, ow, out_channels] or NULL; y: [n, oh, ow, out_channels].
/// The batch's output rows are split between up to `threads` threads (a static split: the result does not depend
/// on the thread count); scratch holds `threads` × ck_direct_conv_scratch_floats. out_channels must be a
/// multiple of ck_direct_conv_lanes(). Returns 0 when it did the work, -1 when the shape is not supported (the
/// caller then uses im2col + sgemm).
int ck_direct_conv(const float *x, int n, int h, int w, int in_channels, const float *weight, const float *bias,
                   int out_channels, int kernel, int stride, int padding, const float *residual, int relu, float *y,
                   float *scratch, int threads);

/// Winograd F(m×m, 3×3), m = 2 or 4, for a 3×3, stride 1, padding 1 convolution with in and out channels multiples
/// of 16 (AVX-512). `ck_winograd_weights` turns HWIO weights [9·in, out] into the (m+2)² transformed matrices
/// U_k [in, out], packed into panels (ck_winograd_weights_floats of them); `ck_winograd_conv` then works like
/// `ck_direct_conv` (same x, bias, residual, relu, y; scratch holds ck_winograd_scratch_floats). The result does
/// not depend on the thread count. Returns -1 when the shape or the CPU is not supported.
size_t ck_winograd_weights_floats(int in_channels, int out_channels, int m);
size_t ck_winograd_scratch_floats(int in_channels, int out_channels, int m, int threads);
void ck_winograd_weights(const float *weight, int in_channels, int out_channels, int m, float *u);
int ck_winograd_conv(const float *x, int n, int h, int w, int in_channels, const float *u, const float *bias,
                     int out_channels, const float *residual, int relu, float *y, float *scratch, int threads, int m);

/// Inference convolutions on weights packed once into panels of output channels (packed_conv.c): the deep layers of
/// ResNet-50 and every convolution of an inference graph whose output channels are a multiple of the lanes.
/// `ck_pack_weights` turns HWIO weights [k·k·in, out] into ck_packed_weights_floats floats for this CPU (its panel
/// width: ck_packed_panel_width(), 0 when it has no SIMD kernels); `ck_packed_conv` then computes
/// y = conv(x) + bias (+ residual), ReLU if `relu`, like `ck_direct_conv`. scratch: ck_packed_conv_scratch_floats
/// (a padded copy of the batch; none without padding). The result does not depend on the thread count. Returns -1
/// when the shape or the CPU is not supported.
int ck_packed_panel_width(void);
size_t ck_packed_weights_floats(int kernel, int in_channels, int out_channels);
size_t ck_packed_conv_scratch_floats(int n, int h, int w, int in_channels, int padding);
void ck_pack_weights(const float *weight, int kernel, int in_channels, int out_channels, float *packed);
int ck_packed_conv(const float *x, int n, int h, int w, int in_channels, const float *packed, const float *bias,
                   int out_channels, int kernel, int stride, int padding, const float *residual, int relu, float *y,
                   float *scratch, int threads);

/// y[r, :] = x[r, :] · W + bias, ReLU if `relu`, for n ≤ 8 rows; W is [inputs, outputs] row-major and `outputs` any
/// count (linear_rows.c: for wide layers at small batches, such as a 1001-class classifier). The result does not
/// depend on the thread count. Returns -1 when n or the CPU is not supported (no AVX-512).
int ck_linear_rows(const float *x, int n, int inputs, int outputs, const float *weight, const float *bias, int relu,
                   float *y, int threads);

// Element-wise loops of training (elementwise.c), vectorised for the CPU at hand. NHWC rows of `c` channels.
void ck_relu(const float *x, float *y, size_t n);                            // y = max(x, 0); y may be x
void ck_relu_backward(const float *y, const float *dy, float *dx, size_t n); // dx = y > 0 ? dy : 0
void ck_add_relu(const float *a, const float *b, float *y, size_t n);        // y = max(a + b, 0)
void ck_add(float *a, const float *b, size_t n);                            // a += b
void ck_channel_sums(const float *x, size_t rows, int c, float *sum);        // sum[ch] = Σ_rows x
/// Mean and (biased) variance per channel, two passes, in double.
void ck_batchnorm_statistics(const float *x, size_t rows, int c, double *mean, double *variance);
/// xhat = (x - mean)·inv_std; y = xhat·gamma + beta.
void ck_batchnorm_normalise(const float *x, size_t rows, int c, const float *mean, const float *inv_std,
                            const float *gamma, const float *beta, float *xhat, float *y);
/// dbeta = Σ dy, dgamma = Σ dy·xhat, dx = gamma·inv_std/m · (m·dy − dbeta − xhat·dgamma).
void ck_batchnorm_backward(const float *dy, const float *xhat, size_t rows, int c, const float *gamma,
                           const float *inv_std, float *dgamma, float *dbeta, float *dx);
/// The adjoint of im2col for one image: adds each patch entry of `col` back into dx [h, w, c].
void ck_col2im(const float *col, int h, int w, int c, int kernel, int stride, int padding, int oh, int ow, float *dx);
/// The weights of the convolution that carries dy back to dx for a stride-1 convolution: taps flipped, in and
/// out channels swapped. weight [k·k·ic, oc] → out [k·k·oc, ic].
void ck_transposed_weights(const float *weight, int kernel, int ic, int oc, float *out);


// Inference pooling (pooling.c). x [n, h, w, c] → y [n, oh, ow, c]: the maximum of each kernel × kernel window at
// stride `stride`, the window's corner at (oy·stride − pad_top, ox·stride − pad_left); taps outside the image are
// ignored (ONNX pads max pooling with −infinity). Rows split over `threads`.
void ck_max_pool(const float *x, int n, int h, int w, int c, int kernel, int stride, int pad_top, int pad_left,
                 int oh, int ow, float *y, int threads);
/// y [n, c] = the mean over the `pixels` pixels of each image of x [n, pixels, c].
void ck_channel_means(const float *x, int n, int pixels, int c, float *y);

#endif

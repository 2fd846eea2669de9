import Testing

@testable import Kernels

/// im2col + GEMM against a direct convolution, on odd shapes.
@Suite("convolution")
struct ConvolutionTests {
    func direct(_ x: Tensor, _ conv: Conv2D) -> [Float] {
        let g = conv.geometry
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = g.outputSize(h, w)
        var out = [Float](repeating: 0, count: n * oh * ow * g.outChannels)
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for o in 0..<g.outChannels {
                        var s = conv.bias?.value[o] ?? 0
                        for kh in 0..<g.kernel {
                            for kw in 0..<g.kernel {
                                let iy = oy * g.stride - g.padding + kh
                                let ix = ox * g.stride - g.padding + kw
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                for ch in 0..<c {
                                    s +=
                                        x[((b * h + iy) * w + ix) * c + ch]
                                        * conv.weight.value[((kh * g.kernel + kw) * c + ch) * g.outChannels + o]
                                }
                            }
                        }
                        out[((b * oh + oy) * ow + ox) * g.outChannels + o] = s
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: [
        (3, 2, 0, 9, 7), (3, 2, 1, 10, 5), (3, 1, 1, 6, 11), (5, 3, 2, 13, 8), (1, 2, 0, 7, 9), (1, 1, 0, 4, 3),
    ])
    func matchesADirectConvolution(kernel: Int, stride: Int, padding: Int, h: Int, w: Int) {
        var rng = SeededRandom(seed: 1)
        let conv = Conv2D(5, 7, kernel: kernel, stride: stride, padding: padding, bias: true)
        for p in conv.parameters { for i in 0..<p.value.count { p.value[i] = Float(rng.normal()) } }
        let x = Tensor([3, h, w, 5])
        for i in 0..<x.count { x[i] = Float(rng.normal()) }
        let y = conv.forward(x, training: false)
        let expected = direct(x, conv)
        #expect(y.count == expected.count)
        var worst: Float = 0
        for i in 0..<y.count { worst = max(worst, abs(y[i] - expected[i])) }
        #expect(worst < 1e-4)
    }

    @Test func largeBatchesAreSplitIntoChunksCorrectly() {
        var rng = SeededRandom(seed: 2)
        let conv = Conv2D(16, 16, kernel: 3, stride: 1, padding: 1)
        for i in 0..<conv.weight.value.count { conv.weight.value[i] = Float(rng.normal() * 0.1) }
        let x = Tensor([40, 16, 16, 16])
        for i in 0..<x.count { x[i] = Float(rng.normal()) }
        let y = conv.forward(x, training: false)
        let expected = direct(x, conv)
        var worst: Float = 0
        for i in 0..<y.count { worst = max(worst, abs(y[i] - expected[i])) }
        #expect(worst < 1e-3)
    }
}

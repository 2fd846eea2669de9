import Dispatch
import Testing

@testable import Kernels

/// The SIMD kernels (direct and packed convolutions, Winograd F(2×2, 3×3) and F(4×4, 3×3), linear layers as 1×1
/// convolutions, the worker pool that splits them) against plain loops, on odd shapes, with every fused epilogue,
/// and the same bits with 1, 2 and 3 threads. `make test` runs them three times: with what the CPU has, with
/// REPRO_KERNELS=avx2 and with REPRO_KERNELS=portable (where they are not chosen and the checks cover the im2col
/// fallback).
@Suite("fast convolutions")
struct FastConvolutionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var inChannels, outChannels, kernel, stride, padding, h, w: Int
        var testDescription: String {
            "\(inChannels)->\(outChannels) \(kernel)x\(kernel) s\(stride) p\(padding) on \(h)x\(w)"
        }
    }

    func random(_ shape: [Int], _ rng: inout SeededRandom, scale: Double = 1) -> Tensor {
        let t = Tensor(shape)
        for i in 0..<t.count { t[i] = Float(rng.normal() * scale) }
        return t
    }

    /// conv + bias (+ residual), then ReLU, by plain loops.
    func reference(_ g: ConvGeometry, _ x: Tensor, _ weight: Tensor, _ bias: Tensor, residual: Tensor?, relu: Bool)
        -> [Float]
    {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = g.outputSize(h, w)
        var out = [Float](repeating: 0, count: n * oh * ow * g.outChannels)
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for o in 0..<g.outChannels {
                        var s = Double(bias[o])
                        for kh in 0..<g.kernel {
                            for kw in 0..<g.kernel {
                                let iy = oy * g.stride - g.padding + kh
                                let ix = ox * g.stride - g.padding + kw
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                for ch in 0..<c {
                                    s += Double(
                                        x[((b * h + iy) * w + ix) * c + ch]
                                            * weight[((kh * g.kernel + kw) * c + ch) * g.outChannels + o])
                                }
                            }
                        }
                        let at = ((b * oh + oy) * ow + ox) * g.outChannels + o
                        var v = Float(s) + (residual?[at] ?? 0)
                        if relu { v = max(v, 0) }
                        out[at] = v
                    }
                }
            }
        }
        return out
    }

    func worst(_ y: Tensor, _ expected: [Float]) -> Float {
        var worst: Float = 0
        for i in 0..<expected.count { worst = max(worst, abs(y[i] - expected[i])) }
        return worst
    }

    /// Random operands of case `c`: 3 images, weights, bias, and a residual the shape of the output.
    func operands(_ c: Case, seed: UInt64) -> (
        g: ConvGeometry, x: Tensor, weight: Tensor, bias: Tensor, residual: Tensor
    ) {
        var rng = SeededRandom(seed: seed)
        let g = ConvGeometry(
            inChannels: c.inChannels, outChannels: c.outChannels, kernel: c.kernel, stride: c.stride,
            padding: c.padding)
        let (oh, ow) = g.outputSize(c.h, c.w)
        let x = random([3, c.h, c.w, c.inChannels], &rng)
        let weight = random([g.patch, c.outChannels], &rng, scale: 0.3)
        let bias = random([c.outChannels], &rng)
        let residual = random([3, oh, ow, c.outChannels], &rng)
        return (g, x, weight, bias, residual)
    }

    /// `run(threads, residual or nil, relu, y)` against the plain loops with and without the residual and ReLU, on
    /// 1, 2 and 3 threads, which must give the same bits.
    func expectPlainLoopResults(
        _ o: (g: ConvGeometry, x: Tensor, weight: Tensor, bias: Tensor, residual: Tensor), tolerance: Float = 1e-4,
        _ run: (_ threads: Int, _ residual: UnsafePointer<Float>?, _ relu: Bool, _ y: Tensor) -> Void
    ) {
        for (withResidual, relu) in [(false, false), (true, true), (false, true)] {
            let expected = reference(o.g, o.x, o.weight, o.bias, residual: withResidual ? o.residual : nil, relu: relu)
            var outputs: [[Float]] = []
            for threads in [1, 2, 3] {
                let y = Tensor(o.residual.shape)
                run(threads, withResidual ? UnsafePointer(o.residual.data) : nil, relu, y)
                #expect(worst(y, expected) < tolerance, "residual \(withResidual), relu \(relu), \(threads) threads")
                outputs.append(y.values)
            }
            #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2], "the thread count changed the bits")
        }
    }

    @Test(arguments: [
        Case(inChannels: 3, outChannels: 16, kernel: 3, stride: 1, padding: 1, h: 9, w: 7),
        Case(inChannels: 5, outChannels: 32, kernel: 3, stride: 2, padding: 1, h: 10, w: 5),
        Case(inChannels: 16, outChannels: 48, kernel: 3, stride: 2, padding: 0, h: 9, w: 8),
        Case(inChannels: 16, outChannels: 64, kernel: 1, stride: 2, padding: 0, h: 7, w: 9),
        Case(inChannels: 8, outChannels: 80, kernel: 5, stride: 3, padding: 2, h: 13, w: 8),
        Case(inChannels: 32, outChannels: 112, kernel: 3, stride: 1, padding: 1, h: 3, w: 19),
    ])
    func directConvolutionMatchesPlainLoops(_ c: Case) {
        let o = operands(c, seed: 7)
        expectPlainLoopResults(o) { threads, residual, relu, y in
            if DirectConv.forward(
                o.g, o.x.data, n: 3, h: c.h, w: c.w, weight: o.weight.data, bias: o.bias.data, residual: residual,
                relu: relu, into: y.data, scratch: nil, threads: threads) == nil
            {
                _ = o.g.forward(
                    o.x.data, n: 3, h: c.h, w: c.w, weight: o.weight.data, bias: o.bias.data, residual: residual,
                    relu: relu, into: y.data, scratch: nil)
            }
        }
    }

    /// Inference's packed convolution (panels of output channels, chunks of input channels, threads split by pixels
    /// or by panels), with the stem's, ResNet-50's 1×1 and strided shapes, partial panels and chunks.
    @Test(arguments: [
        Case(inChannels: 3, outChannels: 64, kernel: 7, stride: 2, padding: 3, h: 15, w: 13),
        Case(inChannels: 64, outChannels: 96, kernel: 3, stride: 2, padding: 1, h: 9, w: 9),
        Case(inChannels: 48, outChannels: 16, kernel: 3, stride: 1, padding: 1, h: 5, w: 6),
        Case(inChannels: 256, outChannels: 256, kernel: 1, stride: 1, padding: 0, h: 4, w: 4),
        Case(inChannels: 40, outChannels: 208, kernel: 1, stride: 2, padding: 0, h: 7, w: 9),
        Case(inChannels: 8, outChannels: 80, kernel: 5, stride: 3, padding: 2, h: 13, w: 8),
    ])
    func packedConvolutionMatchesPlainLoops(_ c: Case) {
        let o = operands(c, seed: 13)
        guard let packed = PackedConv.weights(o.g, o.weight) else {
            #expect(!DirectConv.available, "the packed convolution should apply to \(c) on a CPU with SIMD kernels")
            return
        }
        let scratch = Tensor([max(1, PackedConv.scratchFloats(o.g, n: 3, h: c.h, w: c.w))])
        expectPlainLoopResults(o) { threads, residual, relu, y in
            PackedConv.forward(
                o.g, o.x.data, n: 3, h: c.h, w: c.w, packed: packed, bias: o.bias.data, residual: residual,
                relu: relu, into: y.data, scratch: scratch, threads: threads)
        }
    }

    @Test(
        arguments: [(16, 16, 5, 7), (32, 48, 8, 8), (16, 32, 1, 1), (16, 16, 2, 3), (64, 64, 4, 4), (64, 128, 9, 6)],
        [2, 4])
    func winogradMatchesPlainLoops(shape: (Int, Int, Int, Int), tile: Int) throws {
        let (inChannels, outChannels, h, w) = shape
        let c = Case(inChannels: inChannels, outChannels: outChannels, kernel: 3, stride: 1, padding: 1, h: h, w: w)
        let o = operands(c, seed: 11)
        guard let u = WinogradConv.weights(o.g, o.weight, tile: tile) else {
            #expect(DirectConv.level < 2, "Winograd should apply to \(o.g) on a CPU with AVX-512")
            return
        }
        // F(4×4)'s transforms round more than F(2×2)'s (points ±2 and fractions of 1/6 and 1/24).
        expectPlainLoopResults(o, tolerance: tile == 2 ? 1e-4 : 1e-3) { threads, residual, relu, y in
            _ = WinogradConv.forward(
                o.g, o.x.data, n: 3, h: h, w: w, u: u, bias: o.bias.data, residual: residual, relu: relu,
                into: y.data, scratch: nil, threads: threads)
        }
    }

    // Batch 1 too: one row takes the direct kernel as well (not sgemv) since 412bb9d.
    @Test(arguments: [1, 2, 12, 13, 31])
    func linearLayersOfABatchMatchPlainLoops(batch: Int) {
        var rng = SeededRandom(seed: 3)
        for (inputs, outputs, relu) in [(7, 32, false), (64, 48, true), (20, 10, true)] {
            let x = random([batch, inputs], &rng)
            let weight = random([inputs, outputs], &rng, scale: 0.5)
            let bias = random([outputs], &rng)
            for threads in [1, 2, 3] {
                let y = Tensor([batch, outputs])
                Linear.apply(
                    x.data, n: batch, inputs: inputs, outputs: outputs, weight: weight.data, bias: bias.data,
                    relu: relu, into: y.data, threads: threads)
                var worst: Float = 0
                for r in 0..<batch {
                    for o in 0..<outputs {
                        var s = bias[o]
                        for i in 0..<inputs { s += x[r * inputs + i] * weight[i * outputs + o] }
                        if relu { s = max(s, 0) }
                        worst = max(worst, abs(s - y[r * outputs + o]))
                    }
                }
                #expect(worst < 1e-4, "\(inputs)->\(outputs) at batch \(batch), \(threads) threads")
            }
        }
    }

    /// The inference graph's path for wide layers on a few rows (ResNet-50's 1001-class classifier): any output
    /// count (a masked last vector), and the same bits on any thread count.
    @Test(arguments: [1, 2, 5, 8])
    func wideLayersOnAFewRowsMatchPlainLoops(batch: Int) {
        var rng = SeededRandom(seed: 4)
        for (inputs, outputs, relu) in [(2048, 1001, false), (5, 37, true), (33, 16, false), (3, 7, true)] {
            let x = random([batch, inputs], &rng)
            let weight = random([inputs, outputs], &rng, scale: 0.5)
            let bias = random([outputs], &rng)
            var first: [Float]?
            for threads in [1, 2, 3] {
                let y = Tensor([batch, outputs])
                guard
                    Linear.applyToFewRows(
                        x.data, n: batch, inputs: inputs, outputs: outputs, weight: weight.data, bias: bias.data,
                        relu: relu, into: y.data, threads: threads)
                else {
                    #expect(DirectConv.level < 2, "the few-rows kernel should apply on a CPU with AVX-512")
                    return
                }
                var worst: Float = 0
                for r in 0..<batch {
                    for o in 0..<outputs {
                        var s = Double(bias[o])
                        for i in 0..<inputs { s += Double(x[r * inputs + i]) * Double(weight[i * outputs + o]) }
                        if relu { s = max(s, 0) }
                        worst = max(worst, Float(abs(s - Double(y[r * outputs + o])) / max(1, abs(s))))
                    }
                }
                #expect(worst < 1e-4, "\(inputs)->\(outputs) at batch \(batch), \(threads) threads: \(worst)")
                let values = Array(UnsafeBufferPointer(start: y.data, count: batch * outputs))
                if let first { #expect(values == first, "threads change the result") } else { first = values }
            }
        }
        let y = Tensor([9, 7])
        let x = Tensor([9, 3])
        #expect(
            !Linear.applyToFewRows(
                x.data, n: 9, inputs: 3, outputs: 7, weight: Tensor([3, 7]).data, bias: Tensor([7]).data,
                relu: false, into: y.data, threads: 1), "nine rows are more than the kernel takes")
    }

    /// Several threads each splitting their own convolutions over their own pool at once: every result stays right.
    @Test func concurrentCallersEachHaveAPool() {
        var rng = SeededRandom(seed: 5)
        let g = ConvGeometry(inChannels: 16, outChannels: 32, kernel: 3, stride: 1, padding: 1)
        // Tensors are not Sendable; these are only read by the callers.
        nonisolated(unsafe) let weight = random([g.patch, 32], &rng, scale: 0.3)
        nonisolated(unsafe) let bias = random([32], &rng)
        nonisolated(unsafe) let x = random([2, 8, 8, 16], &rng)
        let expected = reference(g, x, weight, bias, residual: nil, relu: true)
        nonisolated(unsafe) let u = WinogradConv.weights(g, weight)
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for round in 0..<50 {
                let y = Tensor([2, 8, 8, 32])
                if let u, caller % 2 == 0 {
                    _ = WinogradConv.forward(
                        g, x.data, n: 2, h: 8, w: 8, u: u, bias: bias.data, residual: nil,
                        relu: true, into: y.data, scratch: nil, threads: 2)
                } else {
                    _ = g.forward(
                        x.data, n: 2, h: 8, w: 8, weight: weight.data, bias: bias.data, relu: true,
                        into: y.data, scratch: nil)
                }
                if worst(y, expected) >= 1e-4 { failures.add("caller \(caller) round \(round)") }
            }
        }
        #expect(failures.values.isEmpty)
    }

    /// A batch bigger than a tile runs tile by tile through the network: the same logits as one image at a time.
    @Test func tiledBatchesGiveTheLogitsOfSingleImages() {
        let network = Network(.resnet8, inputShape: [32, 32, 3], classes: 10, seed: 4)
        let classifier = Classifier(network)
        #expect(classifier.tileImages < 40)
        var rng = SeededRandom(seed: 9)
        let x = random([40, 32, 32, 3], &rng)
        let batch = classifier.logits(x.data, batch: 40, workspace: Classifier.Workspace()).values
        let one = Classifier.Workspace()
        var worst: Float = 0
        for i in 0..<40 {
            let y = classifier.logits(x.data + i * 32 * 32 * 3, batch: 1, workspace: one)
            for k in 0..<10 { worst = max(worst, abs(y[k] - batch[i * 10 + k])) }
        }
        #expect(worst < 1e-4)
    }
}

/// Failures collected from several threads.
final class Counter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "counter")
    private var items: [String] = []
    func add(_ item: String) { queue.sync { items.append(item) } }
    var values: [String] { queue.sync { items } }
}

/// A product split by rows of C over the kernel threads (each part an OpenBLAS call) against the same product in
/// one call, for every transposition and with beta 0 and 1.
@Suite("split products")
struct SplitProductTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func splitProductsEqualOneCall(transA: Bool, transB: Bool) {
        var rng = SeededRandom(seed: 21)
        let (m, n, k) = (200, 48, 160)  // 1.5M multiply-adds: split in 2 or 3
        func random(_ count: Int) -> Tensor {
            let t = Tensor([count])
            for i in 0..<count { t[i] = Float(rng.normal()) }
            return t
        }
        let a = random(m * k)
        let b = random(k * n)
        let start = random(m * n)
        let (lda, ldb) = (transA ? m : k, transB ? k : n)
        for beta: Float in [0, 1] {
            var results: [[Float]] = []
            for threads in [1, 2, 3] {
                let c = start.clone()
                BLAS.gemm(
                    transA: transA, transB: transB, m: m, n: n, k: k, a: a.data, lda: lda, b: b.data, ldb: ldb,
                    beta: beta, c: c.data, ldc: n, threads: threads)
                results.append(c.values)
            }
            for i in 1..<3 {
                var worst: Float = 0
                for j in 0..<(m * n) { worst = max(worst, abs(results[i][j] - results[0][j])) }
                #expect(worst < 1e-4, "\(i + 1) threads, beta \(beta)")
            }
            // And entries of the first, middle and last parts by hand, so an offset wrong in every split is caught.
            for row in [7, 100, 197] {
                var s = Double(beta * start[row * n + 5])
                for p in 0..<k {
                    let x = transA ? a[p * m + row] : a[row * k + p]
                    let y = transB ? b[5 * k + p] : b[p * n + 5]
                    s += Double(x * y)
                }
                #expect(abs(Float(s) - results[2][row * n + 5]) < 1e-3, "row \(row)")
            }
        }
    }
}

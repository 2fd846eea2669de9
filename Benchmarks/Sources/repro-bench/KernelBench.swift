import Basics
import Foundation
import Kernels

/// Kernel measurements for Benchmarks/kernels: printed as JSON for the Python driver.
enum KernelBench {
    static func seconds(_ body: () -> Void) -> Double {
        let t0 = Clock.monotonic()
        body()
        return Clock.monotonic() - t0
    }

    /// Runs `body` until at least `minimum` seconds have passed; returns seconds per call.
    static func perCall(minimum: Double = 0.5, _ body: () -> Void) -> Double {
        body()
        var calls = 0
        let t = seconds {
            let start = Clock.monotonic()
            repeat {
                body()
                calls += 1
            } while Clock.monotonic() - start < minimum
        }
        return t / Double(calls)
    }

    /// Forward GFLOP/s of every ResNet-8 convolution at batch 32 on 32×32×3, next to sgemm on a square product
    /// of about the same work.
    static func convLayers(threads: Int) -> [[String: Any]] {
        BLAS.setThreads(threads)
        let shapes: [(String, Int, Int, Int, Int, Int)] = [  // name, size, in, out, kernel, stride
            ("stem 3->16 3x3", 32, 3, 16, 3, 1), ("block1 16->16 3x3", 32, 16, 16, 3, 1),
            ("block2 16->32 3x3 s2", 32, 16, 32, 3, 2), ("block2 32->32 3x3", 16, 32, 32, 3, 1),
            ("block2 shortcut 16->32 1x1 s2", 32, 16, 32, 1, 2), ("block3 32->64 3x3 s2", 16, 32, 64, 3, 2),
            ("block3 64->64 3x3", 8, 64, 64, 3, 1), ("block3 shortcut 32->64 1x1 s2", 16, 32, 64, 1, 2),
        ]
        var rows: [[String: Any]] = []
        let batch = 32
        for (name, size, cin, cout, k, s) in shapes {
            let conv = Conv2D(cin, cout, kernel: k, stride: s, padding: k / 2)
            let x = Tensor([batch, size, size, cin])
            for i in 0..<x.count { x[i] = Float(i % 7) * 0.1 }
            let (oh, ow) = conv.geometry.outputSize(size, size)
            let flops = Double(2 * batch * oh * ow * k * k * cin * cout)
            let t = perCall { _ = conv.forward(x, training: false) }
            let side = Int(pow(flops / 2, 1.0 / 3).rounded())
            let a = Tensor([side, side])
            let b = Tensor([side, side])
            let c = Tensor([side, side])
            let tg = perCall { BLAS.gemmPublic(m: side, n: side, k: side, a: a.data, b: b.data, c: c.data) }
            let gemmFlops = 2 * Double(side * side * side)
            var row: [String: Any] = [
                "layer": name, "conv_gflops": flops / t / 1e9, "sgemm_side": side,
                "sgemm_gflops": gemmFlops / tg / 1e9,
            ]
            // Inference runs the stride-1 3×3 layers as Winograd F(2×2, 3×3): GFLOP/s of the direct work it replaces.
            if let u = WinogradConv.weights(conv.geometry, conv.weight.value) {
                let y = Tensor([batch, oh, ow, cout])
                var scratch: Tensor?
                let tw = perCall {
                    scratch = WinogradConv.forward(
                        conv.geometry, x.data, n: batch, h: size, w: size, u: u, bias: nil,
                        residual: nil, relu: false, into: y.data, scratch: scratch)
                }
                row["winograd_gflops"] = flops / tw / 1e9
            }
            rows.append(row)
        }
        return rows
    }

    /// Images per second classifying batches of `batch` from the data for `minimum` seconds.
    static func infer(model: String, data: String, batch: Int, threads: Int) throws -> [String: Any] {
        BLAS.setThreads(threads)
        let network = try ModelFile.load(model)
        let images = try MappedTensor(path: data)
        let classifier = Classifier(network)
        let workspace = Classifier.Workspace()
        let sample = network.inputShape.reduce(1, *)
        let count = images.shape[0]
        var start = 0
        let perBatch = perCall(minimum: 1.0) {
            if start + batch > count { start = 0 }
            _ = classifier.logits(images.floats + start * sample, batch: batch, workspace: workspace)
            start += batch
        }
        return ["images_per_second": Double(batch) / perBatch, "batch": batch, "threads": threads]
    }

    /// Logits of the first `count` samples, written as raw float32 for comparison with onnxruntime.
    static func logits(model: String, data: String, count: Int, output: String) throws {
        let network = try ModelFile.load(model)
        let images = try MappedTensor(path: data)
        let y = Classifier(network).logits(images.floats, batch: count, workspace: Classifier.Workspace())
        try Data(bytes: y.data, count: y.count * 4).write(to: URL(fileURLWithPath: output))
    }

    /// Training images per second (forward, loss, backward, SGD step; no evaluation) over `epochs` of the data.
    static func train(arch: String, data: String, batch: Int, epochs: Int, threads: Int) throws -> [String: Any] {
        BLAS.setThreads(threads)
        let images = try MappedTensor(path: data + "/train-images.rpt")
        let labels = try MappedTensor(path: data + "/train-labels.rpt")
        let shape = Array(images.shape.dropFirst())
        let network = Network(Architecture(rawValue: arch)!, inputShape: shape, seed: 1)
        let sgd = SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
        let sample = shape.reduce(1, *)
        let x = Tensor([batch] + shape)
        let grad = Tensor([batch, 10])
        let n = images.shape[0] / batch * batch
        let parameters = network.parameters
        var seen = 0
        var losses: [Double] = []
        /// One pass over the data in order; its mean loss (the same batches as the PyTorch side sees).
        func epoch() {
            var first = 0
            var total = 0.0
            var batches = 0
            while first + batch <= n {
                x.data.update(from: images.floats + first * sample, count: batch * sample)
                let y = network.forward(x, training: true)
                total += Double(SoftmaxCrossEntropy.lossAndGradient(logits: y, labels: labels.ints + first, grad: grad))
                batches += 1
                network.backward(grad)
                sgd.step(parameters)
                first += batch
                seen += batch
            }
            losses.append(total / Double(max(1, batches)))
        }
        epoch()  // warm up
        seen = 0
        let t = seconds { for _ in 0..<epochs { epoch() } }
        return [
            "images_per_second": Double(seen) / t, "batch": batch, "threads": threads, "arch": arch,
            "epoch_losses": losses,
        ]
    }
}

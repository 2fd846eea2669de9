import Foundation
import Kernels
import ONNX

/// ResNet-50 (an ONNX file) on repro's kernels, for Benchmarks/resnet50: whole-network images per second, each
/// convolution's GFLOP/s beside sgemm's on the same product shape, and the outputs for the comparison.
enum ResNet50Bench {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// The input of image i of a batch: the same pseudo-random floats Benchmarks/resnet50 gives onnxruntime
    /// (written NCHW by the script to INPUT, read here and made NHWC).
    static func input(_ path: String, batch: Int) throws -> [Float] {
        let nchw = try Data(contentsOf: URL(fileURLWithPath: path)).withUnsafeBytes {
            Array($0.bindMemory(to: Float.self))
        }
        var out = [Float](repeating: 0, count: batch * 3 * 224 * 224)
        for b in 0..<batch {
            for c in 0..<3 {
                for p in 0..<(224 * 224) { out[(b * 224 * 224 + p) * 3 + c] = nchw[(b * 3 + c) * 224 * 224 + p] }
            }
        }
        return out
    }

    /// Best-of-`repeat` seconds per call of `batch` images, and the first output (softmax) of the last call.
    static func infer(model path: String, input: String, batch: Int, threads: Int, repeat count: Int) throws
        -> [String: Any]
    {
        let model = try ONNXModel.load(path)
        BLAS.setThreads(threads)
        let plan = CompiledGraph(model.graph).plan(batch: batch, threads: threads)
        let x = try ResNet50Bench.input(input, batch: batch)
        var best = Double.infinity
        x.withUnsafeBufferPointer { p in
            plan.run(p.baseAddress!, count: batch)  // warm-up
            for _ in 0..<count {
                let t0 = now()
                plan.run(p.baseAddress!, count: batch)
                best = min(best, Double(now() - t0) / 1e9)
            }
        }
        let out = model.output(named: "softmax_tensor:0") ?? model.graph.outputs[0]
        let values = Array(UnsafeBufferPointer(start: plan.output(out), count: batch * model.graph.values[out].count))
        return ["seconds": best, "images_per_second": Double(batch) / best, "softmax": values, "bytes": plan.bytes]
    }

    /// Calls on demand, so a script can interleave them one by one with another engine's: loads the model and plans
    /// the batch once, warms up, then answers each stdin line `run` with one JSON line `{"seconds": S}` (one call,
    /// timed around `GraphPlan.run`) and the line `output` with `{"softmax": [...]}` of the last call; ends at EOF.
    static func serve(model path: String, input: String, batch: Int, threads: Int) throws {
        let model = try ONNXModel.load(path)
        BLAS.setThreads(threads)
        let plan = CompiledGraph(model.graph).plan(batch: batch, threads: threads)
        let x = try ResNet50Bench.input(input, batch: batch)
        let out = model.output(named: "softmax_tensor:0") ?? model.graph.outputs[0]
        try x.withUnsafeBufferPointer { p in
            plan.run(p.baseAddress!, count: batch)  // warm-up
            // Written unbuffered: the script waits for each line.
            func answer(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            answer("{\"ready\": true}")
            while let line = readLine() {
                switch line {
                case "run":
                    let t0 = now()
                    plan.run(p.baseAddress!, count: batch)
                    answer("{\"seconds\": \(Double(now() - t0) / 1e9)}")
                case "output":
                    let count = batch * model.graph.values[out].count
                    let values = UnsafeBufferPointer(start: plan.output(out), count: count)
                    let data = try JSONSerialization.data(withJSONObject: ["softmax": Array(values)])
                    answer(String(decoding: data, as: UTF8.self))
                default:
                    answer("{\"error\": \"unknown request\"}")
                }
            }
        }
    }

    /// Each convolution's best time over `repeat` runs, its GFLOP/s, and sgemm's GFLOP/s on the product an
    /// im2col convolution would compute (M = batch·oh·ow, N = out channels, K = k·k·in), one row per distinct
    /// layer shape (with how many ResNet-50 has).
    static func layers(model path: String, batch: Int, threads: Int, repeat count: Int) throws -> [[String: Any]] {
        let model = try ONNXModel.load(path)
        BLAS.setThreads(threads)
        let compiled = CompiledGraph(model.graph)
        let plan = compiled.plan(batch: batch, threads: threads)
        let x = [Float](repeating: 0.5, count: batch * 224 * 224 * 3)
        var best = [UInt64](repeating: .max, count: model.graph.nodes.count)
        x.withUnsafeBufferPointer { p in
            for _ in 0...count { plan.run(p.baseAddress!, count: batch) { i, ns in best[i] = min(best[i], ns) } }
        }
        var rows: [String: [String: Any]] = [:]
        var order: [String] = []
        for (i, node) in model.graph.nodes.enumerated() {
            guard case .conv(let c) = node.operation else { continue }
            let g = c.geometry
            let inShape = model.graph.values[node.inputs[0]].shape
            let outShape = model.graph.values[node.output].shape
            let key =
                "\(g.kernel)x\(g.kernel)/\(g.stride) \(g.inChannels)->\(g.outChannels) \(inShape[0])x\(inShape[1])"
            let flops = Double(batch * model.graph.flops(of: node))
            if var row = rows[key] {
                row["count"] = (row["count"] as! Int) + 1
                row["seconds"] = (row["seconds"] as! Double) + Double(best[i]) / 1e9
                rows[key] = row
                continue
            }
            order.append(key)
            let m = batch * outShape[0] * outShape[1]
            rows[key] = [
                "layer": key, "kernel": compiled.kernelName(ofNode: i) ?? "", "count": 1,
                "seconds": Double(best[i]) / 1e9, "flops": flops,
                "sgemm_gflops": sgemm(m: m, n: g.outChannels, k: g.patch, repeat: count),
            ]
        }
        return order.map { key in
            var row = rows[key]!
            let perLayer = (row["seconds"] as! Double) / Double(row["count"] as! Int)
            row["gflops"] = (row["flops"] as! Double) / perLayer / 1e9
            return row
        }
    }

    /// OpenBLAS sgemm's best GFLOP/s on C[m×n] = A[m×k]·B[k×n] (split over the kernel threads as repro splits it).
    static func sgemm(m: Int, n: Int, k: Int, repeat count: Int) -> Double {
        let a = Tensor([m, k])
        let b = Tensor([k, n])
        let c = Tensor([m, n])
        a.fill(0.5)
        b.fill(0.25)
        var best = UInt64.max
        for _ in 0...count {
            let t0 = now()
            BLAS.gemmPublic(m: m, n: n, k: k, a: a.data, b: b.data, c: c.data)
            best = min(best, now() - t0)
        }
        return 2 * Double(m * n * k) / (Double(best) / 1e9) / 1e9
    }
}

import Basics
import Fetch
import Foundation
import Kernels
import LoadGen
import Workflow

// Measures repro's own code paths for the benchmark scripts, printing seconds as JSON:
//   repro-bench download URL DEST [SHA256]   the fetch downloader (digest computed while streaming)
//   repro-bench sha256 FILE                   the cache's file hashing (Digests.file)
//   repro-bench preprocess CSV OUT SIZE CHANNELS  digits tensors
//   repro-bench model ARCH H W C OUT          a seeded model file
//   repro-bench conv-layers THREADS           GFLOP/s of ResNet-8's convolutions against sgemm
//   repro-bench infer MODEL DATA BATCH THREADS  classification images/s
//   repro-bench logits MODEL DATA COUNT OUT   logits of the first COUNT samples (float32)
//   repro-bench train ARCH DATA_DIR BATCH EPOCHS THREADS  training images/s
//   repro-bench loadgen SCENARIO USER_CONF OUTDIR  LoadGen with a null SUT that answers at once (its overhead)
//   repro-bench onnx-infer MODEL INPUT BATCH THREADS REPEAT  an ONNX ResNet-50: best seconds per batch, softmax
//   repro-bench onnx-layers MODEL BATCH THREADS REPEAT  its convolutions' GFLOP/s against sgemm's
//   repro-bench onnx-serve MODEL INPUT BATCH THREADS  one call per stdin line `run` (for interleaved timing)
let args = CommandLine.arguments
func now() -> Double { Clock.monotonic() }

guard args.count >= 3 else {
    FileHandle.standardError.write(Data("usage: see Benchmarks/Sources/repro-bench/main.swift\n".utf8))
    exit(2)
}
switch args[1] {
case "download":
    let dest = args[3]
    try? FileManager.default.removeItem(atPath: dest)
    var request = DownloadRequest(
        urls: [args[2]], destination: dest, partialPath: dest + ".part",
        sha256: args.count > 4 ? args[4] : nil)
    request.retries = 0
    let t0 = now()
    do {
        let r = try Downloader().download(request)
        print("{\"seconds\": \(now() - t0), \"bytes\": \(r.size), \"sha256\": \"\(r.sha256)\"}")
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
case "sha256":
    let t0 = now()
    do {
        let r = try Digests.file(args[2])
        print("{\"seconds\": \(now() - t0), \"bytes\": \(r.size), \"sha256\": \"\(r.sha256)\"}")
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
case "preprocess":
    var options = PreprocessOptions()
    options.size = Int(args[4])!
    options.channels = Int(args[5])!
    _ = try Preprocess.run(csv: args[2], outputDirectory: args[3], options: options)
case "model":
    let network = Network(
        Architecture(rawValue: args[2])!, inputShape: [Int(args[3])!, Int(args[4])!, Int(args[5])!], seed: 1)
    try ModelFile.save(network, seed: 1, to: args[6])
case "conv-layers":
    let rows = KernelBench.convLayers(threads: Int(args[2]) ?? 1)
    print(String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self))
case "infer":
    let r = try KernelBench.infer(model: args[2], data: args[3], batch: Int(args[4])!, threads: Int(args[5])!)
    print(String(decoding: try JSONSerialization.data(withJSONObject: r), as: UTF8.self))
case "logits":
    try KernelBench.logits(model: args[2], data: args[3], count: Int(args[4])!, output: args[5])
case "train":
    let r = try KernelBench.train(
        arch: args[2], data: args[3], batch: Int(args[4])!, epochs: Int(args[5])!, threads: Int(args[6])!)
    print(String(decoding: try JSONSerialization.data(withJSONObject: r), as: UTF8.self))
case "loadgen":
    let r = try LoadGenBench.run(scenario: args[2], userConf: args[3], output: args[4])
    print(String(decoding: try JSONSerialization.data(withJSONObject: r), as: UTF8.self))
case "onnx-infer":
    let r = try ResNet50Bench.infer(
        model: args[2], input: args[3], batch: Int(args[4])!, threads: Int(args[5])!, repeat: Int(args[6])!)
    print(String(decoding: try JSONSerialization.data(withJSONObject: r), as: UTF8.self))
case "onnx-serve":
    try ResNet50Bench.serve(model: args[2], input: args[3], batch: Int(args[4])!, threads: Int(args[5])!)
case "onnx-layers":
    let r = try ResNet50Bench.layers(
        model: args[2], batch: Int(args[3])!, threads: Int(args[4])!, repeat: Int(args[5])!)
    print(String(decoding: try JSONSerialization.data(withJSONObject: r), as: UTF8.self))
default:
    exit(2)
}

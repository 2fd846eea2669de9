import Foundation
import Testing

@testable import Kernels

/// Preprocessing, training to a target, determinism, the inference path, files, and the MLPerf log.
@Suite("training on digits", .serialized)
struct TrainingTests {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The shipped digits CSV, gunzipped into a temporary folder.
    static func digits(_ dir: String) throws -> String {
        let csv = dir + "/digits.csv"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -dc '\(packageRoot)/recipes/digits-download/digits.csv.gz' > '\(csv)'"]
        try p.run()
        p.waitUntilExit()
        return csv
    }

    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "repro-kernels-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func config(_ data: PreprocessResult, _ arch: Architecture, _ out: String) -> TrainingConfig {
        var c = TrainingConfig(
            trainImages: data.trainImages, trainLabels: data.trainLabels,
            validationImages: data.validationImages, validationLabels: data.validationLabels,
            architecture: arch, outputDirectory: out)
        c.batchSize = 32
        c.learningRate = 0.05
        c.targetAccuracy = 0.95
        c.maxEpochs = 15
        return c
    }

    @Test func preprocessingSplitsDeterministically() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = try TrainingTests.digits(dir)
        var options = PreprocessOptions()
        options.seed = 3
        let a = try Preprocess.run(csv: csv, outputDirectory: dir + "/a", options: options)
        let b = try Preprocess.run(csv: csv, outputDirectory: dir + "/b", options: options)
        #expect(a.trainCount == 1438 && a.validationCount == 359)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: a.trainImages))
                == Data(contentsOf: URL(fileURLWithPath: b.trainImages)))
        let images = try MappedTensor(path: a.trainImages)
        #expect(images.shape == [1438, 8, 8, 1])
        options.size = 32
        options.channels = 3
        let big = try Preprocess.run(csv: csv, outputDirectory: dir + "/c", options: options)
        #expect(try MappedTensor(path: big.validationImages).shape == [359, 32, 32, 3])
    }

    @Test func theMLPReachesItsTargetAndTheSameSeedGivesTheSameWeights() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = try Preprocess.run(
            csv: try TrainingTests.digits(dir), outputDirectory: dir + "/data", options: PreprocessOptions())
        for run in ["r1", "r2"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + run, withIntermediateDirectories: true)
        }
        let first = try Trainer.run(config(data, .mlp, dir + "/r1"))
        let second = try Trainer.run(config(data, .mlp, dir + "/r2"))
        let run = first.runs[0]
        #expect(run.status == "success", "accuracies \(run.accuracies)")
        #expect(run.epochs <= 15 && run.accuracy >= 0.95)
        #expect(second.runs[0].accuracies == run.accuracies)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: run.weights))
                == Data(contentsOf: URL(fileURLWithPath: second.runs[0].weights)))
        #expect(first.environment.threads == 1)
        // The folded inference path agrees with the training network in inference mode.
        let network = try ModelFile.load(run.weights)
        let images = try MappedTensor(path: data.validationImages)
        let x = Tensor([16, 8, 8, 1])
        x.data.update(from: images.floats, count: x.count)
        let reference = network.forward(x, training: false).clone()
        let folded = Classifier(network).logits(images.floats, batch: 16, workspace: Classifier.Workspace())
        for i in 0..<reference.count { #expect(abs(reference[i] - folded[i]) < 1e-4) }
    }

    @Test func resNet8TrainsAndItsFoldedBatchNormMatches() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = try Preprocess.run(
            csv: try TrainingTests.digits(dir), outputDirectory: dir + "/data", options: PreprocessOptions())
        try FileManager.default.createDirectory(atPath: dir + "/r", withIntermediateDirectories: true)
        var c = config(data, .resnet8, dir + "/r")
        c.maxEpochs = 3
        c.targetAccuracy = 0.9
        let result = try Trainer.run(c)
        #expect(result.runs[0].accuracy > 0.85, "accuracies \(result.runs[0].accuracies)")
        let network = try ModelFile.load(result.runs[0].weights)
        let images = try MappedTensor(path: data.validationImages)
        let x = Tensor([8, 8, 8, 1])
        x.data.update(from: images.floats, count: x.count)
        let reference = network.forward(x, training: false).clone()
        let folded = Classifier(network).logits(images.floats, batch: 8, workspace: Classifier.Workspace())
        for i in 0..<reference.count { #expect(abs(reference[i] - folded[i]) < 1e-3) }
    }

    @Test func badFilesAreErrorsThatNameTheFile() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let weights = dir + "/m.rpw"
        try ModelFile.save(Network(.mlp, inputShape: [8, 8, 1], seed: 1), seed: 1, to: weights)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: dir + "/short.rpw"))
        #expect(
            #expect(throws: KernelsError.self) { try ModelFile.load(dir + "/short.rpw") }?.description
                == "\(dir)/short.rpw: truncated: tensor 'fc3.weight' ends past the end of the file")
        try Data("not weights".utf8).write(to: URL(fileURLWithPath: dir + "/junk.rpw"))
        #expect(
            #expect(throws: KernelsError.self) { try ModelFile.load(dir + "/junk.rpw") }?.description
                == "\(dir)/junk.rpw: not a repro weights file (bad magic)")
        try TensorFile.write([1, 2, 3, 4] as [Float], shape: [2, 2], to: dir + "/t.rpt")
        let t = try Data(contentsOf: URL(fileURLWithPath: dir + "/t.rpt"))
        try t.prefix(t.count - 4).write(to: URL(fileURLWithPath: dir + "/t-short.rpt"))
        #expect(
            #expect(throws: KernelsError.self) { try MappedTensor(path: dir + "/t-short.rpt") }?.description
                == "\(dir)/t-short.rpt: truncated: 76 bytes, the header announces 80")
        try "1,2,3\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        #expect(
            #expect(throws: KernelsError.self) { try Preprocess.readDigits(dir + "/bad.csv") }?.description
                == "\(dir)/bad.csv:1: expected 65 comma-separated values (64 pixels and a label), found 3")
    }

    @Test func theTrainingLogPassesTheMLPerfComplianceChecker() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = try Preprocess.run(
            csv: try TrainingTests.digits(dir), outputDirectory: dir + "/data", options: PreprocessOptions())
        var c = config(data, .mlp, dir)
        c.maxEpochs = 2
        let run = try Trainer.run(c).runs[0]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", "-m", "mlperf_logging.compliance_checker", "--usage", "training", "--ruleset", "4.0.0",
            "--config", "training_4.0.0/common.yaml", run.log,
        ]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)  // the checker writes compliance_checker.log here
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(
            p.terminationStatus == 0,
            "the mlperf-logging checker (installed by scripts/bootstrap --test) said:\n\(text)")
        #expect(!text.contains("FAILED"), "\(text)")
    }
}

import Basics
import Foundation

/// The `submission_*` fields of an MLPerf Training log.
public struct SubmissionInfo: Sendable {
    /// mlperf-logging 4.0.0 knows a fixed set of names; `resnet` is its image-classification benchmark.
    public var benchmark = "resnet"
    public var organization = "repro"
    public var division = "open"
    public var status = "research"
    public var platform = "cpu"

    public init() {}
}

/// What to train and how.
public struct TrainingConfig: Sendable {
    public var trainImages: String
    public var trainLabels: String
    public var validationImages: String
    public var validationLabels: String
    public var architecture: Architecture
    /// Starting weights for the first run (a `model` step's output); later runs start from `seed + i`.
    public var initialWeights: String?
    /// Run i uses seed + i for its initial weights (unless given) and for the order of its samples.
    public var seed: UInt64 = 1
    public var runs: Int = 1
    public var batchSize: Int = 32
    /// `sgd` (with momentum) or `adam`.
    public var optimizer = "sgd"
    public var learningRate: Float = 0.05
    public var momentum: Float = 0.9
    public var weightDecay: Float = 1e-4
    /// Stop with `success` as soon as validation accuracy reaches this.
    public var targetAccuracy: Double = 0.95
    /// Stop with `aborted` after this many epochs without reaching the target.
    public var maxEpochs: Int = 30
    /// Kernel threads (`BLAS.setThreads`).
    public var threads: Int = 1
    /// Where logs and trained weights go.
    public var outputDirectory: String
    public var submission = SubmissionInfo()

    public init(
        trainImages: String, trainLabels: String, validationImages: String, validationLabels: String,
        architecture: Architecture, outputDirectory: String
    ) {
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.validationImages = validationImages
        self.validationLabels = validationLabels
        self.architecture = architecture
        self.outputDirectory = outputDirectory
    }
}

/// One run: MLPerf's time to train is from `run_start` to `run_stop`.
public struct TrainingRun: Sendable {
    public var index: Int
    public var seed: UInt64
    /// `success` (reached the target) or `aborted` (ran out of epochs).
    public var status: String
    public var epochs: Int
    public var seconds: Double
    public var accuracy: Double
    public var accuracies: [Double]
    public var log: String
    public var weights: String
    public var samplesPerSecond: Double
}

public struct TrainingResult: Sendable {
    public var runs: [TrainingRun]
    /// MLPerf's score: the mean time to train after dropping the fastest and the slowest run (with three or
    /// more runs; of all runs otherwise); nil when a run did not reach the target.
    public var score: Double?
    public var scoreRule: String
    public var environment: KernelsEnvironment
}

/// Training with MLPerf Training semantics: init, `run_start`, epochs each followed by an evaluation on the
/// validation set, `run_stop` with `success` as soon as the target accuracy is reached, or `aborted` after the
/// last allowed epoch. Every run writes its own `:::MLLOG` log and trained weights.
public enum Trainer {
    public static func run(
        _ config: TrainingConfig, progress: @escaping (String) -> Void = { _ in },
        isCancelled: @escaping () -> Bool = { false }
    ) throws(KernelsError) -> TrainingResult {
        guard config.runs >= 1, config.batchSize >= 1, config.maxEpochs >= 1 else {
            throw .setting("runs, batch size and maximum epochs must be at least 1")
        }
        guard ["sgd", "adam"].contains(config.optimizer) else {
            throw .setting("optimizer must be sgd or adam, found '\(config.optimizer)'")
        }
        BLAS.setThreads(config.threads)
        var runs: [TrainingRun] = []
        for i in 0..<config.runs {
            runs.append(try runOne(config, index: i, progress: progress, isCancelled: isCancelled))
        }
        let (score, rule) = Trainer.score(runs)
        return TrainingResult(runs: runs, score: score, scoreRule: rule, environment: .current)
    }

    static func score(_ runs: [TrainingRun]) -> (Double?, String) {
        guard runs.allSatisfy({ $0.status == "success" }) else {
            return (nil, "no score: \(runs.filter { $0.status != "success" }.count) run(s) did not reach the target")
        }
        let times = runs.map(\.seconds).sorted()
        if times.count >= 3 {
            let kept = times.dropFirst().dropLast()
            return (
                kept.reduce(0, +) / Double(kept.count),
                "mean of \(kept.count) runs after dropping the fastest and the slowest"
            )
        }
        return (
            times.reduce(0, +) / Double(times.count), "mean of all \(times.count) run(s) (fewer than 3: none dropped)"
        )
    }

    static func runOne(_ config: TrainingConfig, index: Int, progress: (String) -> Void, isCancelled: () -> Bool)
        throws(KernelsError) -> TrainingRun
    {
        let seed = config.seed + UInt64(index)
        let log = try MLLog(path: config.outputDirectory + "/run-\(index + 1).mllog")
        log.log(.point, "cache_clear", true)
        log.log(.start, "init_start")
        let s = config.submission
        log.log(.point, "submission_benchmark", s.benchmark)
        log.log(.point, "submission_org", s.organization)
        log.log(.point, "submission_division", s.division)
        log.log(.point, "submission_status", s.status)
        log.log(.point, "submission_platform", s.platform)
        let trainImages = try MappedTensor(path: config.trainImages)
        let trainLabels = try MappedTensor(path: config.trainLabels)
        let valImages = try MappedTensor(path: config.validationImages)
        let valLabels = try MappedTensor(path: config.validationLabels)
        try trainImages.expect(.float32, rank: 4)
        try valImages.expect(.float32, rank: 4)
        try trainLabels.expect(.int32, rank: 1)
        try valLabels.expect(.int32, rank: 1)
        guard trainImages.shape[0] == trainLabels.shape[0], valImages.shape[0] == valLabels.shape[0],
            Array(trainImages.shape.dropFirst()) == Array(valImages.shape.dropFirst())
        else {
            throw .setting(
                "the training and validation tensors do not match (\(trainImages.shape), \(trainLabels.shape), \(valImages.shape), \(valLabels.shape))"
            )
        }
        let inputShape = Array(trainImages.shape.dropFirst())
        let network: Network
        if index == 0, let path = config.initialWeights {
            network = try ModelFile.load(path)
            guard network.architecture == config.architecture, network.inputShape == inputShape else {
                throw .file(
                    path: path,
                    problem: "is a \(network.architecture.rawValue) for input \(network.inputShape), "
                        + "but a \(config.architecture.rawValue) for \(inputShape) is being trained")
            }
        } else {
            network = Network(config.architecture, inputShape: inputShape, seed: seed)
        }
        let optimizer: any Optimizer =
            config.optimizer == "adam"
            ? Adam(learningRate: config.learningRate, weightDecay: config.weightDecay)
            : SGD(learningRate: config.learningRate, momentum: config.momentum, weightDecay: config.weightDecay)
        let n = trainImages.shape[0]
        log.log(.point, "seed", Int(seed))
        log.log(.point, "global_batch_size", config.batchSize)
        log.log(.point, "train_samples", n)
        log.log(.point, "eval_samples", valImages.shape[0])
        log.log(.point, "gradient_accumulation_steps", 1)
        log.log(.point, "opt_name", config.optimizer)
        log.log(.point, "opt_base_learning_rate", Double(config.learningRate))
        log.log(.point, "opt_weight_decay", Double(config.weightDecay))
        if config.optimizer == "sgd" { log.log(.point, "sgd_opt_momentum", Double(config.momentum)) }
        log.log(.end, "init_stop")

        log.log(.start, "run_start")
        let start = Clock.monotonic()
        var rng = SeededRandom(seed: seed &* 0x9E37_79B9 &+ 17)
        let sample = inputShape.reduce(1, *)
        let batch = Tensor([config.batchSize] + inputShape)
        var labels = [Int32](repeating: 0, count: config.batchSize)
        let gradient = Tensor([config.batchSize, network.classes])
        var order = Array(0..<n)
        var accuracies: [Double] = []
        var status = "aborted"
        var seen = 0
        let parameters = network.parameters
        for epoch in 1...config.maxEpochs {
            log.log(.start, "epoch_start", metadata: [("epoch_num", epoch)])
            rng.shuffle(&order)
            var first = 0
            while first < n {
                if isCancelled() { throw .cancelled }
                let count = min(config.batchSize, n - first)
                batch.reshape([count] + inputShape)
                gradient.reshape([count, network.classes])
                for j in 0..<count {
                    let src = order[first + j]
                    (batch.data + j * sample).update(from: trainImages.floats + src * sample, count: sample)
                    labels[j] = trainLabels.ints[src]
                }
                let logits = network.forward(batch, training: true)
                _ = labels.withUnsafeBufferPointer {
                    SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: $0.baseAddress!, grad: gradient)
                }
                network.backward(gradient)
                optimizer.step(parameters)
                first += count
                seen += count
            }
            log.log(.start, "eval_start", metadata: [("epoch_num", epoch)])
            let accuracy = Classifier(network).accuracy(
                images: valImages.floats, labels: valLabels.ints,
                count: valImages.shape[0])
            accuracies.append(accuracy)
            log.log(.point, "eval_accuracy", accuracy, metadata: [("epoch_num", epoch)])
            log.log(.end, "eval_stop", metadata: [("epoch_num", epoch)])
            log.log(.end, "epoch_stop", metadata: [("epoch_num", epoch)])
            progress("run \(index + 1) epoch \(epoch): validation accuracy \(String(format: "%.4f", accuracy))")
            if accuracy >= config.targetAccuracy {
                status = "success"
                break
            }
        }
        let seconds = Clock.monotonic() - start
        log.log(.end, "run_stop", metadata: [("status", status)])
        let weights = config.outputDirectory + "/weights-run-\(index + 1).rpw"
        try ModelFile.save(network, seed: seed, to: weights)
        return TrainingRun(
            index: index + 1, seed: seed, status: status, epochs: accuracies.count, seconds: seconds,
            accuracy: accuracies.last ?? 0, accuracies: accuracies, log: log.path, weights: weights,
            samplesPerSecond: Double(seen) / max(seconds, 1e-9))
    }
}

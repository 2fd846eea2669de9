import Foundation
import Kernels
import Recipes
import Runners
import Workflow

/// `train` (see `TrainSpec`).
struct TrainAction: Implementation {
    let spec = TrainSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        let data = try context.string("data")
        let model = try context.optionalString("model")
        let architecture: Architecture
        if let name = try context.optionalString("architecture") {
            guard let a = Architecture(rawValue: name) else {
                throw ActionError.badParameter(
                    name: "architecture", problem: "expected mlp or resnet8, found '\(name)'")
            }
            architecture = a
        } else if let model {
            architecture = try ModelFile.load(model).architecture
        } else {
            throw ActionError.badParameter(name: "architecture", problem: "give 'architecture' or 'model'")
        }
        var c = TrainingConfig(
            trainImages: data + "/train-images.rpt", trainLabels: data + "/train-labels.rpt",
            validationImages: data + "/val-images.rpt", validationLabels: data + "/val-labels.rpt",
            architecture: architecture, outputDirectory: context.outDir)
        c.initialWeights = model
        c.seed = UInt64(try context.int("seed", default: 1))
        c.runs = try context.int("runs", default: 1)
        c.batchSize = try context.int("batch-size", default: 32)
        c.optimizer = try context.optionalString("optimizer") ?? "sgd"
        c.learningRate = Float(try context.double("learning-rate", default: 0.05))
        c.momentum = Float(try context.double("momentum", default: 0.9))
        c.weightDecay = Float(try context.double("weight-decay", default: 1e-4))
        c.targetAccuracy = try context.double("target-accuracy", default: 0.95)
        c.maxEpochs = try context.int("max-epochs", default: 30)
        c.threads = try context.int("threads", default: context.cpus)
        c.submission.benchmark = try context.optionalString("benchmark") ?? "resnet"
        c.submission.organization = try context.optionalString("organization") ?? "repro"
        c.submission.division = try context.optionalString("division") ?? "open"
        c.submission.status = try context.optionalString("status") ?? "research"
        c.submission.platform =
            try context.optionalString("platform") ?? (HostInfo.description["cpu"]?.interpolated ?? "cpu")
        let log = context.log
        let cancellation = context.cancellation
        let result = try Trainer.run(c, progress: { log.out($0) }, isCancelled: { cancellation.isCancelled })
        let runs: [Value] = result.runs.map { r in
            .map([
                "run": .int(r.index), "seed": .int(Int(r.seed)), "status": .string(r.status), "epochs": .int(r.epochs),
                "time_to_train_s": .double(r.seconds), "accuracy": .double(r.accuracy),
                "accuracies": .list(r.accuracies.map { .double($0) }), "log": .string(r.log),
                "weights": .string(r.weights),
                "samples_per_second": .double(r.samplesPerSecond),
            ])
        }
        let environment: Value = .map([
            "threads": .int(result.environment.threads), "blas_core": .string(result.environment.blasCore),
            "blas_config": .string(result.environment.blasConfig),
            "convolution": .string(result.environment.convolution),
        ])
        var outputs: [String: Value] = [
            "runs": .list(runs), "score_rule": .string(result.scoreRule), "environment": environment,
            "status": .string(result.runs.allSatisfy { $0.status == "success" } ? "success" : "aborted"),
            "accuracy": .double(result.runs[0].accuracy), "weights": .string(result.runs[0].weights),
            "logs": .list(result.runs.map { .string($0.log) }), "architecture": .string(architecture.rawValue),
        ]
        outputs["score_s"] = result.score.map { .double($0) } ?? .null
        try FileOps.write(Value.map(outputs).prettyJSON(), to: context.outDir + "/result.json")
        log.out(
            "score: \(result.score.map { String(format: "%.3f s", $0) } ?? "none") (\(result.scoreRule)); \(result.environment)"
        )
        return outputs
    }
}

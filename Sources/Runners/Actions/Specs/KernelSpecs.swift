import Recipes
import Workflow

/// `preprocess`: the digits CSV as normalised NHWC tensors, split into training and validation sets.
public struct PreprocessSpec: ActionSpec {
    public let name = "preprocess"
    public let outputs: [String]? = [
        "data", "train_images", "train_labels", "val_images", "val_labels", "summary", "train_count", "val_count",
        "input_shape",
    ]
    public let version = "1"
    public var implementation: [String] {
        [
            "Sources/Actions/PreprocessAction.swift", "Sources/Kernels/Data", "Sources/Kernels/Support/Random.swift",
            "Sources/Kernels/Support/KernelsError.swift",
        ]
    }
    public let summary = "digits CSV -> normalised NHWC tensor files (train/validation split from a seed)"
    public let parameters = [
        ActionParameter("csv", .path, required: true, doc: "rows of 64 pixel values (0..16) and a label"),
        ActionParameter("seed", .int, doc: "seeds the split (default 1)"),
        ActionParameter("validation-fraction", .float, doc: "share kept for validation (default 0.2)"),
        ActionParameter("size", .int, doc: "8, or 32 to resize (bilinear) for the CNN (default 8)"),
        ActionParameter("channels", .int, doc: "1, or 3 (grey in every channel) (default 1)"),
    ]
    public init() {}
}

/// `model`: a network's initial weights from an architecture and a seed, deterministically.
public struct ModelSpec: ActionSpec {
    public let name = "model"
    public let outputs: [String]? = ["weights", "sha256", "architecture", "parameters", "flops", "input_shape"]
    public let version = "1"
    public var implementation: [String] {
        ["Sources/Actions/ModelAction.swift", "Sources/Kernels"] + ImplementationSources.basics
    }
    public let summary = "build an MLP or ResNet-8 with seeded initial weights (weights file + sha256)"
    public let parameters = [
        ActionParameter("architecture", .string, required: true, doc: "mlp or resnet8"),
        ActionParameter("input-shape", .list, doc: "[height, width, channels] of one sample (default [8, 8, 1])"),
        ActionParameter("seed", .int, doc: "seeds the initial weights (default 1)"),
    ]
    public init() {}
}

/// `train`: MLPerf Training-style runs to a target accuracy, with `:::MLLOG` logs.
public struct TrainSpec: ActionSpec {
    public let name = "train"
    public let outputs: [String]? = [
        "runs", "score_rule", "score_s", "environment", "status", "accuracy", "weights", "logs", "architecture",
    ]
    public let version = "2"  // 2: direct/Winograd kernels, kernel threads
    public var implementation: [String] { ["Sources/Actions/TrainAction.swift"] + ImplementationSources.kernels }
    public let summary = "train to a target validation accuracy (MLPerf semantics, :::MLLOG logs, seeded runs, score)"
    public let parameters = [
        ActionParameter("data", .path, required: true, doc: "a preprocess output folder (train/val tensor files)"),
        ActionParameter("model", .path, doc: "initial weights (a model step's output) for the first run"),
        ActionParameter("architecture", .string, doc: "mlp or resnet8 (default: the model file's)"),
        ActionParameter("seed", .int, doc: "run i uses seed + i (default 1)"),
        ActionParameter("runs", .int, doc: "how many seeded runs (default 1)"),
        ActionParameter("batch-size", .int, doc: "default 32"),
        ActionParameter("optimizer", .string, doc: "sgd (default) or adam"),
        ActionParameter("learning-rate", .float, doc: "default 0.05"),
        ActionParameter("momentum", .float, doc: "SGD momentum (default 0.9)"),
        ActionParameter("weight-decay", .float, doc: "default 1e-4"),
        ActionParameter("target-accuracy", .float, doc: "stop with success at this validation accuracy (default 0.95)"),
        ActionParameter("max-epochs", .int, doc: "stop with aborted after this many epochs (default 30)"),
        ActionParameter("threads", .int, doc: "kernel threads (default: the step's resources.cpus)"),
        ActionParameter("benchmark", .string, doc: "submission_benchmark in the log (default resnet)"),
        ActionParameter("organization", .string, doc: "submission_org (default repro)"),
        ActionParameter("division", .string, doc: "submission_division: open (default) or closed"),
        ActionParameter("status", .string, doc: "submission_status (default research)"),
        ActionParameter("platform", .string, doc: "submission_platform (default: the CPU model)"),
    ]
    public init() {}

    /// Times to train are measurements: a run is re-measured unless measurements may be reused.
    public func defaultPolicy(with: [String: Value]) -> CachePolicy? { .measured }
}

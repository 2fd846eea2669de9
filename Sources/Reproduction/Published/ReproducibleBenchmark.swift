/// The MLPerf Inference benchmarks repro can run again from a published result, and what the others would need.
public enum ReproducibleBenchmark: String, Sendable, CaseIterable {
    /// ResNet-50 v1.5 on ImageNet: the `mlperf-inference-resnet50` recipe.
    case resnet50

    /// The recipe that runs it.
    public var recipe: String {
        switch self {
        case .resnet50: "mlperf-inference-resnet50"
        }
    }

    /// The name in LoadGen's settings files (`resnet50.Offline.target_qps`).
    public var settingsModel: String {
        switch self {
        case .resnet50: "resnet50"
        }
    }

    /// The benchmark a result folder names (`resnet50`, `resnet` in v6 trees); nil when repro cannot run it.
    public init?(folder: String) {
        switch folder.lowercased() {
        case "resnet50", "resnet": self = .resnet50
        default: return nil
        }
    }

    /// What a benchmark repro cannot run would need, by the folder names of MLPerf Inference's benchmarks.
    public static func needs(_ folder: String) -> String {
        let name = folder.lowercased()
        let known: [(prefix: String, needs: String)] = [
            (
                "llama2-70b",
                "Llama-2-70B (140 GB of weights, gated), the OpenOrca data set, an LLM server "
                    + "(vLLM, TensorRT-LLM) on GPUs, and LoadGen's token-latency settings"
            ),
            (
                "llama3.1",
                "Llama-3.1 (8B or 405B, gated weights), its data sets, an LLM server on GPUs, and "
                    + "LoadGen's token-latency settings"
            ),
            (
                "mixtral",
                "Mixtral-8x7B (gated weights), its three data sets, an LLM server on GPUs, and LoadGen's "
                    + "token-latency settings"
            ),
            ("deepseek", "DeepSeek-R1 (671B parameters), its data sets and an LLM server on GPUs"),
            ("gptj", "GPT-J 6B, the CNN/DailyMail data set and a text-generation SUT"),
            ("bert", "BERT-Large, the SQuAD v1.1 data set and a question-answering SUT with its accuracy script"),
            ("retinanet", "RetinaNet, the OpenImages (MLPerf subset) data set and a detection SUT with COCO mAP"),
            ("3d-unet", "3D-UNet, the KiTS19 data set and a segmentation SUT with the DICE score"),
            ("dlrm", "DLRM-v2, the Criteo 1TB click logs and a recommendation SUT"),
            (
                "stable-diffusion",
                "Stable Diffusion XL, the COCO-2014 captions and an image-generation SUT with "
                    + "FID and CLIP scores"
            ),
            ("rgat", "R-GAT, the IGBH graph data set and a graph SUT"),
            ("whisper", "Whisper, the LibriSpeech data set and a speech-recognition SUT"),
            ("pointpainting", "PointPainting, the Waymo data set and a 3D-detection SUT"),
            ("rnnt", "RNN-T, the LibriSpeech data set and a speech-recognition SUT"),
        ]
        let what =
            known.first { name.hasPrefix($0.prefix) }?.needs
            ?? "a recipe for '\(folder)': its model, its data set, a SUT and its accuracy script"
        return "\(what); repro has a recipe for "
            + allCases.map { "\($0.rawValue) (\($0.recipe))" }.joined(separator: ", ") + " only"
    }
}

/// The settings of MLPerf's compliance tests, as the `audit.config` files of mlcommons/inference's `compliance/`
/// folder set them; LoadGen applies them after the other settings files, for model `*`.
public enum AuditConfig {
    /// The tests repro runs: TEST01 (accuracy sampled in performance mode) and TEST04 (one sample over and over).
    public enum Test: String, Sendable, CaseIterable, Codable {
        case test01 = "TEST01"
        case test04 = "TEST04"
    }

    /// TEST01's seed for the accuracy-log offset.
    public static let test01Seed: UInt64 = 720_381_539_243_781_796

    /// TEST01's `accuracy_log_sampling_target` per model (the model's name in mlperf.conf).
    public static let test01SamplingTargets: [String: UInt64] = [
        "resnet50": 4096, "retinanet": 256, "bert": 4096, "3d-unet": 64, "dlrm-v2": 4096, "gptj": 4096, "rgat": 4096,
        "rnnt": 4096, "pointpainting": 256, "stable-diffusion-xl": 128, "whisper": 4096, "yolo": 64,
    ]

    /// TEST04's `performance_issue_same_index`.
    public static let test04SameIndex = 3

    /// The audit file of `test` for `model`; the text names what it is, and its lines are LoadGen's.
    public static func file(_ test: Test, model: String) throws(LoadGenError) -> ConfigFile {
        let text: String
        switch test {
        case .test01:
            guard let target = test01SamplingTargets[model] else {
                throw .settings(
                    "TEST01 has no sampling target for the model '\(model)' (known: "
                        + "\(test01SamplingTargets.keys.sorted().joined(separator: ", ")))")
            }
            text = """
                *.*.mode = 2
                *.*.accuracy_log_rng_seed = \(test01Seed)
                *.*.accuracy_log_sampling_target = \(target)
                """
        case .test04:
            text = TestScenario.allCases.map { s in
                """
                *.\(s.rawValue).mode = 2
                *.\(s.rawValue).performance_issue_unique = 0
                *.\(s.rawValue).performance_issue_same = 1
                *.\(s.rawValue).performance_issue_same_index = \(test04SameIndex)
                """
            }.joined(separator: "\n")
        }
        return try ConfigFile(path: "audit.config (\(test.rawValue))", text: text)
    }
}

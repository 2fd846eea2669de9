import Foundation
import Submission

/// The system under test of a reproduction: the framework the published result used where repro can run it
/// (onnxruntime, at the published version, in a cached virtual environment), else repro's built-in kernels.
public struct SUTChoice: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case builtin
        case onnxruntime
    }

    public var kind: Kind
    /// onnxruntime and numpy versions from PyPI (`onnxruntime` SUT).
    public var onnxruntime: String?
    public var numpy: String?
    public var threads: Int
    /// The largest batch the SUT takes; nil leaves the recipe's default.
    public var batch: Int?
    /// The system description's `framework`.
    public var publishedFramework: String
    /// The published harness's threads (`--threads` of its command), when it says.
    public var publishedThreads: Int?
    /// Whether the framework that runs is the published one at its version (timings can then be compared).
    public var sameFramework: Bool
    public var note: String

    /// The first version of onnxruntime built against numpy 2; older wheels need numpy 1.
    static let firstNumpy2Onnxruntime = [1, 19]
    static let numpy1 = "1.26.4"

    public static func derive(_ result: MLCommonsResult, cpus: Int) -> SUTChoice {
        let framework = result.system["framework"] ?? ""
        let stack = result.system["other_software_stack"] ?? ""
        let command = result.console?.text ?? ""
        let threads = firstNumber(after: "--threads ", in: command)
        let batch = firstNumber(after: "max_batchsize=", in: command)
        var sut = SUTChoice(
            kind: .builtin, threads: min(threads ?? cpus, cpus), batch: batch, publishedFramework: framework,
            publishedThreads: threads, sameFramework: false, note: "")
        let lower = framework.lowercased()
        guard lower.contains("onnxruntime") || lower.contains("onnx runtime") else {
            sut.note = "the published framework '\(framework)' is not one repro runs: repro's kernels run the model"
            return sut
        }
        sut.kind = .onnxruntime
        let stated =
            result.packages["onnxruntime"] ?? version(in: framework)
            ?? version(in: stack.lowercased().components(separatedBy: "onnx runtime").dropFirst().first ?? "")
        sut.onnxruntime = stated
        sut.numpy = result.packages["numpy"]
        if sut.numpy == nil, let v = stated, compare(v, firstNumpy2Onnxruntime) < 0 { sut.numpy = numpy1 }
        let harness = lower.contains("onnxruntime") && !lower.contains("kilt")
        sut.sameFramework = harness && stated != nil
        switch (stated, harness) {
        case (nil, _):
            sut.note = "onnxruntime, as published; the result does not say which version: repro's pinned one runs"
        case (let v?, true):
            sut.note =
                "onnxruntime \(v), the published framework and version, from PyPI in a cached virtual environment"
        case (let v?, false):
            sut.note =
                "onnxruntime \(v), which the published framework '\(framework)' runs under its own harness (not run "
                + "here)"
        }
        if sut.numpy != nil && result.packages["numpy"] == nil {
            sut.note += "; numpy \(numpy1), as onnxruntime before 1.19 needs"
        }
        return sut
    }

    /// `1.22.1` in `onnxruntime v1.22.1`.
    static func version(in text: String) -> String? {
        guard let range = text.range(of: #"\d+\.\d+(\.\d+)?"#, options: .regularExpression) else { return nil }
        return String(text[range])
    }

    static func compare(_ version: String, _ other: [Int]) -> Int {
        let parts = version.split(separator: ".").map { Int($0) ?? 0 }
        for (a, b) in zip(parts + [0, 0], other) where a != b { return a < b ? -1 : 1 }
        return 0
    }

    static func firstNumber(after marker: String, in text: String) -> Int? {
        guard let r = text.range(of: marker) else { return nil }
        return Int(text[r.upperBound...].prefix { $0.isNumber })
    }
}

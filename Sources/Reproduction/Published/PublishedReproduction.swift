import Foundation
import LoadGen
import Recipes
import Submission
import Workflow

/// A published MLPerf Inference result of an MLCommons results repository, and the request that runs it again
/// here: the benchmark's recipe with the published LoadGen settings, SUT and model, the user's data set, and the
/// inputs the user gave instead (`name=value`), side by side with what differs between the published machine and
/// this one. `--plan` prints it; `repro reproduce` runs its requests and judges the result (`+Verdicts`); `repro
/// import` writes it as a recipe (`+Recipe`).
public struct PublishedReproduction: Sendable {
    /// An input given as `name=value`, and what it replaces.
    public struct Override: Sendable, Equatable {
        public var name: String
        public var value: String
        /// The derived value it replaces ("" when there was none).
        public var replaces: String
    }

    public var result: MLCommonsResult
    public var benchmark: ReproducibleBenchmark
    public var settings: PublishedSettings
    public var sut: SUTChoice
    public var model: ModelChoice
    /// The images to run: the published total unless `count=` says otherwise.
    public var count: Int
    public var publishedTotal: Int?
    /// The ImageNet validation folder (or archive URL), which only the user can give.
    public var imagenet: String?
    public var overrides: [Override]
    public var machine: MachineComparison
    /// `accuracy` (when the result has an accuracy run) and `performance`.
    public var modes: [String]
    /// The inputs every request has (the mode is added per request).
    public var inputs: [String: Value]
    /// What must still be given before it can run.
    public var missing: [String]

    /// The inputs a user may give (`name=value`): the recipe's, and `user_conf` as a file.
    public static let overridable = [
        "model", "imagenet", "imagenet_sha256", "imagenet_strip_components", "count", "min_duration_ms",
        "min_query_count", "threads", "batch", "sut", "onnxruntime", "numpy", "target_qps", "expected_latency_ms",
        "user_conf",
    ]

    /// The selection (`mlperf-inference-resnet50`, with `_opset11` for the opset-11 file).
    public var selection: String {
        if case .fetched(let variation) = model.source, variation != "opset8" {
            return benchmark.recipe + ",_" + variation
        }
        return benchmark.recipe
    }

    /// One request per mode.
    public var requests: [(mode: String, inputs: [String: Value])] {
        modes.map { mode in
            var inputs = self.inputs
            inputs["mode"] = .string(mode)
            return (mode, inputs)
        }
    }

    /// The published result in `path` (a submitter folder, or a system, benchmark or scenario in it; `picks`
    /// names the rest), its request derived, `given` applied. Nothing runs; every problem is an error naming the
    /// file.
    public static func prepare(
        _ path: String, picks: PublishedFolder.Fixed, given: [(String, String)], host: HostFacts,
        baseDirectory: String
    ) throws(PublishedReproductionError) -> PublishedReproduction {
        let location = try locate(path, picks: picks)
        guard let benchmark = ReproducibleBenchmark(folder: location.benchmark) else {
            throw .cannotReproduce(
                benchmark: location.benchmark, path: location.name,
                needs: ReproducibleBenchmark.needs(location.benchmark))
        }
        let result: MLCommonsResult
        do { result = try MLCommonsResult.read(location) } catch { throw .folder(error) }
        return try derive(result, benchmark: benchmark, given: given, host: host, baseDirectory: baseDirectory)
    }

    /// The one result `path` and `picks` name.
    public static func locate(_ path: String, picks: PublishedFolder.Fixed) throws(PublishedReproductionError)
        -> PublishedLocation
    {
        guard let (root, fixed) = PublishedFolder.locate(path) else {
            throw .folder(.notAResultsFolder(path: path))
        }
        for (name, a, b) in [
            ("system", fixed.system, picks.system), ("benchmark", fixed.benchmark, picks.benchmark),
            ("scenario", fixed.scenario, picks.scenario),
        ] {
            if let a, let b, a.lowercased() != b.lowercased() {
                throw .badInput(name: name, problem: "'\(b)', but \(path) is of \(name) '\(a)'")
            }
        }
        let system = fixed.system ?? picks.system
        let benchmark = fixed.benchmark ?? picks.benchmark
        let scenario = fixed.scenario ?? picks.scenario
        let found = PublishedFolder.results(in: root, system: system, benchmark: benchmark, scenario: scenario)
        let names = { (l: [PublishedLocation]) in
            l.map { "system=\($0.system) benchmark=\($0.benchmark) scenario=\($0.scenarioFolder)" }
        }
        switch found.count {
        case 1: return found[0]
        case 0:
            let asked = [("system", system), ("benchmark", benchmark), ("scenario", scenario)]
                .compactMap { n, v in v.map { "\(n)=\($0)" } }.joined(separator: " ")
            throw .folder(
                .noResult(
                    folder: root, asked: asked.isEmpty ? "" : "for \(asked)",
                    available: names(PublishedFolder.results(in: root, system: nil, benchmark: nil, scenario: nil))))
        default:
            throw .folder(.severalResults(folder: path, candidates: names(found)))
        }
    }

    static func derive(
        _ result: MLCommonsResult, benchmark: ReproducibleBenchmark, given: [(String, String)], host: HostFacts,
        baseDirectory: String
    ) throws(PublishedReproductionError) -> PublishedReproduction {
        var given = Dictionary(given, uniquingKeysWith: { _, b in b })
        for name in given.keys.sorted() where !overridable.contains(name) {
            throw .unknownInput(name: name, known: overridable)
        }
        func absolute(_ p: String) -> String {
            p.contains("://") || p.hasPrefix("/") ? p : FileSystemPath.absolute(p, relativeTo: baseDirectory)
        }
        for name in ["model", "user_conf"] where given[name] != nil {
            let path = absolute(given[name]!)
            guard FileManager.default.fileExists(atPath: path) else {
                throw .badInput(name: name, problem: "\(path) does not exist")
            }
            given[name] = path
        }
        if let imagenet = given["imagenet"] { given["imagenet"] = absolute(imagenet) }
        var result = result
        if let conf = given["user_conf"] {
            result.userConf = MLCommonsResult.TextFile(
                path: conf, text: (try? String(contentsOfFile: conf, encoding: .utf8)) ?? "")
        }
        let settings = try PublishedSettings.derive(result, model: benchmark.settingsModel)
        let sut = SUTChoice.derive(result, cpus: host.cpus)
        let model = ModelChoice.resolve(
            published: result.model["starting_weights_filename"] ?? "",
            dataTypes: result.model["weight_data_types"] ?? "", userFile: given["model"])
        let total = result.accuracy?.total ?? result.performance.integer("qsl_reported_total_count").map { Int($0) }

        var inputs: [String: Value] = ["scenario": .string(settings.scenario.rawValue)]
        var derived: [String: String] = [:]
        for s in settings.inputs { derived[s.name] = s.value }
        derived["sut"] = sut.kind.rawValue
        derived["threads"] = "\(sut.threads)"
        if let b = sut.batch, settings.scenario != .singleStream { derived["batch"] = "\(b)" }
        if let v = sut.onnxruntime { derived["onnxruntime"] = v }
        if let v = sut.numpy { derived["numpy"] = v }
        if let total { derived["count"] = "\(total)" }
        var overrides: [Override] = []
        for name in overridable where given[name] != nil && name != "user_conf" {
            let value = given[name]!
            overrides.append(Override(name: name, value: value, replaces: derived[name] ?? ""))
            derived[name] = value
        }
        if let conf = given["user_conf"] {
            overrides.append(
                Override(name: "user_conf", value: conf, replaces: "the published user.conf"))
        }
        for (name, text) in derived.sorted(by: { $0.key < $1.key }) {
            inputs[name] = try typed(name, text)
        }
        if !settings.userConf.isEmpty { inputs["user_conf"] = .string(settings.userConf) }
        switch settings.seeds {
        case .round(let r): inputs["round"] = .string(r)
        case .given(let s): inputs["seeds"] = .list(s.map { .string(String($0)) })
        }
        if case .file(let path) = model.source { inputs["model"] = .string(path) }
        if inputs["sut"]?.stringValue != "onnxruntime" {
            inputs["onnxruntime"] = nil
            inputs["numpy"] = nil
        }

        var missing: [String] = []
        if given["imagenet"] == nil {
            missing.append(
                "imagenet=DIR (the ImageNet 2012 validation folder: the JPEGs and val_map.txt; or imagenet=URL of an "
                    + "archive of it with imagenet_sha256=SHA256)")
        }
        if let url = given["imagenet"], url.contains("://"), given["imagenet_sha256"] == nil {
            missing.append("imagenet_sha256=SHA256 (the archive's checksum)")
        }
        if case .missing = model.source {
            missing.append("model=FILE.onnx (\(model.note))")
        }
        let sutUsed = inputs["sut"]?.stringValue == "onnxruntime" ? SUTChoice.Kind.onnxruntime : .builtin
        var sutChoice = sut
        if sutUsed != sut.kind {
            sutChoice.kind = sutUsed
            sutChoice.sameFramework = false
            sutChoice.note = "sut=\(sutUsed.rawValue) given (derived: \(sut.kind.rawValue))"
        }
        return PublishedReproduction(
            result: result, benchmark: benchmark, settings: settings, sut: sutChoice, model: model,
            count: inputs["count"]?.intValue ?? 0, publishedTotal: total, imagenet: given["imagenet"],
            overrides: overrides, machine: MachineComparison.compare(result.system, host: host),
            modes: (result.accuracy != nil ? ["accuracy"] : []) + ["performance"], inputs: inputs, missing: missing)
    }

    /// An input's text as the recipe's type.
    static func typed(_ name: String, _ text: String) throws(PublishedReproductionError) -> Value {
        switch name {
        case "count", "min_duration_ms", "min_query_count", "threads", "batch", "imagenet_strip_components":
            guard let v = Int(text), v >= 0 else {
                throw .badInput(name: name, problem: "expected a whole number, found '\(text)'")
            }
            return .int(v)
        case "target_qps", "expected_latency_ms":
            guard let v = Double(text), v > 0 else {
                throw .badInput(name: name, problem: "expected a positive number, found '\(text)'")
            }
            return .double(v)
        case "sut":
            guard SUTChoice.Kind(rawValue: text) != nil else {
                throw .badInput(name: name, problem: "expected builtin or onnxruntime, found '\(text)'")
            }
            return .string(text)
        default:
            return .string(text)
        }
    }

    /// Whether a timed value of the reproduction can be judged against the published one, and if not, why.
    public var timingNotComparable: [String] {
        var why: [String] = []
        if !machine.sameSystem { why.append("different system") }
        if !sut.sameFramework {
            why.append(
                "another SUT (\(sut.kind == .builtin ? "repro's kernels" : "onnxruntime"), published '\(sut.publishedFramework)')"
            )
        }
        // Files are named, not shown: their paths are on the plan.
        let changed = overrides.filter { !$0.name.hasPrefix("imagenet") }.map {
            ["model", "user_conf"].contains($0.name) ? "\($0.name) (a file)" : "\($0.name)=\($0.value)"
        }
        if !changed.isEmpty { why.append("settings given: " + changed.joined(separator: ", ")) }
        if let p = sut.publishedThreads, p != sut.threads, !overrides.contains(where: { $0.name == "threads" }) {
            why.append("\(sut.threads) threads (published \(p))")
        }
        return why
    }
}

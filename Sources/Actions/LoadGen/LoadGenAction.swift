import Foundation
import Kernels
import LoadGen
import Recipes
import Runners
import Submission
import Workflow

/// `loadgen` (see `LoadGenSpec`): settings from repro's mlperf.conf, the user.conf and the overrides; a SUT (the
/// model on the kernels, the paced null SUT, or an external process); LoadGen's four files in the output folder,
/// `accuracy.txt` after an accuracy run, power beside a performance run, and `result.json`.
struct LoadGenAction: Implementation {
    let spec = LoadGenSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        let scenario = try LoadGenAction.scenario(try context.string("scenario"))
        let mode = try LoadGenAction.mode(try context.optionalString("mode") ?? "performance")
        let modelName = try context.optionalString("model-name") ?? "resnet50"
        let settings = try LoadGenAction.settings(context, model: modelName, scenario: scenario, mode: mode)
        let log = context.log
        let out = context.outDir
        // The user.conf this test ran with (the file and the overrides), as a submission keeps it.
        try FileOps.write(
            try LoadGenAction.userConf(context, model: modelName, scenario: scenario), to: out + "/user.conf")

        let sutKind = try SUTKind(parameter: try context.optionalString("sut") ?? SUTKind.kernels.rawValue)
        let setup = try SUTSetup.make(sutKind, context: context, scenario: scenario)
        defer { setup.shutdown() }
        log.out(
            "\(scenario.rawValue) \(mode.rawValue) of \(modelName) on \(setup.sut.name): QSL \(setup.qsl.totalSampleCount) samples "
                + "(\(setup.qsl.performanceSampleCount) in memory); \(setup.environmentLine)")

        let sampler = try LoadGenAction.powerSampler(context, mode: mode)
        sampler.sampler?.start()
        let report = context.progress
        let outcome = try LoadGen.run(
            settings: settings, sut: setup.sut, qsl: setup.qsl, outputDirectory: out,
            trace: try context.bool("trace", default: true)
        ) { p in
            // Against what ends the run: its minimum duration, or the samples it will issue.
            if let minimum = p.minimumSeconds {
                report(
                    StepProgress(
                        done: p.elapsed, total: minimum, unit: "s",
                        detail: "\(p.completed) samples, \(scenario.rawValue)"))
            } else {
                report(
                    StepProgress(
                        done: Double(p.completed), total: p.expected.map(Double.init), unit: "samples",
                        detail: scenario.rawValue))
            }
        }
        let exitStatus = setup.finish()

        // What the audit and submission steps read back (typed, see LoadGenRunRecord).
        let record = LoadGenRunRecord(
            benchmark: try context.optionalString("benchmark") ?? (modelName == "resnet50" ? "resnet" : modelName),
            scenario: scenario, mode: mode, sutName: setup.sut.name,
            derating: scenario == .server ? try context.double("derate", default: 1) : nil)
        var outputs: [String: Value] = [
            "logs": .string(out), "model_name": .string(modelName),
            "summary": .string(out + "/mlperf_log_summary.txt"), "detail": .string(out + "/mlperf_log_detail.txt"),
            "accuracy_log": .string(out + "/mlperf_log_accuracy.json"), "environment": setup.environment,
            "round": .string(try context.optionalString("round") ?? Rules.newest),
            "audit": try context.optionalString("audit").map(Value.string) ?? .null,
            "derating": .null,
            "accuracy_log_entries": .int(outcome.accuracySamplesLogged),
        ]
        outputs.merge(try StepRecord.outputs(record)) { _, recorded in recorded }
        // Every key exists in every mode, so recipes can name them; what a mode does not measure is null.
        for key in [
            "result", "valid", "metric", "value", "samples_per_second", "latency_ms", "query_count", "sample_count",
            "accuracy", "accuracy_percent", "accuracy_line", "power_watts",
        ] { outputs[key] = .null }
        outputs["power"] = .string("not measured (\(mode == .accuracyOnly ? "accuracy run" : "power: none"))")
        if let status = exitStatus, status != 0 { outputs["sut_exit_status"] = .int(Int(status)) }
        var problems = outcome.errors
        if let p = outcome.performance {
            outputs["result"] = .string(p.isValid ? "VALID" : "INVALID")
            outputs["valid"] = .bool(p.isValid)
            outputs["metric"] = .string(p.metric.name)
            outputs["value"] = .double(p.metric.value)
            outputs["query_count"] = .int(p.queryCount)
            if scenario == .server { outputs["scheduled_samples_per_second"] = .double(p.scheduledSamplesPerSecond) }
            if mode == .findPeakPerformance { outputs["peak_target_qps"] = .double(p.settings.targetQPS) }
            // Both figures for every scenario, so each can be tracked over time.
            let span =
                scenario == .offline
                ? p.maxLatency : (scenario == .server ? p.finalQueryAllSamplesDoneTime : p.finalQueryIssuedTime)
            outputs["samples_per_second"] =
                scenario == .offline || scenario == .server
                ? .double(p.metric.value) : .double(span > 0 ? Double(p.sampleCount) / span : 0)
            // Offline has no latency metric (its one query's latency is the run's length).
            let latency = scenario == .multiStream ? p.target.queryLatency : p.target.sampleLatency
            outputs["latency_ms"] = scenario == .offline ? .null : .double(Double(latency) / 1e6)
            outputs["sample_count"] = .int(p.sampleCount)
            outputs["latency_ns"] = .map([
                "min": .int(Int(p.sampleLatencyMin)), "mean": .int(Int(p.sampleLatencyMean)),
                "max": .int(Int(p.sampleLatencyMax)),
                "target_percentile": .double(p.target.percentile),
                "at_target_percentile": .int(
                    Int(scenario == .multiStream ? p.target.queryLatency : p.target.sampleLatency)),
            ])
            if !p.isValid { outputs["invalid_reason"] = .string(p.invalidReason) }
            log.out(
                "result: \(p.isValid ? "VALID" : "INVALID") — \(p.metric.name) \(LoadGenAction.figure(p.metric.value))"
                    + (p.isValid ? "" : " (\(p.invalidReason))"))
        }
        if mode == .accuracyOnly || mode == .submissionRun {
            let labels = try LoadGenAction.labels(context, setup: setup)
            let accuracy = try AccuracyScript.evaluate(accuracyLog: out + "/mlperf_log_accuracy.json", labels: labels)
            let hash = try Digests.file(out + "/mlperf_log_accuracy.json").sha256
            try FileOps.write(accuracy.line + "\n", to: out + "/accuracy.txt")
            outputs["accuracy"] = .double(accuracy.accuracy)
            outputs["accuracy_percent"] = .double(accuracy.accuracy * 100)
            outputs["accuracy_txt"] = .string(out + "/accuracy.txt")
            outputs["accuracy_log_sha256"] = .string(hash)
            outputs["accuracy_samples"] = .int(accuracy.total)
            outputs["accuracy_line"] = .string(accuracy.line)
            log.out(accuracy.line + (labels == nil ? " (no labels: every answer counts as wrong)" : ""))
        }
        if let sampler = sampler.sampler {
            let summary = try sampler.stop(window: outcome.powerWindow, csvPath: out + "/power_samples.csv")
            outputs["power"] = .map([
                "source": .string(summary.source), "average_watts": summary.averageWatts.map(Value.double) ?? .null,
                "energy_joules": summary.energyJoules.map(Value.double) ?? .null, "seconds": .double(summary.seconds),
                "samples": .int(summary.samples), "csv": .string(out + "/power_samples.csv"),
            ])
            if let watts = summary.averageWatts, let joules = summary.energyJoules {
                outputs["power_watts"] = .double(watts)
                if let p = outcome.performance, joules > 0 {
                    outputs["samples_per_joule"] = .double(Double(p.sampleCount) / joules)
                }
                log.out(
                    String(
                        format: "power: %.1f W average over %.1f s (%d readings, %@)", watts, summary.seconds,
                        summary.samples, summary.source))
            } else {
                outputs["power_watts"] = .string("unavailable")
                log.out(summary.unavailable ?? "power: unavailable")
            }
        } else if let reason = sampler.unavailable {
            outputs["power"] = .string(reason)
            outputs["power_watts"] = .string("unavailable")
            log.out(reason)
        }
        try FileOps.write(Value.map(outputs).prettyJSON(), to: out + "/result.json")
        // A SUT that failed is a failed step; an INVALID result is a result (the reason is in the outputs).
        problems = problems.filter { !$0.hasPrefix("Ending early") }
        if !problems.isEmpty { throw ActionError.failed(problems.joined(separator: "; ")) }
        return outputs
    }

    static func figure(_ v: Double) -> String { v >= 100 ? String(format: "%.0f", v) : String(format: "%.3f", v) }

    static func scenario(_ text: String) throws -> TestScenario {
        if let s = TestScenario.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) { return s }
        throw ActionError.badParameter(
            name: "scenario", problem: "expected SingleStream, MultiStream, Server or Offline, found '\(text)'")
    }

    static func mode(_ text: String) throws -> TestMode {
        switch text.lowercased() {
        case "performance", "performanceonly": return .performanceOnly
        case "accuracy", "accuracyonly": return .accuracyOnly
        case "submission", "submissionrun": return .submissionRun
        case "find-peak", "findpeakperformance": return .findPeakPerformance
        default:
            throw ActionError.badParameter(
                name: "mode", problem: "expected performance, accuracy, submission or find-peak, found '\(text)'")
        }
    }

    static func settings(_ context: ActionContext, model: String, scenario: TestScenario, mode: TestMode) throws
        -> TestSettings
    {
        let user = try context.optionalString("user-conf").map { path in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ActionError.badParameter(name: "user-conf", problem: "cannot read \(path)")
            }
            return try ConfigFile(path: path, text: text)
        }
        var overrides: [(String, String)] = []
        // A null value leaves the key to the settings files.
        for (key, value) in (context.with["settings"]?.mapValue ?? [:]).sorted(by: { $0.key < $1.key })
        where value != .null {
            overrides.append((key, value.interpolated))
        }
        let extra = overrides.isEmpty ? nil : try ConfigFile(overrides: overrides, source: "the step's settings")
        var settings = try SettingsLoader.settings(
            model: model, scenario: scenario, mode: mode, mlperf: try mlperfConf(context), user: user,
            overrides: extra, audit: try audit(context, model: model))
        let derate = try context.double("derate", default: 1)
        guard derate > 0 && derate <= 1 else {
            throw ActionError.badParameter(name: "derate", problem: "expected a factor in (0, 1], found \(derate)")
        }
        if scenario == .server { settings.serverTargetQPS *= derate }
        return settings
    }

    /// repro's mlperf.conf with the seeds of the asked round (the newest's by default), or with `seeds` given
    /// outright (a published run's, of a round repro has no rules for).
    static func mlperfConf(_ context: ActionContext) throws -> ConfigFile {
        let given = try context.strings("seeds")
        if !given.isEmpty {
            let numbers = given.compactMap { UInt64($0) }
            guard numbers.count == 3, given.count == 3 else {
                throw ActionError.badParameter(
                    name: "seeds",
                    problem: "expected three whole numbers (qsl, sample index, schedule), found \(given)")
            }
            return try MLPerfConf.file(
                round: "given by the step", seeds: .init(qsl: numbers[0], sampleIndex: numbers[1], schedule: numbers[2])
            )
        }
        let round = try context.optionalString("round") ?? Rules.newest
        let rules: Rules
        do { rules = try Rules.load(round) } catch {
            throw ActionError.badParameter(name: "round", problem: "\(error)")
        }
        let seeds = Dictionary(uniqueKeysWithValues: rules.seeds.map { ($0.key, $0.value) })
        return try MLPerfConf.file(
            round: round,
            seeds: .init(
                qsl: seeds["qsl_rng_seed"] ?? 0, sampleIndex: seeds["sample_index_rng_seed"] ?? 0,
                schedule: seeds["schedule_rng_seed"] ?? 0))
    }

    /// The audit.config of the step: a compliance test's (`audit: TEST01`), or a file (`audit-config`).
    static func audit(_ context: ActionContext, model: String) throws -> ConfigFile? {
        let test = try context.optionalString("audit")
        let path = try context.optionalString("audit-config")
        switch (test, path) {
        case (nil, nil): return nil
        case (let test?, nil):
            guard let t = AuditConfig.Test(rawValue: test) else {
                throw ActionError.badParameter(name: "audit", problem: "expected TEST01 or TEST04, found '\(test)'")
            }
            return try AuditConfig.file(t, model: model)
        case (nil, let path?):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ActionError.badParameter(name: "audit-config", problem: "cannot read \(path)")
            }
            return try ConfigFile(path: path, text: text)
        case (_?, _?):
            throw ActionError.badParameter(name: "audit", problem: "give 'audit' or 'audit-config', not both")
        }
    }

    static func userConf(_ context: ActionContext, model: String, scenario: TestScenario) throws -> String {
        var text = ""
        if let path = try context.optionalString("user-conf") {
            text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        for (key, value) in (context.with["settings"]?.mapValue ?? [:]).sorted(by: { $0.key < $1.key })
        where value != .null {
            text +=
                (key.contains(".") ? key : "\(model).\(scenario.rawValue).\(key)") + " = " + value.interpolated + "\n"
        }
        return text
    }

    static func powerSampler(_ context: ActionContext, mode: TestMode) throws -> (
        sampler: PowerSampler?, unavailable: String?
    ) {
        let name = try context.optionalString("power") ?? "auto"
        guard let kind = PowerSourceKind(rawValue: name) else {
            throw ActionError.badParameter(
                name: "power",
                problem:
                    "expected one of \(PowerSourceKind.allCases.map(\.rawValue).joined(separator: ", ")), found '\(name)'"
            )
        }
        if kind == .none || mode == .accuracyOnly { return (nil, nil) }
        do {
            return (
                try PowerSampler(
                    kind: kind, interval: try context.double("power-interval", default: 0.25),
                    root: try context.optionalString("power-root") ?? "",
                    command: (try? context.strings("power-command")) ?? []), nil
            )
        } catch {
            return (nil, "\(error)")
        }
    }

    static func labels(_ context: ActionContext, setup: SUTSetup) throws -> [Int32]? {
        var path = try context.optionalString("labels")
        if path == nil, let data = try context.optionalString("data") { path = data + "/val-labels.rpt" }
        guard let path, path != "none" else { return nil }
        return try readLabels(path)
    }

    /// An int32 labels tensor (a preprocess step's `val-labels.rpt`), indexed by QSL index.
    static func readLabels(_ path: String) throws -> [Int32] {
        let t = try MappedTensor(path: path)
        try t.expect(.int32, rank: 1)
        return Array(UnsafeBufferPointer(start: t.ints, count: t.count))
    }
}

/// `accuracy` (see `AccuracySpec`).
struct AccuracyAction: Implementation {
    let spec = AccuracySpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        var log = try context.string("log")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: log, isDirectory: &isDirectory), isDirectory.boolValue {
            log += "/mlperf_log_accuracy.json"
        }
        var labels: [Int32]?
        if let path = try context.optionalString("labels"), path != "none" {
            labels = try LoadGenAction.readLabels(path)
        }
        let result = try AccuracyScript.evaluate(accuracyLog: log, labels: labels)
        let hash = try Digests.file(log).sha256
        try FileOps.write(result.line + "\nhash=\(hash)\n", to: context.outDir + "/accuracy.txt")
        context.log.out(result.line)
        return [
            "accuracy": .double(result.accuracy), "good": .int(result.good), "total": .int(result.total),
            "accuracy_txt": .string(context.outDir + "/accuracy.txt"), "accuracy_log_sha256": .string(hash),
        ]
    }
}

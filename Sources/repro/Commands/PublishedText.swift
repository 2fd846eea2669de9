import Reproduction
import Submission
import Workflow

/// A published MLPerf result's reproduction as text: the derived request (`--plan`), then the verdict.
enum PublishedText {
    static func plan(_ p: PublishedReproduction) -> String {
        let r = p.result
        let log = r.performance
        var lines: [String] = []
        lines.append("published result  \(r.location.name)")
        var made = "\(r.location.division) division, submitter \(r.location.submitter)"
        if let tool = r.tool {
            made += ", made with \(tool.name)"
            if let src = tool.inferenceSource { made += " (mlcommons/inference \(src))" }
        }
        lines.append("                  \(made)")
        lines.append(
            "                  LoadGen \(log.string("loadgen_version") ?? "?"), SUT '\(log.string("sut_name") ?? "?")'")
        var published: [String] = []
        let (metric, value, _) = p.timedMetric
        if let value { published.append("\(metric) \(PublishedTextFormat.number(value))") }
        published.append(log.string("result_validity") ?? "?")
        if let a = r.accuracy { published.append(a.line) }
        lines.append("  published       " + published.joined(separator: ", "))
        // The harness command (the console output's first line), else the commands of the measurements' README.
        if let command = r.console?.text.split(separator: "\n").first {
            lines.append("  harness         \(command)")
        } else {
            for command in r.readmeCommands.prefix(3) { lines.append("  published with  \(command)") }
        }
        lines.append("")
        lines.append("benchmark         \(p.benchmark.rawValue), scenario \(p.settings.scenario.rawValue)")
        lines.append("recipe            \(p.selection): mode=\(p.modes.joined(separator: ", then mode="))")
        lines.append("")
        lines.append(
            "LoadGen settings  (as published: the detail log's requested values, user.conf's text where it agrees)")
        var rows: [[String]] = []
        for s in p.settings.inputs { rows.append(["  " + s.name, s.value, s.source]) }
        switch p.settings.seeds {
        case .round(let round):
            rows.append(["  seeds", "round \(round)", "the detail log's effective seeds are \(round)'s"])
        case .given(let seeds):
            rows.append([
                "  seeds", seeds.map(String.init).joined(separator: ", "),
                "the detail log's (a round repro has no rules for)",
            ])
        }
        if let conf = r.userConf {
            let lines = conf.text.split(separator: "\n").count
            rows.append([
                "  user.conf", "\(lines) line\(lines == 1 ? "" : "s")", "as published: " + display(conf.path, p),
            ])
        } else {
            rows.append(["  user.conf", "none", "none published"])
        }
        for c in p.settings.corrections { rows.append(["  + " + c.name, c.value, c.source]) }
        lines.append(Output.table(rows))
        lines.append(
            "                  \(p.settings.checked) requested settings of the detail log checked; "
                + (p.settings.corrections.isEmpty
                    ? "all as repro's mlperf.conf and user.conf give them"
                    : "\(p.settings.corrections.count) set by the lines marked +"))
        lines.append("")
        var sut = "\(p.sut.kind.rawValue): \(p.sut.note)"
        if p.sut.kind == .onnxruntime {
            sut =
                "onnxruntime \(p.inputs["onnxruntime"]?.stringValue ?? "(the recipe's)")"
                + (p.inputs["numpy"].map { ", numpy \($0.interpolated)" } ?? "") + ": \(p.sut.note)"
        }
        lines.append("SUT               \(sut)")
        var threads = "threads \(p.inputs["threads"]?.interpolated ?? "?")"
        if let t = p.sut.publishedThreads { threads += " (published --threads \(t))" }
        if let b = p.inputs["batch"] { threads += ", batch \(b.interpolated)" }
        lines.append("                  \(threads)")
        lines.append("model             \(modelLine(p))")
        lines.append("                  published: \(p.model.published)" + modelTypes(r))
        lines.append("dataset           \(datasetLine(p))")
        if !p.overrides.isEmpty {
            lines.append("")
            lines.append(
                "given             "
                    + p.overrides.map { o in
                        "\(o.name)=\(o.value)" + (o.replaces.isEmpty ? "" : " (instead of \(o.replaces))")
                    }.joined(separator: "\n                  "))
        }
        lines.append("")
        lines.append(
            machine(p.machine, framework: p.sut.publishedFramework, here: sutHere(p), same: p.sut.sameFramework))
        let why = p.timingNotComparable
        lines.append(
            why.isEmpty
                ? "                  the same system, framework and settings: \(metric) will be judged within ±10 %"
                : "                  \(metric) will be reported, not judged: " + why.joined(separator: "; "))
        lines.append("")
        if p.missing.isEmpty {
            lines.append("ready to run: repro reproduce without --plan")
        } else {
            lines.append("to run, give      " + p.missing.joined(separator: "\n                  "))
        }
        return lines.joined(separator: "\n")
    }

    static func display(_ path: String, _ p: PublishedReproduction) -> String {
        let root = p.result.location.submitterFolder + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    static func modelLine(_ p: PublishedReproduction) -> String {
        switch p.model.source {
        case .fetched(let variation):
            return "resnet50-onnx-model,_\(variation): \(p.model.note)"
        case .file(let path):
            return "\(path): \(p.model.note)"
        case .missing:
            return "not resolved: \(p.model.note)"
        }
    }

    static func modelTypes(_ r: MLCommonsResult) -> String {
        let fields = ["weight_data_types", "input_data_types", "weight_transformations", "retraining"].compactMap {
            k in r.model[k].map { "\(k) \($0)" }
        }
        return fields.isEmpty ? "" : " (\(fields.joined(separator: ", ")))"
    }

    static func datasetLine(_ p: PublishedReproduction) -> String {
        let total = p.publishedTotal.map { " of the published \($0)" } ?? ""
        let images = "\(p.count) images\(total)"
        guard let imagenet = p.imagenet else { return "ImageNet 2012 validation, not given (imagenet=); \(images)" }
        return "\(imagenet); \(images)"
    }

    static func sutHere(_ p: PublishedReproduction) -> String {
        p.sut.kind == .onnxruntime
            ? "onnxruntime \(p.inputs["onnxruntime"]?.stringValue ?? "(the recipe's)") (repro's SUT)"
            : "repro's kernels"
    }

    static func machine(_ m: MachineComparison, framework: String, here: String, same: Bool) -> String {
        var rows = [["machine", "PUBLISHED (systems/*.json)", "THIS HOST", ""]]
        for row in m.rows {
            rows.append(["  " + row.field, row.published, row.here, row.differs ? "differs" : "same"])
        }
        rows.append(["  framework", framework, here, same ? "same" : "differs"])
        var text = Output.table(rows)
        text += "\n                  " + (m.sameSystem ? "the same system" : "a different system")
        return text
    }

    /// The verdict: one row per value, the effective settings, the machine, and the conclusion in words.
    static func verdict(_ report: ReproductionReport, _ p: PublishedReproduction) -> String {
        var lines: [String] = []
        var rows = [["RESULT", "METRIC", "PUBLISHED", "REPRODUCED", "DIFFERENCE", "ALLOWED", "VERDICT"]]
        for v in report.verdicts where v.kind == .metric || v.kind == .validity {
            rows.append([v.subject, v.name, v.published, v.reproduced, v.difference, v.allowed, VerdictText.word(v)])
        }
        lines.append(Output.table(rows))
        let settings = report.verdicts.filter { $0.kind == .setting }
        if !settings.isEmpty {
            let same = settings.filter { $0.outcome == .ok }.count
            lines.append("LoadGen settings: \(same) of \(settings.count) effective settings as published")
            for v in settings where v.outcome != .ok {
                lines.append("  \(v.name): \(v.published) → \(v.reproduced): \(VerdictText.word(v))")
            }
        }
        if !report.machine.isEmpty {
            lines.append("published system → this host:")
            for m in report.machine { lines.append("  " + m.description) }
        }
        lines.append(p.conclusion(report))
        return lines.joined(separator: "\n")
    }
}

/// Numbers as a published summary shows them: up to three decimals.
enum PublishedTextFormat {
    static func number(_ v: Double) -> String {
        let r = (v * 1000).rounded() / 1000
        return r == r.rounded() && abs(r) < 1e15 ? String(Int64(r)) : "\(r)"
    }
}

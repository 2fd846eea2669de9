import Basics
import Foundation
import Recipes
import Workflow

extension PublishedReproduction {
    /// The inputs an imported recipe declares, so a user can change them on the command line (the rest are
    /// written into its needs, where they can be edited).
    static let importedInputs: [(name: String, type: String)] = [
        ("imagenet", "path"), ("imagenet_sha256", "string"), ("count", "int"), ("threads", "int"),
        ("min_duration_ms", "int"), ("min_query_count", "int"),
    ]

    /// The request as an ordinary recipe (`repro import`): the benchmark's recipe needed once per mode with the
    /// derived inputs, a table of the published values beside the reproduced ones, and the provenance in `doc`:
    /// where the result came from, its files' SHA-256, the published machine and figures, and how each setting was
    /// derived. `repro run NAME` accepts it; `source` is the folder as the user named it.
    public func recipeText(source: String) -> String {
        var lines: [String] = []
        let r = result
        let metric = timedMetric
        lines.append("# Written by `repro import \(source)`: edit it as you like; `repro run` runs it.")
        lines.append(
            "summary: "
                + yaml(
                    "Reproduce \(r.location.submitter)'s \(r.location.benchmark) \(settings.scenario.rawValue) result "
                        + "(MLPerf Inference, \(r.location.division) division) on this machine"))
        lines.append("doc: |")
        for line in provenance(source: source) { lines.append("  " + line) }
        lines.append("tags: [mlperf, reproduction, \(benchmark.rawValue)]")
        lines.append("inputs:")
        for (name, type) in PublishedReproduction.importedInputs {
            let value = inputs[name]
            var fields = ["type: \(type)"]
            if let value, value != .null { fields.append("default: \(yaml(value))") }
            if name == "imagenet_sha256" && value == nil { fields.append("default: \"\"") }
            fields.append("doc: " + yaml(inputDoc(name)))
            lines.append("  \(name): {\(fields.joined(separator: ", "))}")
        }
        lines.append("needs:")
        for (mode, requestInputs) in requests {
            lines.append("  \(mode):")
            lines.append("    recipe: \(benchmark.recipe)")
            if case .fetched(let variation) = model.source, variation != "opset8" {
                lines.append("    variations: [\(variation)]")
            }
            lines.append("    with:")
            for (name, value) in requestInputs.sorted(by: { $0.key < $1.key }) {
                let exposed = PublishedReproduction.importedInputs.contains { $0.name == name }
                lines.append(
                    "      \(name): " + (exposed ? yaml("${{ inputs.\(name) }}", literal: false) : yaml(value)))
            }
            if requestInputs["imagenet"] == nil {
                lines.append("      imagenet: " + yaml("${{ inputs.imagenet }}", literal: false))
                lines.append("      imagenet_sha256: " + yaml("${{ inputs.imagenet_sha256 }}", literal: false))
            }
        }
        lines.append("run:")
        lines.append("  action: table")
        lines.append("  with:")
        lines.append(
            "    title: " + yaml("\(r.location.name): published and reproduced (not judged: repro reproduce judges)"))
        lines.append("    columns: [[value, VALUE], [published, PUBLISHED], [reproduced, REPRODUCED]]")
        lines.append("    rows:")
        if let a = r.accuracy, modes.contains("accuracy") {
            lines.append(
                "      - {value: accuracy, published: \(yaml(PublishedSettings.text(a.percent))), reproduced: "
                    + yaml("${{ needs.accuracy.outputs.accuracy }}", literal: false) + "}")
        }
        lines.append(
            "      - {value: result, published: \(yaml(r.performance.string("result_validity") ?? "")), reproduced: "
                + yaml("${{ needs.performance.outputs.result }}", literal: false) + "}")
        if let value = metric.published {
            lines.append(
                "      - {value: \(metric.name), published: \(yaml(PublishedSettings.text((value * 1000).rounded() / 1000))), "
                    + "reproduced: " + yaml("${{ needs.performance.outputs.\(metric.name) }}", literal: false) + "}")
        }
        lines.append("outputs:")
        lines.append("  table: ${{ run.outputs.text }}")
        if modes.contains("accuracy") { lines.append("  accuracy: ${{ needs.accuracy.outputs.accuracy }}") }
        lines.append("  result: ${{ needs.performance.outputs.result }}")
        lines.append("  \(metric.name): ${{ needs.performance.outputs.\(metric.name) }}")
        return lines.joined(separator: "\n") + "\n"
    }

    func inputDoc(_ name: String) -> String {
        switch name {
        case "imagenet":
            return "the ImageNet 2012 validation folder (JPEGs and val_map.txt), or the URL of an archive of it"
        case "imagenet_sha256": return "when imagenet is a URL: the archive's SHA-256"
        case "count": return "images to run (published: \(publishedTotal.map(String.init) ?? "unknown"))"
        case "threads":
            return "SUT threads (published: \(sut.publishedThreads.map { "--threads \($0)" } ?? "not said"))"
        default:
            let published = settings.inputs.first { $0.name == name }
            return "published: \(published?.value ?? "not said")"
        }
    }

    /// The `doc` of an imported recipe: where it came from and how it was derived.
    func provenance(source: String) -> [String] {
        let r = result
        let root = r.location.submitterFolder + "/"
        func relative(_ p: String) -> String { p.hasPrefix(root) ? String(p.dropFirst(root.count)) : p }
        var out = [
            "Derived by `repro import` from a published MLPerf Inference result. `repro reproduce \(source)` runs the",
            "same request and judges it; this recipe runs it and shows the values side by side.",
            "",
            "Source: \(source)",
            "Result: \(r.location.name)",
        ]
        let s = r.system
        out.append(
            "System: \(s["system_name"] ?? "?"): \(s["host_processor_model_name"] ?? "?"), "
                + "\(s["host_processors_per_node"] ?? "?") x \(s["host_processor_core_count"] ?? "?") cores, "
                + "\(s["host_memory_capacity"] ?? "?") memory, \(s["accelerators_per_node"] ?? "?") accelerators; "
                + "\(s["operating_system"] ?? "?"); framework \(s["framework"] ?? "?")")
        if let tool = r.tool {
            out.append("Made with: \(tool.name)" + (tool.inferenceSource.map { " (mlcommons/inference \($0))" } ?? ""))
        }
        var published = [r.performance.string("result_validity") ?? "?"]
        if let v = timedMetric.published { published.insert("\(timedMetric.name) \(PublishedSettings.text(v))", at: 0) }
        if let a = r.accuracy { published.append(a.line) }
        out.append("Published: " + published.joined(separator: ", "))
        out.append("Files (SHA-256):")
        var files = [r.location.systemFile, r.performance.path]
        if let conf = r.userConf, conf.path.hasPrefix(root) { files.append(conf.path) }
        if let m = r.modelFile { files.append(m) }
        if let a = r.accuracy { files.append(a.path) }
        for f in files {
            out.append("  \((try? Digests.file(f).sha256) ?? "unreadable")  \(relative(f))")
        }
        out.append("Settings:")
        for setting in settings.inputs { out.append("  \(setting.name) = \(setting.value): \(setting.source)") }
        for c in settings.corrections { out.append("  user.conf + \(c.name) = \(c.value): \(c.source)") }
        out.append("SUT: \(sut.note)")
        out.append("Model: \(model.note) (published: \(model.published))")
        for o in overrides {
            out.append(
                "Given at import: \(o.name)=\(o.value)" + (o.replaces.isEmpty ? "" : " (instead of \(o.replaces))"))
        }
        return out.map { $0.replacingOccurrences(of: "${{", with: "$${{") }
    }

    /// A value as YAML (JSON's forms, which YAML reads): strings quoted, with `${{` escaped unless `literal` is
    /// false (an expression the recipe means).
    func yaml(_ value: Value) -> String {
        switch value {
        case .string(let s): return yaml(s)
        case .list(let items): return "[" + items.map(yaml).joined(separator: ", ") + "]"
        case .int(let i): return "\(i)"
        case .double(let d): return "\(d)"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        default: return yaml(value.interpolated)
        }
    }

    func yaml(_ text: String, literal: Bool = true) -> String {
        JSONString.quoted(literal ? text.replacingOccurrences(of: "${{", with: "$${{") : text)
    }
}

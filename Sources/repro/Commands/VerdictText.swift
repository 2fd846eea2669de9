import Recipes
import Reproduction
import Workflow

/// A reproduction's report as text: the values as a table, then the recipes, the tarball and the tree, the
/// machine, and the verdict.
enum VerdictText {
    /// The report as `repro reproduce --json` prints it.
    static func json(_ r: ReproductionReport, manifest: String) -> Value {
        let verdicts: [Value] = r.verdicts.map { v in
            .map([
                "kind": .string(v.kind.rawValue), "subject": .string(v.subject), "name": .string(v.name),
                "published": .string(v.published), "reproduced": .string(v.reproduced),
                "difference": .string(v.difference), "allowed": .string(v.allowed),
                "outcome": .string(v.outcome.rawValue),
                "note": .string(v.note),
            ])
        }
        let machine: [Value] = r.machine.map { m in
            .map([
                "key": .string(m.key), "published": m.published.map(Value.string) ?? .null,
                "reproduced": m.reproduced.map(Value.string) ?? .null, "nodes": .list(m.nodes.map(Value.string)),
            ])
        }
        return .map([
            "reproduced": .bool(r.reproduced), "run_status": .string(r.runStatus.rawValue),
            "manifest": .string(manifest), "failed": .int(r.failed.count), "verdicts": .list(verdicts),
            "machine": .list(machine),
        ])
    }

    static func report(_ r: ReproductionReport) -> String {
        var lines: [String] = []
        var rows = [["NODE", "METRIC", "PUBLISHED", "REPRODUCED", "DIFFERENCE", "ALLOWED", "VERDICT"]]
        for v in r.values {
            rows.append([v.subject, v.name, v.published, v.reproduced, v.difference, v.allowed, word(v)])
        }
        if rows.count > 1 { lines.append(Output.table(rows)) }
        for v in r.verdicts where v.kind == .run { lines.append(line(v)) }

        let recipes = r.verdicts.filter { $0.kind == .recipe }
        let asPublished = Set(recipes.map(\.subject)).subtracting(recipes.filter { $0.outcome != .ok }.map(\.subject))
        if !recipes.isEmpty {
            lines.append("recipes: \(asPublished.count) of \(Set(recipes.map(\.subject)).count) as published")
        }
        for v in recipes where v.outcome != .ok { lines.append("  " + line(v)) }

        for v in r.verdicts where v.kind == .tarball { lines.append(line(v)) }
        let files = r.verdicts.filter { $0.kind == .file }
        if !files.isEmpty {
            let same = files.filter { $0.outcome == .ok }.count
            let timed = files.filter { $0.outcome == .note && $0.allowed == "timed" }.count
            let machine = files.filter { $0.outcome == .note && $0.allowed == "machine" }.count
            var summary = "tree: \(same) of \(files.count) files the same"
            if timed > 0 { summary += ", \(timed) timed logs differ (as on every run)" }
            if machine > 0 { summary += ", \(machine) describing the machine differ" }
            let order = files.filter { $0.outcome == .note && $0.allowed == "completionOrder" }.count
            if order > 0 { summary += ", \(order) accuracy logs in another completion order" }
            lines.append(summary)
            for v in files where v.outcome == .failed { lines.append("  " + line(v)) }
        }

        if !r.machine.isEmpty {
            lines.append("machine and build differences" + (r.failed.isEmpty ? ":" : " (a likely cause of the above):"))
            for m in r.machine { lines.append("  " + m.description) }
        }
        let failed = r.failed.count
        let checked = r.verdicts.filter { $0.outcome != .note }.count
        if r.reproduced {
            lines.append("reproduced: all \(r.values.count) values agree (\(checked) checks)")
        } else if r.values.isEmpty {
            lines.append("NOT reproduced: no value was compared")
        } else {
            lines.append("NOT reproduced: \(failed) of \(checked) checks differ")
        }
        return lines.joined(separator: "\n")
    }

    static func word(_ v: Verdict) -> String {
        switch v.outcome {
        case .ok: v.note.isEmpty ? "ok" : "ok (\(v.note))"
        case .failed: v.note.isEmpty ? "FAILED" : "FAILED: \(v.note)"
        case .note: v.note
        }
    }

    /// One verdict that is not a table row: `tarball sha256 1a2b… → 3c4d…: differs (…)`.
    static func line(_ v: Verdict) -> String {
        let label =
            switch v.kind {
            case .recipe: "recipe \(v.subject) \(v.name)"
            case .tarball: "tarball \(v.name)"
            case .file: v.subject
            default: "\(v.subject) \(v.name)"
            }
        let values = v.published == v.reproduced ? v.published : "\(v.published) → \(v.reproduced)"
        return "\(label): \(values): \(word(v))"
    }
}

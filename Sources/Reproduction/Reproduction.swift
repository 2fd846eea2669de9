import Recipes
import Workflow

/// The verdict engine of `repro reproduce`: a published result against its reproduction, value by value.
///
/// - Exact values must be equal: metrics with `better: equal` and no tolerance (a seeded accuracy), LoadGen's
///   VALID/INVALID, the files of a submission tree that hold no timing, and the outputs of every cached step that
///   ran again under its published key (the cache promises that the same key gives the same result).
/// - A timed value is judged two-sided: the reproduced value (the median, when it ran several times) must lie
///   within the published spread (min to max of the published repetitions; the value itself when it ran once)
///   widened on both sides by the recipe's tolerance (±10 % when it states none). A value twice as fast did not
///   reproduce either; `acceptBetter` turns that off for values beyond the spread in the good direction.
/// - Recipes, the tarball and the tree are compared as `ReproductionSetup` and `Reproduction+Tree` describe; the
///   machine comparison lists every difference.
public enum Reproduction {
    /// What a stated tolerance of 0 on a timed value becomes (a timing is never exact).
    public static let defaultTimedTolerance = 0.10

    public static func judge(
        _ published: PublishedResult, reproduced: Manifest, setup: [Verdict], cache: CacheStore,
        runStatus: RunSummary.Status, acceptBetter: Bool = false, timedTolerance: Double? = nil,
        exactOnly: Bool = false
    ) -> ReproductionReport {
        var verdicts = setup
        verdicts += values(
            published.manifest, reproduced, acceptBetter: acceptBetter, timedTolerance: timedTolerance,
            exactOnly: exactOnly)
        verdicts += recipesNotPublished(published.manifest, reproduced)
        verdicts += tree(published, reproduced, cache: cache)
        return ReproductionReport(
            verdicts: verdicts, machine: machineDifferences(published.manifest, reproduced), runStatus: runStatus)
    }

    /// Every metric and LoadGen result of every published node, in node order.
    static func values(
        _ published: Manifest, _ reproduced: Manifest, acceptBetter: Bool, timedTolerance: Double? = nil,
        exactOnly: Bool = false
    ) -> [Verdict] {
        var out: [Verdict] = []
        let now = Dictionary(reproduced.nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for node in published.nodes {
            guard let result = node.result else { continue }
            guard let again = now[node.id] else {
                out.append(
                    Verdict(
                        kind: .run, subject: node.id, name: "node", published: node.status.rawValue,
                        reproduced: "not planned", difference: "differs", outcome: .failed,
                        note: "the published node is not in the reproduction's plan"))
                continue
            }
            for (name, value) in result.metrics.sorted(by: { $0.key < $1.key }) {
                let r = again.metrics[name]
                if value == .null && (r == nil || r == .null) { continue }  // not measured in this mode, then or now
                let spec = result.metricSpecs[name] ?? Manifest.MetricRecord(better: .equal, tolerance: 0, unit: nil)
                out.append(
                    metric(
                        node.id, name, value, spread: result.spread[name], reproduced: r,
                        reproducedSpread: again.result?.spread[name], spec: spec, acceptBetter: acceptBetter,
                        timedTolerance: timedTolerance, exactOnly: exactOnly))
            }
            for name in again.metrics.keys.sorted() where result.metrics[name] == nil {
                out.append(
                    Verdict(
                        kind: .metric, subject: node.id, name: name, published: "absent",
                        reproduced: again.metrics[name]!.interpolated, outcome: .note,
                        note: "not in the published result"))
            }
            // The cache's own promise: the same key gives the same result. A step that ran again under the
            // published key (same inputs, recipe, code and dependency results) must give the same outputs.
            if node.policy == .reuse, let key = node.key, key == again.key, let r = again.result {
                let same = r.outputsSHA256 == result.outputsSHA256
                out.append(
                    Verdict(
                        kind: .outputs, subject: node.id, name: "outputs",
                        published: String(result.outputsSHA256.prefix(12)),
                        reproduced: String(r.outputsSHA256.prefix(12)), difference: same ? "" : "differs",
                        outcome: same ? .ok : .failed,
                        note: same
                            ? ""
                            : "same key, other outputs: the step is not deterministic, so its cached result "
                                + "cannot stand for a new run"))
            }
            if let p = node.outputs["result"]?.stringValue {
                let r = again.outputs["result"]?.stringValue ?? "missing"
                out.append(
                    Verdict(
                        kind: .validity, subject: node.id, name: "result", published: p, reproduced: r,
                        difference: p == r ? "" : "differs", outcome: p == r ? .ok : .failed))
            }
        }
        return out
    }

    /// One metric, published against reproduced. With `exactOnly` (a noisy machine such as CI), a timed value outside
    /// what is allowed is still judged and printed, but as a note that does not count.
    static func metric(
        _ node: String, _ name: String, _ published: Value, spread: MetricSpread?, reproduced: Value?,
        reproducedSpread: MetricSpread?, spec: Manifest.MetricRecord, acceptBetter: Bool,
        timedTolerance: Double? = nil, exactOnly: Bool = false
    ) -> Verdict {
        func line(_ r: String, _ difference: String, _ allowed: String, _ outcome: Verdict.Outcome, _ note: String = "")
            -> Verdict
        {
            Verdict(
                kind: .metric, subject: node, name: name, published: shown(published, spread), reproduced: r,
                difference: difference, allowed: allowed, outcome: outcome, note: note)
        }
        guard let reproduced, reproduced != .null else {
            return line("missing", "", "", .failed, "the reproduction did not report it")
        }
        let exact = spec.better == .equal && spec.tolerance == 0
        guard let a = published.doubleValue, let b = reproduced.doubleValue, !exact else {
            // Exact: every digit (a seeded accuracy that moved in the 7th digit did not reproduce).
            let same =
                published == reproduced
                || (published.doubleValue != nil && published.doubleValue == reproduced.doubleValue)
            return line(
                same ? shown(reproduced, reproducedSpread) : reproduced.interpolated, same ? "" : "differs", "exact",
                same ? .ok : .failed)
        }
        let stated = spec.tolerance > 0 ? spec.tolerance : defaultTimedTolerance
        let tolerance = spec.better == .equal ? spec.tolerance : (timedTolerance ?? stated)
        if let s = spread, s.median != a {
            return line(
                shown(reproduced, reproducedSpread), "", "", .failed,
                "the published value is not the median of its published spread: the manifest was edited")
        }
        let low = (spread?.min ?? a) - tolerance * abs(spread?.min ?? a)
        let high = (spread?.max ?? a) + tolerance * abs(spread?.max ?? a)
        let change = MetricSpec.Direction.relativeChange(from: spread?.median ?? a, to: b)
        let difference = change.isFinite ? percent(change) : "differs"
        let widened = "±\(TextOutput.number(tolerance * 100))%"
        let allowed =
            "\(TextOutput.number(low))–\(TextOutput.number(high)) (\(spread == nil ? "value" : "spread") \(widened))"
        let reproducedText = shown(reproduced, reproducedSpread)
        if b >= low && b <= high { return line(reproducedText, difference, allowed, .ok) }
        let better = spec.better == .higher ? b > high : spec.better == .lower ? b < low : false
        let word = spec.better == .lower ? (b < low ? "lower" : "higher") : (b > high ? "higher" : "lower")
        if better && acceptBetter {
            return line(reproducedText, difference, allowed, .ok, "\(word) than published: better, accepted")
        }
        let why = better ? "\(word) than published: better, but not what was published" : "\(word) than published"
        if exactOnly { return line(reproducedText, difference, allowed, .note, "not judged (--exact-only): " + why) }
        return line(reproducedText, difference, allowed, .failed, why)
    }

    /// A recipe the reproduction used that the published manifest does not hold: the local one ran.
    static func recipesNotPublished(_ published: Manifest, _ reproduced: Manifest) -> [Verdict] {
        reproduced.recipes.keys.sorted().filter { published.recipes[$0] == nil }.map { name in
            Verdict(
                kind: .recipe, subject: name, name: "text", published: "missing",
                reproduced: String(reproduced.recipes[name]!.sha256.prefix(12)), difference: "differs",
                outcome: .failed, note: "not in the published manifest: the local recipe ran")
        }
    }

    /// A value as the table shows it: with its spread when it ran several times (`2.1 [1.9–2.3, n=3]`).
    static func shown(_ v: Value, _ spread: MetricSpread?) -> String {
        let text = v.doubleValue.map { TextOutput.number($0) } ?? v.interpolated
        guard let s = spread, s.count > 1, s.min != s.max else { return text }
        return "\(text) [\(TextOutput.number(s.min))–\(TextOutput.number(s.max)), n=\(s.count)]"
    }

    static func percent(_ change: Double) -> String {
        let p = (change * 1000).rounded() / 10
        return (p >= 0 ? "+" : "") + "\(p)%"
    }
}

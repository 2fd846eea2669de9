import ArgumentParser
import Basics
import Foundation
import History
import Recipes
import Runners
import Workflow

/// A share on the command line: `5%` or `0.05`.
struct Share: ExpressibleByArgument, CustomStringConvertible {
    let value: Double
    let description: String

    init?(argument: String) {
        let v = argument.hasSuffix("%") ? Double(argument.dropLast()).map { $0 / 100 } : Double(argument)
        guard let v, v >= 0, v.isFinite else { return nil }
        value = v
        description = argument
    }

    static var defaultCompletionKind: CompletionKind { .list(["5%", "10%"]) }
}

extension Baseline: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var defaultCompletionKind: CompletionKind { .list(["last", "best"]) }
}

/// Numbers, changes and series as the history commands print them.
enum HistoryText {
    static func number(_ v: Double?) -> String { v.map(TextOutput.number) ?? "-" }
    static func percent(_ c: Double?) -> String { c.map { String(format: "%+.1f%%", $0 * 100) } ?? "-" }

    static func verdict(_ j: MetricJudgement) -> String { j.rawValue }

    /// A metric change as `regress --json` and `compare --json` print it.
    static func json(_ c: MetricChange, threshold: Double?) -> Value {
        let tolerance = c.tolerance(override: threshold)
        func number(_ v: Double?) -> Value { v.map(Value.double) ?? .null }
        return .map([
            "node": .string(c.node), "metric": .string(c.name), "unit": c.unit.map(Value.string) ?? .null,
            "series": .string(c.series), "run": .string(c.run),
            "baseline_run": c.baselineRun.map(Value.string) ?? .null,
            "baseline": number(c.baseline), "value": number(c.current), "change": number(c.change),
            "better": .string(c.better.rawValue), "tolerance": .double(tolerance.value),
            "tolerance_from": .string(tolerance.source),
            "verdict": c.judgement(threshold: threshold).map { .string($0.rawValue) } ?? .null,
            "new_series": c.follows.map { .list($0.differences.map(Value.string)) } ?? .null,
        ])
    }
}

/// `--since`: a duration back from now (`90m`, `12h`, `2d`), a time (`2026-12-06T03:00`, UTC) or a run
/// (`last~3`, an id or prefix).
struct Since: ExpressibleByArgument {
    let text: String

    init?(argument: String) { text = argument }

    /// The ISO 8601 time it names (see `HistoryQuery.start`).
    func start(runs: RunStore) throws -> String { try HistoryQuery.start(since: text, runs: runs) }
}

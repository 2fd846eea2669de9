import Foundation

/// LoadGen's `FindPeakPerformance` mode (mode 3, Server only): the user's target QPS must meet the latency bound;
/// the upper bound grows by `1 + server_find_peak_qps_boundary_step_size` (doubling by default) until a run fails
/// it, then the interval is halved until its ends agree to `server_find_peak_qps_decimals_of_precision` decimals.
/// Every trial is a full performance pass; the logs report the highest QPS that met the bound.
extension Test {
    mutating func findPeak(_ base: EffectiveSettings, _ errors: [String]) throws(LoadGenError) -> (
        PerformanceSummary?, ClosedRange<Double>?, [String]
    ) {
        detail.log("generic_message", .string("Starting FindPeakPerformance mode"))
        detail.log(
            "generic_message",
            .string("FindPeakPerformance: Check validity of the base settings field: \(Test.field(base))"))
        var problems = errors
        var lower = try performancePass(base)
        problems += lower.problems
        guard lower.summary.perfConstraintsMet else {
            detail.log(
                "error_runtime",
                .string(
                    "FindPeakPerformance: Initial lower bound does not satisfy performance constraints, msg: "
                        + lower.summary.perfConstraintsRecommendation), error: true)
            Reports.logResults(detail, lower.summary)
            return (lower.summary, lower.window, problems)
        }
        // Widen until a trial fails the bound.
        var upper: PerformancePass
        while true {
            var wider = lower.summary.settings
            wider.targetQPS *= 1 + base.requested.serverFindPeakQPSBoundaryStepSize
            detail.log(
                "generic_message",
                .string("FindBoundaries: Checking fields [\(Test.field(lower.summary.settings)), \(Test.field(wider)))")
            )
            let trial = try performancePass(wider)
            problems += trial.problems
            if !trial.summary.perfConstraintsMet {
                upper = trial
                break
            }
            lower = trial
        }
        detail.log(
            "generic_message",
            .string(
                "FindPeakPerformance: Found boundaries: [\(Test.field(lower.summary.settings)), "
                    + "\(Test.field(upper.summary.settings)))"))
        // Halve the interval.
        while !Test.finished(lower.summary.settings, upper.summary.settings) {
            var mid = lower.summary.settings
            mid.targetQPS += (upper.summary.settings.targetQPS - lower.summary.settings.targetQPS) / 2
            detail.log(
                "generic_message",
                .string(
                    "FindPeakPerformanceBinarySearch: Testing the mid value of bounds [\(Test.field(lower.summary.settings)), "
                        + "\(Test.field(upper.summary.settings))): \(Test.field(mid))"))
            let trial = try performancePass(mid)
            problems += trial.problems
            if trial.summary.perfConstraintsMet { lower = trial } else { upper = trial }
        }
        detail.log(
            "generic_message",
            .string("FindPeakPerformance: Found peak performance field: \(Test.field(lower.summary.settings))"))
        Reports.logResults(detail, lower.summary)
        return (lower.summary, lower.window, problems)
    }

    /// The searched field as LoadGen prints it (`std::to_string` of the target QPS).
    static func field(_ s: EffectiveSettings) -> String { String(format: "%f", s.targetQPS) }

    /// Whether the bounds agree to the asked number of decimals.
    static func finished(_ lower: EffectiveSettings, _ upper: EffectiveSettings) -> Bool {
        let scale = pow(10, Double(lower.requested.serverFindPeakQPSDecimalsOfPrecision))
        return (lower.targetQPS * scale).rounded(.down) + 1 >= (upper.targetQPS * scale).rounded(.down)
    }
}

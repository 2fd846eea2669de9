/// Which responses a run writes to the accuracy log, chosen as LoadGen chooses them.
///
/// An accuracy run logs every response. A performance run logs a sample when `frac(value + offset) <= p`, where
/// `value` is the sample's own uniform draw, `offset` one uniform draw of a `std::mt19937` seeded with
/// `accuracy_log_rng_seed`, and `p` is `accuracy_log_probability`, or, when `accuracy_log_sampling_target` is set,
/// that target divided by the number of samples the run is expected to complete (TEST01's setting). The per-sample
/// draws come from one generator for the whole test, in the order queries are generated: LoadGen 6.0.17 never seeds
/// it (`SequenceGen::InitAccLogRng` is not called), so it is a default-constructed `std::mt19937` (seed 5489). The
/// draws are only made when sampling is asked for, so a run without it pays nothing.
struct AccuracyLogSampling {
    /// What one pass logs.
    enum Selection {
        case none
        case all
        /// `slots[i]`: whether the response of sample slot `i` is logged.
        case slots([Bool])
    }

    private var values = MT19937(seed: 5489)
    let enabled: Bool

    init(_ settings: EffectiveSettings) {
        enabled = settings.requested.accuracyLogSamplingTarget > 0 || settings.requested.accuracyLogProbability > 0
    }

    /// The selection for a pass over `count` generated sample slots (the draws advance even in accuracy mode, as
    /// LoadGen's do, so a submission run's performance pass gets the same values as a performance run would after
    /// the same accuracy pass).
    mutating func selection(count: Int, settings: EffectiveSettings, accuracy: Bool) -> Selection {
        guard enabled else { return accuracy ? .all : .none }
        var draws = [Double](repeating: 0, count: count)
        for i in 0..<count { draws[i] = values.canonical() }
        if accuracy { return .all }
        var offsetRNG = MT19937(seed: settings.requested.accuracyLogRNGSeed)
        let offset = offsetRNG.canonical()
        let p = AccuracyLogSampling.probability(settings)
        return .slots(
            draws.map { value in
                let v = value + offset < 1 ? value + offset : value + offset - 1
                return v <= p
            })
    }

    /// `accuracy_log_probability`, or the sampling target over the expected completed samples: `target_qps ×
    /// min_duration` (times the samples per query, but in Offline), at least the minimum query count's samples.
    static func probability(_ s: EffectiveSettings) -> Double {
        let target = s.requested.accuracyLogSamplingTarget
        guard target > 0 else { return s.requested.accuracyLogProbability }
        let perDuration = s.targetQPS * Double(s.minDurationMs) / 1000
        var expected = perDuration >= 1.8e19 ? UInt64.max : UInt64(max(0, perDuration))
        var minimum = s.minQueryCount &* s.samplesPerQuery
        if s.scenario != .offline {
            expected = expected &* s.samplesPerQuery
        } else {
            minimum = s.minSampleCount
        }
        return Double(target) / Double(max(expected, minimum))
    }
}

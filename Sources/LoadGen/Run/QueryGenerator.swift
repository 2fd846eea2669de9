/// The samples loaded together for a run (LoadGen's "loadable set"): indices into the QSL, and how many of
/// them are eligible as query starts (MultiStream pads the set with its first samples so a query of N contiguous
/// samples never runs off the end).
struct LoadableSet {
    var samples: [Int]
    var distributionEnd: Int
}

/// Queries generated ahead of the run, as LoadGen does: the samples of each query and when it is scheduled.
struct GeneratedQueries {
    /// The QSL index of each sample slot, query after query.
    var sampleIndices: [Int] = []
    /// The first slot of each query; one more entry than queries (the end).
    var queryStart: [Int] = [0]
    /// Scheduled time of each query, in ns from the start of issuing.
    var scheduledDelta: [UInt64] = []
    /// The schedule's length: the time after the last query (LoadGen's `generated_query_duration`).
    var duration: UInt64 = 0

    var count: Int { scheduledDelta.count }

    mutating func append(_ samples: [Int], at delta: UInt64) {
        sampleIndices += samples
        queryStart.append(sampleIndices.count)
        scheduledDelta.append(delta)
    }
}

enum QueryGenerator {
    /// Shuffles `0..<count` with the QSL seed and cuts it into sets of the performance sample count (LoadGen's
    /// `GenerateLoadableSets`).
    static func loadableSets(settings: EffectiveSettings, count total: Int, qslTotal: Int) -> [LoadableSet] {
        var rng = MT19937(seed: settings.requested.qslRNGSeed)
        var samples = Array(0..<min(total, qslTotal))
        rng.shuffle(&samples)
        let size = max(1, Int(settings.performanceSampleCount))
        let padding = settings.scenario == .multiStream ? Int(settings.samplesPerQuery) - 1 : 0
        var sets: [LoadableSet] = []
        var start = 0
        while start < samples.count {
            let end = min(start + size, samples.count)
            var set = Array(samples[start..<end])
            let n = set.count
            for i in 0..<padding { set.append(set[i % n]) }
            sets.append(LoadableSet(samples: set, distributionEnd: n))
            start = end
        }
        return sets
    }

    /// LoadGen's `GenerateQueries`: enough queries for twice the target duration (the Server's schedule only
    /// once) and at least the minimum query count; in accuracy mode every loaded sample once.
    static func generate(settings s: EffectiveSettings, set: LoadableSet, accuracy: Bool) -> GeneratedQueries {
        let loaded = set.samples
        let scenario = s.scenario
        var genDuration = UInt64(scenario == .server ? 1 : 2) * s.targetDurationMs * 1_000_000
        var minQueries = Int(s.minQueryCount)
        var samplesPerQuery = Int(s.samplesPerQuery)
        if accuracy && scenario == .offline { samplesPerQuery = set.distributionEnd }
        let unique = accuracy || s.requested.performanceIssueUnique
        if unique {
            genDuration = 0
            minQueries = loaded.count / max(1, samplesPerQuery)
        }
        var sampleRNG = MT19937(seed: s.requested.sampleIndexRNGSeed)
        var scheduleRNG = MT19937(seed: s.requested.scheduleRNGSeed)
        let stride = scenario == .multiStream ? samplesPerQuery : 1
        // The shuffled list of query starts used when each sample must come once.
        var uniqueStarts = Array(Swift.stride(from: 0, to: set.distributionEnd, by: stride))
        sampleRNG.shuffle(&uniqueStarts)
        // LoadGen also builds its equal-issue distribution every time (one shuffle of the loaded set per set's
        // worth of minimum queries), whether or not it is used: the draws after it depend on those shuffles.
        if !loaded.isEmpty {
            var equalIssue = Array(0..<loaded.count)
            for _ in Swift.stride(from: 0, to: minQueries, by: loaded.count) { sampleRNG.shuffle(&equalIssue) }
        }
        var nextUnique = 0
        func draw() -> Int {
            if unique {
                let v = uniqueStarts[nextUnique % uniqueStarts.count]
                nextUnique += 1
                return v
            }
            if s.requested.performanceIssueSame { return Int(s.requested.performanceIssueSameIndex) }
            return sampleRNG.uniform(set.distributionEnd - 1)
        }
        let period = UInt64(1e9 / s.targetQPS)
        var queries = GeneratedQueries()
        var timestamp: UInt64 = 0
        var previous: UInt64 = 0
        var samples = [Int](repeating: 0, count: samplesPerQuery)
        while previous < genDuration || queries.count < minQueries {
            switch scenario {
            case .multiStream:
                var i = draw()
                for k in 0..<samplesPerQuery {
                    samples[k] = loaded[i]
                    i += 1
                }
            case .offline:
                if s.requested.performanceIssueSame {
                    for k in 0..<samplesPerQuery { samples[k] = loaded[Int(s.requested.performanceIssueSameIndex)] }
                } else {
                    // Every loaded sample in turn, repeated as often as needed.
                    for k in 0..<samplesPerQuery { samples[k] = loaded[k % set.distributionEnd] }
                }
            default:
                for k in 0..<samplesPerQuery { samples[k] = loaded[draw()] }
            }
            queries.append(samples, at: timestamp)
            previous = timestamp
            if scenario == .server {
                timestamp += UInt64(scheduleRNG.exponential(s.targetQPS) * 1e9)
            } else {
                timestamp += period
            }
        }
        queries.duration = timestamp
        // Offline accuracy: a last query with the rest of the set.
        if scenario == .offline && accuracy {
            let remaining = loaded.count % samplesPerQuery
            if remaining != 0 { queries.append(Array(loaded.suffix(remaining)), at: timestamp) }
        }
        return queries
    }
}

/// A LoadGen settings file (`mlperf.conf`, `user.conf`): lines `model.scenario.key = value`, `#` comments.
///
/// `model` and `scenario` may be `*`. Values are integers (decimal, or 0x hex) or decimals. Unlike LoadGen,
/// which ignores what it does not know, an unknown key or scenario is an error naming the file and line.
public struct ConfigFile: Sendable {
    public struct Entry: Sendable {
        public var model: String
        public var scenario: String
        public var key: String
        public var value: String
        public var line: Int
    }

    public let path: String
    public private(set) var entries: [Entry] = []

    /// Every key LoadGen reads from these files (and the token-latency and TEST05 keys the MLCommons file sets).
    public static let knownKeys: Set<String> = [
        "mode", "qsl_rng_seed", "sample_index_rng_seed", "schedule_rng_seed", "accuracy_log_probability",
        "accuracy_log_rng_seed", "accuracy_log_sampling_target", "test05", "test05_qsl_rng_seed",
        "test05_sample_index_rng_seed", "test05_schedule_rng_seed", "target_latency_percentile", "samples_per_query",
        "target_latency", "target_qps", "target_duration", "min_duration", "max_duration", "min_query_count",
        "max_query_count", "performance_sample_count_override", "accuracy_sample_count_override",
        "performance_issue_unique", "performance_issue_same", "performance_issue_same_index",
        "sample_concatenate_permutation", "coalesce_queries", "max_async_queries", "print_timestamps",
        "use_token_latencies", "ttft_latency", "tpot_latency", "infer_token_latencies",
        "token_latency_scaling_factor", "sut_timeout",
    ]
    static let scenarios: Set<String> = Set(["*"] + TestScenario.allCases.map(\.rawValue))

    public init(path: String, text: String) throws(LoadGenError) {
        self.path = path
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw .config(
                    path: path, line: lineNumber, problem: "expected 'model.scenario.key = value', found '\(trimmed)'")
            }
            let key = String(trimmed[..<eq]).trimmingCharacters(in: " \t")
            let value = String(trimmed[trimmed.index(after: eq)...]).trimmingCharacters(in: " \t")
            entries.append(try ConfigFile.entry(key: key, value: value, path: path, line: lineNumber))
        }
    }

    /// Overrides given as `key=value` (a bare key means `*.*.key`), e.g. from a recipe or the command line.
    public init(overrides: [(String, String)], source: String = "overrides") throws(LoadGenError) {
        path = source
        for (i, (key, value)) in overrides.enumerated() {
            let full = key.contains(".") ? key : "*.*." + key
            entries.append(try ConfigFile.entry(key: full, value: value, path: source, line: i + 1))
        }
    }

    static func entry(key: String, value: String, path: String, line: Int) throws(LoadGenError) -> Entry {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, !parts.contains("") else {
            throw .config(path: path, line: line, problem: "the key '\(key)' must be model.scenario.key ('*' for any)")
        }
        let name = parts[parts.count - 1]
        let scenario = parts[parts.count - 2]
        let model = parts[0..<parts.count - 2].joined(separator: ".")
        guard scenarios.contains(scenario) else {
            throw .config(
                path: path, line: line,
                problem: "unknown scenario '\(scenario)' in '\(key)'"
                    + hint(scenario, in: scenarios) + " (scenarios: *, SingleStream, MultiStream, Server, Offline)")
        }
        guard knownKeys.contains(name) else {
            throw .config(
                path: path, line: line, problem: "unknown key '\(name)' in '\(key)'" + hint(name, in: knownKeys))
        }
        guard ConfigFile.number(value) != nil else {
            throw .config(
                path: path, line: line,
                problem: "the value of '\(key)' must be an integer or a decimal number, found '\(value)'")
        }
        return Entry(model: model, scenario: scenario, key: name, value: value, line: line)
    }

    /// strtoull/strtod-like reading: decimal or 0x hex integers, or decimals.
    static func number(_ text: String) -> Double? {
        if text.lowercased().hasPrefix("0x"), let v = UInt64(text.dropFirst(2), radix: 16) { return Double(v) }
        if let v = UInt64(text) { return Double(v) }
        return Double(text)
    }

    static func integer(_ text: String) -> UInt64? {
        if text.lowercased().hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
        if let v = UInt64(text) { return v }
        if let d = Double(text), d >= 0, d < 1.8e19 { return UInt64(d) }
        return nil
    }

    static func hint(_ word: String, in candidates: Set<String>) -> String {
        var best: (String, Int)?
        for c in candidates {
            let d = editDistance(word, c)
            if d <= max(1, word.count / 3), best == nil || d < best!.1 { best = (c, d) }
        }
        return best.map { "; did you mean '\($0.0)'?" } ?? ""
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var prev = Array(0...b.count)
        var cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    /// The value for (model, scenario, key) by LoadGen's precedence: `model.scenario`, `*.scenario`, `model.*`,
    /// `*.*`; within a file the last line wins.
    public func lookup(model: String, scenario: String, key: String) -> String? {
        entry(model: model, scenario: scenario, key: key)?.value
    }

    /// The line that gives (model, scenario, key) its value, by the precedence of `lookup`.
    public func entry(model: String, scenario: String, key: String) -> Entry? {
        for (m, s) in [(model, scenario), ("*", scenario), (model, "*"), ("*", "*")] {
            if let e = entries.last(where: { $0.model == m && $0.scenario == s && $0.key == key }) { return e }
        }
        return nil
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}

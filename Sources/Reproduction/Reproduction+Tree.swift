import Recipes
import Workflow

extension Reproduction {
    /// What a file of a submission tree may be expected to hold.
    enum TreeFile: Equatable {
        /// Nothing that depends on time or the machine: it must be the same, byte for byte.
        case exact
        /// LoadGen's timed logs (summaries, detail logs, traces, anything of a performance run): they differ on
        /// every run, and are said to, not judged (their values are judged as metrics).
        case timed
        /// An accuracy run's log and `accuracy.txt` (whose `hash=` is over that log): LoadGen writes responses in the
        /// order they completed, which follows timing when several threads answer (seen in Offline on a busy
        /// machine). Said, not judged; the accuracy itself is judged exactly as a metric.
        case completionOrder
        /// The system description, read from the machine: it differs where the machines do.
        case machine

        init(path: String) {
            let parts = path.split(separator: "/")
            let name = parts.last.map(String.init) ?? path
            if ["mlperf_log_summary.txt", "mlperf_log_detail.txt", "mlperf_log_trace.json"].contains(name)
                || parts.contains("performance")
            {
                self = .timed
            } else if parts.dropLast().last == "accuracy"
                && ["mlperf_log_accuracy.json", "accuracy.txt"].contains(name)
            {
                self = .completionOrder
            } else if parts.dropLast().last == "systems" && name.hasSuffix(".json") {
                self = .machine
            } else {
                self = .exact
            }
        }
    }

    /// The submission tarball's SHA-256, and the tree file by file, when the published folder has them.
    ///
    /// A tarball made from the same tree has the same digest (entries sorted, fixed times and owners, `gzip -n`),
    /// but a tree with performance logs is never the same twice: when the published folder lists the tree's
    /// files (`tree.sha256`), a different tarball is said, and the files decide. A file on one side only, or an
    /// exact file that differs, did not reproduce.
    static func tree(_ published: PublishedResult, _ reproduced: Manifest, cache: CacheStore) -> [Verdict] {
        guard published.tarballSHA256 != nil || published.treeFiles != nil else { return [] }
        let submissions = reproduced.nodes.filter { $0.outputs["tarball"] != nil && $0.outputs["sha256"] != nil }
        guard submissions.count == 1, let node = submissions.first, let entry = node.entry, let result = node.result
        else {
            return [
                Verdict(
                    kind: .tarball, subject: "submission", name: "sha256",
                    published: published.tarballSHA256.map { String($0.prefix(12)) } ?? "a tree",
                    reproduced: submissions.isEmpty ? "no submission" : "\(submissions.count) submissions",
                    difference: "differs", outcome: .failed, note: "the reproduction made no single submission tree")
            ]
        }
        let outputs = result.outputs(outDir: cache.outPath(entry))
        var out: [Verdict] = []
        if let p = published.tarballSHA256 {
            let r = outputs["sha256"]?.stringValue ?? "missing"
            let same = p == r
            out.append(
                Verdict(
                    kind: .tarball, subject: node.id, name: "sha256", published: String(p.prefix(12)),
                    reproduced: String(r.prefix(12)), difference: same ? "" : "differs",
                    outcome: same ? .ok : (published.treeFiles == nil ? .failed : .note),
                    note: same || published.treeFiles == nil ? "" : "the tree holds timed logs; its files are below"))
        }
        guard let expected = published.treeFiles else { return out }
        guard let root = outputs["tree"]?.stringValue, let records = try? Digests.tree(root) else {
            out.append(
                Verdict(
                    kind: .file, subject: "submission", name: "tree", published: "\(expected.count) files",
                    reproduced: "unreadable", outcome: .failed))
            return out
        }
        let actual = Dictionary(records.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
        for path in Set(expected.keys).union(actual.keys).sorted() {
            let kind = TreeFile(path: path)
            let p = expected[path]
            let r = actual[path]
            let outcome: Verdict.Outcome
            var note = ""
            switch (p, r) {
            case (nil, _):
                (outcome, note) = (.failed, "not in the published tree")
            case (_, nil):
                (outcome, note) = (.failed, "missing from the reproduced tree")
            case (let a?, let b?) where a == b:
                outcome = .ok
            default:
                switch kind {
                case .exact: (outcome, note) = (.failed, "holds no timing, so it must be the same")
                case .timed: (outcome, note) = (.note, "a timed log: differs on every run")
                case .completionOrder:
                    (outcome, note) = (.note, "responses in completion order (the accuracy is judged)")
                case .machine: (outcome, note) = (.note, "describes the machine")
                }
            }
            out.append(
                Verdict(
                    kind: .file, subject: path, name: "sha256", published: p.map { String($0.prefix(12)) } ?? "absent",
                    reproduced: r.map { String($0.prefix(12)) } ?? "absent",
                    difference: p == r ? "" : "differs", allowed: kind == .exact ? "exact" : "\(kind)",
                    outcome: outcome, note: note))
        }
        return out
    }
}

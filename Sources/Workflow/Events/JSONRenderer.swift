import Basics
import Recipes

/// One JSON object per line on stdout, for machines: `{"event": "...", ...}`.
public final class JSONRenderer: EventSink {
    public init() {}

    public func emit(_ event: RunEvent) {
        TextOutput.stdout(JSONRenderer.value(event).canonicalJSON + "\n")
    }

    public func finish() {}

    static func value(_ event: RunEvent) -> Value {
        let time = Value.string(Clock.iso8601(Clock.now()))
        switch event {
        case .runStarted(let id, let nodes, let folder):
            return [
                "event": "run-started", "time": time, "run": .string(id), "nodes": .int(nodes),
                "folder": .string(folder),
            ]
        case .warning(let text): return ["event": "warning", "time": time, "message": .string(text)]
        case .hit(let node, let key): return ["event": "hit", "time": time, "node": .string(node), "key": .string(key)]
        case .waitingForLock(let node, let holder):
            return ["event": "waiting", "time": time, "node": .string(node), "holder": .string(holder)]
        case .started(let node, let key, let attempt, let of):
            return [
                "event": "started", "time": time, "node": .string(node), "key": .string(key),
                "attempt": .int(attempt), "attempts": .int(of),
            ]
        case .submitted(let node, let job, let adopted):
            return [
                "event": "submitted", "time": time, "node": .string(node), "job": .string(job),
                "adopted": .bool(adopted),
            ]
        case .output(let node, let line):
            return ["event": "output", "time": time, "node": .string(node), "line": .string(line)]
        case .progress(let node, let p):
            return [
                "event": "progress", "time": time, "node": .string(node), "done": .double(p.done),
                "total": p.total.map { .double($0) } ?? .null, "unit": .string(p.unit), "detail": .string(p.detail),
            ]
        case .retrying(let node, let attempt, let reason, let delay):
            return [
                "event": "retrying", "time": time, "node": .string(node), "attempt": .int(attempt),
                "reason": .string(reason), "delay_s": .double(delay),
            ]
        case .succeeded(let node, let key, let seconds):
            return [
                "event": "succeeded", "time": time, "node": .string(node), "key": .string(key),
                "seconds": .double(seconds),
            ]
        case .failed(let node, let f):
            var m: [String: Value] = [
                "event": "failed", "time": time, "node": .string(node), "reason": .string(f.reason),
                "stderr_tail": .list(f.stderrTail.map { .string($0) }),
            ]
            if let c = f.exitCode { m["exit_code"] = .int(Int(c)) }
            if let s = f.signal { m["signal"] = .int(Int(s)) }
            if f.timedOut { m["timed_out"] = true }
            if let log = f.logPath { m["log"] = .string(log) }
            return .map(m)
        case .notRun(let node, let reason):
            return ["event": "not-run", "time": time, "node": .string(node), "reason": .string(reason)]
        case .skipped(let node): return ["event": "skipped", "time": time, "node": .string(node)]
        case .runFinished(let s):
            // The last event: the counts, and what each asked-for node produced.
            return [
                "event": "summary", "time": time, "run": .string(s.id), "status": .string(s.status.rawValue),
                "cached": .int(s.hits), "built": .int(s.built), "failed": .int(s.failed), "not_run": .int(s.notRun),
                "skipped": .int(s.skipped), "seconds": .double(s.seconds), "manifest": .string(s.manifestPath),
                "results": .list(
                    s.roots.map { r in
                        [
                            "node": .string(r.node), "recipe": .string(r.recipe), "status": .string(r.status.word),
                            "outputs": .map(r.outputs), "metrics": .map(r.metrics),
                        ]
                    }),
            ]
        }
    }
}

import Basics
import Foundation
import Recipes
import Synchronization

/// The terminal view: finished events scroll up as lines; below them, one line per running step with its
/// elapsed time and progress bar, redrawn in place a few times a second.
public final class LiveRenderer: EventSink {
    struct Running {
        var started: Double
        var progress: StepProgress?
        var waiting: String?
    }

    struct State {
        var running: [(id: String, info: Running)] = []
        var drawnLines = 0
        var stopped = false
    }

    private let state = Mutex(State())
    private let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    public init() {
        let thread = Thread { [weak self] in
            while let renderer = self, !renderer.state.withLock({ $0.stopped }) {
                renderer.redraw(permanent: nil)
                Clock.sleep(0.25)
            }
        }
        thread.start()
    }

    public func emit(_ event: RunEvent) {
        state.withLock { s in
            switch event {
            case .started(let node, _, _, _):
                s.running.removeAll { $0.id == node }
                s.running.append((node, Running(started: Clock.monotonic())))
            case .waitingForLock(let node, let holder):
                s.running.removeAll { $0.id == node }
                s.running.append((node, Running(started: Clock.monotonic(), waiting: holder)))
            case .progress(let node, let p):
                if let i = s.running.firstIndex(where: { $0.id == node }) { s.running[i].info.progress = p }
            case .succeeded(let node, _, _), .failed(let node, _), .hit(let node, _), .notRun(let node, _):
                s.running.removeAll { $0.id == node }
            default: break
            }
        }
        switch event {
        case .progress, .output: redraw(permanent: nil)
        case .started, .waitingForLock: redraw(permanent: nil)
        default:
            if let line = PlainRenderer.line(for: event, verbose: false, progressDue: nil) {
                redraw(permanent: colored(event, line))
            }
        }
    }

    public func finish() {
        state.withLock { s in
            s.running.removeAll()
            s.stopped = true
        }
        redraw(permanent: nil, force: true)
    }

    private func colored(_ event: RunEvent, _ line: String) -> String {
        switch event {
        case .failed: return "\u{1B}[31m\(line)\u{1B}[0m"
        case .succeeded: return "\u{1B}[32m\(line)\u{1B}[0m"
        case .hit: return "\u{1B}[2m\(line)\u{1B}[0m"
        case .warning: return "\u{1B}[33m\(line)\u{1B}[0m"
        default: return line
        }
    }

    /// Erases the running block, prints a permanent line if any, and draws the running block again.
    private func redraw(permanent: String?, force: Bool = false) {
        let width = TextOutput.columns()
        let tick = Int(Clock.monotonic() * 8) % spinner.count
        state.withLock { s in
            if s.stopped && !force { return }
            var out = ""
            if s.drawnLines > 0 { out += "\u{1B}[\(s.drawnLines)A\u{1B}[J" }
            if let permanent { out += permanent + "\n" }
            let now = Clock.monotonic()
            for (id, info) in s.running.prefix(20) {
                var text = "  \(spinner[tick]) \(id)  \(TextOutput.duration(now - info.started))"
                if let w = info.waiting { text += "  waiting for another repro (\(w))" }
                if let p = info.progress { text += "  " + bar(p) }
                out += String(text.prefix(width - 1)) + "\n"
            }
            if s.running.count > 20 { out += "  … and \(s.running.count - 20) more\n" }
            s.drawnLines = min(s.running.count, 20) + (s.running.count > 20 ? 1 : 0)
            TextOutput.stderr(out)
        }
    }

    private func bar(_ p: StepProgress) -> String {
        guard let total = p.total, total > 0 else { return ProgressText.describe(p) }
        let fraction = min(1, max(0, p.done / total))
        let cells = 20
        let filled = Int(fraction * Double(cells))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: cells - filled) + "] "
            + ProgressText.describe(p)
    }
}

import ArgumentParser
import History
import Recipes
import Runners
import Workflow

/// How a run shows itself on the terminal.
enum RunOutput {
    /// A live view on a terminal, plain lines otherwise.
    case text
    /// Only warnings and failures.
    case quiet
    /// JSON lines on stdout.
    case json

    var sink: any EventSink {
        switch self {
        case .json: JSONRenderer()
        case .quiet: PlainRenderer(quiet: true)
        case .text: TextOutput.isTerminal(2) ? LiveRenderer() : PlainRenderer()
        }
    }
}

extension ParsableCommand {
    /// Plans the requests and runs them to the end with the usual renderer and Ctrl-C handling, then records the
    /// run's metrics in the history. Bad input exits 2 with its words.
    func planAndRun(
        _ session: RunSession, _ requests: [PlanRequest], workspace: Workspace, output: RunOutput = .text
    ) throws -> RunSession.Outcome {
        let plan: Plan
        do { plan = try session.plan(requests) } catch { throw fail(error) }
        let cancellation = Cancellation()
        SignalTrap.install(cancellation) { _ in
            if output != .json { TextOutput.stderr("\nrepro: stopping (press Ctrl-C again to quit at once)\n") }
        }
        let outcome: RunSession.Outcome
        do {
            outcome = try session.execute(plan, requests: requests, events: output.sink, cancellation: cancellation)
        } catch {
            throw fail(error)
        }
        do {
            let notes = try HistoryRecorder.record(outcome.manifest, cacheDirectory: workspace.cacheDirectory)
            if output != .json { for note in notes { Output.error("note: \(note)") } }
        } catch {
            Output.error(
                "repro: warning: the run's metrics were not added to the history: \(error) (the run's "
                    + "manifest has them)")
        }
        return outcome
    }
}

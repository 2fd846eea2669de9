import ArgumentParser
import Recipes
import Runners
import Workflow

extension ParsableCommand {
    /// Plans the requests and runs them to the end with the usual renderer and Ctrl-C handling, then records the
    /// run's metrics in the history. Bad input exits 2 with its words.
    func planAndRun(_ session: RunSession, _ requests: [PlanRequest], workspace: Workspace, json: Bool = false) throws
        -> RunSession.Outcome
    {
        let plan: Plan
        do { plan = try session.plan(requests) } catch { throw fail(error) }
        let events: any EventSink =
            json ? JSONRenderer() : (TextOutput.isTerminal(2) ? LiveRenderer() as any EventSink : PlainRenderer())
        let cancellation = Cancellation()
        SignalTrap.install(cancellation) { _ in
            if !json { TextOutput.stderr("\nrepro: stopping (press Ctrl-C again to quit at once)\n") }
        }
        let outcome: RunSession.Outcome
        do { outcome = try session.execute(plan, requests: requests, events: events, cancellation: cancellation) } catch
        {
            throw fail(error)
        }
        HistoryDatabase.record(outcome.manifest, workspace: workspace)
        return outcome
    }
}

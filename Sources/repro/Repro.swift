import ArgumentParser
import Workflow

@main
struct Repro: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repro",
        abstract: "Reproducible machine-learning benchmarks: recipes resolved into a cached DAG.",
        discussion: """
            A SELECTION is a recipe name, or tags and _variations separated by commas:
              repro run demo
              repro run dataset,digits,_small n=10
            Inputs are given as name=value after the selection.
            """,
        version: ReproVersion.current,
        subcommands: [
            RunCommand.self, PlanCommand.self, ListCommand.self, InfoCommand.self, CacheCommand.self,
            RunsCommand.self, ShowCommand.self, WhyCommand.self, ActionsCommand.self, PullCommand.self,
            SubmitCommand.self, HistoryCommand.self, CompareCommand.self, RegressCommand.self, ReportCommand.self,
            ReproduceCommand.self, ExecNodeCommand.self,
        ])
}

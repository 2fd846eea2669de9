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
              repro run dataset,digits
              repro plan train-digits,_resnet8 max_epochs=3
            Inputs are given as name=value after the selection (NODE.name=value for a dependency).
            Exit status: 0 success, 1 a step failed (or a regression, a check), 2 bad input or usage, 130 stopped.
            `repro --version` shows repro's version.
            """,
        subcommands: [
            RunCommand.self, PlanCommand.self, ListCommand.self, InfoCommand.self, LintCommand.self,
            CacheCommand.self, RunsCommand.self, ShowCommand.self, WhyCommand.self, ActionsCommand.self,
            PullCommand.self, SubmitCommand.self, CheckCommand.self, HistoryCommand.self, CompareCommand.self,
            RegressCommand.self,
            ReportCommand.self, ReproduceCommand.self, ImportCommand.self, ExecNodeCommand.self,
        ])

    /// Parses and runs the command. A usage error (unknown option, missing argument, unknown subcommand) exits 2,
    /// as documented, instead of ArgumentParser's 64; commands end by returning or by throwing `ExitCode`, so
    /// their `defer` blocks run.
    static func main() {
        // repro's own version is `repro --version` alone: `submit` and `check` use `--version` for the MLPerf
        // round, as MLCommons' checker does. (A configured version or a root flag would be offered to, and parsed
        // in, every subcommand.)
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print("repro " + ReproVersion.build.description)
            return
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                Output.error(fullMessage(for: error))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}

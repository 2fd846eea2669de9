import ArgumentParser
import Recipes
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
    /// as documented, instead of ArgumentParser's 64; commands end by returning, by throwing `ExitCode` (their
    /// result printed) or a `CommandFailure` (printed here: stderr, and a JSON object with `--json`), so their
    /// `defer` blocks run.
    static func main() {
        // repro's own version is `repro --version` alone: `submit` and `check` use `--version` for the MLPerf
        // round, as MLCommons' checker does. (A configured version or a root flag would be offered to, and parsed
        // in, every subcommand.)
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print("repro " + ReproVersion.build.description)
            return
        }
        var parsed: (any ParsableCommand)?
        do {
            var command = try parseAsRoot()
            parsed = command
            try command.run()
        } catch let failure as CommandFailure {
            Output.error(failure.message)
            printForMachines(failure, command: parsed)
            exit(withError: ExitCode(failure.exitStatus))
        } catch {
            // A usage error, or an error no command turned into a `CommandFailure` (ExitCode: the command
            // printed its result and exits with this status).
            let usage = exitCode(for: error) == .validationFailure
            let status = usage ? 2 : exitCode(for: error).rawValue
            if !(error is ExitCode) && status != 0 {
                // The message without the usage lines that follow it on stderr.
                printForMachines(CommandFailure(message: message(for: error), exitStatus: status), command: parsed)
            }
            if usage {
                Output.error(fullMessage(for: error))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }

    /// With `--json`, a failure is one JSON object on stdout (a line of its own for commands that print JSON
    /// lines), so a machine caller always gets one. When the words did not parse, `--json` among them decides,
    /// for a command that takes it.
    static func printForMachines(_ failure: CommandFailure, command: (any ParsableCommand)?) {
        let type: any JSONOutputCommand.Type
        if let command {
            guard let c = command as? any JSONOutputCommand, c.json else { return }
            type = Swift.type(of: c)
        } else {
            let words = CommandLine.arguments.dropFirst().prefix { $0 != "--" }
            guard words.contains("--json"), let named = subcommand(named: Array(words)) else { return }
            type = named
        }
        if type.printsJSONLines {
            var line = failure.json
            if case .map(var fields) = line {
                fields["event"] = "error"
                line = .map(fields)
            }
            Output.jsonLine(line)
        } else {
            Output.json(failure.json)
        }
    }

    /// The `--json` command the leading words name (`run`, `cache ls`), if any.
    static func subcommand(named words: [String]) -> (any JSONOutputCommand.Type)? {
        var current: any ParsableCommand.Type = Repro.self
        for word in words {
            guard let next = current.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            current = next
        }
        return current as? any JSONOutputCommand.Type
    }
}

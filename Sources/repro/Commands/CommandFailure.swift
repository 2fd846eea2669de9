import ArgumentParser
import Recipes
import Workflow

/// A command that ended without its result: its words for stderr, its exit status and, for `--json`, what a
/// machine caller gets instead of the result object (the run's id and manifest when it got that far). Thrown up
/// to `Repro.main`, which prints both, so `defer` blocks run first and no failure path is left without a JSON
/// object. A command that printed its result and only reports through its exit status (problems found, a
/// regression, a step that failed in `run --json`'s events) throws `ExitCode` instead.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    let exitStatus: Int32
    /// More fields of the `--json` object, in the success object's names (`run`, `manifest`, `nodes`, ...).
    var details: [String: Value] = [:]

    var description: String { message }

    /// What the command became, as a run's status says it: `cancelled` for 130, else `failed`.
    var status: RunSummary.Status { exitStatus == 130 ? .cancelled : .failed }

    /// `{"status": "failed", "error": "...", "exit_status": 2, ...details}`: the message without the `error: `
    /// a person reads first, since the field says it.
    var json: Value {
        var fields = details
        fields["status"] = .string(status.rawValue)
        fields["error"] = .string(Self.stripped(message))
        fields["exit_status"] = .int(Int(exitStatus))
        return .map(fields)
    }

    static func stripped(_ message: String) -> String {
        let text = message.hasSuffix("\n") ? String(message.dropLast()) : message
        for prefix in ["error: ", "Error: "] where text.hasPrefix(prefix) {
            return String(text.dropFirst(prefix.count))
        }
        return text
    }
}

/// A command with a `--json` flag: when it fails, `Repro.main` prints its `CommandFailure` as one JSON object on
/// stdout (one line for commands that print JSON lines), besides the message on stderr.
protocol JSONOutputCommand: ParsableCommand {
    var json: Bool { get }
    /// Whether `--json` prints one object per line (`run`, `history`) rather than one indented object.
    static var printsJSONLines: Bool { get }
}

extension JSONOutputCommand {
    static var printsJSONLines: Bool { false }
}

// Every command that takes `--json`.
extension ActionsCommand: JSONOutputCommand {}
extension CacheList: JSONOutputCommand {}
extension CacheShow: JSONOutputCommand {}
extension CacheRemove: JSONOutputCommand {}
extension CacheGC: JSONOutputCommand {}
extension CacheVerify: JSONOutputCommand {}
extension CheckCommand: JSONOutputCommand {}
extension CompareCommand: JSONOutputCommand {}
extension HistoryCommand: JSONOutputCommand { static var printsJSONLines: Bool { true } }
extension ImportCommand: JSONOutputCommand {}
extension InfoCommand: JSONOutputCommand {}
extension LintCommand: JSONOutputCommand {}
extension ListCommand: JSONOutputCommand {}
extension PlanCommand: JSONOutputCommand {}
extension PullCommand: JSONOutputCommand {}
extension RegressCommand: JSONOutputCommand {}
extension ReportCommand: JSONOutputCommand {}
extension ReproduceCommand: JSONOutputCommand {}
extension RunCommand: JSONOutputCommand { static var printsJSONLines: Bool { true } }
extension RunsCommand: JSONOutputCommand {}
extension ShowCommand: JSONOutputCommand {}
extension SubmitCommand: JSONOutputCommand {}
extension WhyCommand: JSONOutputCommand {}

extension ParsableCommand {
    /// The failure to throw for an error (each of repro's errors describes itself) or a message; `Repro.main`
    /// prints it on stderr (and as JSON with `--json`) and exits with `code` (2: bad input).
    func fail(_ error: Any, code: Int32 = 2, details: [String: Value] = [:]) -> CommandFailure {
        CommandFailure(message: String(describing: error), exitStatus: code, details: details)
    }
}

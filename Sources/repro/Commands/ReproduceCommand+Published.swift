import ArgumentParser
import Foundation
import Recipes
import Reproduction
import Runners
import Submission
import Workflow

extension ReproduceCommand {
    /// Whether SOURCE is (in) a folder of an MLCommons results repository rather than a repro publication: a
    /// folder without `manifest.json`, at or under a submitter folder; or any folder without one, so that the error
    /// says what a results folder is.
    var isMLCommonsResult: Bool {
        guard FileSystemPath.kind(source) == .directory else { return false }
        return !FileSystemPath.exists(source + "/manifest.json")
    }

    func runPublished() throws {
        let reproduction = try PublishedArguments.prepare(source, assignments)
        if plan {
            Output.line(PublishedText.plan(reproduction))
            return
        }
        guard reproduction.missing.isEmpty else {
            throw fail(PublishedReproductionError.missingInputs(reproduction.missing))
        }
        let workspace = location.workspace
        let requests = reproduction.requests.map { r in
            PlanRequest(
                selection: Selection(parsing: reproduction.selection),
                inputs: r.inputs.mapValues { ProvidedInput(value: $0, location: nil, baseDirectory: nil) },
                overrides: [:])
        }
        let session = RunSession(workspace: workspace, options: RunOptions(), command: CommandLine.arguments)
        let outcome = try planAndRun(session, requests, workspace: workspace)
        let report = reproduction.judge(
            outcome.manifest, cache: workspace.cache, runStatus: outcome.summary.status)
        if json {
            var object = VerdictText.json(report, manifest: outcome.summary.manifestPath)
            if case .map(var fields) = object {
                fields["reproduced"] = .bool(reproduction.reproduced(report))
                fields["conclusion"] = .string(reproduction.conclusion(report))
                object = .map(fields)
            }
            Output.json(object)
            if !reproduction.reproduced(report) { throw ExitCode(1) }
            return
        }
        Output.line(PublishedText.verdict(report, reproduction))
        if outcome.summary.status != .succeeded {
            Output.line(
                "the reproducing run did not succeed (\(outcome.summary.status.rawValue)); see "
                    + DisplayPath.of(outcome.summary.manifestPath))
        }
        if !reproduction.reproduced(report) { throw ExitCode(1) }
    }
}

/// The `name=value` words after a published result: `system=`, `benchmark=`, `scenario=` pick the result, the
/// others are inputs.
enum PublishedArguments {
    /// The reproduction of the result `source` and `words` name, derived for this host; bad input exits 2.
    static func prepare(_ source: String, _ words: [String]) throws -> PublishedReproduction {
        let (picks, given) = split(words)
        do {
            return try PublishedReproduction.prepare(
                source, picks: picks, given: given, host: .current, baseDirectory: FileSystemPath.currentDirectory)
        } catch {
            throw CommandFailure(message: error.description, exitStatus: 2)
        }
    }

    static func split(_ words: [String]) -> (PublishedFolder.Fixed, [(String, String)]) {
        var picks = PublishedFolder.Fixed()
        var given: [(String, String)] = []
        for word in words {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            let (name, value) = (parts[0], parts.count > 1 ? parts[1] : "")
            switch name {
            case "system": picks.system = value
            case "benchmark": picks.benchmark = value
            case "scenario": picks.scenario = value
            default: given.append((name, value))
            }
        }
        return (picks, given)
    }
}

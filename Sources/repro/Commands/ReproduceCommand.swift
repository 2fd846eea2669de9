import ArgumentParser
import Foundation
import Recipes
import Reproduction
import Runners
import Workflow

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Run a published result again from its manifest and compare it value by value.",
        discussion: """
            The manifest holds the exact recipe texts, the requests and their inputs, every node's metrics (with
            their spread when a measured step ran several times) and the machine. repro runs the same requests with
            nothing reused, measured steps as many times as they were, with the published recipe texts where the
            local ones differ, then prints, value by value: published, reproduced, difference, what was allowed and
            the verdict.

            Exact values must be equal: seeded metrics (`better: equal`), LoadGen VALID/INVALID, and every file of
            the submission tree that holds no timing. A timed value is judged two-sided: it must lie within the
            published spread widened by the recipe's tolerance (±10% when none), so a run twice as fast did not
            reproduce either (--accept-better to let better values pass). Recipe texts and the digests of a folder
            recipe's files are compared, and every machine key that differs is listed. On a busy machine,
            --exact-only still judges and prints timed values but counts only the exact ones (as make test does).

            Examples:
              repro reproduce published/mlperf-digits    # made by scripts/publish
              repro reproduce published/mlperf-digits/manifest.json
              repro reproduce "runs/$(ls runs | tail -n 1)"  # a run of your own
              repro reproduce published/mlperf-digits --tolerance 100% --accept-better
              repro reproduce published/mlperf-digits-short --exact-only  # make test's
            Exit status: 0 when everything reproduced, 1 when something did not, 2 for bad input.
            """)

    @Argument(help: "A manifest.json, or a folder holding one (a published result).") var source: String
    @Flag(help: "Let values beyond the published spread in their good direction pass (one-sided).")
    var acceptBetter = false
    @Option(
        help: ArgumentHelp(
            "The tolerance of every timed value instead of its recipe's (10% or 0.1).", valueName: "share"))
    var tolerance: String?
    @Flag(help: "One JSON object on stdout (after the run's progress on stderr): every verdict and the machine.")
    var json = false
    @Flag(help: "Fail only on exact values; timed values are judged and printed, not counted (a noisy machine).")
    var exactOnly = false
    @OptionGroup var location: LocationOptions

    func validate() throws {
        if let tolerance, Share(argument: tolerance) == nil {
            throw ValidationError("--tolerance expects a share that is not negative (10% or 0.1), found '\(tolerance)'")
        }
    }

    func run() throws {
        let published: PublishedResult
        do { published = try PublishedResult.read(source) } catch {
            Output.line("cannot reproduce \(source): \(error)")
            throw ExitCode(2)
        }
        var workspace = location.workspace
        let folder = NSTemporaryDirectory() + "repro-reproduce-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let setup = ReproductionSetup.prepare(
            published, registry: try? workspace.registry(), folder: folder,
            baseDirectory: FileSystemPath.currentDirectory)
        workspace.recipeDirectories.insert(folder, at: 0)
        let session = RunSession(workspace: workspace, options: setup.options, command: CommandLine.arguments)
        do { _ = try session.plan(setup.requests) } catch {
            for v in setup.verdicts where v.outcome != .ok { Output.line(VerdictText.line(v)) }
            Output.line("NOT reproduced: the published requests cannot be planned here:\n\(error)")
            throw ExitCode(1)
        }
        let outcome = try planAndRun(session, setup.requests, workspace: workspace)
        let report = Reproduction.judge(
            published, reproduced: outcome.manifest, setup: setup.verdicts, cache: workspace.cache,
            runStatus: outcome.summary.status, acceptBetter: acceptBetter,
            timedTolerance: tolerance.flatMap(Share.init(argument:))?.value, exactOnly: exactOnly)
        if json {
            Output.line(VerdictText.json(report, manifest: outcome.summary.manifestPath).canonicalJSON)
            if !report.reproduced { throw ExitCode(1) }
            return
        }
        Output.line(VerdictText.report(report))
        if outcome.summary.status != .succeeded {
            Output.line(
                "the reproducing run did not succeed (\(outcome.summary.status.rawValue)); see "
                    + DisplayPath.of(outcome.summary.manifestPath))
        }
        if !report.reproduced { throw ExitCode(1) }
    }
}

import ArgumentParser
import Foundation
import Recipes
import Reproduction
import Runners
import Workflow

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract:
            "Run a published result again (repro's, or an MLCommons results folder's) and judge it value by value.",
        discussion: """
            SOURCE is a folder made by scripts/publish (or a repro manifest), or a folder of an MLCommons results
            repository: a submitter folder (closed/ORG), or a system, benchmark or scenario folder inside it, with
            system=, benchmark= and scenario= picking the rest. For an MLCommons result, repro derives the request
            from the published files: the benchmark's recipe, the LoadGen settings of the detail log and user.conf
            as published, the SUT (onnxruntime at the published version where the result used it, else repro's
            kernels), the model (model-info.json resolved to a recipe that fetches it), the data set (imagenet=,
            which only you can give), and shows what differs between the published machine and this one. Inputs
            given as name=value (model=, imagenet=, count=, min_duration_ms=, threads=, sut=, user_conf=FILE, …)
            win. --plan prints the request without running it. The verdict: accuracy exactly or against the
            closed-division target, VALID/INVALID exactly, the scenario's metric within MLPerf's ±10 % on the same
            system, framework and settings (else said, not judged), every effective LoadGen setting of the detail
            log; the last line says in words what reproduced.

            For a repro manifest:
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
              repro reproduce ~/inference_results_v5.1/closed/GATEOverflow --plan
              repro reproduce ~/inference_results_v5.1/closed/GATEOverflow \\
                imagenet=~/imagenet/val
              repro reproduce ~/inference_results_v4.1/open/Krai --plan \\
                scenario=SingleStream count=500 threads=2
              repro reproduce published/mlperf-digits    # made by scripts/publish
              repro reproduce published/mlperf-digits/manifest.json
              repro reproduce "runs/$(ls runs | tail -n 1)"  # a run of your own
              repro reproduce published/mlperf-digits --tolerance 100% --accept-better
              repro reproduce published/mlperf-digits-short --exact-only  # make test's
            Exit status: 0 when everything reproduced, 1 when something did not, 2 for bad input.
            """)

    @Argument(
        help: "A folder of an MLCommons results repository, a folder made by scripts/publish, or a manifest.json.",
        completion: .directory)
    var source: String
    @Argument(
        help: ArgumentHelp(
            "MLCommons results: system=, benchmark=, scenario= pick the result; other name=value are inputs.",
            valueName: "name=value"))
    var assignments: [String] = []
    @Flag(help: "Print the request derived from a published MLCommons result, and run nothing.")
    var plan = false
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
        if isMLCommonsResult { return try runPublished() }
        if !assignments.isEmpty || plan {
            throw fail("error: name=value inputs and --plan apply to MLCommons results folders; \(source) is not one")
        }
        let published: PublishedResult
        do { published = try PublishedResult.read(source) } catch {
            if json { throw fail("cannot reproduce \(source): \(error)") }
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
            if json {
                throw fail("NOT reproduced: the published requests cannot be planned here:\n\(error)", code: 1)
            }
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
            Output.json(VerdictText.json(report, manifest: outcome.summary.manifestPath))
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

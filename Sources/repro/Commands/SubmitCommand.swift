import ArgumentParser
import Foundation
import Recipes
import Runners
import Workflow

#if canImport(Glibc)
    import Glibc
#endif

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Run a submission recipe, then copy its checked tree, tarball and SHA-256 out of the cache.",
        discussion: """
            The recipe's last step is a `submission` action; everything it needs runs first, in parallel where the
            recipes allow (timed steps are exclusive), and what is already in the cache is reused, so a run that
            failed half-way resumes where it stopped.

            Examples:
              repro submit mlperf-submission-resnet-null                       # 600 s per scenario
              repro submit mlperf-submission-resnet-null min_duration_ms=10000 --out short-tree
              repro submit mlperf-submission-resnet-null --matrix scenario=SingleStream,Offline
              repro submit mlperf-submission-digits --matrix model=mlp,resnet8
              repro submit mlperf-submission-resnet-null --official-checker ~/src/inference

            --matrix AXIS=V1,V2 sets the recipe's list input AXIS (or AXISs, e.g. scenario -> scenarios), or, when
            AXIS names a variation group, runs one request per variation. --official-checker runs the MLCommons
            checker (tools/submission/submission_checker/main.py of an mlcommons/inference checkout) on the tree.
            Exit status: 0 when the tree was made and no checker found a problem, 1 otherwise, 2 for bad input.
            """)

    @Argument(help: "A submission recipe (its run is a `submission` action).")
    var selection: String

    @Argument(help: "Inputs of the recipe, as name=value.")
    var inputs: [String] = []

    @OptionGroup var location: LocationOptions

    @Option(help: ArgumentHelp("An axis of the submission: AXIS=V1,V2,... (repeatable).", valueName: "axis=values"))
    var matrix: [String] = []

    @Option(help: "Where to copy the tree, the tarball and its SHA-256.")
    var out: String = "submission"

    @Option(
        help: ArgumentHelp(
            "An mlcommons/inference checkout whose official checker to run on the tree.", valueName: "path"))
    var officialChecker: String?

    @Option(help: "The round the official checker checks.")
    var version: String = "v6.1"

    @Flag(help: "Reuse the newest measurement of measured steps instead of measuring again.")
    var reuseMeasured = false

    func run() throws {
        let workspace = location.workspace
        var provided: [String: ProvidedInput]
        let overrides: [String: [String: ProvidedInput]]
        do { (provided, overrides) = try InputArguments.parse(inputs).pair } catch { throw fail(error) }
        let recipe: Recipe
        do { recipe = try workspace.registry().select(Selection(parsing: selection)) } catch { throw fail(error) }
        var selections = [selection]
        for axis in matrix {
            guard let eq = axis.firstIndex(of: "="), eq != axis.startIndex else {
                throw fail("error: --matrix expects AXIS=V1,V2, found '\(axis)'")
            }
            let name = String(axis[..<eq])
            let values = axis[axis.index(after: eq)...].split(separator: ",").map(String.init)
            if let input = recipe.inputs.first(where: { $0.name == name || $0.name == name + "s" }) {
                provided[input.name] = ProvidedInput(
                    value: .list(values.map { .string($0) }), location: nil,
                    baseDirectory: FileSystemPath.currentDirectory)
                continue
            }
            let group = recipe.variations.filter { $0.group == name }
            guard !group.isEmpty else {
                throw fail(
                    "error: the matrix axis '\(name)' names no input or variation group of \(recipe.name) "
                        + "(inputs: \(recipe.inputs.map(\.name).joined(separator: ", ")); groups: "
                        + "\(Set(recipe.variations.compactMap(\.group)).sorted().joined(separator: ", ")))")
            }
            for v in values where !group.contains(where: { $0.name == v }) {
                throw fail(
                    "error: '\(v)' is not a variation of group '\(name)' of \(recipe.name) (its variations: "
                        + "\(group.map(\.name).joined(separator: ", ")))")
            }
            selections = selections.flatMap { s in values.map { "\(s),_\($0)" } }
        }
        var options = RunOptions()
        options.reuseMeasured = reuseMeasured
        let requests = selections.map {
            PlanRequest(selection: Selection(parsing: $0), inputs: provided, overrides: overrides)
        }
        let session = RunSession(workspace: workspace, options: options, command: CommandLine.arguments)
        let outcome = try planAndRun(session, requests, workspace: workspace)
        guard outcome.summary.status == .succeeded else {
            RunReport.print(outcome.summary)
            Output.error(
                "repro submit: the run did not finish; run the same command again to resume (finished steps are cached)"
            )
            throw ExitCode(1)
        }
        var clean = true
        for (i, root) in outcome.plan.roots.enumerated() {
            let outputs = outcome.results[root].outputs
            guard let tree = outputs["tree"]?.stringValue, let tarball = outputs["tarball"]?.stringValue else {
                throw fail(
                    "error: \(outcome.plan.nodes[root].id) is not a submission step (it has no 'tree' and 'tarball' outputs)"
                )
            }
            let dest = outcome.plan.roots.count == 1 ? out : "\(out)/\(i + 1)"
            do { try SubmitCommand.copyOut(tree: tree, tarball: tarball, to: dest) } catch {
                throw fail("error: \(error)")
            }
            let problems = outputs["problems"]?.listValue?.map(\.interpolated) ?? []
            Output.line(
                "\(dest): submission tree, \(dest)/submission.tar.gz (sha256 \(outputs["sha256"]?.interpolated ?? "?"))"
            )
            if problems.isEmpty {
                Output.line("built-in checker: no problems")
            } else {
                clean = false
                Output.line("built-in checker: \(problems.count) problem\(problems.count == 1 ? "" : "s"):")
                for p in problems { Output.line("  " + p) }
            }
            if let checkout = officialChecker,
                !SubmitCommand.official(checkout, tree: "\(dest)/submission", version: version)
            {
                clean = false
            }
        }
        if !clean { throw ExitCode(1) }
    }

    static func copyOut(tree: String, tarball: String, to dest: String) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: dest + "/submission")
        try fm.createDirectory(atPath: dest, withIntermediateDirectories: true)
        try fm.copyItem(atPath: tree, toPath: dest + "/submission")
        for suffix in ["", ".sha256"] {
            try? fm.removeItem(atPath: dest + "/submission.tar.gz" + suffix)
            try fm.copyItem(atPath: tarball + suffix, toPath: dest + "/submission.tar.gz" + suffix)
        }
        // The copy's files are writable, unlike the cache's.
        if let e = fm.enumerator(atPath: dest + "/submission") {
            for case let p as String in e {
                chmod(
                    dest + "/submission/" + p, fm.fileExists(atPath: dest + "/submission/" + p + "/.") ? 0o755 : 0o644)
            }
        }
    }

    /// Runs the official MLCommons checker; true when it ends with "submission looks OK".
    static func official(_ checkout: String, tree: String, version: String) -> Bool {
        let script = checkout + "/tools/submission/submission_checker/main.py"
        guard FileManager.default.fileExists(atPath: script) else {
            Output.error("repro submit: \(script) not found (give an mlcommons/inference checkout)")
            return false
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, "--input", tree, "--version", version]
        p.currentDirectoryURL = URL(fileURLWithPath: checkout + "/tools/submission")
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch {
            Output.error("repro submit: cannot run python3: \(error)")
            return false
        }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let lines = text.split(separator: "\n")
        Output.line("official checker (\(script)):")
        for l in lines where l.contains("ERROR") || l.contains("SUMMARY") || l.contains("Results=") {
            Output.line("  " + l)
        }
        return text.contains("SUMMARY: submission looks OK")
    }
}

import ArgumentParser
import Foundation
import Recipes
import Reproduction
import Workflow

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write the request that reproduces a published MLCommons result as an ordinary recipe.",
        discussion: """
            DIR is what repro reproduce takes: a submitter folder of an MLCommons results repository, or a system,
            benchmark or scenario folder inside it, with system=, benchmark= and scenario= picking the rest. The
            recipe needs the benchmark's recipe once per mode (accuracy, performance) with the derived inputs (the
            LoadGen settings as published, the SUT, the model), declares imagenet, count, threads, min_duration_ms
            and min_query_count as its own inputs, prints the published values beside the reproduced ones, and
            keeps its provenance in its doc: the source, the files' SHA-256, the published machine and figures, and
            how each setting was derived. Inputs given as name=value become its defaults. An existing file is kept
            unless --force.

            Examples:
              repro import ~/inference_results_v5.1/closed/GATEOverflow \\
                --out imported/mlperf-gate-offline.yaml
              repro run mlperf-gate-offline --recipes imported imagenet=~/imagenet/val
              repro import ~/inference_results_v4.1/open/Krai \\
                --out imported/mlperf-krai.yaml imagenet=~/imagenet/val count=500
              repro import ~/inference_results_v5.1/closed/GATEOverflow \\
                --out imported/mlperf-gate.yaml --json
            Exit status: 0 written, 2 bad input (nothing written).
            """)

    @Argument(help: "A folder of an MLCommons results repository.", completion: .directory)
    var source: String
    @Argument(
        help: ArgumentHelp(
            "system=, benchmark=, scenario= pick the result; other name=value are inputs.", valueName: "name=value"))
    var assignments: [String] = []
    @Option(help: ArgumentHelp("The recipe file to write (recipes/NAME.yaml).", valueName: "file"))
    var out: String
    @Flag(help: "Replace the file if it exists.")
    var force = false
    @Flag(help: "Print one JSON object: the recipe's path and name, and the inputs it still needs.")
    var json = false

    func validate() throws {
        guard out.hasSuffix(".yaml") else { throw ValidationError("--out must name a .yaml file, found '\(out)'") }
    }

    func run() throws {
        let reproduction = try PublishedArguments.prepare(source, assignments)
        if FileSystemPath.exists(out) && !force {
            throw fail("error: \(out) exists; --force replaces it")
        }
        do {
            try FileOps.makeDirectories(
                FileSystemPath.parent(FileSystemPath.absolute(out, relativeTo: FileSystemPath.currentDirectory)))
            try FileOps.write(reproduction.recipeText(source: source), to: out)
        } catch { throw fail("error: cannot write \(out): \(error)") }
        let name = ((out as NSString).lastPathComponent as NSString).deletingPathExtension
        let needed = reproduction.missing.isEmpty ? "" : " " + (reproduction.imagenet == nil ? "imagenet=DIR" : "")
        if json {
            Output.json(
                .map([
                    "recipe": .string(FileSystemPath.absolute(out, relativeTo: FileSystemPath.currentDirectory)),
                    "name": .string(name), "missing": .list(reproduction.missing.map(Value.string)),
                ]))
            return
        }
        Output.error("wrote \(out): run it with `repro run \(name)\(needed)`")
    }
}

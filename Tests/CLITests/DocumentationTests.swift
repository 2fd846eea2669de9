import Foundation
import Testing

/// The documentation tells the truth: every example in `--help`, the README and `docs/` runs as written (with
/// `repro plan` standing in for long runs), help examples fit the help's width, every `REPRO_*` variable the
/// sources read is on docs/environment.md, and shell completion completes recipe names.
@Suite("documentation", .serialized)
struct DocumentationTests {
    struct Example: CustomStringConvertible {
        var source: String
        var command: String
        var description: String { "\(source): \(command)" }
    }

    /// Examples that are not run, and why. Each must still exist (a stale entry fails the test).
    static let notRun: [String: String] = [
        "repro reproduce published/mlperf-digits":
            "runs the whole published flow again (minutes of training and LoadGen); make test reproduces a short one",
        "repro reproduce published/mlperf-digits/manifest.json": "the same, by its manifest",
        "repro reproduce published/mlperf-digits --tolerance 100% --accept-better": "the same, judged more loosely",
        "repro reproduce published/mlperf-digits-short --exact-only":
            "what PublishedResultTests runs in make test (half a minute of training and LoadGen)",
        "repro check submission/submission":
            "checks the tree repro submit makes (a 35-minute run; ClosedDivisionTests check one)",
        "repro check submission/submission --json": "the same, as JSON",
        "repro check short/submission --short-runs": "the same, of a short run",
        "repro reproduce ~/inference_results_v5.1/closed/GATEOverflow imagenet=~/imagenet/val":
            "ResNet-50 on all 50,000 ImageNet images (hours); PublishedReproductionTests reproduce it with stand-ins",
        "repro check ~/inference_results_v5.1 --version v5.1":
            "a clone of MLCommons' results repository (gigabytes; CheckerTests check a tree of it)",
    ]

    /// Runs that take minutes (training, LoadGen, building a container image), or a Slurm cluster (which only the
    /// Slurm tests may start): their `run` and `submit` examples are planned instead.
    static func isLong(_ command: String) -> Bool {
        let words = command.split(separator: " ")
        guard words.count >= 3, words[1] == "run" || words[1] == "submit" else { return false }
        return ["mlperf-", "train-", "loadgen-", "container-"].contains { words[2].hasPrefix($0) }
            || command.contains("--runner slurm")
    }

    /// `repro run X …` or `repro submit X …` of a long recipe as the plan of the same request: the run's
    /// options stay (plan takes them all); submit's own options (`--out`, `--matrix`, …) are dropped.
    static func standIn(_ command: String) -> String {
        var words = command.split(separator: " ").map(String.init)
        let submit = words[1] == "submit"
        words[1] = "plan"
        guard submit else { return words.joined(separator: " ") }
        var kept: [String] = []
        var i = 0
        while i < words.count {
            let w = words[i]
            if ["--out", "--matrix", "--official-checker", "--version"].contains(w) {
                i += 2
                continue
            }
            if w != "--short-runs" { kept.append(w) }
            i += 1
        }
        return kept.joined(separator: " ")
    }

    /// Every command's examples, from the help repro would print (the unwrapped text, from its help dump).
    static func helpExamples(_ cli: CLI) throws -> [Example] {
        let dump = try cli.run(["--experimental-dump-help"]).stdout
        let root = try JSONSerialization.jsonObject(with: Data(dump.utf8)) as! [String: Any]
        var out: [Example] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            if command["shouldDisplay"] as? Bool == false { return }
            let discussion = command["discussion"] as? String ?? ""
            let origin = (["repro"] + path + ["--help"]).joined(separator: " ")
            out += examples(in: discussion.split(separator: "\n", omittingEmptySubsequences: false), source: origin)
            for sub in command["subcommands"] as? [[String: Any]] ?? [] where sub["commandName"] as? String != "help" {
                walk(sub, path + [sub["commandName"] as! String])
            }
        }
        walk(root["command"] as! [String: Any], [])
        return out
    }

    /// Lines that start with `repro ` (or `$ repro `, `.build/release/repro `), a trailing `\` joining the next.
    static func examples(in lines: [Substring], source: String, fenced: Bool = false) -> [Example] {
        var out: [Example] = []
        var inFence = false
        var pending: String?
        for (n, raw) in lines.enumerated() {
            if fenced && raw.hasPrefix("```") {
                inFence.toggle()
                continue
            }
            if fenced && !inFence { continue }
            var line = raw.trimmingCharacters(in: .whitespaces)
            if let head = pending {
                line = head + " " + line
                pending = nil
            } else {
                if line.hasPrefix("$ ") { line.removeFirst(2) }
                if line.hasPrefix(".build/release/repro ") { line.removeFirst(".build/release/".count) }
                // `repro ` and a command, an option or a quote (not a diagram's `repro (CLI) ──>`).
                guard line.hasPrefix("repro "), let next = line.dropFirst(6).first, next.isLetter || next == "-"
                else { continue }
            }
            if line.hasSuffix("\\") {
                pending = String(line.dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            // A comment after two spaces and '#' is the example's explanation.
            if let hash = line.range(of: "  #") {
                line = String(line[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            out.append(Example(source: fenced ? "\(source):\(n + 1)" : source, command: line))
        }
        return out
    }

    static func documentExamples() throws -> [Example] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: CLI.packageRoot + "/docs")
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return try (["README.md"] + docs).flatMap { file in
            let text = try String(contentsOfFile: CLI.packageRoot + "/" + file, encoding: .utf8)
            return examples(
                in: text.split(separator: "\n", omittingEmptySubsequences: false), source: file, fenced: true)
        }
    }

    /// Data of the user's that examples name (planned, never read in full): folders (for `~/…`, under `home/`, the
    /// real HOME being left alone for the container runtimes), files in the project.
    static let userFolders = ["home/imagenet/val"]
    static let userFiles = ["resnet50.onnx", "my.onnx"]

    /// A project as a user has it: the shipped recipes as ./recipes, two runs of the demo behind it, the data the
    /// examples name, and two git repositories standing in for the remote ones the examples pull.
    func project() throws -> (CLI, [String: String]) {
        let cli = try CLI()
        let fm = FileManager.default
        for folder in DocumentationTests.userFolders {
            try fm.createDirectory(atPath: cli.root + "/" + folder, withIntermediateDirectories: true)
        }
        for file in DocumentationTests.userFiles { fm.createFile(atPath: cli.root + "/" + file, contents: Data()) }
        try? fm.removeItem(atPath: cli.root + "/recipes")
        try fm.createSymbolicLink(atPath: cli.root + "/recipes", withDestinationPath: CLI.packageRoot + "/recipes")
        try fm.createSymbolicLink(atPath: cli.root + "/published", withDestinationPath: CLI.packageRoot + "/published")
        // Clones of MLCommons' results repositories: the folders of them kept as test fixtures.
        var substitutions: [String: String] = [
            "~/imagenet/val": cli.root + "/home/imagenet/val",
            "~/inference_results_v5.1/": CLI.packageRoot + "/Tests/Fixtures/mlcommons-results/inference_results_v5.1/",
            "~/inference_results_v4.1/": CLI.packageRoot + "/Tests/Fixtures/mlcommons-results/inference_results_v4.1/",
        ]
        for (url, name) in [
            ("https://github.com/example/mlperf-recipes", "mlperf-recipes"),
            ("file:///srv/git/recipes.git", "recipes.git"),
        ] {
            let repo = cli.root + "/git/" + name
            try fm.createDirectory(atPath: repo + "/recipes", withIntermediateDirectories: true)
            try "summary: a pulled step\nrun: echo hi\n".write(
                toFile: repo + "/recipes/\(name.prefix(5))-step.yaml", atomically: true, encoding: .utf8)
            let git = Process()
            git.executableURL = URL(fileURLWithPath: "/bin/sh")
            git.arguments = [
                "-c",
                "git init -q -b main . && git add -A && git -c user.name=t -c user.email=t@t commit -q -m one "
                    + "&& git tag v1.2",
            ]
            git.currentDirectoryURL = URL(fileURLWithPath: repo)
            try git.run()
            git.waitUntilExit()
            substitutions[url] = "file://" + repo
        }
        let env = ["REPRO_SHIPPED_RECIPES": ""]
        for _ in 0..<2 { #expect(try cli.run(["run", "demo"], env: env).status == 0) }
        return (cli, substitutions)
    }

    @Test func everyExampleInTheHelpAndTheDocumentationRuns() throws {
        let (cli, substitutions) = try project()
        defer { cli.cleanUp() }
        var examples = try DocumentationTests.helpExamples(cli) + DocumentationTests.documentExamples()
        #expect(examples.count > 60, "found only \(examples.count) examples")
        for skipped in DocumentationTests.notRun.keys {
            #expect(examples.contains { $0.command == skipped }, "a stale entry in notRun: \(skipped)")
        }
        // Examples that remove things run last, so the others find what they look at.
        let destructive = ["repro cache rm", "repro cache gc", "repro history --rebuild", "repro pull --remove"]
        examples.sort { a, b in
            !destructive.contains { a.command.hasPrefix($0) } && destructive.contains { b.command.hasPrefix($0) }
        }
        let bin = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path
        for example in examples where DocumentationTests.notRun[example.command] == nil {
            var command =
                DocumentationTests.isLong(example.command)
                ? DocumentationTests.standIn(example.command) : example.command
            for (from, to) in substitutions { command = command.replacingOccurrences(of: from, with: to) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", command]
            p.currentDirectoryURL = URL(fileURLWithPath: cli.root)
            var env = cli.environment(["REPRO_SHIPPED_RECIPES": ""])
            env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
            p.environment = env
            let out = Pipe()
            let err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let r = try CLI.wait(p, out, err, timeout: 120)
            #expect(r.status == 0, "\(example) (ran: \(command)) exited \(r.status): \(r.stderr.suffix(600))")
        }
    }

    @Test func helpExamplesFitTheHelpWidth() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let dump = try cli.run(["--experimental-dump-help"]).stdout
        let root = try JSONSerialization.jsonObject(with: Data(dump.utf8)) as! [String: Any]
        // The help wraps at 80 columns and indents discussions by 2: an example (or its continuation) must fit in
        // 78, or it is shown broken.
        func walk(_ command: [String: Any]) {
            if command["shouldDisplay"] as? Bool == false { return }
            var continued = false
            for line in (command["discussion"] as? String ?? "").split(separator: "\n") {
                if line.hasPrefix("  repro ") || continued {
                    #expect(line.count <= 78, "too wide for the help (\(line.count)): \(line)")
                }
                continued = (line.hasPrefix("  repro ") || continued) && line.hasSuffix("\\")
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { walk(sub) }
        }
        walk(root["command"] as! [String: Any])
    }

    @Test func everyEnvironmentVariableIsDocumented() throws {
        let page = try String(contentsOfFile: CLI.packageRoot + "/docs/environment.md", encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: "REPRO_[A-Z][A-Z_]*[A-Z]")
        var found = Set<String>()
        let sources = FileManager.default.enumerator(atPath: CLI.packageRoot + "/Sources")!
        for case let file as String in sources where file.hasSuffix(".swift") || file.hasSuffix(".c") {
            let text = try String(contentsOfFile: CLI.packageRoot + "/Sources/" + file, encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                found.insert(String(text[Range(m.range, in: text)!]))
            }
        }
        #expect(found.count >= 10)
        for name in found.sorted() { #expect(page.contains("`\(name)`"), "\(name) is not on docs/environment.md") }
    }

    @Test func shellCompletionCompletesRecipeNames() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for (name, text) in RunTests.pipeline { try cli.recipe(name, text) }
        // What the generated scripts call: the words, the index of the word and the cursor in it.
        let r = try cli.run(["---completion", "run", "--", "positional@0", "2", "3", "repro", "run", "sha"])
        #expect(r.stdout == "shard\n", "\(r.stdout)\(r.stderr)")
        let tags = try cli.run(["---completion", "plan", "--", "positional@0", "2", "9", "repro", "plan", "numbers,p"])
        #expect(tags.stdout == "numbers,probe\n", "\(tags.stdout)")
        for shell in ["bash", "zsh", "fish"] {
            let script = try cli.run(["--generate-completion-script", shell])
            #expect(script.status == 0 && script.stdout.contains("---completion run"), "\(shell)")
        }
    }
}

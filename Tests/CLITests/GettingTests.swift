import Foundation
import Testing

/// The get-* actions through the real CLI and the action worker: fetch, extract, git, detect, and `repro pull`.
@Suite("getting things", .serialized)
struct GettingTests {
    func git(_ command: String, in dir: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-e", "-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.environment = ProcessInfo.processInfo.environment.merging(
            [
                "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x.invalid", "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@x.invalid",
            ]) { _, b in b }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(command): \(text)")
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theShippedDatasetIsFetchedVerifiedAndExtracted() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["run", "dataset,digits", "--recipes", CLI.packageRoot + "/recipes"])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = r.stdout.split(separator: "\n").first { $0.contains("csv = ") }.map {
            String($0.split(separator: "=")[1]).trimmingCharacters(in: .whitespaces)
        }
        let text = try String(contentsOfFile: try #require(csv), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 1797)
        let again = try cli.run(["run", "dataset,digits", "--recipes", CLI.packageRoot + "/recipes"])
        #expect(again.stderr.contains("2 cached, 0 built"))
    }

    @Test func aWrongChecksumFailsWithBothDigestsAndCachesNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try "some data\n".write(toFile: cli.root + "/data.txt", atomically: true, encoding: .utf8)
        try cli.recipe(
            "get",
            """
            summary: g
            run:
              action: fetch
              with: {url: "file://\(cli.root)/data.txt", sha256: "\(String(repeating: "a", count: 64))"}
            """)
        let r = try cli.run(["run", "get"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "failed   get: checksum mismatch for file://\(cli.root)/data.txt: expected sha256 \(String(repeating: "a", count: 64)), got "
            ))
        #expect(cli.entries().isEmpty)
    }

    @Test func aFetchWithoutChecksumIsWarnedAboutAndVolatile() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try "v1\n".write(toFile: cli.root + "/data.txt", atomically: true, encoding: .utf8)
        try cli.recipe(
            "get", "summary: g\nrun:\n  action: fetch\n  with: {url: \"file://\(cli.root)/data.txt\", sha256: none}\n")
        let plan = try cli.run(["plan", "get"])
        #expect(plan.stderr.contains("warning: get: fetch of file://\(cli.root)/data.txt has 'sha256: none'"))
        #expect(plan.stdout.contains("volatile"))
        #expect(try cli.run(["run", "get"]).status == 0)
        let missing = try cli.run(["plan", "get-missing-sha"])
        #expect(missing.status == 2)
        try cli.recipe("nosha", "summary: g\nrun:\n  action: fetch\n  with: {url: \"file:///x\"}\n")
        let nosha = try cli.run(["plan", "nosha"])
        #expect(nosha.stderr == "recipes/nosha.yaml:3:11: error: action 'fetch' needs the parameter 'sha256'\n")
    }

    @Test func aMovedBranchRerunsWhatDependsOnIt() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let repo = cli.root + "/repo"
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        _ = try git("git init -q -b main . && echo one > f.txt && git add f.txt && git commit -q -m one", in: repo)
        try cli.recipe(
            "src",
            "summary: s\nrun:\n  action: git\n  with: {url: \"file://\(repo)\", revision: main}\noutputs:\n  commit: ${{ run.outputs.commit }}\n  path: ${{ run.outputs.path }}\n"
        )
        try cli.recipe(
            "use", "summary: u\nneeds:\n  s: {recipe: src}\nrun: cat ${{ needs.s.outputs.path }}/f.txt > copy.txt\n")
        #expect(try cli.run(["run", "use"]).status == 0)
        #expect(try cli.run(["run", "use"]).stderr.contains("cached   use"))
        _ = try git("echo two > f.txt && git commit -q -am two", in: repo)
        let moved = try cli.run(["run", "use"])
        #expect(moved.status == 0)
        #expect(moved.stderr.contains("built    use"))
        let pinned = try git("git rev-parse HEAD~1", in: repo)
        try cli.recipe(
            "pinned", "summary: p\nrun:\n  action: git\n  with: {url: \"file://\(repo)\", revision: \(pinned)}\n")
        let plan = try cli.run(["plan", "pinned"])
        #expect(plan.stdout.contains("build ") && !plan.stdout.contains("volatile"))
        #expect(try cli.run(["run", "pinned"]).status == 0)
    }

    /// `pull --json`: one object per command, `{"repositories": [...]}`, with what happened to each.
    @Test func pullPrintsWhatItFetchedAsJSON() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let repo = cli.root + "/team-recipes"
        try FileManager.default.createDirectory(atPath: repo + "/recipes", withIntermediateDirectories: true)
        try "summary: from the team\nrun: echo v1\n".write(
            toFile: repo + "/recipes/team-step.yaml", atomically: true, encoding: .utf8)
        _ = try git("git init -q -b main . && git add -A && git commit -q -m one", in: repo)
        let first = try git("git rev-parse HEAD", in: repo)
        func repositories(_ args: [String]) throws -> [[String: Any]] {
            let r = try cli.run(["pull"] + args + ["--json"])
            #expect(r.status == 0, "\(r.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            return try #require(object?["repositories"] as? [[String: Any]], "\(r.stdout)")
        }
        let added = try repositories(["file://\(repo)@main"])
        #expect(added.count == 1 && added[0]["change"] as? String == "added")
        #expect(added[0]["commit"] as? String == first)
        #expect(added[0]["previous_commit"] is NSNull && added[0]["revision"] as? String == "main")
        #expect(added[0]["name"] as? String == "team-recipes" && added[0]["url"] as? String == "file://\(repo)")
        _ = try git("git commit -q --allow-empty -m two", in: repo)
        let second = try git("git rev-parse HEAD", in: repo)
        let updated = try repositories([])
        #expect(updated.count == 1 && updated[0]["change"] as? String == "updated", "\(updated)")
        #expect(updated[0]["previous_commit"] as? String == first && updated[0]["commit"] as? String == second)
        let pinned = try repositories(["--pin", "team-recipes"])
        #expect(pinned[0]["change"] as? String == "pinned" && pinned[0]["pinned"] as? Bool == true)
        let bad = try cli.run(["pull", "file://\(cli.root)/nothing-here", "--json"])
        #expect(bad.status == 2 && bad.stdout.contains("\"error\": \"cannot clone"), "\(bad.stdout)")
        #expect(bad.stderr.hasPrefix("error: cannot clone file://\(cli.root)/nothing-here"), "\(bad.stderr)")
        let removed = try repositories(["--remove", "team-recipes"])
        #expect(removed[0]["change"] as? String == "removed" && removed[0]["commit"] as? String == second)
    }

    @Test func pullAddsARecipeRepositoryAndUpdatesIt() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let repo = cli.root + "/team-recipes"
        try FileManager.default.createDirectory(atPath: repo + "/recipes", withIntermediateDirectories: true)
        try "summary: from the team\nrun: echo v1 > v.txt\n".write(
            toFile: repo + "/recipes/team-step.yaml", atomically: true, encoding: .utf8)
        _ = try git("git init -q -b main . && git add -A && git commit -q -m one", in: repo)
        let first = try git("git rev-parse HEAD", in: repo)
        let r = try cli.run(["pull", "file://\(repo)@main"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "team-recipes: added at \(first.prefix(12)) (file://\(repo)@main)\n")
        #expect(try cli.run(["run", "team-step"]).status == 0)
        try "summary: from the team\nrun: echo v2 > v.txt\n".write(
            toFile: repo + "/recipes/team-step.yaml", atomically: true, encoding: .utf8)
        _ = try git("git commit -q -am two", in: repo)
        let second = try git("git rev-parse HEAD", in: repo)
        let update = try cli.run(["pull"])
        #expect(update.stdout == "team-recipes: \(first.prefix(12)) -> \(second.prefix(12))\n")
        let records = try String(contentsOfFile: cli.root + "/cache/repos.json", encoding: .utf8)
        #expect(records.contains(second))
        let bad = try cli.run(["pull", "file://\(cli.root)/nothing-here"])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("error: cannot clone file://\(cli.root)/nothing-here"))
        #expect(!FileManager.default.fileExists(atPath: cli.root + "/cache/repos/nothing-here"))
        // Listed, pinned (an update leaves it), unpinned, removed.
        let list = try cli.run(["pull", "--list"])
        #expect(
            list.stdout.contains("team-recipes  main      \(second.prefix(12))          1        file://\(repo)"),
            "\(list.stdout)")
        #expect(
            try cli.run(["pull", "--pin", "team-recipes"]).stdout == "team-recipes: pinned at \(second.prefix(12))\n")
        _ = try git("git commit -q --allow-empty -m three", in: repo)
        #expect(try cli.run(["pull"]).stdout == "team-recipes: unchanged at \(second.prefix(12)) (pinned)\n")
        #expect(try cli.run(["pull", "--unpin", "team-recipes"]).status == 0)
        #expect(try cli.run(["pull"]).stdout.hasPrefix("team-recipes: \(second.prefix(12)) -> "))
        let typo = try cli.run(["pull", "--remove", "team-recipe"])
        #expect(typo.status == 2)
        #expect(
            typo.stderr
                == "error: no pulled repository 'team-recipe'; did you mean 'team-recipes'? (pulled: team-recipes)\n")
        #expect(try cli.run(["pull", "--remove", "team-recipes"]).stdout.hasPrefix("team-recipes: removed (was at "))
        #expect(!FileManager.default.fileExists(atPath: cli.root + "/cache/repos/team-recipes"))
        #expect(try cli.run(["run", "team-step"]).status == 2)
    }

    @Test func anUnsafeArchiveFailsTheStepAndNothingEscapes() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try git(
            "python3 -c \"import io,tarfile\nt=tarfile.open('evil.tar','w')\ni=tarfile.TarInfo('../../evil.txt'); i.size=1; t.addfile(i, io.BytesIO(b'x')); t.close()\"",
            in: cli.root)
        try cli.recipe("unpack", "summary: u\nrun:\n  action: extract\n  with: {archive: \"\(cli.root)/evil.tar\"}\n")
        let r = try cli.run(["run", "unpack"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "failed   unpack: refusing to extract '../../evil.txt' from evil.tar: its path contains '..'"))
        #expect(cli.entries().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: cli.root + "/cache/evil.txt"))
    }

    @Test func detectSaysWhatItFoundAndWhatWasRequired() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("py", "summary: p\nrun:\n  action: detect\n  with: {program: python3, version: \">=3.8,<4\"}\n")
        try cli.recipe(
            "py-future", "summary: p\nrun:\n  action: detect\n  with: {program: python3, version: \">=9\"}\n")
        let ok = try cli.run(["run", "py"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("version = 3."))
        let bad = try cli.run(["run", "py-future"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("is version 3."))
        #expect(bad.stderr.contains("but >=9 is required"))
    }
}

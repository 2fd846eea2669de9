import Foundation
import Testing
import Workflow

/// Secrets reach a step's environment and nowhere else: a planted token is searched for in every file repro wrote.
@Suite("secrets", .serialized)
struct SecretTests {
    static let token = "hf_planted_Token_7d1c9e"
    static let unrelated = "unrelated_Secret_42aa"

    static let recipes = [
        (
            "gated",
            """
            summary: a step that needs a token, as a gated model download does
            env:
              HF_TOKEN: ${{ host.secret.HF_TOKEN }}
            run: |
              printf '%s' "$HF_TOKEN" | sha256sum | cut -c1-64 > token.sha256
              echo "using token $HF_TOKEN"
              echo "debug: token=$HF_TOKEN" >&2
              echo "seen=$HF_TOKEN" >> "$REPRO_OUTPUTS"
              echo "length=${#HF_TOKEN}" >> "$REPRO_OUTPUTS"
            outputs:
              digest: ${{ node.out }}/token.sha256
              seen: ${{ run.outputs.seen }}
            metrics:
              length: {value: "${{ run.outputs.length }}", better: equal}
            """
        ),
        (
            "report",
            """
            summary: what a later step gets
            needs:
              gated: {recipe: gated}
            run:
              action: write-file
              with: {path: seen.txt, text: "${{ needs.gated.outputs.seen }}"}
            """
        ),
        (
            "leaky",
            """
            summary: a step that fails and prints its token
            env:
              TOKEN: ${{ host.secret.HF_TOKEN }}
            run: |
              echo "failing with $TOKEN" >&2
              exit 3
            """
        ),
    ]

    func everyFile(under root: String) -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        for case let rel as String in fm.enumerator(atPath: root)! {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: root + "/" + rel, isDirectory: &isDir), !isDir.boolValue { out.append(rel) }
        }
        return out
    }

    @Test func aPlantedTokenReachesTheStepAndNoFileRepoWrote() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for (name, text) in SecretTests.recipes { try cli.recipe(name, text) }
        let env = ["HF_TOKEN": SecretTests.token, "OTHER_TOKEN": SecretTests.unrelated]
        var printed = ""
        let run = try cli.run(["run", "report"], env: env)
        #expect(run.status == 0, "\(run.stderr)")
        printed += run.stdout + run.stderr
        // The step got it.
        let nodes = try cli.lastManifest()["nodes"] as! [[String: Any]]
        let entry = nodes.first { $0["id"] as? String == "gated" }!["entry"] as! String
        let expected = Digests.bytes(Array(SecretTests.token.utf8))
        #expect(try cli.read("cache/entries/\(entry)/out/token.sha256") == expected + "\n")
        let metrics = nodes.first { $0["id"] as? String == "gated" }!["metrics"] as! [String: Any]
        #expect(metrics["length"] as? Int == SecretTests.token.count)

        // Everything else a user would do with the run.
        for args in [
            ["show", "last"], ["show", "last", "gated"], ["why", "gated"], ["history"], ["runs", "--json"],
            ["report", "--out", "report.html"], ["cache", "show", "gated"], ["run", "report", "--json"],
        ] {
            let r = try cli.run(args, env: env)
            printed += r.stdout + r.stderr
        }
        let failed = try cli.run(["run", "leaky"], env: env)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("failing with ***"), "\(failed.stderr)")
        printed += failed.stdout + failed.stderr
        #expect(!printed.contains(SecretTests.token), "repro printed the token")

        // No file repro wrote holds either token; the logs hold the mask.
        var masked = 0
        for rel in everyFile(under: cli.root) {
            let data = try Data(contentsOf: URL(fileURLWithPath: cli.root + "/" + rel))
            #expect(data.range(of: Data(SecretTests.token.utf8)) == nil, "\(rel) holds the token")
            #expect(data.range(of: Data(SecretTests.unrelated.utf8)) == nil, "\(rel) holds an unrelated variable")
            if rel.hasPrefix("runs/") && rel.contains("/logs/") && String(decoding: data, as: UTF8.self).contains("***")
            {
                masked += 1
            }
        }
        #expect(masked >= 3, "the step's stdout and stderr, and the failing step's stderr, are masked")
        #expect(try cli.read("cache/entries/\(entry)/key.json").contains("<secret HF_TOKEN>"))

        // Rotating the token rebuilds nothing: the key says only that it was given.
        let rotated = try cli.run(["run", "report"], env: ["HF_TOKEN": "hf_rotated_token_0001"])
        #expect(rotated.status == 0)
        let statuses = (try cli.lastManifest()["nodes"] as! [[String: Any]]).map { $0["status"] as! String }
        #expect(statuses == ["hit", "hit"], "\(statuses)")
    }

    @Test func aSecretIsReadOnlyInEnvAndMustBeGiven() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for (name, text) in SecretTests.recipes { try cli.recipe(name, text) }
        let missing = try cli.run(["run", "gated"])
        #expect(missing.status == 2)
        #expect(
            missing.stderr.contains("the secret 'host.secret.HF_TOKEN' is not given: set HF_TOKEN in the environment"),
            "\(missing.stderr)")
        try cli.recipe("shelly", "summary: s\nrun: echo ${{ host.secret.HF_TOKEN }}\n")
        let inShell = try cli.run(["run", "shelly"], env: ["HF_TOKEN": SecretTests.token])
        #expect(inShell.status == 2)
        #expect(
            inShell.stderr.contains("'host.secret.HF_TOKEN' can be read only in a step's 'env:'"), "\(inShell.stderr)")
        #expect(!inShell.stderr.contains(SecretTests.token))
    }

    /// In a container step the secret arrives by its name: the runtime gets the value in its own environment, so no
    /// command line (which the process table shows) holds it.
    @Test func aContainerStepGetsTheSecretByItsEnvironment() throws {
        guard let image = TestImage.get() else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe(
            "boxed",
            """
            summary: a container step that needs a token
            env:
              HF_TOKEN: ${{ host.secret.HF_TOKEN }}
            container:
              image: \(image.archive)
            run: |
              printf '%s' "$HF_TOKEN" | sha256sum | cut -c1-64 > token.sha256
              echo "inside with $HF_TOKEN" >&2
            """)
        let r = try cli.run(["run", "boxed"], env: ["HF_TOKEN": SecretTests.token], timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        let nodes = try cli.lastManifest()["nodes"] as! [[String: Any]]
        let entry = try #require(nodes.first { $0["id"] as? String == "boxed" }?["entry"] as? String)
        #expect(
            try cli.read("cache/entries/\(entry)/out/token.sha256")
                == Digests.bytes(Array(SecretTests.token.utf8)) + "\n")
        for rel in everyFile(under: cli.root) {
            let data = try Data(contentsOf: URL(fileURLWithPath: cli.root + "/" + rel))
            #expect(data.range(of: Data(SecretTests.token.utf8)) == nil, "\(rel) holds the token")
        }
    }
}

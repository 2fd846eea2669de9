import Foundation
import Testing

/// A `repro` binary copied alone to another machine (a cluster node) must work there: nothing it needs may live
/// beside it or in the checkout it was built from. The submission rules are the data it used to look up there.
@Suite struct SelfContainedBinaryTests {
    @Test func aCopiedBinaryChecksATreeWithNoFolderBesideIt() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        // Only the binary, in a folder outside the checkout: no `repro_Submission.resources`, no `Sources/` above.
        let alone = cli.root + "/bin/repro"
        try FileManager.default.createDirectory(atPath: cli.root + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CLI.binary, toPath: alone)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.root + "/bin") == ["repro"])
        let fixture = CLI.packageRoot + "/Tests/SubmissionTests/Fixtures/inference_results_v5.1"
        let v51 = try cli.run(["check", fixture, "--version", "v5.1"], binary: alone)
        #expect(v51.status == 0, "\(v51.stdout)\(v51.stderr)")
        #expect(v51.stderr.contains("repro check: no problems in 2 results (rules of v5.1)"), "\(v51.stderr)")
        // Every round's rules are there (the v5.1 tree breaks the newer rounds' layout: problems, not bad input).
        for round in ["v6.0", "v6.1"] {
            let r = try cli.run(["check", fixture, "--version", round, "--json"], binary: alone)
            let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            #expect(r.status != 2 && report?["round"] as? String == round, "\(r.stdout)\(r.stderr)")
        }
    }
}

import Foundation
import Testing

/// repro's side of the hand-off to MLCommons' submission checker. The real checker is not on PyPI and its code may
/// not be copied here, so these tests write small STAND-IN checkers (not MLCommons code) into a temporary
/// `tools/submission/submission_checker/main.py` and run `repro submit --official-checker` against them from a
/// working directory that is neither the checkout nor the output folder.
@Suite("official checker hand-off", .serialized)
struct OfficialCheckerHandOffTests {
    /// A stand-in that fails unless its `--input` exists, and otherwise says the tree looks OK.
    static let strictStandIn = """
        # STAND-IN for the MLCommons submission checker (a repro test fixture, not MLCommons code).
        import argparse, os
        p = argparse.ArgumentParser()
        p.add_argument("--input", required=True)
        p.add_argument("--version")
        p.add_argument("--csv")
        a = p.parse_args()
        if not os.path.isdir(a.input):
            raise FileNotFoundError(2, "No such file or directory", a.input)
        print("INFO:main:Results=3, NoResults=0, Power Results=0")
        print("INFO:main:SUMMARY: submission looks OK")
        """

    /// A stand-in that raises an exception.
    static let crashingStandIn = """
        # STAND-IN for the MLCommons submission checker (a repro test fixture, not MLCommons code).
        import sys
        print("INFO:main:stand-in: loading " + sys.argv[2])
        def load(path):
            raise RuntimeError("stand-in checker cannot read " + path)
        load(sys.argv[2])
        """

    func standIn(_ cli: CLI, _ name: String, _ text: String) throws -> String {
        let checkout = cli.root + "/" + name
        try cli.recipe(name + "/tools/submission/submission_checker/main.py", text)
        return checkout
    }

    @Test func aRelativeOutFolderReachesTheCheckerAndAFailureIsShownInFull() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let strict = try standIn(cli, "strict-checkout", OfficialCheckerHandOffTests.strictStandIn)
        let crashing = try standIn(cli, "crashing-checkout", OfficialCheckerHandOffTests.crashingStandIn)
        let submit = [
            "submit", "mlperf-submission-resnet-null", "--recipes", CLI.packageRoot + "/recipes",
            "min_duration_ms=1000", "rate=20000", "--short-runs", "--out", "trees/short",
        ]
        // The checkout is given relative to repro's working directory; the tree's folder is relative too.
        let ok = try cli.run(submit + ["--official-checker", "strict-checkout"], timeout: 300)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("  INFO:main:SUMMARY: submission looks OK"), "\(ok.stdout)")
        #expect(ok.stdout.contains("--input \(cli.root)/trees/short/submission --version v6.1"), "\(ok.stdout)")
        #expect(ok.stderr.hasSuffix("repro submit: the built-in and the official checker passed\n"), "\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: cli.root + "/trees/short/official-checker.log"))
        #expect(!FileManager.default.fileExists(atPath: strict + "/tools/submission/summary.csv"))

        let failed = try cli.run(
            submit + ["--official-checker", crashing, "--reuse-measured"], timeout: 300)
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
        let out = failed.stdout
        #expect(out.contains("official checker: python3 \(crashing)/tools/submission/submission_checker/main.py"))
        #expect(out.contains("the official checker did not run to a verdict (exit status 1)"), "\(out)")
        #expect(out.contains("| RuntimeError: stand-in checker cannot read \(cli.root)/trees/short/submission"))
        #expect(out.contains("its whole output: \(cli.root)/trees/short/official-checker.log"))
        let log = try cli.read("trees/short/official-checker.log")
        #expect(log.contains("Traceback (most recent call last):"))
        #expect(log.contains("line 6, in <module>") && log.contains("in load"), "\(log)")
        // The reason is the last thing on the screen.
        #expect(
            failed.stderr.hasSuffix(
                "repro submit: exit 1: trees/short: the official checker did not run to a verdict (exit status 1)\n"),
            "\(failed.stderr)")
    }

    @Test func eachCommandListsOneVersionOption() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let submit = try cli.run(["submit", "--help"])
        let options = submit.stdout.split(separator: "\n").filter { $0.hasPrefix("  --version") }
        #expect(options.count == 1 && options[0].contains("--version <round>"), "\(submit.stdout)")
        #expect(!submit.stdout.contains("Show the version."))
        let check = try cli.run(["check", "--help"])
        let checkOptions = check.stdout.split(separator: "\n").filter { $0.hasPrefix("  --version") }
        #expect(checkOptions.count == 1 && checkOptions[0].contains("--version <round>"), "\(check.stdout)")
        let version = try cli.run(["--version"])
        #expect(version.status == 0 && version.stdout.split(separator: "\n").count == 1, "\(version.stdout)")
        let run = try cli.run(["run", "--help"])
        #expect(!run.stdout.contains("--version"))
    }
}

import Foundation
import LoadGen
import Testing

/// The external SUT protocol, against real processes: the shipped paced null SUT, and one that dies.
struct ExternalSUTTests {
    static let nullSUT = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("recipes/mlperf/null_sut.py").path

    @Test func thePacedNullSUTRunsAtItsRate() throws {
        let dir = try Fixture.temporaryDirectory()
        let sut = try ExternalSUT(
            command: ["python3", ExternalSUTTests.nullSUT, "--rate", "2000", "--name", "PacedNull"],
            totalSampleCount: 5000, performanceSampleCount: 256, stderrPath: dir + "/stderr.log")
        let s = try resnetSettings(
            .singleStream,
            "resnet50.SingleStream.target_latency = 0.5\n*.SingleStream.min_duration = 300\n*.SingleStream.min_query_count = 100\n"
        )
        let outcome = try LoadGen.run(settings: s, sut: sut, qsl: sut, outputDirectory: dir)
        #expect(sut.finish() == 0)
        let p = try #require(outcome.performance)
        #expect(p.isValid, "\(p.invalidReason)")
        #expect(p.sutName == "PacedNull")
        // One sample per 0.5 ms, one at a time: no sample is faster than its service time.
        #expect(p.sampleLatencyMin >= 450_000)
        #expect(p.queryCount >= 100)
    }

    @Test func anAccuracyRunGetsTheSUTsAnswers() throws {
        let dir = try Fixture.temporaryDirectory()
        let sut = try ExternalSUT(
            command: ["python3", ExternalSUTTests.nullSUT, "--rate", "20000"],
            totalSampleCount: 300, performanceSampleCount: 100, stderrPath: dir + "/stderr.log")
        let s = try resnetSettings(.offline, .accuracyOnly, "")
        let outcome = try LoadGen.run(settings: s, sut: sut, qsl: sut, outputDirectory: dir)
        sut.finish()
        #expect(outcome.errors.isEmpty)
        #expect(outcome.accuracySamplesLogged == 300)
        // The null SUT answers each sample with its index: the accuracy script sees every "class" as its index.
        let r = try AccuracyScript.evaluate(
            accuracyLog: dir + "/mlperf_log_accuracy.json", labels: (0..<300).map { Int32($0) })
        #expect(r.good == 300)
    }

    @Test func aSUTThatDiesIsReportedWithItsStatusAndStandardError() throws {
        let dir = try Fixture.temporaryDirectory()
        let script = dir + "/dying.py"
        try """
        import sys
        print("READY Dying", flush=True)
        n = 0
        for line in sys.stdin:
            if line.startswith("LOAD"):
                print("LOADED", flush=True)
            elif line.startswith("ISSUE"):
                n += 1
                if n == 5:
                    print("out of memory on the accelerator", file=sys.stderr, flush=True)
                    sys.exit(3)
                print("DONE " + line.split()[1].split(":")[0], flush=True)
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let sut = try ExternalSUT(
            command: ["python3", script], totalSampleCount: 100, performanceSampleCount: 50,
            stderrPath: dir + "/stderr.log")
        let s = try resnetSettings(
            .singleStream, "*.SingleStream.min_duration = 100\n*.SingleStream.min_query_count = 50\n")
        let started = Date()
        let outcome = try LoadGen.run(settings: s, sut: sut, qsl: sut, outputDirectory: dir + "/out")
        #expect(Date().timeIntervalSince(started) < 10)
        let error = try #require(outcome.errors.first)
        #expect(error.contains("stopped answering: it exited with status 3"), "\(error)")
        #expect(error.contains("out of memory on the accelerator"), "\(error)")
        #expect(!outcome.isValid)
    }

    @Test func aSUTThatNeverSaysReadyIsAnError() throws {
        let dir = try Fixture.temporaryDirectory()
        let silent = #expect(throws: LoadGenError.self) {
            try ExternalSUT(
                command: ["sh", "-c", "echo starting >&2; sleep 30"], totalSampleCount: 10, performanceSampleCount: 10,
                stderrPath: dir + "/stderr.log", startupTimeout: 0.5)
        }
        #expect(
            silent?.description
                == "the SUT `sh -c 'echo starting >&2; sleep 30'` did not say READY within 0.5 s; the end of its "
                + "standard error (\(dir)/stderr.log):\nstarting\n", "\(String(describing: silent))")
        do {
            _ = try ExternalSUT(
                command: ["no-such-sut-program"], totalSampleCount: 10, performanceSampleCount: 10,
                stderrPath: dir + "/stderr2.log", startupTimeout: 5)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("stopped answering: it exited with status 127"), "\(error)")
        }
    }

    /// A relative program path means the same file to repro and to the SUT: it is resolved against the SUT's working
    /// directory; a SUT killed by a signal is reported with the signal.
    @Test func aRelativeProgramRunsFromTheWorkingDirectoryAndASignalIsNamed() throws {
        let dir = try Fixture.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/sut-dir/bin", withIntermediateDirectories: true)
        try """
        #!/bin/sh
        echo "READY Killed"
        echo "about to be killed" >&2
        kill -KILL $$
        """.write(toFile: dir + "/sut-dir/bin/sut.sh", atomically: true, encoding: .utf8)
        chmod(dir + "/sut-dir/bin/sut.sh", 0o755)
        let sut = try ExternalSUT(
            command: ["./bin/sut.sh"], totalSampleCount: 10, performanceSampleCount: 10,
            workingDirectory: dir + "/sut-dir",
            stderrPath: dir + "/stderr.log", startupTimeout: 5)
        let s = try resnetSettings(.offline, "*.Offline.min_duration = 0\n*.Offline.min_query_count = 10\n")
        // It dies before it loads the samples: the run ends with the error.
        var error = ""
        do { _ = try LoadGen.run(settings: s, sut: sut, qsl: sut, outputDirectory: dir + "/out") } catch let e {
            error = "\(e)"
        }
        #expect(error.contains("'./bin/sut.sh' stopped answering: it was killed by signal 9"), "\(error)")
        #expect(error.contains("about to be killed") && error.contains(dir + "/stderr.log"), "\(error)")
    }
}

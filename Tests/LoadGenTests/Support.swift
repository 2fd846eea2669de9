import Basics
import Foundation
import LoadGen

/// A QSL of `total` samples of which `performance` fit in memory; it remembers what it was asked to load.
final class CountingQSL: QuerySampleLibrary {
    let name = "CountingQSL"
    let totalSampleCount: Int
    let performanceSampleCount: Int
    var loaded: [[Int]] = []

    init(total: Int, performance: Int) {
        totalSampleCount = total
        performanceSampleCount = performance
    }

    func loadSamples(_ indices: [Int]) throws { loaded.append(indices) }
    func unloadSamples(_ indices: [Int]) {}
}

/// Answers every sample at once with the 4-byte little-endian QSL index, like Fixtures/official_null_sut.py.
final class NullSUT: SystemUnderTest {
    let name = "NullSUT"
    func issueQuery(_ samples: [QuerySample], sink: ResponseSink) {
        for s in samples {
            let i = UInt32(s.index)
            sink.complete(id: s.id, bytes: [UInt8(i & 255), UInt8(i >> 8 & 255), UInt8(i >> 16 & 255), UInt8(i >> 24)])
        }
    }
    func flushQueries() {}
}

/// Answers each sample after `delay` seconds on a background queue; never answers when `delay` is nil.
final class SlowSUT: SystemUnderTest {
    let name = "SlowSUT"
    let delay: Double?
    init(delay: Double?) { self.delay = delay }
    func issueQuery(_ samples: [QuerySample], sink: ResponseSink) {
        guard let delay else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
            for s in samples { sink.complete(id: s.id, bytes: []) }
        }
    }
    func flushQueries() {}
}

enum Fixture {
    /// The package root (three levels above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures"
    ).path

    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "repro-loadgen-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs the official LoadGen (PyPI mlcommons-loadgen, installed by scripts/bootstrap --test).
    /// `workingDirectory` is the official LoadGen's working directory, where it looks for `audit.config`.
    static func runOfficial(
        scenario: String, mode: String, userConf: String, out: String, total: Int, performance: Int,
        workingDirectory: String? = nil
    ) throws -> String {
        let p = Process()
        if let workingDirectory { p.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", directory + "/official_null_sut.py", scenario, mode, userConf, out, "\(total)", "\(performance)",
        ]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            throw FixtureError("the official LoadGen (python3 -m pip install mlcommons-loadgen) failed:\n\(text)")
        }
        return text
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The entries of a `mlperf_log_detail.txt`: key → values (JSON text) in order.
struct DetailEntries {
    var values: [String: [Any]] = [:]
    var keys: [String] = []
    var errors = 0

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n") {
            guard let entry = MLLogLine(line) else {
                throw FixtureError("\(path): not a :::MLLOG line: \(line.prefix(80))")
            }
            keys.append(entry.key)
            values[entry.key, default: []].append(entry.value)
            if entry.isError { errors += 1 }
        }
    }

    func text(_ key: String, _ i: Int = 0) -> String? {
        guard let v = values[key], i < v.count else { return nil }
        if let n = v[i] as? NSNumber {
            // Compare integers exactly and decimals to 6 significant digits.
            let t = n.stringValue
            return t.contains(".") || t.contains("e") ? String(format: "%.6g", n.doubleValue) : t
        }
        return "\(v[i])"
    }
}

/// The `name : value` lines of a summary, in order.
func summaryFields(_ path: String) throws -> [(String, String)] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
        guard let colon = line.range(of: ":") else { return nil }
        return (
            line[..<colon.lowerBound].trimmingCharacters(in: .whitespaces),
            line[colon.upperBound...].trimmingCharacters(in: .whitespaces)
        )
    }
}

/// resnet50's settings from the shipped mlperf.conf and a user.conf given as text.
func resnetSettings(_ scenario: TestScenario, _ user: String, mode: TestMode = .performanceOnly) throws -> TestSettings
{
    try SettingsLoader.settings(
        model: "resnet50", scenario: scenario, mode: mode, mlperf: MLPerfConf.file(),
        user: ConfigFile(path: "user.conf", text: user))
}

func resnetSettings(_ scenario: TestScenario, _ mode: TestMode, _ user: String) throws -> TestSettings {
    try resnetSettings(scenario, user, mode: mode)
}

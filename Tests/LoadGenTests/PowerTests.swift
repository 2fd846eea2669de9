import Foundation
import LoadGen
import Testing

/// Power readings from a RAPL-style energy counter (a prepared sysfs tree whose counter a thread advances at a
/// known rate), from a command, and the words when nothing can be read.
struct PowerTests {
    @Test func raplEnergyCountersGiveTheAveragePower() throws {
        let root = try Fixture.temporaryDirectory()
        let zone = root + "/sys/class/powercap/intel-rapl:0"
        // As sysfs shows them: the package zone and its sub-zone (which must not be counted twice).
        try FileManager.default.createDirectory(atPath: zone, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: zone + ":0", withIntermediateDirectories: true)
        try "999\n".write(toFile: zone + ":0/energy_uj", atomically: true, encoding: .utf8)
        try "1000000\n".write(toFile: zone + "/energy_uj", atomically: true, encoding: .utf8)
        try "262143328850\n".write(toFile: zone + "/max_energy_range_uj", atomically: true, encoding: .utf8)
        let sampler = try PowerSampler(kind: .rapl, interval: 0.05, root: root)
        #expect(sampler.source.contains("RAPL"))
        // 40 W: 40 J/s = 40e6 µJ/s, advanced every 10 ms.
        let stop = Date().addingTimeInterval(0.8)
        let start = Date()
        sampler.start()
        while Date() < stop {
            Thread.sleep(forTimeInterval: 0.01)
            let energy = 1_000_000 + Int(Date().timeIntervalSince(start) * 40e6)
            try "\(energy)\n".write(toFile: zone + "/energy_uj", atomically: true, encoding: .utf8)
        }
        let summary = try sampler.stop(window: nil, csvPath: root + "/power.csv")
        #expect(summary.samples >= 8)
        let watts = try #require(summary.averageWatts)
        #expect(abs(watts - 40) < 8, "\(watts) W")
        #expect(try String(contentsOfFile: root + "/power.csv", encoding: .utf8).hasPrefix("time_unix_s,watts\n"))
    }

    @Test func aCommandCanBeThePowerMeter() throws {
        let root = try Fixture.temporaryDirectory()
        let sampler = try PowerSampler(kind: .command, interval: 0.05, command: ["sh", "-c", "echo 42.5"])
        sampler.start()
        Thread.sleep(forTimeInterval: 0.4)
        let summary = try sampler.stop(window: nil, csvPath: root + "/power.csv")
        #expect(summary.samples >= 3)
        #expect(summary.averageWatts == 42.5)
    }

    @Test func withoutASourcePowerIsUnavailableWithEveryReason() throws {
        let root = try Fixture.temporaryDirectory()
        do {
            _ = try PowerSampler(kind: .auto, root: root)
            Issue.record("expected no source under an empty root")
        } catch {
            let text = error.description
            #expect(
                text.hasPrefix(
                    "power: unavailable (rapl: no \(root)/sys/class/powercap; hwmon: no \(root)/sys/class/hwmon"))
        }
        do {
            _ = try PowerSampler(kind: .command, command: ["sh", "-c", "echo no reading"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("gave no reading"))
        }
    }
}

extension PowerTests {
    @Test func hwmonSensorsAreSummed() throws {
        let root = try Fixture.temporaryDirectory()
        for (n, microwatts) in [("hwmon0", 12_500_000), ("hwmon3", 7_500_000)] {
            let dir = root + "/sys/class/hwmon/\(n)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try "\(microwatts)\n".write(toFile: dir + "/power1_input", atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(
            atPath: root + "/sys/class/hwmon/hwmon1", withIntermediateDirectories: true)
        try "45000\n".write(toFile: root + "/sys/class/hwmon/hwmon1/temp1_input", atomically: true, encoding: .utf8)
        let sampler = try PowerSampler(kind: .auto, interval: 0.05, root: root)
        #expect(sampler.source.hasPrefix("hwmon power sensors"))
        sampler.start()
        Thread.sleep(forTimeInterval: 0.3)
        let summary = try sampler.stop(window: nil, csvPath: root + "/power.csv")
        #expect(summary.averageWatts == 20)
    }

    @Test func noReadingInsideTheWindowIsUnavailableNotZero() throws {
        let root = try Fixture.temporaryDirectory()
        let sampler = try PowerSampler(kind: .command, interval: 0.05, command: ["sh", "-c", "echo 42.5"])
        sampler.start()
        Thread.sleep(forTimeInterval: 0.2)
        // A window long before any reading.
        let summary = try sampler.stop(window: 1_000...1_001, csvPath: root + "/power.csv")
        #expect(summary.samples == 0)
        #expect(summary.averageWatts == nil)
        #expect(summary.energyJoules == nil)
        #expect(
            summary.unavailable == "power: unavailable (`sh -c 'echo 42.5'` gave no reading inside the 1.00 s window)")
    }

    @Test func stoppingJoinsTheSamplingThreadAtOnce() throws {
        let root = try Fixture.temporaryDirectory()
        let sampler = try PowerSampler(kind: .command, interval: 5, command: ["sh", "-c", "echo 7"])
        sampler.start()
        Thread.sleep(forTimeInterval: 0.1)
        let start = Date()
        let summary = try sampler.stop(window: nil, csvPath: root + "/power.csv")
        #expect(Date().timeIntervalSince(start) < 1, "stop() waited for the sampling interval")
        #expect(summary.samples == 0)
        #expect(summary.averageWatts == nil)
    }
}

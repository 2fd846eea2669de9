import Basics
import Foundation
import LoadGen
import Recipes
import Runners
import Workflow

/// `power` (see `PowerSpec`): samples power while `during` runs (or for `seconds`), writes `power_samples.csv`.
struct PowerAction: Implementation {
    let spec = PowerSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        let name = try context.optionalString("source") ?? "auto"
        guard let kind = PowerSourceKind(rawValue: name), kind != .none else {
            throw ActionError.badParameter(
                name: "source", problem: "expected auto, rapl, hwmon, ipmi, nvidia or command, found '\(name)'")
        }
        let during = try context.optionalString("during")
        let seconds = context.with["seconds"] == nil ? nil : try context.double("seconds")
        guard (during == nil) != (seconds == nil) else {
            throw ActionError.badParameter(name: "during", problem: "give either 'during' (a command) or 'seconds'")
        }
        let sampler: PowerSampler
        do {
            sampler = try PowerSampler(
                kind: kind, interval: try context.double("interval", default: 0.25),
                root: try context.optionalString("root") ?? "", command: (try? context.strings("command")) ?? [])
        } catch {
            context.log.out("\(error)")
            if let during { try PowerAction.shell(during, context) }
            return ["power": .string("\(error)"), "average_watts": .null, "energy_joules": .null, "seconds": .null]
        }
        let begin = Clock.now()
        sampler.start()
        if let during { try PowerAction.shell(during, context) } else { Clock.sleep(seconds ?? 0) }
        let end = Clock.now()
        let s = try sampler.stop(window: begin...end, csvPath: context.outDir + "/power_samples.csv")
        guard let watts = s.averageWatts, let joules = s.energyJoules else {
            let reason = s.unavailable ?? "power: unavailable"
            context.log.out(reason)
            return [
                "power": .string(reason), "average_watts": .null, "energy_joules": .null, "seconds": .double(s.seconds),
                "samples": .int(s.samples), "csv": .string(context.outDir + "/power_samples.csv"),
            ]
        }
        context.log.out(
            String(
                format: "power: %.1f W average, %.1f J over %.2f s (%d readings, %@)", watts, joules, s.seconds,
                s.samples, s.source))
        return [
            "power": .string(s.source), "average_watts": .double(watts), "energy_joules": .double(joules),
            "seconds": .double(s.seconds), "samples": .int(s.samples),
            "csv": .string(context.outDir + "/power_samples.csv"),
        ]
    }

    /// Runs the measured command in the step's output folder; a failure shows its command line, how it ended and its
    /// last lines, and its whole output stays in `during.log`.
    static func shell(_ command: String, _ context: ActionContext) throws {
        let r = Command.run(
            ["/bin/sh", "-c", command], environment: context.environment, directory: context.outDir,
            mergeOutput: true, timeout: nil)
        let log = context.outDir + "/during.log"
        try FileOps.write(r.stdout, to: log)
        if !r.stdout.isEmpty { context.log.out(r.stdout.hasSuffix("\n") ? String(r.stdout.dropLast()) : r.stdout) }
        if !r.succeeded {
            throw ActionError.failed("the measured command failed:\n\(ProgramReport(r, logPath: log))")
        }
    }
}

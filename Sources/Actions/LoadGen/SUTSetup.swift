import Foundation
import Kernels
import LoadGen
import Recipes
import Workflow

/// The systems under test a `loadgen` step can drive (its `sut:` parameter).
enum SUTKind: String, CaseIterable {
    /// The digits model on repro's kernels.
    case kernels
    /// An ONNX model on repro's kernels.
    case onnx
    /// The paced null SUT (answers at a set rate; for LoadGen itself).
    case null
    /// A program over the external-SUT protocol.
    case external

    init(parameter text: String) throws {
        guard let kind = SUTKind(rawValue: text) else {
            throw ActionError.badParameter(
                name: "sut",
                problem: "expected \(SUTKind.allCases.map(\.rawValue).joined(separator: ", ")), found '\(text)'")
        }
        self = kind
    }
}

/// The SUT and QSL of a `loadgen` step, and what to record about how it ran.
struct SUTSetup {
    let sut: any SystemUnderTest
    let qsl: any QuerySampleLibrary
    let environment: Value
    let environmentLine: String
    let shutdown: () -> Void
    /// Ends the SUT; an external SUT's exit status.
    let finish: () -> Int32?

    static func make(_ kind: SUTKind, context: ActionContext, scenario: TestScenario) throws -> SUTSetup {
        switch kind {
        case .kernels: return try kernels(context, scenario: scenario)
        case .onnx: return try onnx(context, scenario: scenario)
        case .null:
            let rate = try context.double("null-rate", default: 1000)
            let sut = PacedNullSUT(
                samplesPerSecond: rate, totalSampleCount: try context.int("total-count", default: 50000),
                performanceSampleCount: try context.int("performance-count", default: 1024))
            return SUTSetup(
                sut: sut, qsl: sut,
                environment: .map(["sut": .string(kind.rawValue), "samples_per_second": .double(rate)]),
                environmentLine: "built-in null SUT paced at \(rate) samples/s", shutdown: sut.shutdown, finish: { nil }
            )
        case .external:
            let command = try context.strings("command")
            let log = context.log
            let sut = try ExternalSUT(
                command: command, totalSampleCount: try context.int("total-count", default: 50000),
                performanceSampleCount: try context.int("performance-count", default: 1024),
                workingDirectory: context.workDir, environment: context.environment,
                stderrPath: context.outDir + "/sut-stderr.log", log: { log.out("sut: " + $0) })
            return SUTSetup(
                sut: sut, qsl: sut,
                environment: .map(["sut": .string(kind.rawValue), "command": .list(command.map { .string($0) })]),
                environmentLine: "external SUT `\(command.joined(separator: " "))`", shutdown: {},
                finish: { sut.finish() })
        }
    }

    /// Workers, largest batch and kernel threads of a kernels SUT: the step's settings or the scenario's defaults.
    static func workerSettings(_ context: ActionContext, scenario: TestScenario) throws -> (Int, Int, Int) {
        let streams = scenario == .singleStream || scenario == .multiStream
        let workers = try context.int("workers", default: streams ? 1 : context.cpus)
        let defaultBatch =
            switch scenario {
            case .singleStream: 1
            case .multiStream, .server: 8
            case .offline: 32
            }
        let batch = try context.int("batch", default: defaultBatch)
        let threads = try context.int("threads", default: max(1, context.cpus / max(1, workers)))
        BLAS.setThreads(threads)
        return (workers, batch, threads)
    }

    static func kernels(_ context: ActionContext, scenario: TestScenario) throws -> SUTSetup {
        let (workers, batch, threads) = try workerSettings(context, scenario: scenario)
        let data = try context.string("data")
        let sut = try KernelsSUT.digits(
            weights: try context.string("model"), images: data + "/val-images.rpt", workers: workers, maxBatch: batch)
        return kernelsSetup(sut, kind: .kernels, workers: workers, batch: batch, threads: threads)
    }

    /// The record of a kernels SUT: its model, workers, batch, threads and the math libraries.
    static func kernelsSetup(
        _ sut: KernelsSUT, kind: SUTKind, workers: Int, batch: Int, threads: Int, extra: [String: Value] = [:]
    ) -> SUTSetup {
        let env = KernelsEnvironment.current
        var record: [String: Value] = [
            "sut": .string(kind.rawValue), "architecture": .string(sut.model),
            "workers": .int(workers), "batch": .int(batch), "threads": .int(threads),
            "blas_core": .string(env.blasCore), "blas_config": .string(env.blasConfig),
            "convolution": .string(env.convolution), "host": HostInfo.description,
        ]
        record.merge(extra) { $1 }
        return SUTSetup(
            sut: sut, qsl: sut, environment: .map(record),
            environmentLine:
                "\(workers) worker(s), batch ≤ \(batch), \(threads) kernel thread(s) each, \(env.convolution), OpenBLAS \(env.blasCore)",
            shutdown: sut.shutdown, finish: { nil })
    }
}

import Recipes
import Workflow

/// `loadgen`: an MLPerf Inference test under repro's LoadGen, with LoadGen's logs, the accuracy script and power.
public struct LoadGenSpec: ActionSpec {
    public let name = "loadgen"
    public let outputs: [String]? = [
        "logs", "scenario", "mode", "model_name", "sut_name", "benchmark", "summary", "detail", "accuracy_log",
        "environment", "result", "valid", "invalid_reason", "metric", "value", "samples_per_second",
        "scheduled_samples_per_second", "latency_ms", "latency_ns", "query_count", "sample_count", "accuracy",
        "accuracy_percent", "accuracy_txt", "accuracy_log_sha256", "accuracy_samples", "accuracy_line", "power",
        "power_watts",
        "samples_per_joule", "sut_exit_status", "round", "audit", "derating", "accuracy_log_entries", "peak_target_qps",
    ]
    public let version = "3"  // 2: direct/Winograd kernels, kernel threads; 3: power unavailable, not 0 W
    /// Submission: the rounds' seeds come from its rules.
    public var implementation: [String] {
        ["Sources/Actions/LoadGen", "Sources/Submission"] + ImplementationSources.loadgen
            + ImplementationSources.onnx + ImplementationSources.imaging
    }
    public let summary =
        "run a SUT under LoadGen (scenario, mode, mlperf.conf + user.conf) -> MLPerf logs, accuracy, power"
    public let parameters = [
        ActionParameter("scenario", .string, required: true, doc: "SingleStream, MultiStream, Server or Offline"),
        ActionParameter("mode", .string, doc: "performance (default), accuracy, submission or find-peak (Server)"),
        ActionParameter(
            "round", .string, doc: "the MLPerf round whose seeds mlperf.conf sets (v5.1, v6.0, v6.1; default v6.1)"),
        ActionParameter(
            "seeds", .list,
            doc: "instead of round: the qsl, sample-index and schedule RNG seeds (a published run's, of another round)"),
        ActionParameter(
            "audit", .string, doc: "TEST01 or TEST04: the compliance test's audit.config, applied last (model *)"),
        ActionParameter("audit-config", .path, doc: "an audit.config file to apply last, as LoadGen does"),
        ActionParameter(
            "derate", .float, doc: "Server: a factor on target_qps (compliance runs: 0.96 TEST01, 0.97 TEST04)"),
        ActionParameter(
            "model-name", .string, doc: "the benchmark's name in mlperf.conf and user.conf (default resnet50)"),
        ActionParameter(
            "benchmark", .string, doc: "the benchmark's folder name in a submission (default: resnet for resnet50)"),
        ActionParameter("user-conf", .path, doc: "a user.conf (LoadGen's format); read after repro's mlperf.conf"),
        ActionParameter("settings", .map, doc: "overrides on top, e.g. {min_duration: 10000, target_qps: 500}"),
        ActionParameter(
            "sut", .string, doc: "kernels (default: the model on the built-in kernels), onnx, null or external"),
        ActionParameter("model", .path, doc: "weights file (kernels SUT)"),
        ActionParameter(
            "data", .path, doc: "a preprocess output folder; its validation split is the QSL (kernels SUT)"),
        ActionParameter(
            "labels", .path, doc: "int32 labels tensor for the accuracy script (default: the data's val-labels.rpt)"),
        ActionParameter("command", .list, doc: "the external SUT's command (see docs/loadgen.md for its protocol)"),
        ActionParameter("null-rate", .float, doc: "samples per second of the null SUT (default 1000)"),
        ActionParameter("total-count", .int, doc: "QSL size for the null and external SUTs (default 50000)"),
        ActionParameter(
            "performance-count", .int, doc: "samples that fit in memory, null and external SUTs (default 1024)"),
        ActionParameter(
            "workers", .int, doc: "kernels SUT threads (default: 1 for the stream scenarios, the CPUs otherwise)"),
        ActionParameter(
            "batch", .int,
            doc: "largest batch a kernels worker takes (default 1 single-stream, 8 multi-stream/server, 32 offline)"),
        ActionParameter("threads", .int, doc: "kernel threads per worker (default: CPUs / workers)"),
        ActionParameter("power", .string, doc: "auto (default), rapl, hwmon, ipmi, nvidia, command or none"),
        ActionParameter("power-command", .list, doc: "a command printing watts (power: command)"),
        ActionParameter("power-interval", .float, doc: "seconds between power readings (default 0.25)"),
        ActionParameter("power-root", .path, doc: "prefix of /sys for the power sensors (tests)"),
        ActionParameter("trace", .bool, doc: "write mlperf_log_trace.json (default true)"),
    ]
    public init() {}

    /// Performance numbers are measurements; an accuracy run is deterministic and may be reused.
    public func defaultPolicy(with: [String: Value]) -> CachePolicy? {
        with["mode"]?.stringValue?.lowercased().hasPrefix("acc") == true ? nil : .measured
    }
}

/// `audit`: the verification of a compliance test (TEST01, TEST04) against the submission's runs, written as the
/// result's `TEST0x` folder.
public struct AuditSpec: ActionSpec {
    public let name = "audit"
    public let outputs: [String]? = [
        "dir", "folder", "test", "benchmark", "scenario", "passed", "accuracy_passed", "performance_passed", "derating",
        "sampled", "fallback",
    ]
    public let version = "1"
    public var implementation: [String] {
        [
            "Sources/Actions/LoadGen/AuditAction.swift", "Sources/Actions/LoadGen/LoadGenAction.swift",
            "Sources/Submission",
        ] + ImplementationSources.loadgen + ImplementationSources.kernels
    }
    public let summary =
        "verify a compliance test run (TEST01, TEST04) against the performance and accuracy runs -> TEST0x folder"
    public let parameters = [
        ActionParameter("test", .string, required: true, doc: "TEST01 or TEST04"),
        ActionParameter("run", .path, required: true, doc: "the loadgen folder of the compliance test's run"),
        ActionParameter(
            "performance", .path, required: true, doc: "the loadgen folder of the submission's performance run"),
        ActionParameter("accuracy", .path, doc: "TEST01: the loadgen folder of the submission's accuracy run"),
        ActionParameter(
            "dtype", .string, doc: "TEST01: how responses are compared, by their first byte, int32, int64 or float32"),
        ActionParameter(
            "labels", .path, doc: "TEST01's fallback: int32 labels for the accuracy script (none: no fallback)"),
    ]
    public init() {}
}

/// `accuracy`: the accuracy script on a LoadGen accuracy log.
public struct AccuracySpec: ActionSpec {
    public let name = "accuracy"
    public let outputs: [String]? = ["accuracy", "good", "total", "accuracy_txt", "accuracy_log_sha256"]
    public let version = "1"
    public var implementation: [String] {
        ["Sources/Actions/LoadGen/LoadGenAction.swift", "Sources/Submission"] + ImplementationSources.loadgen
            + ImplementationSources.kernels
    }
    public let summary = "top-1 accuracy of a LoadGen accuracy log against int32 labels -> accuracy.txt"
    public let parameters = [
        ActionParameter("log", .path, required: true, doc: "mlperf_log_accuracy.json, or the folder holding it"),
        ActionParameter(
            "labels", .path, doc: "int32 labels tensor, indexed by qsl_idx (none: every answer counts as wrong)"),
    ]
    public init() {}
}

/// `power`: the machine's power while a command runs (or for a number of seconds).
public struct PowerSpec: ActionSpec {
    public let name = "power"
    public let outputs: [String]? = ["power", "average_watts", "energy_joules", "seconds", "samples", "csv"]
    public let version = "2"  // 2: unavailable, not 0 W, when no reading fell inside the window
    public var implementation: [String] {
        ["Sources/Actions/LoadGen/PowerAction.swift"] + ImplementationSources.loadgen
    }
    public let summary =
        "sample power (RAPL, hwmon, ipmitool, nvidia-smi or a command) while a command runs -> watts, joules"
    public let parameters = [
        ActionParameter("during", .string, doc: "a shell command to measure (its exit status is the step's)"),
        ActionParameter("seconds", .float, doc: "measure this long instead of a command"),
        ActionParameter("source", .string, doc: "auto (default), rapl, hwmon, ipmi, nvidia or command"),
        ActionParameter("command", .list, doc: "a command printing watts (source: command)"),
        ActionParameter("interval", .float, doc: "seconds between readings (default 0.25)"),
        ActionParameter("root", .path, doc: "prefix of /sys for the sensors (tests)"),
    ]
    public init() {}
    public func defaultPolicy(with: [String: Value]) -> CachePolicy? { .measured }
}

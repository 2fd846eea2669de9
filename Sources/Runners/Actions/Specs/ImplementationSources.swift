/// The source paths that implement the built-in actions, for `ActionSpec.implementation`: their digests enter
/// the keys of every node using the action, so editing them rebuilds what the action made and its dependants.
///
/// A path here must cover everything the action's code reaches (modules it imports, the C code they call);
/// `ImplementationSourcesTests` checks that every path names files, that every module an action file imports is
/// named, and that every source file is either named by some action or listed in `notResults` with the reason
/// it cannot change a result. What the paths cannot see is named in the README (libraries of the machine, the
/// engine's own formats, which `version` covers).
enum ImplementationSources {
    /// The helpers below the leaves (JSON quoting, :::MLLOG lines, the clock, commands), which most modules use.
    static let basics = ["Sources/Basics"]
    /// The Swift kernels, the C kernels they call and OpenBLAS's module map.
    static let kernels = ["Sources/Kernels", "Sources/CKernels", "Sources/COpenBLAS"] + basics
    /// ONNX import (the generated messages, the importer and its folds) over the kernels.
    static let onnx = ["Sources/ONNX"] + kernels
    /// JPEG decoding and MLPerf's ImageNet preprocessing.
    static let imaging = ["Sources/Imaging", "Sources/CTurboJPEG"] + basics
    /// LoadGen (scenarios, logs, the accuracy script, power sampling).
    static let loadgen = ["Sources/LoadGen"] + basics
    /// The getting actions and the libcurl, libgit2 and libarchive wrappers under them.
    static let getting =
        ["Sources/Actions/FetchAction.swift", "Sources/Fetch", "Sources/CCurl", "Sources/CGit2", "Sources/CArchive"]
        + basics
    /// Submission trees, their checker with its rules (`Sources/Submission/Rules`, compiled into the binary) and the
    /// deterministic tarball both submission actions pack; LoadGen for the scenario and audit-test types of the step
    /// records they read.
    static let submission =
        [
            "Sources/Submission", "Sources/Runners/Submission/DeterministicTarball.swift",
            "Sources/Runners/Actions/SubmissionAction.swift",
        ] + loadgen

    /// Modules an action's files import that its `implementation` leaves out on purpose, with the reason.
    static let importExceptions: [(action: String, module: String, reason: String)] = [
        (
            "model", "CKernels",
            "it builds seeded initial weights (Network.init, ModelFile.save); the C kernels run only in forward "
                + "and backward passes, which the model action never calls"
        ),
        (
            "model", "COpenBLAS",
            "the same: OpenBLAS runs only in forward and backward passes"
        ),
    ]

    /// Sources that no built-in action's result can depend on, with the reason. Everything else under `Sources/`
    /// must be named by some action (a test checks it).
    static let notResults: [(path: String, reason: String)] = [
        ("Sources/repro", "the command line: it parses and prints"),
        ("Sources/repro-step", "the worker's entry point: it calls ActionWorker"),
        ("Sources/Actions/ActionWorker.swift", "runs an action and passes its outputs on; the key format covers it"),
        ("Sources/Actions/Implementation.swift", "forwards a spec's name, version and parameters"),
        ("Sources/Recipes", "the recipe language: what it evaluates enters keys as values"),
        ("Sources/Workflow", "the engine: planning, keys, the cache; changes to its formats bump the key format"),
        ("Sources/Runners/Local", "how a step is started; a step's inputs and environment enter keys"),
        ("Sources/Runners/Session", "the wiring of a run"),
        ("Sources/Runners/Slurm", "the Slurm runner; keys do not depend on the runner"),
        ("Sources/Runners/Containers", "how a container step starts; its image enters keys as its digest"),
        ("Sources/Runners/Support", "process helpers of the runners"),
        ("Sources/Runners/Submission", "repro submit's copy-out and checker hand-off (the tarball is named above)"),
        ("Sources/Runners/Actions/BuiltinActions.swift", "the list of actions"),
        ("Sources/Runners/Actions/Specs", "names, parameters and their docs; policies enter keys as the policy"),
        ("Sources/History", "metrics over time, after runs"),
        ("Sources/Reproduction", "the verdicts of repro reproduce, after runs"),
        ("Sources/BuildInfo", "this table's own data"),
    ]
}

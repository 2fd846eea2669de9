// swift-tools-version:6.1
import PackageDescription

// Module arrows point one way: repro -> Runners -> Workflow -> Recipes; repro-step -> Actions -> Runners, and
// Actions -> Fetch, Kernels, LoadGen. The native libraries (libcurl, libgit2, OpenBLAS) are linked only into
// repro-step, the worker that runs built-in actions, so `repro` itself starts in milliseconds; `repro` links only
// SQLite (through GRDB, for the history of metrics).
// C targets are imported only by the module that wraps them.
// Linux only: repro reads /proc and calls Glibc and Linux process and locking calls directly (Basics refuses to
// build elsewhere, with that message).
let package = Package(
    name: "repro",
    products: [
        .executable(name: "repro", targets: ["repro"]),
        .executable(name: "repro-step", targets: ["repro-step"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // C libraries from Debian packages, found through pkg-config.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),

        // The helpers that modules which may not know each other all need (its README says why it exists).
        .target(name: "Basics", exclude: ["README.md"]),
        .target(
            name: "Recipes",
            dependencies: [
                "Basics", .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"]),
        // The Swift files made at build time (BuildInfo's source digests and git commit, Submission's rules).
        .plugin(name: "GeneratedSourcesPlugin", capability: .buildTool()),
        // What this build is made from (source digests, git commit), generated before every build.
        .target(name: "BuildInfo", plugins: ["GeneratedSourcesPlugin"]),
        .target(
            name: "Workflow",
            dependencies: ["Basics", "Recipes", "BuildInfo", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["README.md"]),
        .target(
            name: "Fetch",
            dependencies: [
                "Basics", "CCurl", "CGit2", "CArchive", .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"]),
        // Our own C: the AVX-512 direct convolution (chosen at run time; see Sources/CKernels/direct_conv.c).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "Kernels", dependencies: ["Basics", "COpenBLAS", "CKernels"],
            // Optimised even in debug builds: the tests train real models, and unoptimised loops are ~50x slower.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // ONNX files read into the Kernels' inference graph (the message code is generated once and committed).
        .target(
            name: "ONNX", dependencies: ["Kernels", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["README.md"],
            // Optimised in debug builds too: importing ResNet-50 moves 25 million weights.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // JPEG decoding (libjpeg-turbo) and MLPerf's ImageNet preprocessing; a leaf like Kernels.
        .target(
            name: "Imaging", dependencies: ["CTurboJPEG"], exclude: ["README.md"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(
            name: "LoadGen", dependencies: ["Basics"],
            // Optimised in debug builds too: its issuing loop and statistics are timing-sensitive.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "History", dependencies: ["Workflow", .product(name: "GRDB", package: "GRDB.swift")]),
        // Its rules are data, one file per MLPerf round (Sources/Submission/Rules/<round>.json), compiled into the
        // binary by the plugin (a repro copied alone to a cluster node has them).
        .target(
            name: "Submission", dependencies: ["Basics", "LoadGen", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Rules"], plugins: ["GeneratedSourcesPlugin"]),
        .target(name: "Runners", dependencies: ["Basics", "Workflow", "Submission"], exclude: ["README.md"]),
        .target(
            name: "Actions",
            dependencies: [
                "Basics", "Runners", "Submission", "Fetch", "Kernels", "LoadGen", "ONNX", "Imaging",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"]),
        // The verdicts of repro reproduce: a published result against its reproduction.
        // It reads MLCommons results folders with Submission's readers and LoadGen's settings files.
        .target(
            name: "Reproduction",
            dependencies: [
                "Basics", "Workflow", "Submission", "LoadGen", .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"]),
        .executableTarget(
            name: "repro",
            dependencies: [
                "Basics", "Runners", "Submission", "History", "Reproduction",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "repro-step", dependencies: ["Actions"]),
        // Benchmarks (make bench), not tests.
        .executableTarget(
            name: "repro-bench", dependencies: ["Basics", "Fetch", "Workflow", "Kernels", "LoadGen", "ONNX"],
            path: "Benchmarks/Sources/repro-bench"),

        .testTarget(name: "BasicsTests", dependencies: ["Basics"]),
        .testTarget(name: "RecipesTests", dependencies: ["Recipes"]),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow"]),
        .testTarget(name: "FetchTests", dependencies: ["Fetch"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"]),
        .testTarget(name: "ONNXTests", dependencies: ["ONNX"], exclude: ["Fixtures"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], exclude: ["Fixtures"]),
        .testTarget(name: "LoadGenTests", dependencies: ["Basics", "LoadGen"], exclude: ["Fixtures"]),
        .testTarget(name: "RunnersTests", dependencies: ["Runners"]),
        .testTarget(name: "SubmissionTests", dependencies: ["Submission"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ReproductionTests", dependencies: ["Reproduction", "Workflow", "Submission", "LoadGen", "Recipes"]),
        .testTarget(name: "HistoryTests", dependencies: ["History", "Workflow"]),
        .testTarget(name: "ActionsTests", dependencies: ["Actions", "Kernels"]),
        .testTarget(name: "CLITests", dependencies: ["Workflow"]),
    ],
    swiftLanguageModes: [.v6]
)

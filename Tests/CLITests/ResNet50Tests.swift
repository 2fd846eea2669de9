import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `mlperf-inference-resnet50` end to end on 16 generated JPEGs and a generated ONNX model (a small ResNet with a
/// 224×224 input, BatchNormalization nodes, random weights): both SUTs in accuracy and performance mode, the same
/// answer for every image; the model fetch through a loopback server checked by MD5; bad inputs refused with
/// nothing cached.
@Suite("ResNet-50 recipe", .serialized)
struct ResNet50Tests {
    static let recipes = CLI.packageRoot + "/recipes"

    func output(_ text: String, _ name: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix("  \(name) = ") }.map { String($0.dropFirst(name.count + 5)) }
    }

    /// small224.onnx (10 classes) and imagenet/ (16 JPEGs of four sizes, val_map.txt with labels 0-9).
    func makeInputs(_ root: String) throws {
        let script = """
            import sys, os, numpy as np, cv2, onnx
            sys.path.insert(0, "\(CLI.packageRoot)/Tests/ONNXTests/Fixtures")
            import make_models
            onnx.save(make_models.small(11, size=224), "small224.onnx")
            onnx.save(make_models.small(11, size=64), "small64.onnx")
            os.makedirs("imagenet", exist_ok=True)
            rng = np.random.default_rng(3)
            with open("imagenet/val_map.txt", "w") as f:
                for i in range(16):
                    w, h = [(500, 375), (375, 500), (640, 480), (300, 300)][i % 4]
                    img = cv2.GaussianBlur(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), (9, 9), 3)
                    name = "ILSVRC2012_val_%08d.JPEG" % (i + 1)
                    cv2.imwrite("imagenet/" + name, img)
                    f.write("%s %d\\n" % (name, i % 10))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    func answers(_ cli: CLI, _ stdout: String) throws -> [Int: String] {
        let logs = try #require(output(stdout, "logs"))
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: logs + "/mlperf_log_accuracy.json"))) as! [[String: Any]]
        return Dictionary(json.map { ($0["qsl_idx"] as! Int, $0["data"] as! String) }) { a, _ in a }
    }

    @Test func bothSUTsAgreeInAccuracyModeAndRunInPerformanceMode() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try makeInputs(cli.root)
        let common = [
            "run", "mlperf-inference-resnet50", "--recipes", ResNet50Tests.recipes, "model=\(cli.root)/small224.onnx",
            "imagenet=\(cli.root)/imagenet", "count=16",
        ]
        var answers: [String: [Int: String]] = [:]
        for sut in ["builtin", "onnxruntime"] {
            let r = try cli.run(common + ["mode=accuracy", "sut=\(sut)"], timeout: 300)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(output(r.stdout, "accuracy_line")?.hasSuffix("total=16") == true, "\(r.stdout)")
            answers[sut] = try self.answers(cli, r.stdout)
        }
        #expect(answers["builtin"]?.count == 16)
        #expect(answers["builtin"] == answers["onnxruntime"], "every prediction the same")
        for sut in ["builtin", "onnxruntime"] {
            let r = try cli.run(
                common + [
                    "mode=performance", "sut=\(sut)", "min_duration_ms=500", "min_query_count=16", "target_qps=100",
                ],
                timeout: 300)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(["VALID", "INVALID"].contains(output(r.stdout, "result") ?? ""), "\(r.stdout)")
            #expect(Double(output(r.stdout, "samples_per_second") ?? "") ?? 0 > 0)
        }
    }

    /// mlperf-submission-resnet50 in the closed division (v5.1 layout) on the generated model and images: every
    /// scenario has its TEST01 and TEST04 folders from mlperf-audit-resnet50. The runs are far too short to be
    /// valid (the checker lists that); the answers are deterministic, so TEST01's accuracy verification passes.
    @Test func aClosedSubmissionHasItsComplianceFolders() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try makeInputs(cli.root)
        let r = try cli.run(
            [
                "submit", "mlperf-submission-resnet50", "--recipes", ResNet50Tests.recipes,
                "model=\(cli.root)/small224.onnx", "imagenet=\(cli.root)/imagenet", "count=16", "min_duration_ms=300",
                "min_query_count=16", "target_qps=100", "division=closed", "--version", "v5.1", "--out", "r50",
            ], timeout: 600)
        #expect(r.status == 1, "short runs of 16 images are no valid result: \(r.stdout)\(r.stderr)")
        let tree = cli.root + "/r50/submission/closed/ReproTeam"
        // <cpus>xCPU_repro_builtin
        let system = try ComplianceFolders.system(tree)
        #expect(system.hasSuffix("xCPU_repro_builtin"))
        let scenarios = ["SingleStream", "MultiStream", "Offline"]
        for readme in try ComplianceFolders.check(tree: tree, system: system, benchmark: "resnet", scenarios: scenarios)
        {
            #expect(readme.contains("    repro submit mlperf-submission-resnet50 "), "\(readme)")
            #expect(readme.contains(" division=closed ") && readme.contains(" round=v5.1 "), "\(readme)")
        }
    }

    @Test func theModelFetchChecksMD5OverALoopbackServer() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try makeInputs(cli.root)
        // A loopback server on a port the system picks; its first line is the port.
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "python3", "-u", "-c",
            "import http.server as h; s = h.ThreadingHTTPServer(('127.0.0.1', 0), h.SimpleHTTPRequestHandler); "
                + "print(s.server_address[1]); s.serve_forever()",
        ]
        server.currentDirectoryURL = URL(fileURLWithPath: cli.root)
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            // SIGKILL: the test process's ignored SIGTERM is inherited by the server.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        let port = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(port) != nil, "the server's port: '\(port)'")
        let md5 = try md5sum(cli.root + "/small224.onnx")
        let url = "url=http://127.0.0.1:\(port)/small224.onnx"
        let wrong = try cli.run([
            "run", "resnet50-onnx-model", "--recipes", ResNet50Tests.recipes, url,
            "md5=" + String(repeating: "0", count: 32),
        ])
        #expect(wrong.status != 0)
        #expect(
            wrong.stderr.contains("MD5 mismatch: expected 00000000000000000000000000000000, found \(md5)"),
            "\(wrong.stderr)")
        #expect(cli.entries().isEmpty, "nothing cached")
        let good = try cli.run(["run", "resnet50-onnx-model", "--recipes", ResNet50Tests.recipes, url, "md5=\(md5)"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(output(good.stdout, "md5") == md5)
        #expect(output(good.stdout, "sha256")?.count == 64)
    }

    func md5sum(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["md5sum", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        return String(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(32))
    }

    @Test func badInputsAreRefusedWithNothingCached() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try makeInputs(cli.root)
        let base = ["run", "mlperf-inference-resnet50", "--recipes", ResNet50Tests.recipes, "mode=accuracy"]
        let model = "model=\(cli.root)/small224.onnx"
        let images = "imagenet=\(cli.root)/imagenet"
        // The failed step leaves no entry: a bad data set no prepared set, a bad model no LoadGen run (its data
        // set, which is fine, may be cached).
        func refused(_ args: [String], _ message: String, dataIsBad: Bool = true) throws {
            let before = cli.entries().count
            let r = try cli.run(base + args)
            #expect(r.status != 0)
            #expect(r.stderr.contains(message), "\(r.stderr)")
            if dataIsBad { #expect(cli.entries().count == before, "no entry for the failed step") }
            #expect(
                cli.entries().allSatisfy {
                    !FileManager.default.fileExists(atPath: cli.root + "/cache/entries/\($0)/out/mlperf_log_detail.txt")
                })
        }
        try refused([model, images, "count=17"], "count 17 is larger than the 16 images it lists")
        try refused(
            ["model=\(cli.root)/small64.onnx", images, "count=2"], "is N×3×64×64; expected N×3×224×224",
            dataIsBad: false)
        try "not a model".write(toFile: cli.root + "/bad.onnx", atomically: true, encoding: .utf8)
        try refused(
            ["model=\(cli.root)/bad.onnx", images, "count=2"], "bad.onnx: error: not an ONNX model", dataIsBad: false)
        try FileManager.default.copyItem(atPath: cli.root + "/imagenet", toPath: cli.root + "/broken")
        try "not a jpeg".write(
            toFile: cli.root + "/broken/ILSVRC2012_val_00000002.JPEG", atomically: true, encoding: .utf8)
        try refused(
            [model, "imagenet=\(cli.root)/broken", "count=4"], "ILSVRC2012_val_00000002.JPEG: error: not a JPEG image")
        try "ILSVRC2012_val_00000001.JPEG 1\nmissing.JPEG 2\n".write(
            toFile: cli.root + "/broken/val_map.txt", atomically: true, encoding: .utf8)
        try refused(
            [model, "imagenet=\(cli.root)/broken"], "val_map.txt:2: error: 'missing.JPEG' is not a file in the folder")
        try "ILSVRC2012_val_00000001.JPEG 1000\n".write(
            toFile: cli.root + "/broken/val_map.txt", atomically: true, encoding: .utf8)
        try refused([model, "imagenet=\(cli.root)/broken"], "val_map.txt:1: error: label 1000 is out of range")
    }
}

import Foundation
import Testing

/// Runs the built `repro` in a temporary project folder, as a user would.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root (three levels above this file).
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The repro binary: $REPRO_BIN, else the debug build of this checkout.
    static let binary: String = {
        if let bin = ProcessInfo.processInfo.environment["REPRO_BIN"] { return bin }
        for config in ["debug", "release"] {
            let path = packageRoot + "/.build/\(config)/repro"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return packageRoot + "/.build/debug/repro"
    }()

    /// A fresh folder with `recipes/`, `cache/` and `runs/`, removed when the test ends.
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "repro-cli-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: root + "/recipes", withIntermediateDirectories: true)
    }

    /// A project folder that is kept (e.g. a cache shared by test runs).
    init(root: String) {
        self.root = root
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `recipes/<name>.yaml` (or a path relative to the root when it contains a slash).
    @discardableResult
    func recipe(_ name: String, _ text: String) throws -> String {
        let path = name.contains("/") ? root + "/" + name : root + "/recipes/\(name).yaml"
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["REPRO_CACHE"] = root + "/cache"
        env["REPRO_RUNS"] = root + "/runs"
        env["REPRO_RECIPES"] = nil
        env["REPRO_SHIPPED_RECIPES"] = "none"
        env["TERM"] = "dumb"
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Starts repro (or a copy of it at `binary`) without waiting.
    func start(_ args: [String], env: [String: String] = [:], binary: String = CLI.binary) throws -> (
        Process, Pipe, Pipe
    ) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        p.environment = environment(env)
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out, err)
    }

    /// Runs repro to the end (killed after `timeout` seconds so a hang fails the test instead of CI).
    @discardableResult
    func run(_ args: [String], env: [String: String] = [:], binary: String = CLI.binary, timeout: Double = 120)
        throws -> Result
    {
        let (p, out, err) = try start(args, env: env, binary: binary)
        return try CLI.wait(p, out, err, timeout: timeout)
    }

    static func wait(_ p: Process, _ out: Pipe, _ err: Pipe, timeout: Double = 120) throws -> Result {
        // Read both pipes while it runs, so a chatty process cannot block on a full pipe.
        let outData = Locked(Data())
        let errData = Locked(Data())
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                let d = pipe.fileHandleForReading.readDataToEndOfFile()
                sink.set(d)
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning {
            kill(-p.processIdentifier, SIGKILL)
            p.terminate()
            Issue.record("repro \(p.arguments ?? []) did not finish within \(timeout) s")
        }
        p.waitUntilExit()
        group.wait()
        return Result(
            status: p.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
            stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }

    func entries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/cache/entries")) ?? []).sorted()
    }

    /// The nodes of the newest manifest, by id.
    func lastManifestNodes() throws -> [String: [String: Any]] {
        let list = try lastManifest()["nodes"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: list.map { ($0["id"] as! String, $0) })
    }

    /// The newest manifest, parsed.
    func lastManifest() throws -> [String: Any] {
        let runs = try FileManager.default.contentsOfDirectory(atPath: root + "/runs").sorted()
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/runs/\(runs.last!)/manifest.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ v: T) { value = v }
    func get() -> T {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    func set(_ v: T) {
        lock.lock()
        value = v
        lock.unlock()
    }
}

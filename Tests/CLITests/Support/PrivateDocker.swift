import Foundation
import Testing

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A Docker engine of the test's own (Debian's docker.io, installed by `scripts/bootstrap --test`): dockerd with
/// its data, sockets and containerd in a temporary folder, no iptables and no bridge (container steps run without
/// a network), started for one test and stopped by its process id.
final class PrivateDocker {
    let folder: String
    /// `DOCKER_HOST` for clients.
    let host: String
    /// Debian's docker client first (another docker may come earlier on PATH).
    static let path = "/usr/bin:/bin:/usr/sbin:/sbin"
    private let process: Process

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init() throws {
        folder = NSTemporaryDirectory() + "repro-docker-" + UUID().uuidString.prefix(8).lowercased()
        host = "unix://" + folder + "/docker.sock"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let installed = ["/usr/sbin/dockerd", "/usr/bin/dockerd"].first(where: FileManager.default.isExecutableFile)
        guard let dockerd = installed else {
            throw Failure(description: "dockerd is not installed: run scripts/bootstrap --test (Debian's docker.io)")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: dockerd)
        process.arguments = [
            "--data-root", folder + "/data", "--exec-root", folder + "/exec", "--pidfile", folder + "/dockerd.pid",
            "--host", host, "--iptables=false", "--ip6tables=false", "--bridge=none",
            "--containerd-namespace", "repro-" + folder.suffix(8), "--containerd-plugins-namespace",
            "repro-plugins-" + folder.suffix(8),
        ]
        FileManager.default.createFile(atPath: folder + "/dockerd.log", contents: nil)
        let log = FileHandle(forWritingAtPath: folder + "/dockerd.log")
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            if docker(["version", "--format", "{{.Server.Version}}"]).status == 0 { return }
            usleep(200_000)
        }
        let tail = ((try? String(contentsOfFile: folder + "/dockerd.log", encoding: .utf8)) ?? "")
            .split(separator: "\n").suffix(10).joined(separator: "\n")
        stop()
        throw Failure(description: "dockerd did not answer within 60 s; its log ends with:\n\(tail)")
    }

    /// Runs Debian's docker client against this engine.
    @discardableResult
    func docker(_ args: [String]) -> (status: Int32, output: String) {
        Spawn.run(["/usr/bin/docker"] + args, env: ["DOCKER_HOST": host])
    }

    /// Stops dockerd (and the containerd it started) and removes its folder.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning, Date() < deadline { usleep(100_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}

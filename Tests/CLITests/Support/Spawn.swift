import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Runs a helper program of the tests (podman, scripts/slurm-local, sinfo) to its end with `posix_spawn` and
/// `waitpid`, its output collected in a file. Foundation's `Process.waitUntilExit` was seen to wait for ever on a
/// child that had exited (a zombie) after the script had started daemons in the background.
enum Spawn {
    static func run(_ argv: [String], env: [String: String] = [:]) -> (status: Int32, output: String) {
        let log = NSTemporaryDirectory() + "repro-spawn-" + UUID().uuidString.prefix(8)
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let environment = ProcessInfo.processInfo.environment.merging(env) { _, b in b }
        let cArgs = (["/usr/bin/env"] + argv).map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/usr/bin/env", &actions, nil, cArgs, cEnv) == 0 else {
            return (127, "cannot start \(argv[0])")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (code, output)
    }
}

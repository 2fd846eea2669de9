import Recipes
import Synchronization
import Workflow

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A child process in a process group of its own, started with `posix_spawn`, so that the whole tree of a
/// step (a shell and everything it starts) can be stopped at once.
///
/// The corresponding C functions are `posix_spawn`, `waitid` and `kill`.
final class ChildProcess: Sendable {
    struct Termination: Sendable {
        var exitCode: Int32?
        var signal: Int32?
    }

    let pid: pid_t
    private let finished = Mutex(false)

    typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which the Swift Glibc module does not import.
    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChdir.self)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+).
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }

    static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        return dlsym(handle, name)
    }

    /// Starts `argv[0]` (an absolute path) with exactly `environment`, in `directory`, stdin from /dev/null and
    /// stdout/stderr appended to the given files.
    /// `extra` maps descriptors of this process to descriptors of the child (e.g. a progress pipe to fd 3).
    init(
        argv: [String], environment: [String: String], directory: String, stdoutPath: String, stderrPath: String,
        extra: [(parent: Int32, child: Int32)] = []
    ) throws(ActionError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard let addChdir = ChildProcess.addChdir else {
            throw .failed("this C library has no posix_spawn_file_actions_addchdir_np (glibc 2.29 or newer is needed)")
        }
        _ = addChdir(&actions, directory)
        for (parent, child) in extra { posix_spawn_file_actions_adddup2(&actions, parent, child) }
        // Only 0, 1, 2 (and the mapped ones) reach the step: an inherited descriptor (a pipe or socket of whoever
        // started repro) would keep that reader waiting for as long as the step, or an orphan of it, lives.
        let firstClosed = (extra.map(\.child).max() ?? 2) + 1
        if let closeFrom = ChildProcess.addCloseFrom {
            _ = closeFrom(&actions, firstClosed)
        } else {
            for fd in FileSystemPath.list("/proc/self/fd").compactMap(Int32.init) where fd >= firstClosed {
                posix_spawn_file_actions_addclose(&actions, fd)
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new process group (so it can be stopped as a whole), default signal handling (repro itself may
        // ignore SIGINT while it handles it), and an empty signal mask.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, s) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else {
            throw .failed("cannot start '\(argv[0])': \(String(cString: strerror(rc)))")
        }
        self.pid = pid
    }

    /// Waits for the process to end, then stops whatever it left running in its group.
    func wait() -> Termination {
        var info = siginfo_t()
        // Wait without reaping, so the pid cannot be reused while `terminate` might still signal it.
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        finished.withLock { $0 = true }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Background children the step left behind would outlive it; they belong to the step.
        kill(-pid, SIGKILL)
        if status & 0x7F == 0 { return Termination(exitCode: (status >> 8) & 0xFF, signal: nil) }
        return Termination(exitCode: nil, signal: status & 0x7F)
    }

    /// SIGTERM to the whole group, SIGKILL after a grace period; nothing once the process has ended.
    func terminate(grace: Double = 3) {
        guard !finished.withLock({ $0 }) else { return }
        ProcessGroups.terminate(pid, grace: grace)
    }
}

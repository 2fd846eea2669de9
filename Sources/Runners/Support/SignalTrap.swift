import Dispatch
import Workflow

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Turns SIGINT and SIGTERM into a cancellation: steps are stopped, nothing partial is cached, the manifest is
/// written. The one trap of `repro` (a run) and `repro-step` (an action, which checks its cancellation; the runner
/// kills it if it does not stop).
public enum SignalTrap {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Cancels `cancellation` on the first signal, after `onFirst`. With `exitOnSecond`, a second signal exits at
    /// once with status 128 + the signal (a user who presses Ctrl-C twice means it).
    ///
    /// Call once per process, before other threads start (the list of sources is not locked).
    public static func install(
        _ cancellation: Cancellation, exitOnSecond: Bool = true,
        onFirst: @escaping @Sendable (Int32) -> Void = { _ in }
    ) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if cancellation.isCancelled {
                    if exitOnSecond { exit(128 + sig) }
                    return
                }
                onFirst(sig)
                cancellation.cancel()
            }
            source.resume()
            sources.append(source)
        }
    }
}

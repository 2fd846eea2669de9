import Dispatch
import Workflow

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Turns SIGINT and SIGTERM into a cancellation of the run: steps are stopped, nothing partial is cached, the
/// manifest is written. A second signal exits at once.
public enum SignalTrap {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    public static func install(_ cancellation: Cancellation, onFirst: @escaping @Sendable (Int32) -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if cancellation.isCancelled { exit(128 + sig) }
                onFirst(sig)
                cancellation.cancel()
            }
            source.resume()
            sources.append(source)
        }
    }
}

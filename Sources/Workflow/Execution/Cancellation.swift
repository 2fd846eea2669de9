import Synchronization

/// A flag set once when a run is asked to stop (Ctrl-C, SIGTERM, a failed dependency), shared by every step.
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    private let handlers = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    public var isCancelled: Bool { flag.load(ordering: .acquiring) }

    /// Sets the flag and calls every handler once.
    public func cancel() {
        guard !flag.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for h in handlers.withLock({ $0 }) { h() }
    }

    /// Runs `handler` on cancellation (at once if already cancelled).
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let already = handlers.withLock { list -> Bool in
            if isCancelled { return true }
            list.append(handler)
            return false
        }
        if already { handler() }
    }

    /// Throws when cancelled: call in long loops.
    public func check() throws(ActionError) {
        if isCancelled { throw .cancelled }
    }
}

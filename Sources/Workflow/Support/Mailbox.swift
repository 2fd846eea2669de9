import Dispatch
import Synchronization

/// A thread-safe queue that one thread waits on while others post: how workers report to the scheduler.
final class Mailbox<Message: Sendable>: Sendable {
    private let items = Mutex<[Message]>([])
    private let signal = DispatchSemaphore(value: 0)

    func post(_ message: Message) {
        items.withLock { $0.append(message) }
        signal.signal()
    }

    /// Waits up to `timeout` seconds for a message, then takes what is there (possibly nothing).
    func takeAll(timeout: Double) -> [Message] {
        _ = signal.wait(timeout: .now() + timeout)
        return items.withLock { list -> [Message] in
            let all = list
            list.removeAll()
            return all
        }
    }

    /// Waits until at least one message is there, then takes them all.
    func takeAll() -> [Message] {
        while true {
            signal.wait()
            let taken = items.withLock { list -> [Message] in
                let all = list
                list.removeAll()
                return all
            }
            if !taken.isEmpty { return taken }
        }
    }
}

import Crypto
import Dispatch
import Foundation
import Synchronization

/// SHA-256 of a byte stream, computed on a thread of its own while the stream goes on: the transfer copies
/// each block into a chunk and moves on; full chunks are hashed in order by the hashing thread. So hashing
/// overlaps with receiving and writing (the bytes are never read back from disk).
final class StreamHasher: @unchecked Sendable {
    static let chunkSize = 4 << 20
    private var current: [UInt8] = []
    private var queue: [[UInt8]] = []
    private let lock = NSCondition()
    private var finished = false
    private var hasher = SHA256()
    private let done = DispatchSemaphore(value: 0)
    /// Chunks waiting to be hashed, at most; the transfer waits when the hasher falls this far behind.
    private let limit = 8

    /// Starts from a hash state that already covers some bytes (a resumed partial file).
    init(initial: SHA256) {
        hasher = initial
        current.reserveCapacity(StreamHasher.chunkSize)
        Thread { [self] in work() }.start()
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        current.append(contentsOf: bytes)
        if current.count >= StreamHasher.chunkSize { flush() }
    }

    private func flush() {
        guard !current.isEmpty else { return }
        lock.lock()
        while queue.count >= limit { lock.wait() }
        queue.append(current)
        lock.signal()
        lock.unlock()
        current = []
        current.reserveCapacity(StreamHasher.chunkSize)
    }

    private func work() {
        while true {
            lock.lock()
            while queue.isEmpty && !finished { lock.wait() }
            if queue.isEmpty && finished {
                lock.unlock()
                done.signal()
                return
            }
            let chunk = queue.removeFirst()
            lock.broadcast()
            lock.unlock()
            chunk.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
    }

    /// Hashes what is left and returns the hex digest.
    func finish() -> String {
        flush()
        lock.lock()
        finished = true
        lock.broadcast()
        lock.unlock()
        done.wait()
        return hasher.finalize().map { String(format2: $0) }.joined()
    }

    /// Stops the thread without a result (the transfer failed).
    func abandon() {
        lock.lock()
        queue.removeAll()
        finished = true
        lock.broadcast()
        lock.unlock()
        done.wait()
    }
}

import Basics
import Foundation
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A system under test that computes nothing and answers like a device of fixed throughput: one sample at a time,
/// each taking `1 / samplesPerSecond` seconds, in the order issued. Each answer's data is the sample's QSL index
/// (4 bytes, little-endian). Used to exercise LoadGen and the submission tooling at a known rate.
public final class PacedNullSUT: SystemUnderTest, QuerySampleLibrary, @unchecked Sendable {
    public let name: String
    public let totalSampleCount: Int
    public let performanceSampleCount: Int
    let period: UInt64
    let queue = Mutex<[(QuerySample, ResponseSink)]>([])
    let wake = DispatchSemaphore(value: 0)
    let stop = Atomic<Bool>(false)
    private var worker: Thread?

    public init(samplesPerSecond: Double, totalSampleCount: Int, performanceSampleCount: Int, name: String = "NullSUT")
    {
        self.name = name
        self.totalSampleCount = totalSampleCount
        self.performanceSampleCount = performanceSampleCount
        period = UInt64(1e9 / max(samplesPerSecond, 1e-3))
        let thread = Thread { self.work() }  // strong: the thread ends when stopped, then lets go
        thread.name = "repro-null-sut"
        worker = thread
        thread.start()
    }

    deinit { stop.store(true, ordering: .releasing) }

    public func loadSamples(_ indices: [Int]) throws {}
    public func unloadSamples(_ indices: [Int]) {}

    public func issueQuery(_ samples: [QuerySample], sink: ResponseSink) {
        queue.withLock { q in for s in samples { q.append((s, sink)) } }
        wake.signal()
    }

    public func flushQueries() {}

    /// Stops the worker thread (pending samples are dropped).
    public func shutdown() {
        stop.store(true, ordering: .releasing)
        wake.signal()
    }

    func work() {
        var next = Clock.monotonicNanoseconds()
        var batch: [(QuerySample, ResponseSink)] = []
        var cursor = 0
        while !stop.load(ordering: .acquiring) {
            if cursor == batch.count {
                batch = queue.withLock { q in
                    let all = q
                    q.removeAll(keepingCapacity: true)
                    return all
                }
                cursor = 0
                if batch.isEmpty {
                    _ = wake.wait(timeout: .now() + .milliseconds(50))
                    next = Clock.monotonicNanoseconds()
                    continue
                }
            }
            // A sample starts when the device is free and the sample is there, and takes one period.
            next = max(next, Clock.monotonicNanoseconds()) + period
            let now = Clock.monotonicNanoseconds()
            if next > now {
                let wait = next - now
                if wait > 200_000 { usleep(UInt32((wait - 100_000) / 1000)) }
                while Clock.monotonicNanoseconds() < next {}
            }
            let (sample, sink) = batch[cursor]
            cursor += 1
            let i = UInt32(truncatingIfNeeded: sample.index)
            sink.complete(
                id: sample.id, bytes: [UInt8(i & 255), UInt8(i >> 8 & 255), UInt8(i >> 16 & 255), UInt8(i >> 24)])
        }
    }
}

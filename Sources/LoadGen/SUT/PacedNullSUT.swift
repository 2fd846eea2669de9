import Basics
import Foundation
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A system under test that computes nothing and answers like a device of fixed throughput: one sample at a time,
/// each taking `1 / samplesPerSecond` seconds, in the order issued. A sample starts when the device is free and the
/// sample has arrived, by the clock: when the thread that plays the device is held up (a busy machine), it answers
/// the overdue samples at once and keeps the rate. A small query (8 samples or fewer) that finds the device idle is
/// served on the issuing thread, so the single- and multi-stream latencies are the device's and not a thread
/// hand-off's (which a busy machine makes milliseconds long). Each answer's data is the sample's QSL index
/// (4 bytes, little-endian). Used to exercise LoadGen and the submission tooling at a known rate.
public final class PacedNullSUT: SystemUnderTest, QuerySampleLibrary, @unchecked Sendable {
    public let name: String
    public let totalSampleCount: Int
    public let performanceSampleCount: Int
    let period: UInt64
    /// The largest query served on the issuing thread.
    let inlineLimit = 8

    struct Device {
        var queue: [(QuerySample, ResponseSink, UInt64)] = []
        /// When the device is done with every sample it has taken (ns, monotonic).
        var freeAt: UInt64 = 0
        /// The worker thread holds samples it has not answered yet.
        var working = false
    }

    let device = Mutex(Device())
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
        let now = Clock.monotonicNanoseconds()
        let start = device.withLock { d -> UInt64? in
            if d.queue.isEmpty && !d.working && samples.count <= inlineLimit {
                let start = max(d.freeAt, now)
                d.freeAt = start + UInt64(samples.count) * period
                return start
            }
            for s in samples { d.queue.append((s, sink, now)) }
            return nil
        }
        guard var next = start else {
            wake.signal()
            return
        }
        for s in samples {
            next += period
            PacedNullSUT.wait(until: next)
            PacedNullSUT.answer(s, sink)
        }
    }

    public func flushQueries() {}

    /// Stops the worker thread (pending samples are dropped).
    public func shutdown() {
        stop.store(true, ordering: .releasing)
        wake.signal()
    }

    static func wait(until time: UInt64) {
        let now = Clock.monotonicNanoseconds()
        guard time > now else { return }
        if time - now > 200_000 { usleep(UInt32((time - now - 100_000) / 1000)) }
        while Clock.monotonicNanoseconds() < time {}
    }

    static func answer(_ sample: QuerySample, _ sink: ResponseSink) {
        let i = UInt32(truncatingIfNeeded: sample.index)
        sink.complete(
            id: sample.id, bytes: [UInt8(i & 255), UInt8(i >> 8 & 255), UInt8(i >> 16 & 255), UInt8(i >> 24)])
    }

    func work() {
        while !stop.load(ordering: .acquiring) {
            let (batch, freeAt) = device.withLock { d in
                let all = d.queue
                d.queue.removeAll(keepingCapacity: true)
                d.working = !all.isEmpty
                return (all, d.freeAt)
            }
            if batch.isEmpty {
                _ = wake.wait(timeout: .now() + .milliseconds(50))
                continue
            }
            var next = freeAt
            for (sample, sink, arrived) in batch {
                if stop.load(ordering: .acquiring) { return }
                // A sample starts when the device is free and the sample is there, and takes one period.
                next = max(next, arrived) + period
                PacedNullSUT.wait(until: next)
                PacedNullSUT.answer(sample, sink)
            }
            device.withLock { d in
                d.freeAt = max(d.freeAt, next)
                d.working = false
            }
        }
    }
}

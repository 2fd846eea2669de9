import Basics
import Dispatch
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Where the SUT reports completed samples, from any thread. It records each sample's completion time and, for the
/// samples the accuracy log takes, its response data; it wakes LoadGen's issuing thread when the query it waits for
/// is complete.
public final class ResponseSink: @unchecked Sendable {
    let base: UInt64
    let count: Int
    /// Completion time (ns since the clock's origin) + 1 per sample slot; 0 while pending.
    let completions: UnsafeMutablePointer<UInt64>
    let completed = Atomic<Int>(0)
    let waitingFor = Atomic<Int>(0)
    let wake = DispatchSemaphore(value: 0)
    let invalid = Atomic<Int>(0)
    let keepAll: Bool
    /// With `keepAll` false: the slots whose data the accuracy log takes (none when nil).
    let keepSlots: [Bool]?
    let data = Mutex<[(slot: Int, bytes: [UInt8])]>([])
    let origin: UInt64
    /// Set when the SUT can no longer answer (an external process died): waits end at once.
    let failure = Mutex<String?>(nil)
    let failed = Atomic<Bool>(false)

    init(base: UInt64, count: Int, origin: UInt64, log: AccuracyLogSampling.Selection) {
        self.base = base
        self.count = count
        self.origin = origin
        switch log {
        case .none: (keepAll, keepSlots) = (false, nil)
        case .all: (keepAll, keepSlots) = (true, nil)
        case .slots(let slots): (keepAll, keepSlots) = (false, slots)
        }
        completions = UnsafeMutablePointer<UInt64>.allocate(capacity: max(count, 1))
        completions.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { completions.deallocate() }

    /// Reports one sample done, with its result bytes (the accuracy log's `data`).
    public func complete(id: UInt64, data bytes: UnsafeRawBufferPointer? = nil) {
        let now = Clock.monotonicNanoseconds()
        let slot = Int(truncatingIfNeeded: id &- base)
        guard id >= base, slot < count, completions[slot] == 0 else {
            invalid.add(1, ordering: .relaxed)
            return
        }
        completions[slot] = now - origin + 1
        if keepAll || keepSlots?[slot] == true {
            let copy = bytes.map { Array($0) } ?? []
            data.withLock { $0.append((slot, copy)) }
        }
        completed.add(1, ordering: .releasing)
        if waitingFor.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { wake.signal() }
    }

    /// Reports one sample done with its result as an array of bytes.
    public func complete(id: UInt64, bytes: [UInt8]) {
        bytes.withUnsafeBytes { complete(id: id, data: $0) }
    }

    /// The SUT will answer nothing more: issuing stops and the run reports `reason` as an error.
    public func fail(_ reason: String) {
        failure.withLock { if $0 == nil { $0 = reason } }
        failed.store(true, ordering: .releasing)
        wake.signal()
    }

    var failureReason: String? { failure.withLock { $0 } }

    /// Prepares to wait for `n` samples (the query being issued).
    func expect(_ n: Int) {
        waitingFor.store(n, ordering: .releasing)
    }

    /// Waits until the expected samples are done; false at the deadline (ns since origin; 0: none).
    func waitForQuery(deadline: UInt64) -> Bool {
        while waitingFor.load(ordering: .acquiring) > 0 {
            if failed.load(ordering: .acquiring) { return false }
            if deadline == 0 {
                wake.wait()
            } else {
                let now = Clock.monotonicNanoseconds() - origin
                guard now < deadline else { return false }
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(min(deadline - now, 50_000_000))))
            }
        }
        return true
    }

    /// Waits until `total` samples are done; false when no sample completes for `stall` ns (0: wait forever).
    func waitForAll(_ total: Int, stall: UInt64, progress: ((Int) -> Void)? = nil) -> Bool {
        var pause: UInt32 = 10
        var last = completed.load(ordering: .acquiring)
        var progressAt = Clock.monotonicNanoseconds()
        var reportAt = progressAt + 500_000_000
        while last < total {
            if failed.load(ordering: .acquiring) { return false }
            let now = Clock.monotonicNanoseconds()
            if stall != 0 && now - progressAt >= stall { return false }
            usleep(pause)
            pause = min(pause * 2, 5_000)
            let done = completed.load(ordering: .acquiring)
            if let progress, now >= reportAt {
                reportAt = now + 500_000_000
                progress(done)
            }
            if done != last {
                last = done
                progressAt = Clock.monotonicNanoseconds()
                pause = 10
            }
        }
        return true
    }

    func completionTime(slot: Int) -> UInt64? {
        let v = completions[slot]
        return v == 0 ? nil : v - 1
    }
}

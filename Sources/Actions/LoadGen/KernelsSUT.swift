import Dispatch
import Foundation
import Kernels
import LoadGen
import Synchronization
import Workflow

/// The built-in system under test: a trained model on the Kernels, answering from the preprocessed validation set.
/// `workers` threads take queued samples in batches of up to `maxBatch` (one sample at a time when the queue holds
/// one, so single-stream latency is not padded); each answer is the predicted class as int32, little-endian.
final class KernelsSUT: SystemUnderTest, QuerySampleLibrary, @unchecked Sendable {
    let name: String
    let totalSampleCount: Int
    let performanceSampleCount: Int
    let classifier: Classifier
    let images: MappedTensor
    let sampleSize: Int
    let maxBatch: Int
    let queue = Mutex(SampleQueue())
    let wake = DispatchSemaphore(value: 0)
    /// Samples queued and not yet taken, read by idle workers that spin before they sleep.
    let pending = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    let workers: Int
    private var threads: [Thread] = []

    init(weights: String, images path: String, workers: Int, maxBatch: Int) throws {
        let network = try ModelFile.load(weights)
        classifier = Classifier(network)
        images = try MappedTensor(path: path)
        try images.expect(.float32, rank: 4)
        sampleSize = images.shape.dropFirst().reduce(1, *)
        guard Array(images.shape.dropFirst()) == classifier.inputShape else {
            throw ActionError.badParameter(
                name: "data",
                problem: "the images are \(images.shape.dropFirst().map(String.init).joined(separator: "x")) "
                    + "but the model takes \(classifier.inputShape.map(String.init).joined(separator: "x"))")
        }
        totalSampleCount = images.shape[0]
        performanceSampleCount = images.shape[0]
        self.maxBatch = max(1, maxBatch)
        self.workers = max(1, workers)
        name = "repro-kernels-\(classifier.architecture.rawValue)"
        for i in 0..<self.workers {
            let t = Thread { self.work() }  // strong: the thread ends when stopped, then lets go
            t.name = "repro-sut-\(i)"
            threads.append(t)
            t.start()
        }
    }

    /// The validation set is memory-mapped: loading is the operating system's job.
    func loadSamples(_ indices: [Int]) throws {}
    func unloadSamples(_ indices: [Int]) {}

    func issueQuery(_ samples: [QuerySample], sink: ResponseSink) {
        queue.withLock { q in q.append(samples, sink) }
        pending.add(samples.count, ordering: .releasing)
        for _ in 0..<min(samples.count, workers) { wake.signal() }
    }

    func flushQueries() {}

    func shutdown() {
        stopping.store(true, ordering: .releasing)
        for _ in 0..<workers { wake.signal() }
    }

    func work() {
        let workspace = Classifier.Workspace()
        let input = UnsafeMutablePointer<Float>.allocate(capacity: maxBatch * sampleSize)
        defer { input.deallocate() }
        while !stopping.load(ordering: .acquiring) {
            let batch = queue.withLock { $0.take(maxBatch) }
            if batch.isEmpty {
                if !awaitWorkBriefly() { _ = wake.wait(timeout: .now() + .milliseconds(20)) }
                continue
            }
            pending.subtract(batch.count, ordering: .relaxed)
            for (i, (sample, _)) in batch.enumerated() {
                (input + i * sampleSize).update(from: images.floats + sample.index * sampleSize, count: sampleSize)
            }
            let classes = classifier.classify(input, batch: batch.count, workspace: workspace)
            for (i, (sample, sink)) in batch.enumerated() {
                let c = UInt32(truncatingIfNeeded: classes[i])
                sink.complete(
                    id: sample.id, bytes: [UInt8(c & 255), UInt8(c >> 8 & 255), UInt8(c >> 16 & 255), UInt8(c >> 24)])
            }
        }
    }
}

extension KernelsSUT {
    /// How long an idle worker watches for the next query before it sleeps. Waking a sleeping thread costs tens of
    /// microseconds on a virtual machine, more than classifying a sample (measured with the MLP: single-stream p90
    /// 45 µs when it slept at once, 7 µs when it watched first); it yields while it watches, so any other thread
    /// that needs the CPU gets it.
    static let spinNanoseconds: UInt64 = 200_000

    /// True when work (or the stop) arrived within `spinNanoseconds`.
    func awaitWorkBriefly() -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + KernelsSUT.spinNanoseconds
        while DispatchTime.now().uptimeNanoseconds < deadline {
            if pending.load(ordering: .acquiring) > 0 || stopping.load(ordering: .relaxed) { return true }
            sched_yield()
        }
        return false
    }
}

/// Queued samples, taken from the front in batches without moving the rest (an Offline query can hold millions).
struct SampleQueue {
    private var items: [(QuerySample, ResponseSink)] = []
    private var head = 0

    mutating func append(_ samples: [QuerySample], _ sink: ResponseSink) {
        if head > 0 && head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        items.reserveCapacity(items.count + samples.count)
        for s in samples { items.append((s, sink)) }
    }

    mutating func take(_ n: Int) -> ArraySlice<(QuerySample, ResponseSink)> {
        let end = min(items.count, head + n)
        let batch = items[head..<end]
        head = end
        return batch
    }
}

import Dispatch
import Foundation
import Kernels
import LoadGen
import Synchronization
import Workflow

/// The built-in system under test: a model on the Kernels answering from a memory-mapped sample library.
/// `workers` threads take queued samples in batches of up to `maxBatch` (one sample at a time when the queue holds
/// one, so single-stream latency is not padded); each answer is the predicted class as int32, little-endian.
/// What a worker does with a batch (`Classify`) is made once per worker thread, so its buffers are its own.
final class KernelsSUT: SystemUnderTest, QuerySampleLibrary, @unchecked Sendable {
    /// The classes of the samples at these QSL indices.
    typealias Classify = ([Int]) -> [Int]

    let name: String
    /// What model it runs, for the record (`mlp`, `resnet8`, or an ONNX file's name).
    let model: String
    let totalSampleCount: Int
    let performanceSampleCount: Int
    let maxBatch: Int
    let queue = Mutex(SampleQueue())
    let wake = DispatchSemaphore(value: 0)
    /// Samples queued and not yet taken, read by idle workers that spin before they sleep.
    let pending = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    let workers: Int
    private var threads: [Thread] = []

    init(
        name: String, model: String, sampleCount: Int, workers: Int, maxBatch: Int,
        worker: @escaping @Sendable () -> Classify
    ) {
        self.name = name
        self.model = model
        totalSampleCount = sampleCount
        performanceSampleCount = sampleCount
        self.maxBatch = max(1, maxBatch)
        self.workers = max(1, workers)
        for i in 0..<self.workers {
            let t = Thread { self.work(worker()) }  // strong: the thread ends when stopped, then lets go
            t.name = "repro-sut-\(i)"
            threads.append(t)
            t.start()
        }
    }

    /// A digits model (`model` step weights) on a preprocessed float32 validation set.
    static func digits(weights: String, images path: String, workers: Int, maxBatch: Int) throws -> KernelsSUT {
        let classifier = Classifier(try ModelFile.load(weights))
        let images = try MappedTensor(path: path)
        try images.expect(.float32, rank: 4)
        let sampleSize = images.shape.dropFirst().reduce(1, *)
        guard Array(images.shape.dropFirst()) == classifier.inputShape else {
            throw ActionError.badParameter(
                name: "data",
                problem: "the images are \(images.shape.dropFirst().map(String.init).joined(separator: "x")) "
                    + "but the model takes \(classifier.inputShape.map(String.init).joined(separator: "x"))")
        }
        let batch = max(1, maxBatch)
        return KernelsSUT(
            name: "repro-kernels-\(classifier.architecture.rawValue)", model: classifier.architecture.rawValue,
            sampleCount: images.shape[0], workers: workers, maxBatch: batch
        ) {
            let workspace = Classifier.Workspace()
            let input = UnsafeMutablePointer<Float>.allocate(capacity: batch * sampleSize)
            return { indices in
                for (i, index) in indices.enumerated() {
                    (input + i * sampleSize).update(from: images.floats + index * sampleSize, count: sampleSize)
                }
                return classifier.classify(input, batch: indices.count, workspace: workspace)
            }
        }
    }

    /// The sample library is memory-mapped: loading is the operating system's job.
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

    func work(_ classify: Classify) {
        while !stopping.load(ordering: .acquiring) {
            let batch = queue.withLock { $0.take(maxBatch) }
            if batch.isEmpty {
                if !awaitWorkBriefly() { _ = wake.wait(timeout: .now() + .milliseconds(20)) }
                continue
            }
            pending.subtract(batch.count, ordering: .relaxed)
            let classes = classify(batch.map { $0.0.index })
            for (i, (sample, sink)) in batch.enumerated() {
                let c = UInt32(bitPattern: Int32(truncatingIfNeeded: classes[i]))
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

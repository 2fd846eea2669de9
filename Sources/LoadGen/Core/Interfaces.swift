/// One sample of a query: the id to complete it with, and the index of the sample in the query sample library.
public struct QuerySample: Sendable, Hashable {
    public let id: UInt64
    public let index: Int

    public init(id: UInt64, index: Int) {
        self.id = id
        self.index = index
    }
}

/// The data set side: LoadGen says which samples to bring into memory before it issues them.
public protocol QuerySampleLibrary: AnyObject {
    var name: String { get }
    var totalSampleCount: Int { get }
    /// How many samples fit in memory at once (the performance set's size).
    var performanceSampleCount: Int { get }
    func loadSamples(_ indices: [Int]) throws
    func unloadSamples(_ indices: [Int])
}

/// The system under test. `issueQuery` is called on LoadGen's issuing thread and should hand the work off
/// quickly; completions go to the sink, from any thread, in any order, each sample exactly once.
public protocol SystemUnderTest: AnyObject {
    var name: String { get }
    func issueQuery(_ samples: [QuerySample], sink: ResponseSink)
    /// No more queries will come: finish what is pending.
    func flushQueries()
}

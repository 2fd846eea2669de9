/// Where a test is, for a progress bar: seconds run of the minimum duration while that is what ends it
/// (performance runs other than Offline), else samples completed of the samples it will issue (accuracy runs,
/// Offline's one query, and the tail of any run once issuing stopped).
public struct LoadGenProgress: Sendable, Equatable {
    public var completed: Int
    /// The samples the run will have issued, when known.
    public var expected: Int?
    /// Seconds since issuing started.
    public var elapsed: Double
    /// The minimum duration, when the run is timed by it.
    public var minimumSeconds: Double?

    public init(completed: Int, expected: Int?, elapsed: Double, minimumSeconds: Double?) {
        self.completed = completed
        self.expected = expected
        self.elapsed = elapsed
        self.minimumSeconds = minimumSeconds
    }
}

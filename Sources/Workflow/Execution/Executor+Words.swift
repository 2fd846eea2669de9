/// The words users see for a node's status, the same in every command: cached, built, failed, not run, skipped.
/// (Manifests keep the raw values: `hit`, `built`, `failed`, `not-run`, `skipped`.)
extension Executor.Status {
    public var word: String {
        switch self {
        case .hit: "cached"
        case .notRun: "not run"
        default: rawValue
        }
    }

    /// The word for a status as a manifest records it.
    public static func word(recorded: String) -> String {
        Executor.Status(rawValue: recorded)?.word ?? recorded
    }
}
